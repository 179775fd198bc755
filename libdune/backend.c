/* backend.c — choosing the backend: KVM only where /dev/kvm works and the
 * CPU advertises hardware virtualization, else the host backend;
 * DUNE_BACKEND=kvm|host overrides, anything else selects none (every
 * call then fails with -EINVAL). */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/kvm.h>
#include "dune_int.h"
#include "backend.h"

static const struct backend *chosen;
static pthread_once_t choose_once = PTHREAD_ONCE_INIT;

/* /dev/kvm answers and makes a VM (not only exists: under qemu-user and
 * in some containers the file opens but KVM does not work). */
static bool kvm_works(void)
{
	const char *dev = getenv("DUNE_KVM_DEVICE");
	int fd = open(dev && *dev ? dev : "/dev/kvm", O_RDWR | O_CLOEXEC), vm = -1;
	bool ok = false;
	if (fd >= 0 && ioctl(fd, KVM_GET_API_VERSION, 0) == KVM_API_VERSION) {
		vm = ioctl(fd, KVM_CREATE_VM, ARCH_KVM_VM_TYPE);
		ok = vm >= 0;
	}
	if (vm >= 0)
		close(vm);
	if (fd >= 0)
		close(fd);
	return ok;
}

static void choose(void)
{
	const char *b = getenv("DUNE_BACKEND");
	int saved = errno;
	if (b && *b)
		chosen = strcmp(b, "kvm") == 0 ? &kvm_backend :
			 strcmp(b, "host") == 0 ? &host_backend : &none_backend;
	else
		chosen = arch_cpu_has_hwvirt() > 0 && kvm_works() ? &kvm_backend : &host_backend;
	errno = saved;
}

const struct backend *backend_get(void)
{
	pthread_once(&choose_once, choose);
	return chosen;
}

DEFINE_REFUSING_BACKEND(none_backend, "none", -EINVAL);

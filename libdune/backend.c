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
		vm = ioctl(fd, KVM_CREATE_VM, 0);
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

static int none_fails(void) { return -EINVAL; }
static int none_escape(void) { return 0; }
static bool none_active(void) { return false; }
static void none_stats(struct dune_stats *out) { (void)out; }
static int none_protect(uintptr_t s, uintptr_t e, int p) { return -EINVAL; }
static int none_lookup(uintptr_t p, struct dune_page_info *i) { return -EINVAL; }
static int none_walk(uintptr_t s, uintptr_t e,
		     int (*cb)(void *, const struct dune_page_info *, void *), void *a)
{
	return -EINVAL;
}
static int none_alias(uintptr_t a, uintptr_t s, uintptr_t e, int p) { return -EINVAL; }
static long none_collect(uintptr_t s, uintptr_t e, uint64_t *b, bool c, bool d)
{
	return -EINVAL;
}
static int none_fault(dune_fault_fn fn, void *arg) { return -EINVAL; }
static int none_trap(int v, dune_trap_fn fn, void *arg) { return -EINVAL; }

const struct backend none_backend = {
	.name = "none",
	.enter = none_fails, .escape = none_escape, .active = none_active,
	.nop = none_fails, .stats = none_stats, .vm_protect = none_protect,
	.vm_lookup = none_lookup, .vm_walk = none_walk, .vm_alias = none_alias,
	.collect = none_collect, .set_fault_handler = none_fault,
	.set_trap_handler = none_trap,
};

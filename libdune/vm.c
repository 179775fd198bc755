/* vm.c — the process's VM and the thread's vCPU: built on first use,
 * reused across escape and re-entry, rebuilt in a forked child (KVM
 * refuses a VM's ioctls from any process but its creator). */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include <linux/kvm.h>
#include "dune_int.h"

#define LOOP_STACK_SIZE (256ul << 10)

static struct dune_vm *current_vm;
static pthread_mutex_t vm_lock = PTHREAD_MUTEX_INITIALIZER;

struct dune_vm *vm_current(void)
{
	return current_vm;
}

static void vcpu_free(struct dune_vcpu *v)
{
	if (!v)
		return;
	arch_vcpu_destroy(v);
	if (v->run)
		sys_munmap(v->run, v->vm->run_size);
	if (v->fd >= 0)
		close(v->fd);
	if (v->stack)
		sys_munmap(v->stack, v->stack_size);
	sys_munmap(v, sizeof(*v));
}

/* Release everything; in a forked child the fds are the parent's VM's
 * copies, and closing them is all that is left to do with them. */
static void vm_free(struct dune_vm *vm)
{
	vcpu_free(vm->vcpu);
	arch_vm_destroy(vm);
	pt_pool_release(vm);
	vmas_release(&vm->vmas);
	slots_release(vm);
	for (int i = 0; i < 2; i++)
		if (vm->probe_pipe[i] >= 0)
			close(vm->probe_pipe[i]);
	if (vm->vm_fd >= 0)
		close(vm->vm_fd);
	if (vm->kvm_fd >= 0)
		close(vm->kvm_fd);
	if (vm->pinned)
		sys_munmap(vm->pinned, vm->pinned_cap * sizeof(*vm->pinned));
	sys_munmap(vm, sizeof(*vm));
}

static int open_kvm(struct dune_vm *vm)
{
	/* DUNE_KVM_DEVICE points elsewhere, for tests of the error path. */
	const char *dev = getenv("DUNE_KVM_DEVICE");
	vm->kvm_fd = open(dev && *dev ? dev : "/dev/kvm", O_RDWR | O_CLOEXEC);
	if (vm->kvm_fd < 0)
		return errno == ENOENT || errno == ENXIO ? -ENODEV : -errno;
	if (ioctl(vm->kvm_fd, KVM_GET_API_VERSION, 0) != KVM_API_VERSION)
		return -ENODEV;
	do
		vm->vm_fd = ioctl(vm->kvm_fd, KVM_CREATE_VM, ARCH_KVM_VM_TYPE);
	while (vm->vm_fd < 0 && errno == EINTR);
	if (vm->vm_fd < 0)
		return -errno;
	vm->run_size = (size_t)ioctl(vm->kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	if ((long)vm->run_size <= 0)
		return -ENODEV;
	return 0;
}

/* The VM and its block table live in their own pages: the guest's
 * exception dispatcher reads them, so they are pinned into the guest. */
static int pin_vm(struct dune_vm *vm)
{
	int r = mirror_pin(vm, (uintptr_t)vm, (uintptr_t)vm + sizeof(*vm),
			   PROT_READ | PROT_WRITE);
	if (r == 0)
		r = mirror_pin(vm, (uintptr_t)vm->blocks,
			       (uintptr_t)(vm->blocks + MAX_BLOCKS), PROT_READ | PROT_WRITE);
	if (r == 0)
		r = mirror_pin_library(vm);
	if (r == 0)
		r = pt_pool_pin(vm);
	return r;
}

static bool env_flag(const char *name)
{
	const char *v = getenv(name);
	return v && *v && strcmp(v, "0") != 0;
}

/* A VM with nothing opened yet: its own pages and its block table. */
static struct dune_vm *vm_alloc(void)
{
	struct dune_vm *vm = sys_mmap(NULL, sizeof(*vm), PROT_READ | PROT_WRITE,
				      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (vm == MAP_FAILED)
		return NULL;
	vm->kvm_fd = vm->vm_fd = vm->probe_pipe[0] = vm->probe_pipe[1] = -1;
	vm->pid = getpid();
	vm->gpa_next = RELOC_BASE;
	vm->vmas.stale = true;
	vm->debug = env_flag("DUNE_DEBUG");
	vm->test_no_flush = env_flag("DUNE_TEST_NO_FLUSH");
	vm->blocks = sys_mmap(NULL, MAX_BLOCKS * sizeof(*vm->blocks), PROT_READ | PROT_WRITE,
			      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (vm->blocks == MAP_FAILED) {
		vm->blocks = NULL;
		vm_free(vm);
		return NULL;
	}
	return vm;
}

static int vm_create(struct dune_vm **out)
{
	struct dune_vm *vm = vm_alloc();
	int r;
	if (!vm)
		return -ENOMEM;
	r = open_kvm(vm);
	if (r == 0 && pipe2(vm->probe_pipe, O_CLOEXEC | O_NONBLOCK) < 0)
		r = -errno;
	if (r == 0)
		r = arch_vm_init(vm);
	if (r == 0)
		r = pin_vm(vm);
	if (r < 0) {
		vm_free(vm);
		return r;
	}
	vm->stats.vms = 1;
	dune_trace(vm, "VM built: %u guest physical bits, %s", vm->phys_bits,
		   vm->phys_bits >= ARCH_USER_VA_BITS ? "GPA = HVA" : "relocated");
	*out = vm;
	return 0;
}

/* Page tables with no KVM behind them, made the process's VM: the
 * page-table code and the public calls on it run natively, for unit tests
 * and for measuring scans on hosts without virtualization. */
int vm_detached(struct dune_vm **out)
{
	struct dune_vm *vm = vm_alloc();
	int r;
	if (!vm)
		return -ENOMEM;
	vm->phys_bits = ARCH_USER_VA_BITS;
	r = arch_pt_init(vm);
	if (r < 0) {
		vm_free(vm);
		return r;
	}
	pthread_mutex_lock(&vm_lock);
	current_vm = vm;
	pthread_mutex_unlock(&vm_lock);
	*out = vm;
	return 0;
}

int vm_get(struct dune_vm **out)
{
	int r = 0;
	pthread_mutex_lock(&vm_lock);
	if (current_vm && current_vm->pid != getpid()) {
		uint64_t vms = current_vm->stats.vms;
		vm_free(current_vm);
		current_vm = NULL;
		r = vm_create(&current_vm);
		if (r == 0)
			current_vm->stats.vms += vms;
	} else if (!current_vm) {
		r = vm_create(&current_vm);
	}
	*out = current_vm;
	pthread_mutex_unlock(&vm_lock);
	return r;
}

static int vcpu_create(struct dune_vm *vm, struct dune_vcpu **out)
{
	struct dune_vcpu *v;
	int r;
	v = sys_mmap(NULL, sizeof(*v), PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (v == MAP_FAILED)
		return -ENOMEM;
	v->vm = vm;
	v->fd = -1;
	v->fd = ioctl(vm->vm_fd, KVM_CREATE_VCPU, 0);
	if (v->fd < 0) {
		r = -errno;
		goto fail;
	}
	fcntl(v->fd, F_SETFD, FD_CLOEXEC);
	v->run = sys_mmap(NULL, vm->run_size, PROT_READ | PROT_WRITE, MAP_SHARED, v->fd, 0);
	if (v->run == MAP_FAILED) {
		v->run = NULL;
		r = -ENOMEM;
		goto fail;
	}
	v->stack_size = LOOP_STACK_SIZE;
	v->stack = sys_mmap(NULL, v->stack_size, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
	if (v->stack == MAP_FAILED) {
		v->stack = NULL;
		r = -ENOMEM;
		goto fail;
	}
	sys_mprotect(v->stack, PAGE_SIZE, PROT_NONE);	/* guard page */
	r = arch_vcpu_init(v);
	if (r < 0)
		goto fail;
	*out = v;
	return 0;
fail:
	vcpu_free(v);
	return r;
}

int vcpu_get(struct dune_vm *vm, struct dune_vcpu **out)
{
	int r = 0;
	pid_t tid = gettid();
	pthread_mutex_lock(&vm_lock);
	if (vm->vcpu && vm->vcpu->tid && vm->vcpu->tid != tid)
		r = -EBUSY;
	else if (!vm->vcpu)
		r = vcpu_create(vm, &vm->vcpu);
	if (r == 0) {
		vm->vcpu->tid = tid;
		*out = vm->vcpu;
	}
	pthread_mutex_unlock(&vm_lock);
	return r;
}

/* kvm.c — the KVM backend: the calling thread continues inside a KVM
 * guest (arch_enter_switch), its VM built on first use (vm.c). */
#include <errno.h>
#include <unistd.h>
#include "dune_int.h"
#include "backend.h"
#include "kvm.h"

static int kvm_enter(void)
{
	struct dune_vm *vm;
	struct dune_vcpu *v;
	long r;
	if (arch_guest_mode())
		return 0;
	r = vm_get(&vm);
	if (r < 0)
		return (int)r;
	r = vcpu_get(vm, &v);
	if (r < 0)
		return (int)r;
	/* Returns inside the guest (0) or back on the host (-errno). */
	return (int)arch_enter_switch(v, (char *)v->stack + v->stack_size, loop_run);
}

static int kvm_escape(void)
{
	if (!arch_guest_mode())
		return 0;
	return (int)arch_hypercall(HC_ESCAPE, 0, 0, 0);
}

static int kvm_nop(void)
{
	if (!arch_guest_mode())
		return -EPERM;
	return (int)arch_hypercall(HC_NOP, 0, 0, 0);
}

static void kvm_stats(struct dune_stats *out)
{
	struct dune_vm *vm = vm_current();
	/* Inside, the VM is ours; outside it may be a parent's copy. */
	if (vm && (arch_guest_mode() || vm->pid == getpid()))
		*out = vm->stats;
	out->dirty_mechanism = "pte-dirty-bits";
	out->young_mechanism = "pte-accessed-bits";
	out->fault_mechanism = "guest-exceptions";
}

const struct backend kvm_backend = {
	.name = "kvm-" ARCH_NAME,
	.enter = kvm_enter,
	.escape = kvm_escape,
	.active = arch_guest_mode,
	.nop = kvm_nop,
	.stats = kvm_stats,
	.vm_protect = kvm_vm_protect,
	.vm_lookup = kvm_vm_lookup,
	.vm_walk = kvm_vm_walk,
	.vm_alias = kvm_vm_alias,
	.collect = kvm_collect,
	.set_fault_handler = kvm_set_fault_handler,
	.set_trap_handler = kvm_set_trap_handler,
};

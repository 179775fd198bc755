/* loop.c — the host side of a thread inside dune: run the vCPU, serve its
 * exits, and hand the thread back to the host CPU on escape or on a fault
 * that native execution must see. */
#include <errno.h>
#include "dune_int.h"

static __attribute__((noreturn)) void leave(struct dune_vcpu *v, long value,
					    bool count)
{
	struct dune_vm *vm = v->vm;
	if (count)
		vm->stats.escapes++;
	v->tid = 0;
	arch_set_return(v, value);
	arch_resume_host(v);
}

/* Continue the guest's code natively from its current state: a fault the
 * library cannot resolve happens again on the host and raises the signal
 * native execution raises. */
static __attribute__((noreturn)) void replay(struct dune_vcpu *v, const char *why,
					     const struct exit_info *e)
{
	struct dune_vm *vm = v->vm;
	dune_trace(vm, "replaying natively (%s, vector %d, addr %#lx)", why,
		   e->vector, (unsigned long)e->addr);
	vm->stats.native_faults++;
	vm->stats.escapes++;
	v->tid = 0;
	arch_vcpu_save(v);
	arch_resume_host(v);
}

static void count(struct dune_vm *vm, enum dune_exit_reason reason)
{
	vm->stats.exits++;
	vm->stats.exits_by_reason[reason]++;
}

static void serve_syscall(struct dune_vcpu *v)
{
	long nr, args[6], ret;
	bool flush;
	count(v->vm, DUNE_EXIT_SYSCALL);
	arch_syscall_args(v, &nr, args);
	ret = syscall_forward(v, nr, args, &flush);
	arch_syscall_return(v, ret, flush);
}

void loop_run(struct dune_vcpu *v)
{
	struct dune_vm *vm = v->vm;
	struct exit_info e;
	int host_faults = 0;
	int r = arch_vcpu_load(v);
	if (r < 0)
		leave(v, r, false);
	vm->stats.enters++;
	for (bool first = true;; first = false) {
		arch_vcpu_run(v, &e);
		if (e.kind != EXIT_HOST_FAULT)
			host_faults = 0;
		switch (e.kind) {
		case EXIT_SYSCALL:
			serve_syscall(v);
			break;
		case EXIT_PAGE_FAULT:
			count(vm, DUNE_EXIT_FAULT);
			if (mirror_fault(vm, e.addr, e.access) < 0)
				replay(v, "page fault", &e);
			vm->stats.faults++;
			arch_fault_return(v, false);
			break;
		case EXIT_ESCAPE:
			count(vm, DUNE_EXIT_ESCAPE);
			if (arch_vcpu_save(v) < 0)
				replay(v, "state lost", &e);
			leave(v, 0, true);
		case EXIT_NOP:
			count(vm, DUNE_EXIT_NOP);
			arch_nop_return(v);
			break;
		case EXIT_INTERRUPTED:
			count(vm, DUNE_EXIT_INTERRUPT);
			break;
		case EXIT_HOST_FAULT:
			/* Host mappings changed under the guest's page tables:
			 * rebuild once; if it persists, the access is bad. */
			count(vm, DUNE_EXIT_HOST_FAULT);
			if (host_faults++)
				replay(v, "host fault", &e);
			mirror_zap_all(vm);
			arch_fault_return(v, true);
			break;
		case EXIT_EXCEPTION:
			count(vm, DUNE_EXIT_EXCEPTION);
			replay(v, "exception", &e);
		case EXIT_BROKEN:
			count(vm, DUNE_EXIT_OTHER);
			dune_trace(vm, "KVM exit %d, error %d", e.vector, e.error);
			if (first) {
				vm->stats.enters--;
				leave(v, e.error ? e.error : -EIO, false);
			}
			replay(v, "broken", &e);
		}
	}
}

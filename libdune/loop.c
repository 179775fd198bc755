/* loop.c — the host side of a thread inside dune: run the vCPU, serve its
 * system calls and hypercalls, and hand the thread back to the host CPU on
 * escape or when native execution must take over. */
#include <errno.h>
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "dune_int.h"

static __attribute__((noreturn)) void leave(struct dune_vcpu *v, long value,
					    bool count)
{
	if (count)
		v->vm->stats.escapes++;
	v->tid = 0;
	arch_set_return(v, value);
	arch_resume_host(v);
}

/* Continue the guest's code natively from its current (logical) state:
 * a fault the library cannot resolve happens again on the host and
 * raises the signal native execution raises. */
static __attribute__((noreturn)) void replay(struct dune_vcpu *v, const char *why)
{
	struct dune_vm *vm = v->vm;
	dune_trace(vm, "continuing natively: %s", why);
	vm->stats.native_faults++;
	vm->stats.escapes++;
	v->tid = 0;
	arch_vcpu_save(v);
	arch_resume_host(v);
}

/* Die of sig with its default action, as a forced synchronous signal
 * does when it is blocked, ignored or not handled. */
static __attribute__((noreturn)) void die_of(int sig)
{
	struct sigaction dfl = { .sa_handler = SIG_DFL };
	sigset_t set;
	sigaction(sig, &dfl, NULL);
	sigemptyset(&set);
	sigaddset(&set, sig);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	for (;;) {
		long a[6] = { getpid(), syscall(SYS_gettid), sig };
		arch_syscall6(SYS_tgkill, a);
	}
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

static void serve_hypercall(struct dune_vcpu *v)
{
	struct dune_vm *vm = v->vm;
	long nr, a[3], ret = 0;
	arch_hypercall_args(v, &nr, a);
	switch (nr) {
	case HC_ESCAPE:
		count(vm, DUNE_EXIT_ESCAPE);
		if (arch_vcpu_save(v) < 0)
			replay(v, "state lost");
		leave(v, 0, true);
	case HC_NOP:
		count(vm, DUNE_EXIT_NOP);
		break;
	case HC_FAULT:
		count(vm, DUNE_EXIT_FAULT);
		ret = mirror_fault(vm, (uintptr_t)a[0], (unsigned)a[1]);
		if (ret == 0)
			vm->stats.faults++;
		break;
	case HC_POPULATE:
		count(vm, DUNE_EXIT_FAULT);
		ret = mirror_populate(vm, (uintptr_t)a[0], (uintptr_t)a[1]);
		break;
	case HC_REPLAY:
		count(vm, DUNE_EXIT_EXCEPTION);
		if (arch_trap_replay(v, (uintptr_t)a[0]) < 0)
			die_of(SIGSEGV);
		replay(v, "exception");
	case HC_KILL:
		count(vm, DUNE_EXIT_EXCEPTION);
		die_of((int)a[0]);
	default:
		count(vm, DUNE_EXIT_OTHER);
		ret = -ENOSYS;
	}
	arch_syscall_return(v, ret, false);
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
		case EXIT_HYPERCALL:
			serve_hypercall(v);
			break;
		case EXIT_INTERRUPTED:
			count(vm, DUNE_EXIT_INTERRUPT);
			break;
		case EXIT_HOST_FAULT:
			/* Host mappings changed under the guest's page tables:
			 * resynchronise once; if it persists, the access is bad. */
			count(vm, DUNE_EXIT_HOST_FAULT);
			if (host_faults++)
				replay(v, "host fault");
			mirror_resync(vm);
			arch_fault_return(v, true);
			break;
		case EXIT_BROKEN:
			count(vm, DUNE_EXIT_OTHER);
			dune_trace(vm, "KVM exit %d, error %d", e.vector, e.error);
			if (first) {
				/* Nothing ran: the caller gets the error. */
				vm->stats.enters--;
				leave(v, e.error ? e.error : -EIO, false);
			}
			if (e.error == 0)
				replay(v, "an instruction only the host can run");
			/* The guest's state is lost (a shutdown): continuing
			 * anywhere would run code twice. */
			die_of(SIGSEGV);
		}
	}
}

/* guest.c — the guest-side exception dispatcher: runs in the guest, on
 * the exception stack, for every exception inside dune.  Page faults the
 * guest-only protection explains go straight to the program's fault
 * handler; others ask the host to mirror the page (HC_FAULT).  What no
 * handler takes becomes the signal native execution would raise.
 *
 * Until the HC_FAULT hypercall, this path touches only memory the library
 * pins into every guest (its own code and data, the VM, the page tables):
 * a fault there could not be served. */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <ucontext.h>
#include "dune_int.h"

/* A system call from guest code (forwarded to the host like any other),
 * without libc: errno is the interrupted code's. */
static long guest_syscall(long nr, long a0, long a1, long a2, long a3)
{
	long a[6] = { a0, a1, a2, a3, 0, 0 };
	return arch_syscall6(nr, a);
}

static bool permits(int prot, unsigned access)
{
	if (access & ACCESS_WRITE)
		return prot & PROT_WRITE;
	if (access & ACCESS_EXEC)
		return prot & PROT_EXEC;
	return prot != 0;
}

/* Whether the guest-only protection, and not the host, denies this. */
static bool guard_denies(struct dune_vm *vm, const struct trap *t)
{
	struct pte p;
	if (arch_pte_get(vm, t->addr & PAGE_MASK, &p) < 0 || !p.guarded)
		return false;
	return !permits(p.guard_prot, t->access) && permits(p.host_prot, t->access);
}

static __attribute__((noreturn)) void die_natively(struct trap *t, int sig, bool replay)
{
	if (replay)
		arch_hypercall(HC_REPLAY, (long)(uintptr_t)t->frame, 0, 0);
	arch_hypercall(HC_KILL, sig, 0, 0);
	__builtin_unreachable();
}

/* Signal delivery as Linux does it for a synchronous fault: a blocked or
 * ignored signal is forced to its default action; otherwise the handler
 * runs (here, inside dune) with sa_mask and the signal blocked. */
static void deliver(struct dune_vm *vm, struct trap *t, bool replayable)
{
	struct arch_sigaction sa;
	uint64_t old_mask = 0, block;
	stack_t ss = { 0 };
	siginfo_t si;
	uintptr_t addr, sp;
	int code, sig = arch_trap_signal(t, &code, &addr);
	if (!sig)
		die_natively(t, SIGSEGV, true);
	/* Where the backend cannot build a frame the handler could return
	 * from, the signal is left to native execution. */
	if (arch_sigaction_get(sig, &sa) < 0 ||
	    guest_syscall(SYS_rt_sigprocmask, SIG_BLOCK, 0, (long)&old_mask, 8) < 0)
		die_natively(t, sig, replayable);
	if (sa.handler == (uintptr_t)SIG_DFL || sa.handler == (uintptr_t)SIG_IGN ||
	    (old_mask & (1ull << (sig - 1))))
		die_natively(t, sig, replayable);
	memset(&si, 0, sizeof(si));
	si.si_signo = sig;
	si.si_code = code;
	si.si_addr = (void *)addr;
	guest_syscall(SYS_sigaltstack, 0, (long)&ss, 0, 0);
	sp = arch_trap_sp(t);
	if ((sa.flags & SA_ONSTACK) && !(ss.ss_flags & (SS_DISABLE | SS_ONSTACK)))
		sp = (uintptr_t)ss.ss_sp + ss.ss_size;
	else
		sp -= 128;	/* the interrupted code's red zone */
	block = sa.mask | ((sa.flags & SA_NODEFER) ? 0 : 1ull << (sig - 1));
	guest_syscall(SYS_rt_sigprocmask, SIG_BLOCK, (long)&block, 0, 8);
	if (sa.flags & SA_RESETHAND) {
		arch_sigaction_reset(sig);
	}
	arch_signal_frame(t, &si, sp, sa.handler, sa.restorer, old_mask, &ss);
	vm->stats.signals++;
}

static bool call_fault_fn(struct dune_vm *vm, struct trap *t)
{
	ucontext_t uc;
	dune_fault_fn fn = vm->fault_fn;
	if (!fn)
		return false;
	arch_trap_to_ucontext(t, &uc);
	int r = fn((void *)t->addr, t->access, &uc, vm->fault_arg);
	if (r != DUNE_RETRY)
		return false;
	arch_trap_from_ucontext(t, &uc);
	return true;
}

static bool call_trap_fn(struct dune_vm *vm, struct trap *t)
{
	ucontext_t uc;
	dune_trap_fn fn;
	if (t->vector < 0 || t->vector >= NTRAPS || !(fn = vm->trap_fn[t->vector]))
		return false;
	arch_trap_to_ucontext(t, &uc);
	int r = fn(t->vector, &uc, vm->trap_arg[t->vector]);
	if (r != DUNE_RETRY)
		return false;
	arch_trap_from_ucontext(t, &uc);
	return true;
}

void guest_trap(struct trap *t)
{
	struct dune_vm *vm = vm_current();
	bool replayable = true;
	if (t->kind == TRAP_PAGE_FAULT) {
		if (guard_denies(vm, t)) {
			t->si_code = SEGV_ACCERR;
			replayable = false;	/* natively, nothing would fault */
		} else {
			long r = arch_hypercall(HC_FAULT, (long)t->addr, t->access, 0);
			if (r == 0)
				return;		/* mirrored: retry */
			t->si_code = r == -EACCES ? SEGV_ACCERR : SEGV_MAPERR;
		}
		vm->stats.guest_faults++;
		if (call_fault_fn(vm, t))
			return;
	} else {
		vm->stats.guest_faults++;
		if (call_trap_fn(vm, t))
			return;
	}
	deliver(vm, t, replayable);
}

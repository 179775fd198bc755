/* trap.c (loongarch64) — guest side: the C half of the exception
 * handler (entry.S), TLB maintenance for swtlb, the trap frame as guest.c
 * and the program's handlers see it. */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <ucontext.h>
#include "la.h"

/* INVTLB (Vol. 1, chapter 4): op 0 clears every entry; op 5 those with
 * G = 0, the ASID in rj and the address in rk. */
void swtlb_flush_here(void)
{
	__asm__ volatile("invtlb 0, $zero, $zero" ::: "memory");
}

void swtlb_retire(uintptr_t va)
{
	__asm__ volatile("invtlb 5, $zero, %0" : : "r"(va) : "memory");
}

static enum trap_kind kind_of(unsigned ecode)
{
	if (la_exc_is_tlb(ecode) || ecode == ECODE_PPI || ecode == ECODE_ADE ||
	    ecode == ECODE_ALE)
		return TRAP_PAGE_FAULT;
	switch (ecode) {
	case ECODE_BRK:
		return TRAP_BREAKPOINT;
	case ECODE_INE:
		return TRAP_INVALID_OP;
	default:
		return TRAP_OTHER;
	}
}

void la_guest_exception(struct la_frame *f)
{
	struct dune_vm *vm = vm_current();
	unsigned ecode = ESTAT_ECODE(f->estat);
	struct trap t = { .vector = (int)ecode, .kind = kind_of(ecode),
			  .addr = f->badv, .frame = f };
	if (t.kind == TRAP_PAGE_FAULT) {
		t.access = la_exc_access(ecode);
		if (la_exc_is_tlb(ecode) && swtlb_guest_fixup(vm, f->badv, t.access))
			return;
	}
	guest_trap(&t);
}

/* glibc's LoongArch mcontext_t: __pc, __gregs[32]. */
void arch_trap_to_ucontext(const struct trap *t, void *uc)
{
	const struct la_frame *f = t->frame;
	ucontext_t *u = uc;
	memset(u, 0, sizeof(*u));
	for (int i = 0; i < 32; i++)
		u->uc_mcontext.__gregs[i] = f->gpr[i];
	u->uc_mcontext.__pc = f->era;
}

void arch_trap_from_ucontext(struct trap *t, const void *uc)
{
	struct la_frame *f = t->frame;
	const ucontext_t *u = uc;
	for (int i = 1; i < 32; i++)
		f->gpr[i] = u->uc_mcontext.__gregs[i];
	f->era = u->uc_mcontext.__pc;
}

int arch_trap_signal(const struct trap *t, int *code, uintptr_t *addr)
{
	*addr = t->addr;
	switch (t->kind) {
	case TRAP_PAGE_FAULT:
		*code = t->si_code;
		return t->vector == ECODE_ALE ? SIGBUS : SIGSEGV;
	case TRAP_BREAKPOINT:
		*code = TRAP_BRKPT;
		return SIGTRAP;
	case TRAP_INVALID_OP:
		*code = ILL_ILLOPC;
		return SIGILL;
	default:
		*code = 0;
		return 0;
	}
}

uintptr_t arch_trap_sp(const struct trap *t)
{
	return ((const struct la_frame *)t->frame)->gpr[3];
}

/* Handlers return through the vDSO's trampoline (no sa_restorer on
 * LoongArch): such signals are raised natively (guest.c). */
int arch_sigaction_get(int sig, struct arch_sigaction *sa)
{
	(void)sig; (void)sa;
	return -ENOTSUP;
}

void arch_sigaction_reset(int sig)
{
	(void)sig;
}

int arch_signal_frame(struct trap *t, const void *siginfo, uintptr_t sp,
		      uintptr_t handler, uintptr_t restorer, uint64_t old_mask,
		      const void *stack)
{
	(void)t; (void)siginfo; (void)sp; (void)handler; (void)restorer;
	(void)old_mask; (void)stack;
	return -ENOTSUP;
}

/* trap.c (mips64) — guest side: the C half of the general exception
 * handler (entry.S), TLB maintenance for swtlb, and the trap frame as
 * guest.c and the program's handlers see it. */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <ucontext.h>
#include "mips.h"

#define CP0_ASM(x) ".set push\n.set mips64r2\n" x "\n.set pop"

/* Vol. III "Config1 Register": MMUSize - 1 in bits 30..25. */
static unsigned tlb_entries(void)
{
	uint32_t c1;
	__asm__ volatile(CP0_ASM("mfc0 %0, $16, 1") : "=r"(c1));
	return ((c1 >> 25) & 63) + 1;
}

/* Overwrite entry i with an EntryHi no access matches (xkseg, R = 3). */
static void tlb_kill(uint32_t i)
{
	uint64_t unique = 0xc000000000000000ull | ((uint64_t)i << 13);
	__asm__ volatile(CP0_ASM("mtc0 %0, $0\ndmtc0 %1, $10\ndmtc0 $0, $2\n"
				 "dmtc0 $0, $3\nmtc0 $0, $5\nehb\ntlbwi\nehb")
			 : : "r"(i), "r"(unique) : "memory");
}

/* A new ASID misses every non-global entry; when the 8-bit ASID wraps,
 * every entry is overwritten first. */
void swtlb_flush_here(void)
{
	uint64_t hi, asid;
	__asm__ volatile(CP0_ASM("dmfc0 %0, $10") : "=r"(hi));
	asid = (hi + 1) & 0xff;
	if (asid == 0) {
		for (uint32_t i = 0, n = tlb_entries(); i < n; i++)
			tlb_kill(i);
		asid = 1;
	}
	hi = (hi & ~0xffull) | asid;
	__asm__ volatile(CP0_ASM("dmtc0 %0, $10\nehb") : : "r"(hi) : "memory");
}

/* Drop va's TLB entry (Vol. III: TLBP sets Index.P, bit 31, on a miss):
 * overwrite it with an EntryHi no access can match. */
void swtlb_retire(uintptr_t va)
{
	uint64_t hi, probe = 0;
	uint32_t index;
	__asm__ volatile(CP0_ASM("dmfc0 %0, $10") : "=r"(hi));
	probe = (va & ~0x1fffull) | (hi & 0xff);
	__asm__ volatile(CP0_ASM("dmtc0 %1, $10\nehb\ntlbp\nehb\nmfc0 %0, $0")
			 : "=r"(index) : "r"(probe) : "memory");
	if (!(index & 0x80000000u))
		tlb_kill(index & 0xfff);
	__asm__ volatile(CP0_ASM("dmtc0 %0, $10\nehb") : : "r"(hi) : "memory");
}

static enum trap_kind kind_of(unsigned code)
{
	switch (code) {
	case EXC_MOD: case EXC_TLBL: case EXC_TLBS: case EXC_TLBRI:
	case EXC_TLBXI: case EXC_ADEL: case EXC_ADES:
		return TRAP_PAGE_FAULT;
	case EXC_BP:
		return TRAP_BREAKPOINT;
	case EXC_RI:
		return TRAP_INVALID_OP;
	case EXC_TR:
		return TRAP_DIVIDE;	/* GCC's divide-by-zero check: TEQ ..., 7 */
	default:
		return TRAP_OTHER;
	}
}

void mips_guest_exception(struct mips_frame *f)
{
	struct dune_vm *vm = vm_current();
	unsigned code = CAUSE_EXCCODE(f->cause);
	uint64_t pc = f->epc + ((f->cause & CAUSE_BD) ? 4 : 0);
	struct trap t = { .vector = (int)code, .kind = kind_of(code),
			  .addr = f->badvaddr, .frame = f };
	if (t.kind == TRAP_PAGE_FAULT) {
		t.access = mips_exc_access(code);
		/* TLBL covers fetches too: the faulting address is the pc's. */
		if (code == EXC_TLBL && (f->badvaddr >> 12) == (pc >> 12))
			t.access = ACCESS_EXEC;
		if (mips_exc_is_tlb(code) && swtlb_guest_fixup(vm, f->badvaddr, t.access))
			return;
	}
	guest_trap(&t);
}

/* glibc's n64 mcontext_t: gregs[32], fpregs, mdhi, mdlo, pc. */
void arch_trap_to_ucontext(const struct trap *t, void *uc)
{
	const struct mips_frame *f = t->frame;
	ucontext_t *u = uc;
	memset(u, 0, sizeof(*u));
	for (int i = 0; i < 32; i++)
		u->uc_mcontext.gregs[i] = f->gpr[i];
	u->uc_mcontext.mdhi = f->hi;
	u->uc_mcontext.mdlo = f->lo;
	u->uc_mcontext.pc = f->epc;
}

void arch_trap_from_ucontext(struct trap *t, const void *uc)
{
	struct mips_frame *f = t->frame;
	const ucontext_t *u = uc;
	for (int i = 1; i < 32; i++)
		if (i != 26 && i != 27)		/* k0, k1: the kernel's */
			f->gpr[i] = u->uc_mcontext.gregs[i];
	f->hi = u->uc_mcontext.mdhi;
	f->lo = u->uc_mcontext.mdlo;
	f->epc = u->uc_mcontext.pc;
}

int arch_trap_signal(const struct trap *t, int *code, uintptr_t *addr)
{
	*addr = t->addr;
	switch (t->kind) {
	case TRAP_PAGE_FAULT:
		*code = t->si_code;
		return t->vector == EXC_ADEL || t->vector == EXC_ADES ? SIGBUS : SIGSEGV;
	case TRAP_BREAKPOINT:
		*code = TRAP_BRKPT;
		return SIGTRAP;
	case TRAP_INVALID_OP:
		*code = ILL_ILLOPC;
		return SIGILL;
	case TRAP_DIVIDE:
		*code = FPE_INTDIV;
		return SIGFPE;
	default:
		*code = 0;
		return 0;
	}
}

uintptr_t arch_trap_sp(const struct trap *t)
{
	return ((const struct mips_frame *)t->frame)->gpr[29];
}

/* Linux on MIPS returns from handlers through a vDSO trampoline, not
 * sa_restorer: such signals are raised natively (guest.c). */
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

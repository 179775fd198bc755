/* host.c (mips64) — what the host backend needs to know about MIPS
 * exceptions as Linux reports them in signals. */
#include <signal.h>
#include <stdint.h>
#include <ucontext.h>
#include "dune_int.h"

void arch_cpu_relax(void)
{
	__asm__ volatile("" ::: "memory");
}

/* The signal context has no Cause register, so read the faulting
 * instruction.  Major opcodes (MIPS64 Vol. II, Table A.2 "MIPS64 Encoding
 * of the Opcode Field"): stores SB 0x28 .. SWR 0x2e, SC 0x38, SWC1 0x39,
 * SCD 0x3c, SDC1 0x3d, SD 0x3f; loads LDL/LDR 0x1a/0x1b, LB 0x20 .. LWU
 * 0x27, LL 0x30 .. LD 0x37. */
static int memory_access(uint32_t insn)
{
	unsigned op = insn >> 26;
	if ((op >= 0x28 && op <= 0x2e) || op == 0x38 || op == 0x39 || op == 0x3c ||
	    op == 0x3d || op == 0x3f)
		return ACCESS_WRITE;
	if (op == 0x1a || op == 0x1b || (op >= 0x20 && op <= 0x27) ||
	    (op >= 0x30 && op <= 0x37))
		return ACCESS_READ;
	return 0;
}

/* A fault in a branch delay slot reports the branch's PC (Cause.BD, Vol.
 * III 9.7): then the access is the next instruction's. */
unsigned arch_uc_access(const void *ucp)
{
	const ucontext_t *uc = ucp;
	const uint32_t *pc = (const uint32_t *)(uintptr_t)uc->uc_mcontext.pc;
	int a = memory_access(pc[0]);
	if (!a)
		a = memory_access(pc[1]);
	return a ? (unsigned)a : ACCESS_READ;
}

/* arch/mips/kernel/traps.c: RI gives SIGILL, BREAK SIGTRAP, a TEQ trap
 * with code 7 (GCC's divide-by-zero check) SIGFPE/FPE_INTDIV, address
 * errors SIGBUS/BUS_ADRALN. */
int arch_signal_vector(int sig, const siginfo_t *si)
{
	switch (sig) {
	case SIGILL:
		return 10;	/* RI */
	case SIGTRAP:
		return 9;	/* Bp */
	case SIGFPE:
		return si->si_code == FPE_INTDIV ? 13 : -1;	/* Tr */
	case SIGBUS:
		return si->si_code == BUS_ADRALN ? 4 : -1;	/* AdEL */
	}
	return -1;
}

int arch_vector_signal(int vector)
{
	switch (vector) {
	case 4: case 5: return SIGBUS;
	case 9: return SIGTRAP;
	case 10: return SIGILL;
	case 13: return SIGFPE;
	}
	return 0;
}

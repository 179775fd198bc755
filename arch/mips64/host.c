/* host.c (mips64) — what the host backend needs to know about MIPS
 * exceptions as Linux reports them in signals. */
#include <signal.h>
#include <stdint.h>
#include <ucontext.h>
#include "dune_int.h"

/* No KVM backend for MIPS64 yet: the host backend serves. */
int arch_cpu_has_hwvirt(void)
{
	return 0;
}

void arch_cpu_relax(void)
{
	__asm__ volatile("" ::: "memory");
}

/* The signal context has no Cause register, so read the faulting
 * instruction: the major opcodes of the stores (MIPS64 Vol. II, Table A.2
 * "MIPS64 Encoding of the Opcode Field"): SB 0x28, SH 0x29, SWL 0x2a,
 * SW 0x2b, SDL 0x2c, SDR 0x2d, SWR 0x2e, SC 0x38, SWC1 0x39, SCD 0x3c,
 * SDC1 0x3d, SD 0x3f.  A fault at the PC itself is a fetch. */
unsigned arch_uc_access(const void *ucp)
{
	const ucontext_t *uc = ucp;
	uint32_t insn = *(const uint32_t *)(uintptr_t)uc->uc_mcontext.pc;
	switch (insn >> 26) {
	case 0x28: case 0x29: case 0x2a: case 0x2b: case 0x2c: case 0x2d:
	case 0x2e: case 0x38: case 0x39: case 0x3c: case 0x3d: case 0x3f:
		return ACCESS_WRITE;
	}
	return ACCESS_READ;
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

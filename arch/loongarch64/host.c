/* host.c (loongarch64) — what the host backend needs to know about
 * LoongArch exceptions as Linux reports them in signals. */
#include <signal.h>
#include <stdint.h>
#include <ucontext.h>
#include "dune_int.h"

void arch_cpu_relax(void)
{
	__asm__ volatile("" ::: "memory");
}

/* The signal context has no ESTAT: read the faulting instruction (Vol.
 * 1, chapter 2, and Appendix "Instruction Encoding"): ST.B/H/W/D and
 * FST.S/D by their 10-bit opcode (0x0a4..0x0a7, 0x0ad, 0x0af), STX.B/H/W/D
 * and FSTX.S/D by their 17-bit one (0x7020, 0x7028, 0x7030, 0x7038,
 * 0x7070, 0x7078), STPTR.W/D and SC.W/D by their 8-bit one (0x25, 0x27,
 * 0x21, 0x23).  Atomics (AM*) read as reads: a simplification. */
static unsigned access_of(uint32_t insn)
{
	uint32_t op10 = insn >> 22, op17 = insn >> 15, op8 = insn >> 24;
	if ((op10 >= 0x0a4 && op10 <= 0x0a7) || op10 == 0x0ad || op10 == 0x0af ||
	    op17 == 0x7020 || op17 == 0x7028 || op17 == 0x7030 || op17 == 0x7038 ||
	    op17 == 0x7070 || op17 == 0x7078 ||
	    op8 == 0x25 || op8 == 0x27 || op8 == 0x21 || op8 == 0x23)
		return ACCESS_WRITE;
	return ACCESS_READ;
}

unsigned arch_uc_access(const void *ucp)
{
	const ucontext_t *uc = ucp;
	return access_of(*(const uint32_t *)(uintptr_t)uc->uc_mcontext.__pc);
}

/* arch/loongarch/kernel/traps.c: INE gives SIGILL, BRK SIGTRAP, ALE
 * SIGBUS/BUS_ADRALN. */
int arch_signal_vector(int sig, const siginfo_t *si)
{
	switch (sig) {
	case SIGILL:
		return 0xd;
	case SIGTRAP:
		return 0xc;
	case SIGBUS:
		return si->si_code == BUS_ADRALN ? 0x9 : -1;
	}
	return -1;
}

int arch_vector_signal(int vector)
{
	switch (vector) {
	case 0x9: return SIGBUS;
	case 0xc: return SIGTRAP;
	case 0xd: return SIGILL;
	}
	return 0;
}

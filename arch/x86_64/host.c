/* host.c (x86-64) — what the host backend needs to know about x86
 * exceptions as Linux reports them in signals. */
#include <signal.h>
#include <ucontext.h>
#include "x86.h"

/* Page-fault error code (Intel SDM Vol. 3A 4.7), which Linux puts in the
 * signal context's err. */
unsigned arch_uc_access(const void *ucp)
{
	const ucontext_t *uc = ucp;
	greg_t err = uc->uc_mcontext.gregs[REG_ERR];
	return err & 2 ? ACCESS_WRITE : err & 16 ? ACCESS_EXEC : ACCESS_READ;
}

/* arch/x86/kernel/traps.c: #DE SIGFPE/FPE_INTDIV, #BP SIGTRAP/SI_KERNEL,
 * #UD SIGILL/ILL_ILLOPN, #GP SIGSEGV/SI_KERNEL, #AC SIGBUS/BUS_ADRALN. */
int arch_signal_vector(int sig, const siginfo_t *si)
{
	switch (sig) {
	case SIGFPE:
		return si->si_code == FPE_INTDIV ? 0 : -1;
	case SIGTRAP:
		return si->si_code == SI_KERNEL ? 3 : -1;
	case SIGILL:
		return 6;
	case SIGSEGV:
		return si->si_code == SI_KERNEL ? 13 : -1;
	case SIGBUS:
		return si->si_code == BUS_ADRALN ? 17 : -1;
	}
	return -1;
}

void arch_cpu_relax(void)
{
	__builtin_ia32_pause();
}

int arch_vector_signal(int vector)
{
	switch (vector) {
	case 0: return SIGFPE;
	case 3: return SIGTRAP;
	case 6: return SIGILL;
	case 13: return SIGSEGV;
	case 17: return SIGBUS;
	}
	return 0;
}

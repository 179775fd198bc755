/* host_signal.c — the host backend's fault handling: it takes SIGSEGV (and
 * the signals of trap vectors with a dune handler) and keeps them taken,
 * recording the program's own sigaction instead (sigaction and signal are
 * interposed), so faults that are not the backend's always reach the
 * program's handler, whether installed before or after, with the kernel's
 * siginfo and ucontext. */
#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "host.h"

extern int __sigaction(int sig, const struct sigaction *act, struct sigaction *old);

static struct sigaction program[NSIG];	/* what the program asked for */
static bool taken[NSIG];

/* A tracker's own protection, or a guard: returns true when the fault was
 * the backend's and the access may be retried. */
static bool page_fault(uintptr_t addr, unsigned access, void *uc)
{
	struct host_region *r;
	host_lock();
	r = host_region_at(addr);
	if (r) {
		size_t page = (addr - r->start) / PAGE_SIZE;
		uint8_t s = r->state[page], t = s;
		if (t & PS_NA)
			t = (t & ~PS_NA) | PS_YOUNG;
		if ((t & PS_WP) && (access & ACCESS_WRITE))
			t = (t & ~PS_WP) | PS_DIRTY;
		if (t != s) {
			uintptr_t at = (r->start + page * PAGE_SIZE) & ~(r->unit - 1);
			host_unit_set(r, at, s & ~t, t & ~s);
			host_mprotect(at, r->unit, host_page_prot(r, page));
			host.stats.host_faults++;
			host_unlock();
			return true;
		}
	}
	host_unlock();
	/* A guard, or a fault of the host mapping: the dune handler first. */
	if (host_inside && host.fault_fn) {
		host.stats.guest_faults++;
		return host.fault_fn((void *)addr, access, uc, host.fault_arg) == DUNE_RETRY;
	}
	return false;
}

static bool trap(int sig, siginfo_t *si, void *uc)
{
	int vector = arch_signal_vector(sig, si);
	dune_trap_fn fn;
	if (vector < 0 || vector >= NTRAPS || !host_inside || !(fn = host.trap_fn[vector]))
		return false;
	host.stats.guest_faults++;
	return fn(vector, uc, host.trap_arg[vector]) == DUNE_RETRY;
}

/* The default action of a fault signal: put the kernel's default back; a
 * fault recurs when the handler returns, anything else is raised again. */
static void default_action(int sig, siginfo_t *si)
{
	struct sigaction dfl = { .sa_handler = SIG_DFL };
	sigset_t set;
	__sigaction(sig, &dfl, NULL);
	taken[sig] = false;
	if (si->si_code > 0 && sig != SIGTRAP)
		return;
	sigemptyset(&set);
	sigaddset(&set, sig);
	pthread_sigmask(SIG_UNBLOCK, &set, NULL);
	syscall(SYS_tgkill, getpid(), syscall(SYS_gettid), sig);
}

/* Run the program's handler as the kernel would have: its mask (and the
 * signal, unless SA_NODEFER) blocked while it runs. */
static void chain(int sig, siginfo_t *si, void *uc)
{
	struct sigaction a = program[sig];
	sigset_t mask = a.sa_mask, old;
	if (a.sa_handler == SIG_IGN && si->si_code <= 0)
		return;
	if (a.sa_handler == SIG_DFL || a.sa_handler == SIG_IGN) {
		default_action(sig, si);
		return;
	}
	if (!(a.sa_flags & SA_NODEFER))
		sigaddset(&mask, sig);
	if (a.sa_flags & SA_RESETHAND) {
		program[sig].sa_handler = SIG_DFL;
		program[sig].sa_flags &= ~SA_SIGINFO;
	}
	pthread_sigmask(SIG_BLOCK, &mask, &old);
	if (a.sa_flags & SA_SIGINFO)
		a.sa_sigaction(sig, si, uc);
	else
		a.sa_handler(sig);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
}

static void on_signal(int sig, siginfo_t *si, void *uc)
{
	int saved = errno;
	bool mine = false;
	if (sig == SIGSEGV && si->si_code > 0 && si->si_code != SI_KERNEL)
		mine = page_fault((uintptr_t)si->si_addr, arch_uc_access(uc), uc);
	else if (si->si_code > 0 || si->si_code == SI_KERNEL)
		mine = trap(sig, si, uc);
	if (!mine)
		chain(sig, si, uc);
	errno = saved;
}

int host_signal_take(int sig)
{
	struct sigaction ours = {
		.sa_sigaction = on_signal,
		.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_RESTART | SA_NODEFER,
	};
	if (sig <= 0 || sig >= NSIG)
		return -EINVAL;
	if (taken[sig])
		return 0;
	sigemptyset(&ours.sa_mask);
	if (__sigaction(sig, &ours, &program[sig]) < 0)
		return -errno;
	taken[sig] = true;
	return 0;
}

/* Interposed: the program's actions for taken signals are recorded, not
 * installed, so the backend stays first and chains to them. */
DUNE_API int sigaction(int sig, const struct sigaction *act, struct sigaction *old)
{
	if (sig > 0 && sig < NSIG && taken[sig]) {
		if (old)
			*old = program[sig];
		if (act)
			program[sig] = *act;
		return 0;
	}
	return __sigaction(sig, act, old);
}

DUNE_API sighandler_t signal(int sig, sighandler_t handler)
{
	struct sigaction a = { .sa_handler = handler, .sa_flags = SA_RESTART }, old;
	sigemptyset(&a.sa_mask);
	if (sigaction(sig, &a, &old) < 0)
		return SIG_ERR;
	return old.sa_handler;
}

/* host-chain.c — the host backend's SIGSEGV handler and the program's own:
 * faults that are the backend's (guards, trackers) never reach the
 * program; every other fault does, with the kernel's siginfo, whether the
 * program installed its handler before or after the backend took the
 * signal.  Host backend only. */
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>
#include "dune_test.h"

static sigjmp_buf jb;
static volatile int program_faults;
static void *volatile program_addr;

static void program_handler(int sig, siginfo_t *si, void *uc)
{
	program_faults++;
	program_addr = si->si_addr;
	siglongjmp(jb, 1);
}

static int dune_faults;

static int unguard(void *addr, unsigned access, void *ctx, void *arg)
{
	char *base = arg;
	if ((char *)addr < base || (char *)addr >= base + 4096)
		return DUNE_SIGNAL;	/* not ours: pass it on */
	dune_faults++;
	dune_vm_protect(base, 4096, PROT_READ | PROT_WRITE);
	return DUNE_RETRY;
}

static void install(void)
{
	struct sigaction sa = { .sa_sigaction = program_handler, .sa_flags = SA_SIGINFO };
	sigaction(SIGSEGV, &sa, NULL);
}

/* One round: a guarded page handled by dune, a dirty-tracked page written,
 * a truly bad address that must reach the program. */
static int round_ok(char *guarded, char *tracked, const char *when)
{
	uint64_t bits[1];
	int before = program_faults, d0 = dune_faults;
	dune_enter();
	dune_vm_protect(guarded, 4096, PROT_READ);
	guarded[1] = 1;				/* the dune handler's */
	dune_young_collect(tracked, 4096, bits, DUNE_CLEAR);	/* now PROT_NONE */
	tracked[0] = 2;				/* the tracker's */
	int young = dune_young_collect(tracked, 4096, bits, 0) == 1;
	int reached = 0;
	if (sigsetjmp(jb, 1) == 0)
		*(volatile int *)24 = 1;	/* the program's */
	else
		reached = program_addr == (void *)24;
	dune_escape();
	return ok(dune_faults == d0 + 1 && young && program_faults == before + 1 && reached,
		  "%s: guard to dune, tracker silent, bad address to the program", when);
}

int main(void)
{
	need_dune();
	if (on_kvm())
		skip_all("host backend only (the KVM backend takes faults in the guest)");
	plan(5);
	char *guarded = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *tracked = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	install();			/* before the backend takes SIGSEGV */
	dune_set_fault_handler(unguard, guarded);
	round_ok(guarded, tracked, "handler installed before");
	install();			/* after: recorded, the backend stays first */
	round_ok(guarded, tracked, "handler installed after");
	struct sigaction now;
	sigaction(SIGSEGV, NULL, &now);
	ok(now.sa_sigaction == program_handler, "sigaction reports the program's own handler");
	signal(SIGSEGV, SIG_DFL);
	int st;
	pid_t pid = fork();
	if (pid == 0) {
		dune_enter();
		*(volatile int *)32 = 1;	/* default action: die natively */
		_exit(0);
	}
	waitpid(pid, &st, 0);
	ok(WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV, "program default: dies of SIGSEGV (%#x)", st);
	/* Outside dune the dune handler is not asked. */
	install();
	int d0 = dune_faults;
	dune_vm_protect(guarded, 4096, PROT_READ);
	if (sigsetjmp(jb, 1) == 0)
		guarded[2] = 1;
	ok(dune_faults == d0 && program_addr == guarded + 2,
	   "outside dune a guard fault goes to the program");
	dune_vm_protect(guarded, 4096, PROT_READ | PROT_WRITE);
	return done_testing();
}

/* guest-signals.c — exceptions inside dune that no dune handler takes
 * reach the program's sigaction handler as native execution would send
 * them (signal, si_code, si_addr), with the guest's registers in the
 * ucontext, register changes taking effect and siglongjmp working; with
 * no handler the process dies as natively. */
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>
#include "dune_test.h"

static sigjmp_buf jb;
static int *volatile bad_address = (int *)8;
static volatile int got_sig, got_code, inside_handler;
static void *volatile got_addr;
static volatile uintptr_t got_rip;

static void on_signal(int sig, siginfo_t *si, void *ucp)
{
	ucontext_t *uc = ucp;
	got_sig = sig;
	got_code = si->si_code;
	got_addr = si->si_addr;
	got_rip = uc->uc_mcontext.gregs[REG_RIP];
	inside_handler = dune_active();
	siglongjmp(jb, 1);
}

static void on_signal_skip(int sig, siginfo_t *si, void *ucp)
{
	ucontext_t *uc = ucp;
	got_sig = sig;
	inside_handler = dune_active();
	uc->uc_mcontext.gregs[REG_RIP] += 2;	/* over the 2-byte ud2 */
	uc->uc_mcontext.gregs[REG_RBX] = 0x1234;
}

static void handle(int sig, void (*fn)(int, siginfo_t *, void *))
{
	struct sigaction sa = { .sa_sigaction = fn, .sa_flags = SA_SIGINFO };
	sigaction(sig, &sa, NULL);
}

static volatile int zero, quotient;
extern char ud2_at[], int3_after[];

/* The quotient is stored: a discarded division may be optimised away. */
static void do_div(void) { quotient = 7 / zero; }

static void do_ud2(void) { __asm__ volatile(".globl ud2_at\nud2_at: ud2"); }

static void do_int3(void) { __asm__ volatile("int3\n.globl int3_after\nint3_after:"); }

#define CATCH(stmt) (got_sig = 0, sigsetjmp(jb, 1) == 0 ? (stmt, 0) : 1)

static void die_unmapped(void) { *bad_address = 1; }
static void die_guarded(void)
{
	char *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	p[0] = 1;
	dune_vm_protect(p, 4096, PROT_READ);
	p[0] = 2;
}
static void in_dune_die_unmapped(void) { dune_enter(); die_unmapped(); }
static void in_dune_die_guarded(void) { dune_enter(); die_guarded(); }
static void in_dune_die_div(void) { dune_enter(); do_div(); }

int main(void)
{
	need_dune();
	plan(16);
	char *ro = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	handle(SIGSEGV, on_signal);	/* installed before entering */
	dune_enter();
	bad_address = (int *)16;
	ok(CATCH(*bad_address = 1) && got_sig == SIGSEGV &&
	   got_code == SEGV_MAPERR && got_addr == (void *)16 && inside_handler,
	   "unmapped: SIGSEGV/SEGV_MAPERR at the address, handler inside dune");
	ok(dune_active(), "siglongjmp back, still inside");
	ok(CATCH(*(volatile char *)ro = 1) && got_sig == SIGSEGV &&
	   got_code == SEGV_ACCERR && got_addr == ro, "read-only host page: SEGV_ACCERR");
	char *g = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	g[0] = 1;
	dune_vm_protect(g, 4096, PROT_NONE);
	ok(CATCH((void)*(volatile char *)(g + 8)) && got_sig == SIGSEGV &&
	   got_code == SEGV_ACCERR && got_addr == g + 8,
	   "guest-protected page, no dune handler: SIGSEGV/SEGV_ACCERR");
	dune_vm_protect(g, 4096, PROT_READ | PROT_WRITE);
	handle(SIGFPE, on_signal);	/* installed after entering */
	ok(CATCH(do_div()) && got_sig == SIGFPE && got_code == FPE_INTDIV,
	   "integer divide by zero: SIGFPE/FPE_INTDIV");
	handle(SIGILL, on_signal);
	ok(CATCH(do_ud2()) && got_sig == SIGILL && got_code == ILL_ILLOPN &&
	   got_addr == ud2_at && got_rip == (uintptr_t)ud2_at,
	   "ud2: SIGILL/ILL_ILLOPN at the instruction, RIP in the context");
	handle(SIGTRAP, on_signal);
	ok(CATCH(do_int3()) && got_sig == SIGTRAP && got_code == SI_KERNEL &&
	   got_rip == (uintptr_t)int3_after, "int3: SIGTRAP/SI_KERNEL, RIP after it");
	ok(dune_active(), "still inside after five signals");
	/* A handler that returns: its register changes take effect. */
	handle(SIGILL, on_signal_skip);
	uint64_t rbx = 0;
	__asm__ volatile("xor %%ebx, %%ebx\n\tud2\n\tmov %%rbx, %0" : "=r"(rbx) : : "rbx");
	ok(got_sig == SIGILL && rbx == 0x1234 && inside_handler,
	   "returning handler: RIP and RBX changes take effect");
	struct dune_stats st;
	dune_stats(&st);
	ok(!on_kvm() || st.signals >= 6, "signals delivered inside dune: %llu",
	   (unsigned long long)st.signals);
	/* The mask is restored after the handler returned. */
	sigset_t now;
	sigprocmask(SIG_BLOCK, NULL, &now);
	ok(!sigismember(&now, SIGILL), "SIGILL unblocked again after sigreturn");
	dune_escape();
	signal(SIGSEGV, SIG_DFL);
	signal(SIGFPE, SIG_DFL);
	bad_address = (int *)8;
	int native = in_child(die_unmapped), inside = in_child(in_dune_die_unmapped);
	ok(inside == native && WIFSIGNALED(inside) && WTERMSIG(inside) == SIGSEGV,
	   "no handler, unmapped: dies as natively (%#x vs %#x)", inside, native);
	inside = in_child(in_dune_die_guarded);
	ok(WIFSIGNALED(inside) && WTERMSIG(inside) == SIGSEGV,
	   "no handler, guest-protected: dies of SIGSEGV (%#x)", inside);
	native = in_child(do_div);
	inside = in_child(in_dune_die_div);
	ok(inside == native && WIFSIGNALED(inside) && WTERMSIG(inside) == SIGFPE,
	   "no handler, divide error: dies as natively (%#x vs %#x)", inside, native);
	/* Blocked SIGSEGV: forced to its default action, as natively. */
	sigset_t block;
	sigemptyset(&block);
	sigaddset(&block, SIGSEGV);
	handle(SIGSEGV, on_signal);
	sigprocmask(SIG_BLOCK, &block, NULL);
	inside = in_child(in_dune_die_unmapped);
	sigprocmask(SIG_UNBLOCK, &block, NULL);
	ok(WIFSIGNALED(inside) && WTERMSIG(inside) == SIGSEGV,
	   "blocked SIGSEGV: still fatal (%#x)", inside);
	ok(!dune_active(), "outside at the end");
	return done_testing();
}

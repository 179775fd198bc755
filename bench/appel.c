/* appel.c — Appel & Li's virtual-memory primitives (ASPLOS 1991), native
 * (mprotect + SIGSEGV) against dune (dune_vm_protect + a fault handler in
 * the guest), in the same run:
 *   prot1   protect one page
 *   trap    a protection fault handled by a user handler (which makes the
 *           page accessible again), back to the faulting code
 *   unprot  unprotect one page
 *   appel1  100 pages: each fault unprotects its page and protects another
 *   appel2  protect all 100 at once, unprotect one per fault
 *   fault   a first touch of a fresh anonymous page
 * Reported per page (per fault for trap, appel1, appel2). */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <dune/dune.h>
#include "bench.h"

#define NPAGES 100
static char *pages;
static long faults;
static int appel1_mode;

static void native_handler(int sig, siginfo_t *si, void *uc)
{
	char *page = (char *)((uintptr_t)si->si_addr & ~4095ul);
	faults++;
	mprotect(page, 4096, PROT_READ | PROT_WRITE);
	if (appel1_mode) {
		long i = (page - pages) / 4096;
		mprotect(pages + ((i + 1) % NPAGES) * 4096, 4096, PROT_READ);
	}
}

static int dune_handler(void *addr, unsigned access, void *ctx, void *arg)
{
	char *page = (char *)((uintptr_t)addr & ~4095ul);
	faults++;
	dune_vm_protect(page, 4096, PROT_READ | PROT_WRITE);
	if (appel1_mode) {
		long i = (page - pages) / 4096;
		dune_vm_protect(pages + ((i + 1) % NPAGES) * 4096, 4096, PROT_READ);
	}
	return DUNE_RETRY;
}

struct result {
	double prot1, trap, unprot, appel1, appel2, fault;
};

static void measure(struct result *r, int (*protect)(void *, size_t, int), long n)
{
	BENCH_MEDIAN(r->prot1, n, , protect(pages + (i_ % NPAGES) * 4096, 4096, PROT_READ),
		     protect(pages, NPAGES * 4096, PROT_READ | PROT_WRITE));
	BENCH_MEDIAN(r->unprot, n, protect(pages, NPAGES * 4096, PROT_READ),
		     protect(pages + (i_ % NPAGES) * 4096, 4096, PROT_READ | PROT_WRITE), );
	/* trap: each write faults once; the handler unprotects. */
	appel1_mode = 0;
	BENCH_MEDIAN(r->trap, NPAGES, protect(pages, NPAGES * 4096, PROT_READ),
		     pages[i_ * 4096] = 1, );
	r->trap -= r->unprot;	/* the handler's own unprotect */
	BENCH_MEDIAN(r->appel2, NPAGES, protect(pages, NPAGES * 4096, PROT_READ),
		     pages[i_ * 4096]++, );
	appel1_mode = 1;
	BENCH_MEDIAN(r->appel1, n, protect(pages + 4096, 4096, PROT_READ),
		     pages[((i_ + 1) % NPAGES) * 4096]++,
		     protect(pages, NPAGES * 4096, PROT_READ | PROT_WRITE));
	appel1_mode = 0;
	char *fresh = NULL;
	BENCH_MEDIAN(r->fault, 256,
		     fresh = mmap(NULL, 256 * 4096, PROT_READ | PROT_WRITE,
				  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
		     fresh[i_ * 4096] = 1, munmap(fresh, 256 * 4096));
}

static int native_protect(void *a, size_t l, int p)
{
	return mprotect(a, l, p);
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 2000;
	struct result nat, dn;
	struct sigaction sa = { .sa_sigaction = native_handler, .sa_flags = SA_SIGINFO };
	int r = dune_enter();
	if (r < 0) {
		fprintf(stderr, "appel: dune_enter: %s\n", strerror(-r));
		return 77;
	}
	dune_escape();
	pages = mmap(NULL, NPAGES * 4096, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	memset(pages, 0, NPAGES * 4096);
	sigaction(SIGSEGV, &sa, NULL);
	measure(&nat, native_protect, n);
	dune_set_fault_handler(dune_handler, NULL);
	dune_enter();
	measure(&dn, dune_vm_protect, n);
	dune_escape();
	printf("Appel-Li primitives, backend %s, median of 5 (ns per page or fault)\n",
	       dune_backend());
	printf("%-8s %12s %12s %10s\n", "", "native", "dune", "native/dune");
	const char *names[] = { "prot1", "trap", "unprot", "appel1", "appel2", "fault" };
	const double *a = &nat.prot1, *b = &dn.prot1;
	for (int i = 0; i < 6; i++)
		printf("%-8s %12.1f %12.1f %10.2f\n", names[i], a[i], b[i], a[i] / b[i]);
	return 0;
}

/* outside.c — mappings changed outside the guest are picked up: by another
 * thread while this one is inside, and by this thread between escape and
 * re-entry (protection raised and lowered, memory unmapped). */
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>
#include "dune_test.h"

static char *volatile shared;
static volatile int stage;

static void *mapper(void *arg)
{
	while (stage != 1)
		;
	char *p = mmap(NULL, 3 << 20, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	p[(3 << 20) - 1] = 42;
	shared = p;
	stage = 2;
	return NULL;
}

static char *region;

static void write_after_outside_mprotect(void)
{
	region[0] = 1;			/* mapped writable in the guest */
	dune_escape();
	mprotect(region, 4096, PROT_READ);
	dune_enter();
	region[0] = 2;			/* must die as natively */
	_exit(0);
}

static void touch_after_outside_munmap(void)
{
	region[4096] = 1;
	dune_escape();
	munmap(region, 8192);
	dune_enter();
	region[4096] = 2;
	_exit(0);
}

static void child_mprotect(void)
{
	if (dune_enter() == 0)
		write_after_outside_mprotect();
}

static void child_munmap(void)
{
	if (dune_enter() == 0)
		touch_after_outside_munmap();
}

int main(void)
{
	pthread_t t;
	int status;
	need_dune();
	plan(6);
	pthread_create(&t, NULL, mapper, NULL);
	dune_enter();
	stage = 1;
	while (stage != 2)
		;
	int v = shared[(3 << 20) - 1];
	shared[0] = 7;
	int inside = dune_active();
	dune_escape();
	pthread_join(t, NULL);
	ok(v == 42 && shared[0] == 7 && inside,
	   "memory mapped by another thread while inside is usable inside");

	region = mmap(NULL, 8192, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	dune_enter();
	v = region[0];			/* mapped read-only in the guest */
	dune_escape();
	mprotect(region, 8192, PROT_READ | PROT_WRITE);
	dune_enter();
	region[0] = 5;			/* stale read-only entry refreshed */
	inside = dune_active();
	dune_escape();
	ok(region[0] == 5 && inside, "protection raised outside: writable inside");
	munmap(region, 8192);

	region = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	status = in_child(child_mprotect);
	ok(WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV,
	   "protection lowered outside: a write inside dies with SIGSEGV (%#x)", status);
	status = in_child(child_munmap);
	ok(WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV,
	   "unmapped outside: a touch inside dies with SIGSEGV (%#x)", status);
	/* Same page re-mapped outside with other contents. */
	region[0] = 1;
	dune_enter();
	v = region[0];
	dune_escape();
	munmap(region, 8192);
	char *again = mmap(region, 8192, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	again[0] = 9;
	dune_enter();
	v = again[0];
	dune_escape();
	ok(again == region && v == 9, "re-mapped outside: inside sees the new page");
	struct dune_stats st;
	dune_stats(&st);
	ok(!on_kvm() || (st.faults > 0 && st.maps_reads > 0), "faults %llu, maps re-read %llu times",
	   (unsigned long long)st.faults, (unsigned long long)st.maps_reads);
	return done_testing();
}

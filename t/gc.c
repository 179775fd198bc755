/* gc.c — libdune-gc keeps Boehm GC correct in incremental and generational
 * mode with dirty bits as its only write barrier.  Negative controls (no
 * feeding; feeding one event late, at MARK_END) are run as fresh
 * processes and must lose objects: if they ever pass, the test is not
 * testing.  Runs on both backends. */
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>
#include <gc/gc.h>
#include <dune/gc.h>
#include "dune_test.h"

#define N 4096
#define MASK 0x5555555555555555ul	/* hides pointers from the conservative scan */

struct node {
	struct node *child;
	long tag;
	char pad[48];
};

static struct node **old;	/* GC-allocated, rooted here */
static struct node *ballast;	/* a big live list: marking takes many steps */

static void make_ballast(void)
{
	/* Marking must not finish in the first world-stopped attempt (which
	 * GC_time_limit bounds, here to nothing) nor in one step. */
	GC_set_time_limit(0);
	GC_set_rate(1);
	for (int i = 0; i < 262144; i++) {
		struct node *n = dune_gc_malloc(sizeof(*n));
		n->child = ballast;
		ballast = n;
	}
}

static void make_old(size_t size)
{
	old = GC_MALLOC(N * sizeof(*old));
	for (int i = 0; i < N; i++)
		old[i] = dune_gc_malloc(size);
	/* Every old node marked, its page clean; twice, so that no dirty page
	 * reported one collection late is left over for the next cycle. */
	GC_gcollect();
	GC_gcollect();
}

/* Allocate garbage so freed objects are handed out again: a lost object's
 * tag is overwritten.  No collection meanwhile: one would rescan pages
 * fed late and could still rescue an unswept object. */
static void churn(void)
{
	GC_disable();
	for (int i = 0; i < 8 * N; i++) {
		struct node *g = dune_gc_malloc(sizeof(*g));
		g->tag = -1;
	}
	GC_enable();
}

static int count_lost(size_t offset)
{
	int lost = 0;
	for (int i = 0; i < N; i++) {
		struct node *c = *(struct node **)((char *)old[i] + offset);
		if (!c || c->tag != i * 7 + 1)
			lost++;
	}
	return lost;
}

/* The store that needs the barrier: the only reference to a new object
 * goes into an old, already marked one, in the middle of a cycle. */
static void store_children(size_t offset)
{
	for (int i = 0; i < N; i++) {
		struct node *n = dune_gc_malloc(sizeof(*n));
		n->tag = i * 7 + 1;
		*(struct node **)((char *)old[i] + offset) = n;
	}
}

/* Incremental: returns the number of lost objects; *in_cycle whether a
 * cycle was running at the stores.  The cycle after the full collection is
 * partial: the old objects keep their marks and are rescanned only if
 * their pages are reported dirty, so only the barrier saves the new ones. */
static int incremental(size_t size, size_t offset, int *in_cycle)
{
	make_old(size);
	GC_start_incremental_collection();
	*in_cycle = GC_collect_a_little();
	GC_disable();		/* the cycle stays unfinished during the stores */
	store_children(offset);
	GC_enable();
	while (GC_collect_a_little())
		;
	churn();
	return count_lost(offset);
}

static int generational(void)
{
	make_old(sizeof(struct node));
	store_children(0);	/* right after a full collection */
	for (int cycle = 0; cycle < 3; cycle++) {
		GC_start_incremental_collection();
		while (GC_collect_a_little())
			;
	}
	churn();
	return count_lost(0);
}

/* The kernel stores the pointers: read() from a pipe into old nodes. */
static int through_pipe(void)
{
	int fds[2], lost = 0;
	uintptr_t hidden[256];
	if (pipe(fds) < 0)
		return -1;
	make_old(sizeof(struct node));
	GC_start_incremental_collection();
	GC_collect_a_little();
	GC_disable();
	/* New objects, referenced only in hidden form, during the cycle. */
	for (int i = 0; i < 256; i++) {
		struct node *n = dune_gc_malloc(sizeof(*n));
		n->tag = i * 7 + 1;
		hidden[i] = (uintptr_t)n ^ MASK;
	}
	for (int i = 0; i < 256; i++) {
		uintptr_t p = hidden[i] ^ MASK;
		if (write(fds[1], &p, sizeof(p)) != sizeof(p) ||
		    read(fds[0], &old[i]->child, sizeof(p)) != sizeof(p))
			return -1;
		p = 0;
	}
	GC_enable();
	while (GC_collect_a_little())
		;
	churn();
	for (int i = 0; i < 256; i++)
		lost += old[i]->child->tag != i * 7 + 1;
	return lost;
}

/* A negative control in a fresh process: how many objects it lost. */
static int control(const char *self, const char *feed)
{
	int fds[2], st;
	char buf[32] = { 0 };
	if (pipe(fds) < 0)
		return -1;
	pid_t pid = fork();
	if (pid == 0) {
		dup2(fds[1], 1);
		setenv("DUNE_GC_TEST_FEED", feed, 1);
		execl(self, self, "control", (char *)NULL);
		_exit(127);
	}
	close(fds[1]);
	if (read(fds[0], buf, sizeof(buf) - 1) < 0)
		buf[0] = 0;
	waitpid(pid, &st, 0);
	return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? atoi(buf) : -1;
}

int main(int argc, char **argv)
{
	struct dune_gc_stats st;
	int in_cycle = 0, r;
	need_dune();
	r = dune_gc_init(DUNE_GC_ENTER | DUNE_GC_KEEP_MAPPED);
	if (r == 0)
		make_ballast();
	if (argc > 1) {		/* a control: print the losses */
		int lost = r == 0 ? incremental(sizeof(struct node), 0, &in_cycle) : -1;
		char out[32];
		int len = snprintf(out, sizeof(out), "%d\n", lost);
		return write(1, out, (size_t)len) == len ? 0 : 1;
	}
	plan(12);
	ok(r == 0 && GC_is_incremental_mode(), "dune_gc_init: incremental mode on (%s)",
	   dune_backend());
	GC_word gc0 = GC_get_gc_no();
	int lost = incremental(sizeof(struct node), 0, &in_cycle);
	ok(in_cycle, "a cycle was in progress at the stores");
	ok(lost == 0, "incremental: every new object survives (%d lost of %d)", lost, N);
	ok(GC_get_gc_no() > gc0, "collections happened (%lu)", (unsigned long)(GC_get_gc_no() - gc0));
	lost = generational();
	ok(lost == 0, "generational: stores after a full collection survive (%d lost)", lost);
	lost = through_pipe();
	ok(lost == 0, "pointers a read() stored keep their targets (%d lost of 256)", lost);
	/* Heap growth after init: 64 MiB more, then the scenario again. */
	size_t before = GC_get_heap_size();
	for (int i = 0; i < 1024; i++)
		GC_MALLOC_ATOMIC(64 << 10);
	lost = incremental(sizeof(struct node), 0, &in_cycle);
	ok(GC_get_heap_size() > before && lost == 0,
	   "after the heap grew (%zu -> %zu KiB): %d lost", before >> 10,
	   GC_get_heap_size() >> 10, lost);
	lost = incremental(3 * 4096, 2 * 4096 + 8, &in_cycle);
	ok(lost == 0, "large objects, pointer in their last page: %d lost", lost);
	dune_gc_stats(&st);
	ok(st.feeds > 0 && st.pages_fed > 0 && st.heap_pages > 0,
	   "fed %llu collections, %llu pages, heap %llu pages",
	   (unsigned long long)st.feeds, (unsigned long long)st.pages_fed,
	   (unsigned long long)st.heap_pages);
	ok(dune_active(), "still inside dune");
	dune_escape();
	int none = control(argv[0], "none"), late = control(argv[0], "mark_end");
	ok(none > 0, "negative control, no feeding: loses objects (%d)", none);
	ok(late > 0, "negative control, feeding at MARK_END: loses objects (%d)", late);
	return done_testing();
}

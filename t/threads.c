/* threads.c — one thread inside at a time: another thread's dune_enter is
 * -EBUSY until the first escapes, then it may enter on the same VM. */
#include <pthread.h>
#include "dune_test.h"

static volatile int step;
static int busy_result, later_result, later_inside;

static void *other(void *arg)
{
	while (step != 1)
		;
	busy_result = dune_enter();
	step = 2;
	while (step != 3)
		;
	later_result = dune_enter();
	later_inside = dune_active();
	dune_escape();
	return NULL;
}

int main(void)
{
	pthread_t t;
	struct dune_stats st;
	need_dune();
	plan(5);
	pthread_create(&t, NULL, other, NULL);
	dune_enter();
	step = 1;
	while (step != 2)
		;
	int inside = dune_active();
	dune_escape();
	step = 3;
	pthread_join(t, NULL);
	ok(inside, "first thread inside");
	/* KVM has one vCPU; the host backend has nothing to share. */
	ok(busy_result == (on_kvm() ? -EBUSY : 0), "second thread gets %s meanwhile (%d)",
	   on_kvm() ? "-EBUSY" : "in too", busy_result);
	ok(later_result == 0 && later_inside, "then enters once the first escaped");
	dune_stats(&st);
	ok(!on_kvm() || st.vms == 1, "on the same VM");
	ok(dune_enter() == 0 && dune_active() && dune_escape() == 0,
	   "and the first thread can enter again");
	return done_testing();
}

/* enter-escape.c — enter, escape, re-enter; both are idempotent; stats. */
#include <unistd.h>
#include "dune_test.h"

int main(void)
{
	struct dune_stats s0, s1;
	volatile int local = 41;
	need_dune();
	plan(14);
	ok(!dune_active(), "outside before entering");
	ok(dune_escape() == 0, "escape outside is a no-op returning 0");
	ok(dune_stats(&s0) == 0, "stats");
	ok(dune_enter() == 0, "enter");
	ok(dune_active(), "dune_active inside");
	local++;
	ok(local == 42, "stack variables work inside");
	ok(dune_enter() == 0 && dune_active(), "enter inside is a no-op returning 0");
	ok(dune_nop() == 0, "a bare exit round trip");
	ok(dune_escape() == 0, "escape");
	ok(!dune_active(), "outside after escape");
	ok(dune_nop() == -EPERM, "dune_nop outside is -EPERM");
	ok(dune_enter() == 0 && dune_active() && dune_escape() == 0,
	   "re-enter and escape again");
	dune_stats(&s1);
	ok(s1.enters == s0.enters + 2 && s1.escapes == s0.escapes + 2,
	   "enters %llu->%llu escapes %llu->%llu",
	   (unsigned long long)s0.enters, (unsigned long long)s1.enters,
	   (unsigned long long)s0.escapes, (unsigned long long)s1.escapes);
	if (on_kvm())
		ok(s1.exits_by_reason[DUNE_EXIT_NOP] == s0.exits_by_reason[DUNE_EXIT_NOP] + 1 &&
		   s1.memslots > 0 && s1.pt_pages > 0 && strcmp(dune_backend(), "kvm-x86_64") == 0,
		   "kvm: stats count the nop exit, memslots %llu, pt pages %llu",
		   (unsigned long long)s1.memslots, (unsigned long long)s1.pt_pages);
	else
		ok(strcmp(dune_backend(), "host") == 0 && s1.exits == 0 &&
		   strcmp(s1.fault_mechanism, "sigsegv") == 0,
		   "host: no exits, faults by %s, dirty pages by %s", s1.fault_mechanism,
		   s1.dirty_mechanism);
	return done_testing();
}

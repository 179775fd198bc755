/* time.c — vDSO clocks inside dune read the host's time. */
#include <stdint.h>
#include <sys/time.h>
#include <time.h>
#include "dune_test.h"

static int64_t ns(clockid_t id)
{
	struct timespec t;
	clock_gettime(id, &t);
	return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

static uint64_t rdtsc(void)
{
	uint32_t lo, hi;
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return (uint64_t)hi << 32 | lo;
}

int main(void)
{
	int64_t before, in_mono, in_real, after, real_before;
	uint64_t tsc_before, tsc_in, tsc_after;
	struct timeval tv;
	time_t t_in;
	need_dune();
	plan(6);
	dune_enter();
	dune_escape();	/* the VM exists: measure the enter, not the setup */
	real_before = ns(CLOCK_REALTIME);
	before = ns(CLOCK_MONOTONIC);
	tsc_before = rdtsc();
	dune_enter();
	in_mono = ns(CLOCK_MONOTONIC);
	in_real = ns(CLOCK_REALTIME);
	tsc_in = rdtsc();
	gettimeofday(&tv, NULL);
	t_in = time(NULL);
	int inside = dune_active();
	dune_escape();
	tsc_after = rdtsc();
	after = ns(CLOCK_MONOTONIC);
	ok(inside, "the clocks were read inside");
	ok(in_mono >= before && in_mono <= after && after - before < 1000000,
	   "CLOCK_MONOTONIC inside lies between host readings %lld ns apart",
	   (long long)(after - before));
	ok(in_real >= real_before && in_real - real_before < 1000000,
	   "CLOCK_REALTIME inside within 1 ms of the host (%lld ns)",
	   (long long)(in_real - real_before));
	int64_t tv_ns = (int64_t)tv.tv_sec * 1000000000 + tv.tv_usec * 1000;
	ok(tv_ns - real_before > -1000 && tv_ns - real_before < 1000000,
	   "gettimeofday inside within 1 ms");
	ok(t_in == real_before / 1000000000 || t_in == real_before / 1000000000 + 1,
	   "time() inside");
	ok(tsc_in >= tsc_before && tsc_in <= tsc_after, "guest TSC in step with the host's");
	return done_testing();
}

/* time.c — vDSO clocks inside dune read the host's time.  The reference is
 * the same clock read by a real system call, forwarded to the host, right
 * before and after the vDSO read inside. */
#include <stdint.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>
#include "dune_test.h"

static int64_t vdso_ns(clockid_t id)
{
	struct timespec t;
	clock_gettime(id, &t);
	return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

static int64_t host_ns(clockid_t id)
{
	struct timespec t;
	syscall(SYS_clock_gettime, id, &t);
	return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

static uint64_t rdtsc(void)
{
	uint32_t lo, hi;
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return (uint64_t)hi << 32 | lo;
}

/* Within 1 ms of the host readings around it. */
static int close_to(int64_t v, int64_t before, int64_t after)
{
	return v >= before - 1000000 && v <= after + 1000000;
}

int main(void)
{
	int64_t b_mono, mono, a_mono, b_real, real, a_real, tv_ns, b_sec;
	uint64_t tsc_before, tsc_in, tsc_after;
	struct timeval tv;
	time_t t_in;
	need_dune();
	plan(6);
	tsc_before = rdtsc();
	dune_enter();
	b_mono = host_ns(CLOCK_MONOTONIC);
	mono = vdso_ns(CLOCK_MONOTONIC);
	a_mono = host_ns(CLOCK_MONOTONIC);
	b_real = host_ns(CLOCK_REALTIME);
	real = vdso_ns(CLOCK_REALTIME);
	gettimeofday(&tv, NULL);
	a_real = host_ns(CLOCK_REALTIME);
	b_sec = b_real / 1000000000;
	t_in = time(NULL);
	tsc_in = rdtsc();
	int inside = dune_active();
	dune_escape();
	tsc_after = rdtsc();
	tv_ns = (int64_t)tv.tv_sec * 1000000000 + tv.tv_usec * 1000;
	ok(inside, "the clocks were read inside");
	ok(close_to(mono, b_mono, a_mono),
	   "CLOCK_MONOTONIC (vDSO) inside within 1 ms of the host's: %lld ns after it",
	   (long long)(mono - b_mono));
	ok(close_to(real, b_real, a_real),
	   "CLOCK_REALTIME (vDSO) inside within 1 ms: %lld ns after the host's",
	   (long long)(real - b_real));
	ok(close_to(tv_ns, b_real, a_real), "gettimeofday inside within 1 ms");
	/* time() reads the tick-updated coarse clock: it may trail by a tick. */
	ok(t_in >= b_sec - 1 && t_in <= a_real / 1000000000 + 1, "time() inside");
	ok(tsc_in >= tsc_before && tsc_in <= tsc_after,
	   "guest TSC in step with the host's");
	return done_testing();
}

/* cycles.c — 10 000 enter/escape cycles leave fds and RSS flat.  RSS is
 * read from smaps_rollup (exact, unlike VmRSS, whose per-thread counters
 * lag); the first block may still settle caches, so it is not judged:
 * the two blocks after it must not grow. */
#include <dirent.h>
#include <stdio.h>
#include "dune_test.h"

static int count_fds(void)
{
	int n = 0;
	DIR *d = opendir("/proc/self/fd");
	if (!d)
		return -1;
	while (readdir(d))
		n++;
	closedir(d);
	return n;
}

static long rss_kib(void)
{
	long kib = -1;
	char line[256];
	FILE *f = fopen("/proc/self/smaps_rollup", "r");
	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "Rss: %ld", &kib) == 1)
			break;
	if (f)
		fclose(f);
	return kib;
}

int main(void)
{
	struct dune_stats s0, s1;
	int bad = 0;
	need_dune();
	plan(4);
	/* Warm up: VM built, pages touched. */
	for (int i = 0; i < 100; i++)
		bad |= dune_enter() | dune_escape();
	int fds0 = count_fds();
	long rss[4];
	dune_stats(&s0);
	for (int block = 0; block < 3; block++) {
		rss[block] = rss_kib();
		for (int i = 0; i < 10000; i++) {
			bad |= dune_enter();
			bad |= !dune_active();
			bad |= dune_escape();
		}
	}
	rss[3] = rss_kib();
	dune_stats(&s1);
	int fds1 = count_fds();
	ok(!bad, "30000 cycles all succeeded");
	ok(s1.enters - s0.enters == 30000 && s1.vms == s0.vms,
	   "one VM reused: %llu enters", (unsigned long long)(s1.enters - s0.enters));
	ok(fds1 == fds0, "fd count flat: %d -> %d", fds0, fds1);
	ok(rss[3] - rss[1] <= 16, "RSS flat over 20000 cycles: %ld -> %ld -> %ld -> %ld KiB",
	   rss[0], rss[1], rss[2], rss[3]);
	return done_testing();
}

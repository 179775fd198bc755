/* dirty.c — hardware dirty and accessed bits through dune_dirty_collect,
 * dune_young_collect, dune_mkclean and dune_mkold.  With the argument
 * "noflush" (run by this test itself with DUNE_TEST_NO_FLUSH=1) it only
 * checks that writes right after a clear are seen, which must then fail:
 * the negative control proving the TLB flush is what makes them seen. */
#include <stdint.h>
#include <stdlib.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>
#include "dune_test.h"

#define NPAGES 1024
#define HEAP (NPAGES * 4096ul)

static const int scattered[] = { 0, 1, 63, 64, 65, 200, 511, 512, 777, 1023 };
#define NSCAT (int)(sizeof(scattered) / sizeof(scattered[0]))

static int same_as_scattered(const uint64_t *bits)
{
	uint64_t want[NPAGES / 64] = { 0 };
	for (int i = 0; i < NSCAT; i++)
		want[scattered[i] / 64] |= 1ull << (scattered[i] % 64);
	return memcmp(want, bits, sizeof(want)) == 0;
}

static int count_bits(const uint64_t *bits)
{
	int n = 0;
	for (int i = 0; i < NPAGES / 64; i++)
		n += __builtin_popcountll(bits[i]);
	return n;
}

/* For each scattered page, 20 times: write it (its translation is now
 * cached writable and dirty), clear its dirty bit, write it again at once:
 * that write must be seen.  Returns how many rounds saw it. */
static int writes_after_clear(char *heap)
{
	uint64_t bits[1];
	int seen = 0;
	for (int round = 0; round < 20; round++) {
		for (int i = 0; i < NSCAT; i++) {
			char *page = heap + scattered[i] * 4096;
			page[0] = 1;
			dune_dirty_collect(page, 4096, bits, DUNE_CLEAR);
			page[8] = 2;
			seen += dune_dirty_collect(page, 4096, bits, DUNE_CLEAR) == 1;
		}
	}
	return seen;
}

/* The same for reads and accessed bits. */
static int reads_after_clear(char *heap)
{
	uint64_t bits[1];
	volatile char sink;
	int seen = 0;
	for (int round = 0; round < 20; round++) {
		for (int i = 0; i < NSCAT; i++) {
			char *page = heap + scattered[i] * 4096;
			sink = page[0];
			dune_young_collect(page, 4096, bits, DUNE_CLEAR);
			sink = page[8];
			seen += dune_young_collect(page, 4096, bits, DUNE_CLEAR) == 1;
		}
	}
	(void)sink;
	return seen;
}

int main(int argc, char **argv)
{
	uint64_t bits[NPAGES / 64];
	char *heap = mmap(NULL, HEAP, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	need_dune();
	if (argc > 1) {
		plan(2);
		dune_enter();
		memset(heap, 0, HEAP);
		int seen = writes_after_clear(heap);
		int read = reads_after_clear(heap);
		dune_escape();
		ok(seen == 20 * NSCAT, "writes after a clear seen: %d of %d", seen, 20 * NSCAT);
		ok(read == 20 * NSCAT, "reads after a clear seen: %d of %d", read, 20 * NSCAT);
		return done_testing();
	}
	plan(18);
	int seen;
	dune_enter();
	memset(heap, 0, HEAP);
	ok(dune_dirty_collect(heap, HEAP, bits, DUNE_CLEAR) == NPAGES,
	   "all pages dirty after the first touch");
	ok(dune_dirty_collect(heap, HEAP, bits, 0) == 0 && count_bits(bits) == 0,
	   "none dirty after a clearing collection");
	for (int i = 0; i < NSCAT; i++)
		heap[scattered[i] * 4096 + i] = 1;
	long n = dune_dirty_collect(heap, HEAP, bits, 0);
	ok(n == NSCAT && same_as_scattered(bits), "exactly the scattered pages are dirty (%ld)", n);
	ok(dune_dirty_collect(heap, HEAP, bits, 0) == NSCAT && same_as_scattered(bits),
	   "without DUNE_CLEAR the bits stay");
	ok(dune_dirty_collect(heap, HEAP, bits, DUNE_CLEAR) == NSCAT && same_as_scattered(bits),
	   "DUNE_CLEAR reports them ...");
	ok(dune_dirty_collect(heap, HEAP, bits, 0) == 0, "... and clears them");
	ok(dune_dirty_collect(heap + 512 * 4096, 512 * 4096, bits, 0) == 0,
	   "a sub-range collection");
	heap[700 * 4096] = 3;
	ok(dune_dirty_collect(heap + 512 * 4096, 512 * 4096, bits, 0) == 1 &&
	   bits[(700 - 512) / 64] == 1ull << ((700 - 512) % 64),
	   "a sub-range reports its own page index");
	volatile char sink = 0;
	for (int i = 0; i < NPAGES; i++)
		sink += heap[i * 4096];	/* reads set no dirty bit */
	ok(dune_dirty_collect(heap, HEAP, bits, 0) == 1, "reads do not dirty");
	seen = writes_after_clear(heap);
	ok(seen == 20 * NSCAT, "writes right after a clear are seen (%d of %d)", seen, 20 * NSCAT);

	/* The host kernel writing for the program (a read from a pipe) counts. */
	int pfd[2];
	if (pipe(pfd) < 0 || write(pfd[1], "kernel", 6) != 6)
		return 1;
	struct dune_stats ds;
	dune_stats(&ds);
	if (strcmp(ds.dirty_mechanism, "mprotect") == 0) {
		/* The fallback write-protects pages: the kernel's write fails
		 * with EFAULT instead (README, known limits). */
		skip(1, "the host backend's mprotect fallback: kernel writes get EFAULT");
	} else {
		dune_mkclean(heap, HEAP);
		long nread = read(pfd[0], heap + 300 * 4096 + 100, 6);
		ok(nread == 6 && dune_dirty_collect(heap, HEAP, bits, DUNE_CLEAR) == 1 &&
		   bits[300 / 64] == 1ull << (300 % 64), "a page read() into is dirty");
	}
	/* Accessed bits. */
	ok(dune_mkold(heap, HEAP) == 0 && dune_young_collect(heap, HEAP, bits, 0) == 0,
	   "mkold clears every accessed bit");
	for (int i = 0; i < NSCAT; i++)
		sink += heap[scattered[i] * 4096];
	n = dune_young_collect(heap, HEAP, bits, DUNE_CLEAR);
	ok(n == NSCAT && same_as_scattered(bits), "reads set exactly the accessed bits (%ld)", n);
	ok(dune_young_collect(heap, HEAP, bits, 0) == 0, "cleared by DUNE_CLEAR");
	seen = reads_after_clear(heap);
	ok(seen == 20 * NSCAT, "reads right after a clear are seen (%d of %d)", seen, 20 * NSCAT);
	ok(dune_mkclean(heap, HEAP) == 0 && dune_dirty_collect(heap, HEAP, bits, 0) == 0,
	   "mkclean clears every dirty bit");
	/* A clearing young scan must not hide writes from the dirty scan. */
	heap[5 * 4096] = 9;
	dune_mkold(heap, HEAP);
	ok(dune_dirty_collect(heap, HEAP, bits, 0) == 1 && bits[0] == 1ull << 5,
	   "young clearing keeps dirty information");
	dune_escape();

	/* The negative control: without the flush, writes after a clear are
	 * missed, so the same check must fail.  (KVM only: the host backend
	 * has no TLB of its own to flush; t/host-dirty.c has its controls.) */
	if (!on_kvm()) {
		skip(1, "no guest TLB on the host backend");
		return done_testing();
	}
	int fds[2];
	if (pipe(fds) < 0)
		return 1;
	pid_t pid = fork();
	if (pid == 0) {
		dup2(fds[1], 1);
		setenv("DUNE_TEST_NO_FLUSH", "1", 1);
		execl(argv[0], argv[0], "noflush", (char *)NULL);
		_exit(3);
	}
	close(fds[1]);
	char out[1024] = { 0 };
	size_t len = 0;
	ssize_t got;
	while (len < sizeof(out) - 1 && (got = read(fds[0], out + len, sizeof(out) - 1 - len)) > 0)
		len += (size_t)got;
	int st, failures = 0;
	waitpid(pid, &st, 0);
	for (char *p = out; (p = strstr(p, "not ok")); p++)
		failures++;
	ok(WIFEXITED(st) && failures == 2,
	   "with the flush disabled both checks fail (%d failed, status %#x)", failures, st);
	return done_testing();
}

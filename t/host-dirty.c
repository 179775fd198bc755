/* host-dirty.c — the host backend's dirty tracking across mremap, munmap
 * and a new mmap of a tracked range, with its primary mechanism and with
 * the mprotect fallback (run again with DUNE_HOST_DIRTY=mprotect by the
 * suite).  Host backend only. */
#include <stdint.h>
#include <sys/mman.h>
#include "dune_test.h"

#define N 64

static long dirty(char *p, uint64_t *bits, unsigned flags)
{
	return dune_dirty_collect(p, N * 4096, bits, flags);
}

int main(void)
{
	uint64_t bits[1];
	struct dune_stats st;
	need_dune();
	if (on_kvm())
		skip_all("host backend only");
	plan(9);
	dune_stats(&st);
	diag("dirty pages by %s", st.dirty_mechanism);
	char *p = mmap(NULL, N * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	dune_enter();
	memset(p, 1, N * 4096);
	dirty(p, bits, DUNE_CLEAR);
	ok(dirty(p, bits, 0) == 0, "clean after a clearing collection");
	p[5 * 4096] = 2;
	p[40 * 4096] = 2;
	ok(dirty(p, bits, DUNE_CLEAR) == 2 && bits[0] == (1ull << 5 | 1ull << 40),
	   "exactly the two written pages");
	/* Moved: the new place is a new range; all of it may be written. */
	char *q = mremap(p, N * 4096, 2 * N * 4096, MREMAP_MAYMOVE);
	ok(q != MAP_FAILED && q[5 * 4096] == 2, "mremap keeps contents");
	long n = dirty(q, bits, DUNE_CLEAR);
	ok(n >= 0, "collect on the moved range works (%ld reported)", n);
	ok(dirty(q, bits, 0) == 0, "then clean");
	q[9 * 4096] = 3;
	ok(dirty(q, bits, 0) == 1 && bits[0] == 1ull << 9, "a write after the move is seen");
	/* Unmapped and mapped again at the same place. */
	munmap(q, 2 * N * 4096);
	char *r = mmap(q, N * 4096, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	n = dirty(r, bits, DUNE_CLEAR);
	ok(r == q && n >= 0, "collect on the new mapping works (%ld reported)", n);
	r[7 * 4096] = 4;
	ok(dirty(r, bits, 0) == 1 && bits[0] == 1ull << 7, "a write to the new mapping is seen");
	ok(r[7 * 4096] == 4 && r[8 * 4096] == 0, "contents of the new mapping are its own");
	dune_escape();
	return done_testing();
}

/* dune/gc.h — Boehm GC's write barrier from page-table dirty bits.
 *
 * Boehm GC's incremental and generational modes need to know which heap
 * pages were written since the last mark.  Stock libgc write-protects the
 * heap and takes a SIGSEGV per first write; libdune-gc instead reads dirty
 * bits (the KVM backend's hardware bits, or the host backend's
 * userfaultfd write-protect) when a collection starts marking, and feeds
 * them to libgc's manual VDB mode with GC_end_stubborn_change().
 *
 * Call dune_gc_init() instead of GC_INIT(), before any other GC_ call.
 * Link with `pkg-config --libs dune-gc`.
 */
#ifndef DUNE_GC_H
#define DUNE_GC_H

#include <stddef.h>
#include <stdint.h>
#include <dune/dune.h>

#ifdef __cplusplus
extern "C" {
#endif

/* dune_gc_init flags */
#define DUNE_GC_ENTER       1u	/* also dune_enter() the calling thread */
#define DUNE_GC_KEEP_MAPPED 2u	/* keep libgc from unmapping free heap blocks */

/* Initialise libgc (as GC_INIT does) in incremental mode with dune dirty
 * bits as its write barrier.  Returns 0, or -errno: -ENOTSUP when libgc
 * cannot use manual VDB mode, or what dune_enter() returned. */
DUNE_API int dune_gc_init(unsigned flags);

/* Allocate through libgc's global free lists: in manual VDB mode libgc's
 * thread-local lists refill one object at a time through a locked path,
 * so this is the fast way to allocate (same semantics as GC_MALLOC). */
DUNE_API void *dune_gc_malloc(size_t size);
DUNE_API void *dune_gc_malloc_atomic(size_t size);

struct dune_gc_stats {
	uint64_t feeds;		/* collections that started marking */
	uint64_t pages_fed;	/* dirty pages given to libgc */
	uint64_t heap_pages;	/* heap pages tracked now */
	uint64_t full_feeds;	/* feeds that had to report every page dirty */
	uint64_t feed_ns;	/* time spent collecting and feeding */
};

DUNE_API int dune_gc_stats(struct dune_gc_stats *out);

#ifdef __cplusplus
}
#endif
#endif

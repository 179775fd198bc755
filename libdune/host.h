/* host.h — the host backend's private state: the libdune API on Linux's
 * own mechanisms (mprotect + SIGSEGV, userfaultfd write-protect with
 * PAGEMAP_SCAN), for machines without hardware virtualization. */
#ifndef DUNE_HOST_H
#define DUNE_HOST_H

#include <signal.h>
#include "dune_int.h"

/* Per-page state of a tracked region (one byte a page). */
#define PS_GUARD	0x01	/* dune_vm_protect restricts the page ... */
#define PS_GUARD_R	0x02	/* ... to these rights */
#define PS_GUARD_W	0x04
#define PS_GUARD_X	0x08
#define PS_DIRTY	0x10	/* written since last cleared (mprotect tracking) */
#define PS_WP		0x20	/* write-protected by the dirty tracker */
#define PS_YOUNG	0x40	/* accessed since last cleared (prot-none tracking) */
#define PS_NA		0x80	/* made inaccessible by the young tracker */

/* Part of one host mapping that the backend has changed protections in:
 * host_prot is the mapping's own protection, which the backend restores. */
struct host_region {
	uintptr_t start, end;
	int host_prot;
	size_t unit;		/* what mprotect can split: a page or a huge page */
	bool dirty_mprotect;	/* dirty bits kept by PS_WP/PS_DIRTY here */
	uint8_t *state;		/* (end - start) / PAGE_SIZE bytes (mmap) */
};

enum dirty_mech { DIRTY_UFFD, DIRTY_MPROTECT };

struct host {
	int lock;		/* spinlock: signal handlers of other threads */
	struct host_region *regions;	/* sorted, not overlapping (mmap) */
	size_t nregions, cap;
	enum dirty_mech dirty;
	int uffd, pagemap;
	dune_fault_fn fault_fn;
	void *fault_arg;
	dune_trap_fn trap_fn[NTRAPS];
	void *trap_arg[NTRAPS];
	struct dune_stats stats;
	struct vma_cache vmas;
};

extern struct host host;
extern __thread bool host_inside;

/* host_region.c */
HIDDEN void host_lock(void);
HIDDEN void host_unlock(void);
HIDDEN struct host_region *host_region_at(uintptr_t addr);
HIDDEN int host_regions_cover(uintptr_t start, uintptr_t end, bool skip_holes);
HIDDEN int host_apply(struct host_region *r, uintptr_t start, uintptr_t end);
HIDDEN int host_page_prot(const struct host_region *r, size_t page);
HIDDEN void host_regions_forget(uintptr_t start, uintptr_t end);
HIDDEN void host_unit_set(struct host_region *r, uintptr_t va, uint8_t clear, uint8_t set);

/* host_mm.c: mprotect for the backend's own changes (not interposed). */
HIDDEN int host_mprotect(uintptr_t start, size_t len, int prot);

/* host_signal.c */
HIDDEN int host_signal_take(int sig);
HIDDEN int host_vector_signal(int vector);

/* host_dirty.c */
HIDDEN void host_dirty_init(void);
HIDDEN long host_dirty_collect(uintptr_t start, uintptr_t end, uint64_t *bits, bool clear);
HIDDEN long host_young_collect(uintptr_t start, uintptr_t end, uint64_t *bits, bool clear);
HIDDEN bool host_page_written(uintptr_t page);

/* host_alias.c */
HIDDEN int host_vm_alias(uintptr_t alias, uintptr_t start, uintptr_t end, int prot);

#endif

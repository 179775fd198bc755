/* swtlb.h — guest page tables for CPUs whose TLB is refilled by software
 * (MIPS64, LoongArch64).  Such CPUs have no page-table format of their
 * own, so the backend picks one: a 4-level radix tree of 512-entry
 * tables, like x86-64's, whose leaves hold the TLB entry's low word
 * (EntryLo on MIPS, TLBELO on LoongArch) plus software bits in a field
 * the hardware does not use.  The guest's refill handler walks it and
 * strips the software bits; its TLB-invalid and TLB-modified handlers
 * call swtlb_fixup(), which keeps the accessed and dirty bits that these
 * CPUs lack in hardware.
 *
 * Why software bits and not KVM's dirty log (KVM_GET_DIRTY_LOG): the
 * dirty log has no accessed bits at all (neither architecture exposes
 * stage-2 accessed bits, so dune_young_collect would need this anyway);
 * it reports guest-physical pages per memslot, not what this process
 * mapped where; reading and clearing it takes an exit and an ioctl per
 * collection where the guest reads its own tables with none; and on MIPS
 * KVM_CLEAR_DIRTY_LOG re-protects from the first to the last bit set,
 * more than asked.  The price is one guest exception (no VM exit) on the
 * first read and the first write of a page after each clearing scan —
 * the same events that make x86 hardware set its bits.
 *
 * This file and swtlb.c use no libc: the freestanding LoongArch tests
 * build them as they are.  The backend's <arch/pte.h> gives the bit
 * layout (see there for the manual sections). */
#ifndef DUNE_SWTLB_H
#define DUNE_SWTLB_H

#include <stdbool.h>
#include <stdint.h>
#include <arch/pte.h>

#define SWTLB_LEVELS 4
#define SWTLB_PAGE_SHIFT 12
#define SWTLB_HUGE_SHIFT 21
#define SWTLB_INDEX(va, level) \
	(((va) >> (SWTLB_PAGE_SHIFT + 9 * (level))) & 511)

/* Protections, equal to Linux's PROT_READ, PROT_WRITE and PROT_EXEC
 * (the backends check it at compile time). */
#define SWTLB_R 1
#define SWTLB_W 2
#define SWTLB_X 4

/* Directory entries (levels 1..3) hold the next table's guest-physical
 * address (page aligned) and, in a level-1 entry, summary bits: set when
 * a page of its table became accessed or dirty since the last clearing
 * scan of the whole table, so that scans skip untouched tables. */
#define DIR_SUM_A 1ull
#define DIR_SUM_D 2ull
#define DIR_ADDR (~0xfffull & ~PTE_SW_MASK)

struct swtlb {
	uint64_t root;		/* guest-physical address of the root */
	void *ctx;
	/* Where the table at gpa is in the caller's address space. */
	uint64_t *(*table)(void *ctx, uint64_t gpa);
	/* A new zeroed table: its guest-physical address. */
	int (*alloc)(void *ctx, uint64_t *gpa);
};

/* A leaf, decoded. */
struct swtlb_leaf {
	bool mapped, guarded, accessed, dirty, huge;
	uint64_t pa;
	int host_prot, guard_prot;
	int prot;		/* host & guard: what the guest may do */
};

/* Leaf encoding: the hardware bits follow from the software ones (valid
 * once accessed, writable once dirty, no-read and no-exec from the
 * effective protection). */
uint64_t swtlb_encode(const struct swtlb_leaf *l);
void swtlb_decode(uint64_t e, struct swtlb_leaf *l);
/* The TLB entry's low word for a leaf: the software bits stripped. */
static inline uint64_t swtlb_hw(uint64_t e) { return e & ~PTE_SW_MASK; }

/* Map va (huge: the 2 MiB page at va) to pa with the host's protection,
 * keeping a guard, and the accessed/dirty bits when pa is unchanged.
 * -ENOMEM when a table cannot be had, -EINVAL for a misaligned huge
 * page.  A huge page covering va makes a small map a no-op. */
int swtlb_map(struct swtlb *t, uint64_t va, uint64_t pa, int prot, bool huge);
void swtlb_unmap(struct swtlb *t, uint64_t start, uint64_t end);
/* -ENOENT when nothing is mapped at va; l->pa is va's own frame. */
int swtlb_get(struct swtlb *t, uint64_t va, struct swtlb_leaf *l);
void swtlb_each(struct swtlb *t, uint64_t start, uint64_t end,
		void (*fn)(uint64_t va, struct swtlb_leaf *l, void *arg), void *arg);

/* Set (guard) or drop the guest-only protection of [start, end).
 * Returns the number of pages whose hardware bits lost rights (those
 * need a TLB flush), -ENOENT at the first page not mapped, -ENOTSUP in a
 * huge page. */
long swtlb_protect(struct swtlb *t, uint64_t start, uint64_t end, int prot,
		   bool guard);

/* Report (and with clear, clear) the dirty or accessed bits of [start,
 * end) into bits (bit i = page i, may be NULL).  Returns the count set;
 * *cleared tells whether a TLB flush is needed. */
long swtlb_scan(struct swtlb *t, uint64_t start, uint64_t end, bool dirty,
		bool clear, uint64_t *bits, bool *cleared);

/* Set the accessed (and for a write dirty) bits as an access would.
 * -ENOENT when not mapped, -EACCES when the access is not allowed. */
int swtlb_touch(struct swtlb *t, uint64_t va, bool write);

/* The TLB-invalid or TLB-modified exception's handler: 1 when the access
 * (SWTLB_R/W/X) is allowed and only the software bits stood in its way
 * (now set: retry the access), 0 when it is a real fault. */
int swtlb_fixup(struct swtlb *t, uint64_t va, int access);

/* What the refill handler loads for va: the even/odd pair's low words,
 * the page shift of each half (12, or 20 for half a 2 MiB page), 0 on
 * success, -ENOENT when a directory is missing (the pair is then 0, 0:
 * invalid entries, so that the access takes the TLB-invalid path). */
int swtlb_refill(struct swtlb *t, uint64_t va, uint64_t lo[2], unsigned *shift);

#endif

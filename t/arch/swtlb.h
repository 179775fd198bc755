/* swtlb.h (tests) — the software-refilled page tables of arch/swtlb, on
 * an arena of tables whose guest-physical address is their own (both
 * architectures run this with their own leaf format). */
#include "../../arch/swtlb/swtlb.h"

#define ARENA_PAGES 64
static uint64_t arena[ARENA_PAGES][512] __attribute__((aligned(4096)));
static int arena_used;

static uint64_t *t_table(void *ctx, uint64_t gpa) { (void)ctx; return (uint64_t *)(uintptr_t)gpa; }
static int t_alloc(void *ctx, uint64_t *gpa)
{
	(void)ctx;
	if (arena_used == ARENA_PAGES)
		return -12;
	*gpa = (uintptr_t)arena[arena_used++];
	return 0;
}

static void swtlb_tests(void)
{
	struct swtlb t = { 0, 0, t_table, t_alloc };
	struct swtlb_leaf l;
	uint64_t va = 0x12345678000ull, pa = 0x40000000ull, bits[8] = { 0 }, lo[2];
	unsigned shift;
	bool cleared;
	int r;
	t_alloc(0, &t.root);

	/* Encoding: every protection and guard round-trips; the hardware
	 * bits follow the software ones. */
	int good = 1;
	for (int hp = 0; hp < 8; hp++)
		for (int gp = 0; gp < 8; gp++)
			for (int ad = 0; ad < 4; ad++) {
				struct swtlb_leaf in = { .mapped = true, .pa = pa, .host_prot = hp,
							 .guarded = gp != 0, .guard_prot = gp == 0 ? 0 : gp,
							 .accessed = ad & 1, .dirty = (ad & 2) != 0 }, out;
				uint64_t e = swtlb_encode(&in);
				int eff = in.guarded ? hp & gp : hp;
				swtlb_decode(e, &out);
				good &= out.mapped && out.pa == pa && out.host_prot == hp &&
					out.guarded == in.guarded && out.guard_prot == in.guard_prot &&
					out.accessed == in.accessed && out.dirty == in.dirty && out.prot == eff;
				good &= !!(e & PTE_V) == (eff && in.accessed);
				good &= !!(e & PTE_D) == ((eff & SWTLB_W) && in.dirty);
				good &= !!(e & PTE_NR) == !(eff & SWTLB_R);
				good &= !!(e & PTE_NX) == !(eff & SWTLB_X);
				good &= (swtlb_hw(e) & PTE_SW_MASK) == 0;
				good &= pte_pa(swtlb_hw(e)) == pa;
			}
	ok(good, "swtlb: 256 leaf encodings round-trip, hardware bits follow");

	r = swtlb_get(&t, va, &l);
	is_u64((uint64_t)r, (uint64_t)-2, "swtlb: nothing mapped yet (-ENOENT)");
	ok(swtlb_map(&t, va, pa, SWTLB_R | SWTLB_W, false) == 0, "swtlb: map");
	ok(swtlb_map(&t, va + 4096, pa + 4096, SWTLB_R, false) == 0, "swtlb: map neighbour");
	ok(swtlb_get(&t, va, &l) == 0 && l.pa == pa && l.prot == (SWTLB_R | SWTLB_W) &&
	   !l.accessed && !l.dirty, "swtlb: get after map: clean, not accessed");
	is_u64((uint64_t)arena_used, 4, "swtlb: four levels (the root and three tables)");

	/* Refill: the pair's low words, software bits stripped; invalid until
	 * the first access sets the accessed bit. */
	ok(swtlb_refill(&t, va, lo, &shift) == 0 && shift == 12, "swtlb: refill finds the pair");
	ok(!(lo[0] & PTE_V) && !(lo[1] & PTE_V), "swtlb: not accessed: refilled invalid");
	ok(swtlb_refill(&t, 0x7000000000ull, lo, &shift) == -2 && lo[0] == 0 && lo[1] == 0,
	   "swtlb: missing directory: invalid pair");

	/* The TLB-invalid handler: a read sets A, not D; a write sets D. */
	ok(swtlb_fixup(&t, va, SWTLB_R) == 1, "swtlb: read fix-up");
	swtlb_refill(&t, va, lo, &shift);
	ok((lo[0] & PTE_V) && !(lo[0] & PTE_D), "swtlb: after a read: valid, not writable");
	ok(swtlb_fixup(&t, va, SWTLB_W) == 1, "swtlb: write fix-up (TLB modified)");
	swtlb_refill(&t, va, lo, &shift);
	ok((lo[0] & PTE_V) && (lo[0] & PTE_D), "swtlb: after a write: valid and writable");
	ok(swtlb_fixup(&t, va + 4096, SWTLB_W) == 0, "swtlb: write to read-only: real fault");
	ok(swtlb_fixup(&t, va + 8192, SWTLB_R) == 0, "swtlb: unmapped: real fault");

	/* Scans: dirty then accessed, with clearing. */
	is_u64((uint64_t)swtlb_scan(&t, va, va + 16 * 4096, true, false, bits, &cleared), 1,
	       "swtlb: one dirty page");
	is_u64(bits[0], 1, "swtlb: dirty bitmap");
	bits[0] = 0;
	is_u64((uint64_t)swtlb_scan(&t, va, va + 16 * 4096, true, true, bits, &cleared), 1,
	       "swtlb: clearing scan reports it");
	ok(cleared, "swtlb: clearing scan asks for a flush");
	swtlb_refill(&t, va, lo, &shift);
	ok((lo[0] & PTE_V) && !(lo[0] & PTE_D), "swtlb: cleared dirty: write-protected again");
	is_u64((uint64_t)swtlb_scan(&t, va, va + 16 * 4096, true, false, 0, &cleared), 0,
	       "swtlb: nothing dirty after clearing");
	is_u64((uint64_t)swtlb_scan(&t, va, va + 16 * 4096, false, true, 0, &cleared), 1,
	       "swtlb: one accessed page, cleared");
	swtlb_refill(&t, va, lo, &shift);
	ok(!(lo[0] & PTE_V), "swtlb: cleared accessed: invalid again");
	ok(swtlb_touch(&t, va + 4096, true) == -13, "swtlb: touch write on read-only: -EACCES");
	ok(swtlb_touch(&t, va + 4096, false) == 0, "swtlb: touch read");
	is_u64((uint64_t)swtlb_scan(&t, va, va + 2 * 4096, false, false, 0, &cleared), 1,
	       "swtlb: the touched page is accessed");

	/* Guards: take rights away, report them, give them back. */
	ok(swtlb_fixup(&t, va, SWTLB_W) == 1, "swtlb: write again");
	is_u64((uint64_t)swtlb_protect(&t, va, va + 4096, SWTLB_R, true), 1,
	       "swtlb: guard read-only loses a right");
	ok(swtlb_get(&t, va, &l) == 0 && l.guarded && l.prot == SWTLB_R && l.dirty,
	   "swtlb: guarded page: read-only, dirty kept");
	ok(swtlb_fixup(&t, va, SWTLB_W) == 0, "swtlb: write under the guard faults");
	ok(swtlb_map(&t, va, pa, SWTLB_R | SWTLB_W, false) == 0 &&
	   swtlb_get(&t, va, &l) == 0 && l.guarded, "swtlb: remap of the same frame keeps the guard");
	ok(swtlb_protect(&t, va, va + 4096, 0, false) == 0 &&
	   swtlb_get(&t, va, &l) == 0 && !l.guarded && l.prot == (SWTLB_R | SWTLB_W),
	   "swtlb: unguard restores the host's rights");
	is_u64((uint64_t)swtlb_protect(&t, va, va + 3 * 4096, SWTLB_R, true), (uint64_t)-2,
	       "swtlb: protect stops at an unmapped page (-ENOENT)");

	/* Huge pages: 2 MiB leaves in a directory entry, refilled as two
	 * 1 MiB halves. */
	uint64_t hva = 0x200000000ull, hpa = 0x80000000ull;
	is_u64((uint64_t)swtlb_map(&t, hva + 4096, hpa, SWTLB_R, true), (uint64_t)-22,
	       "swtlb: misaligned huge page: -EINVAL");
	ok(swtlb_map(&t, hva, hpa, SWTLB_R | SWTLB_W, true) == 0, "swtlb: huge map");
	ok(swtlb_get(&t, hva + 0x5000, &l) == 0 && l.huge && l.pa == hpa + 0x5000,
	   "swtlb: huge get: the 4 KiB frame inside");
	ok(swtlb_fixup(&t, hva + 0x123456, SWTLB_W) == 1, "swtlb: huge write fix-up");
	ok(swtlb_refill(&t, hva + 0x123456, lo, &shift) == 0 && shift == 20 &&
	   pte_pa(lo[0]) == hpa && pte_pa(lo[1]) == hpa + 0x100000 && (lo[1] & PTE_D),
	   "swtlb: huge refill: two 1 MiB halves");
	bits[0] = bits[1] = 0;
	uint64_t big[8] = { 0 };
	is_u64((uint64_t)swtlb_scan(&t, hva, hva + 0x200000, true, true, big, &cleared), 512,
	       "swtlb: a dirty huge page reports its 512 pages");
	is_u64((uint64_t)swtlb_protect(&t, hva, hva + 4096, SWTLB_R, true), (uint64_t)-95,
	       "swtlb: guard inside a huge page: -ENOTSUP");
	swtlb_unmap(&t, hva, hva + 0x200000);
	ok(swtlb_get(&t, hva, &l) == -2, "swtlb: huge unmap");
	swtlb_unmap(&t, va, va + 2 * 4096);
	ok(swtlb_get(&t, va, &l) == -2 && swtlb_get(&t, va + 4096, &l) == -2, "swtlb: unmap");

	/* Summary bits: a clean table is skipped, yet a new write is seen. */
	ok(swtlb_map(&t, va, pa, SWTLB_R | SWTLB_W, false) == 0, "swtlb: map again");
	swtlb_scan(&t, va & ~0x1fffffull, (va & ~0x1fffffull) + 0x200000, true, true, 0, &cleared);
	ok(swtlb_fixup(&t, va, SWTLB_W) == 1, "swtlb: write after a whole-table clear");
	is_u64((uint64_t)swtlb_scan(&t, va & ~0x1fffffull, (va & ~0x1fffffull) + 0x200000, true,
				    false, 0, &cleared), 1,
	       "swtlb: the table's summary bit brings the scan back");
}

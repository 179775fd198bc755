/* arch/pte.h (mips64) — the leaf format of the guest page tables
 * (arch/swtlb/swtlb.h): the TLB entry's EntryLo word plus software bits.
 *
 * EntryLo0/EntryLo1 (CP0 registers 2 and 3, select 0), MIPS64
 * Architecture for Programmers Vol. III (MD00091), "EntryLo0, EntryLo1
 * Registers": G bit 0, V bit 1, D bit 2 (writable), C bits 5..3 (cache
 * coherency attribute), PFN from bit 6 (the physical address shifted
 * right by 12; with PageGrain.ELPA set it reaches PABITS), XI bit 62 and
 * RI bit 63 (execute and read inhibit, enabled by PageGrain.XIE/RIE).
 * The bits between the PFN's top (bit 41 for the 48-bit PABITS of
 * Loongson 3A4000) and bit 61 are the Fill field; the software bits live
 * at 50..61 and the refill handler clears them before writing EntryLo
 * (DINSU), so nothing rests on how the CPU treats Fill.
 */
#ifndef DUNE_ARCH_MIPS64_PTE_H
#define DUNE_ARCH_MIPS64_PTE_H

#define PTE_G   (1ull << 0)
#define PTE_V   (1ull << 1)
#define PTE_D   (1ull << 2)
#define PTE_C_SHIFT 3
/* CCA 3, cacheable noncoherent write-back: Linux's _CACHE_CACHABLE_
 * NONCOHERENT for Loongson 64, whose caches are coherent in hardware. */
#define PTE_CCA_CACHED (3ull << PTE_C_SHIFT)
#define PTE_PFN_SHIFT 6
#define PTE_NX  (1ull << 62)	/* XI */
#define PTE_NR  (1ull << 63)	/* RI */
/* Hardware bits every leaf has: cached, not global (ASID-tagged, so that
 * a new ASID flushes the guest's whole TLB at once). */
#define PTE_BASE PTE_CCA_CACHED

/* Software bits, in the Fill field (stripped by the refill handler). */
#define PTE_SW_FIRST 50
#define PTE_SW_BITS 12
#define PTE_SW_MASK (((1ull << PTE_SW_BITS) - 1) << PTE_SW_FIRST)
#define SW_HUGE    (1ull << 50)	/* a 2 MiB leaf in a level-1 entry */
#define SW_MAPPED  (1ull << 52)
#define SW_GUARD   (1ull << 53)
#define SW_HOST_R  (1ull << 54)
#define SW_HOST_W  (1ull << 55)
#define SW_HOST_X  (1ull << 56)
#define SW_GUARD_R (1ull << 57)
#define SW_GUARD_W (1ull << 58)
#define SW_GUARD_X (1ull << 59)
#define SW_A       (1ull << 60)
#define SW_D       (1ull << 61)

/* The PFN field covers physical bits 12..55 at most below the software
 * bits; guest-physical addresses here stay below 2^48. */
#define PTE_PFN_MASK (((1ull << (PTE_SW_FIRST - PTE_PFN_SHIFT)) - 1) << PTE_PFN_SHIFT)

static inline uint64_t pte_frame(uint64_t pa)
{
	return ((pa >> 12) << PTE_PFN_SHIFT) & PTE_PFN_MASK;
}

static inline uint64_t pte_pa(uint64_t e)
{
	return ((e & PTE_PFN_MASK) >> PTE_PFN_SHIFT) << 12;
}

#endif

/* arch/pte.h (loongarch64) — the leaf format of the guest page tables
 * (arch/swtlb/swtlb.h): the TLB entry's TLBELO word plus software bits.
 *
 * LoongArch Reference Manual Vol. 1 (v1.10), chapter 7, "TLB Entry
 * Low-order Bits (TLBELO0, TLBELO1)", CSR 0x12 and 0x13: V bit 0, D bit 1
 * (writable), PLV bits 3..2, MAT bits 5..4 (memory access type), G bit 6,
 * PPN bits PALEN-1..12, NR bit 61 (no read), NX bit 62 (no execute), RPLV
 * bit 63.  Bits 60..PALEN are reserved; with PALEN 48 (3A5000/3A6000) the
 * software bits live at 48..59 and the refill handler clears them
 * (BSTRINS.D) before writing TLBRELO.
 */
#ifndef DUNE_ARCH_LOONGARCH64_PTE_H
#define DUNE_ARCH_LOONGARCH64_PTE_H

#define PTE_V   (1ull << 0)
#define PTE_D   (1ull << 1)
#define PTE_PLV_SHIFT 2		/* 0: the guest's code runs at PLV0 */
#define PTE_MAT_SHIFT 4
#define PTE_MAT_CC (1ull << PTE_MAT_SHIFT)	/* MAT 1: coherent cached */
#define PTE_G   (1ull << 6)
#define PTE_NR  (1ull << 61)
#define PTE_NX  (1ull << 62)
#define PTE_RPLV (1ull << 63)
/* Every leaf: coherent cached, PLV 0, not global (ASID-tagged). */
#define PTE_BASE PTE_MAT_CC

#define PTE_SW_FIRST 48
#define PTE_SW_BITS 12
#define PTE_SW_MASK (((1ull << PTE_SW_BITS) - 1) << PTE_SW_FIRST)
#define SW_HUGE    (1ull << 48)	/* a 2 MiB leaf in a level-1 entry */
#define SW_MAPPED  (1ull << 50)
#define SW_GUARD   (1ull << 51)
#define SW_HOST_R  (1ull << 52)
#define SW_HOST_W  (1ull << 53)
#define SW_HOST_X  (1ull << 54)
#define SW_GUARD_R (1ull << 55)
#define SW_GUARD_W (1ull << 56)
#define SW_GUARD_X (1ull << 57)
#define SW_A       (1ull << 58)
#define SW_D       (1ull << 59)

#define PTE_PPN_MASK (((1ull << PTE_SW_FIRST) - 1) & ~0xfffull)

static inline uint64_t pte_frame(uint64_t pa)
{
	return pa & PTE_PPN_MASK;
}

static inline uint64_t pte_pa(uint64_t e)
{
	return e & PTE_PPN_MASK;
}

#endif

/* vz.h (mips64) — the pure part of the VZ backend: guest CP0 state as
 * KVM_SET_ONE_REG ids and values, the hypercall doorbell, exit decoding
 * and exception classification.  No libc (uapi headers only), so that
 * the unit tests run it on any host. */
#ifndef DUNE_MIPS64_VZ_H
#define DUNE_MIPS64_VZ_H

#include <stdint.h>
#include <linux/kvm.h>
#include "arch_exit.h"

/* CP0 registers by (number, select), MIPS64 Architecture Vol. III
 * (MD00091), chapter 9 "CP0 Registers", and the width KVM gives each in
 * its ONE_REG interface (Documentation/virt/kvm/api.rst, "MIPS
 * registers": 0x7020 0000 0001 00 <reg:5> <sel:3> for 32-bit ones,
 * 0x7030 ... for 64-bit ones). */
#define CP0_ONE_REG(rd, sel, size) \
	(KVM_REG_MIPS | 0x10000ull | (size) | (uint64_t)(8 * (rd) + (sel)))
#define CP0_32(rd, sel) CP0_ONE_REG(rd, sel, KVM_REG_SIZE_U32)
#define CP0_64(rd, sel) CP0_ONE_REG(rd, sel, KVM_REG_SIZE_U64)

#define CP0_ENTRYLO0  CP0_64(2, 0)
#define CP0_USERLOCAL CP0_64(4, 2)
#define CP0_PAGEMASK  CP0_32(5, 0)
#define CP0_PAGEGRAIN CP0_32(5, 1)
#define CP0_WIRED     CP0_32(6, 0)
#define CP0_HWRENA    CP0_32(7, 0)
#define CP0_BADVADDR  CP0_64(8, 0)
#define CP0_ENTRYHI   CP0_64(10, 0)
#define CP0_STATUS    CP0_32(12, 0)
#define CP0_CAUSE     CP0_32(13, 0)
#define CP0_EPC       CP0_64(14, 0)
#define CP0_EBASE     CP0_64(15, 1)
#define CP0_CONFIG    CP0_32(16, 0)
#define CP0_KSCRATCH(n) CP0_64(31, 1 + (n))	/* KScratch1..6: select 2..7 */

/* Status (12, 0), "Status Register": IE 0, EXL 1, ERL 2, KSU 4..3, UX 5
 * (64-bit user segments), SX 6, KX 7 (64-bit kernel segments: xkphys),
 * BEV 22, FR 26 (64-bit FPRs, as the n64 ABI uses), CU0 28, CU1 29. */
#define ST_IE  (1u << 0)
#define ST_EXL (1u << 1)
#define ST_ERL (1u << 2)
#define ST_UX  (1u << 5)
#define ST_SX  (1u << 6)
#define ST_KX  (1u << 7)
#define ST_BEV (1u << 22)
#define ST_FR  (1u << 26)
#define ST_CU0 (1u << 28)
#define ST_CU1 (1u << 29)

/* PageGrain (5, 1), "PageGrain Register": RIE 31, XIE 30 (RI/XI bits in
 * EntryLo), ELPA 29 (PFN beyond 36 physical bits), IEC 27 (separate
 * TLBRI/TLBXI exception codes). */
#define PG_RIE  (1u << 31)
#define PG_XIE  (1u << 30)
#define PG_ELPA (1u << 29)
#define PG_IEC  (1u << 27)

/* HWREna (7, 0): RDHWR $29 (UserLocal, the thread pointer) and the
 * counter registers 0..3 readable (Vol. III "HWREna Register"). */
#define HWRENA_BITS ((1u << 29) | 0xfu)

/* Config (16, 0) K0 bits 2..0: kseg0's cache attribute, 3 = cacheable. */
#define CONFIG_K0_CACHED 3u

/* Cause ExcCode (bits 6..2), Vol. III "Cause Register ExcCode Field". */
#define EXC_MOD   1
#define EXC_TLBL  2
#define EXC_TLBS  3
#define EXC_ADEL  4
#define EXC_ADES  5
#define EXC_SYS   8
#define EXC_BP    9
#define EXC_RI    10
#define EXC_CPU   11
#define EXC_OV    12
#define EXC_TR    13
#define EXC_FPE   15
#define EXC_TLBRI 19
#define EXC_TLBXI 20
#define CAUSE_EXCCODE(c) (((c) >> 2) & 31)
#define CAUSE_BD (1ull << 31)	/* the exception hit a branch delay slot */

/* Unmapped kernel segments (Vol. III "xkphys"): bits 63..62 = 2, bits
 * 61..59 the cache attribute.  The guest reaches its page tables through
 * the cached window and the doorbell through the uncached one. */
#define XKPHYS_CACHED   0x9800000000000000ull	/* CCA 3 */
#define XKPHYS_UNCACHED 0x9000000000000000ull	/* CCA 2 */
#define CKSEG0          0xffffffff80000000ull	/* kseg0: first 512 MiB */
#define KSEG0_SPAN      0x20000000ull

/* The hypercall doorbell: an 8-byte load from a guest-physical address
 * no memslot covers exits to userspace as KVM_EXIT_MMIO, and the next
 * KVM_RUN puts run->mmio.data in the destination register and steps
 * past the load.  The page at ARCH_USER_VA_END is never in a memslot
 * (slots stop short of it) and is far from Loongson's in-kernel IPI
 * range (node << 44) + 0x3ff01000.  Offset 0: a system call (v0 = number,
 * a0..a5); offset 8: a hypercall (a0 = number, a1..a3). */
#define DOORBELL_GPA ((1ull << 40) - 4096)
#define DOORBELL_SYSCALL 0
#define DOORBELL_HYPERCALL 8

/* One guest register and its first value. */
struct mips_reg {
	uint64_t id;
	uint64_t value;
};

/* Where the guest's pieces are. */
struct mips_guest {
	uint64_t root_gpa;	/* page-table root */
	uint64_t vectors_gpa;	/* exception vectors (below 512 MiB) */
	uint64_t xstack;	/* exception stack top (guest virtual) */
	uint64_t userlocal;
	int fpu;
};

/* Fill regs with the guest CP0 state libdune starts a vCPU with; returns
 * how many (at most MIPS_MAX_REGS). */
#define MIPS_MAX_REGS 16
int mips_cp0_setup(const struct mips_guest *g, struct mips_reg *regs);

/* Decode what KVM_RUN returned (0 or -errno) and left in run. */
void mips_decode_exit(const struct kvm_run *run, int result, struct exit_info *e);

/* A guest exception's access (ACCESS_*) and whether it is a page fault
 * the software A/D bits may explain (TLB invalid or modified). */
unsigned mips_exc_access(unsigned exccode);
int mips_exc_is_tlb(unsigned exccode);

#endif

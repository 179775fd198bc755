/* lvz.h (loongarch64) — the pure part of the LVZ backend: guest CSRs as
 * KVM_SET_ONE_REG ids and values, the hypercall doorbell, exit decoding
 * and exception classification.  No libc (uapi headers only): the
 * freestanding tests build it as it is. */
#ifndef DUNE_LOONGARCH64_LVZ_H
#define DUNE_LOONGARCH64_LVZ_H

#include <stdint.h>
#include <linux/kvm.h>
#include "arch_exit.h"

/* CSR numbers, LoongArch Reference Manual Vol. 1 (v1.10), chapter 7
 * "Control and Status Registers", table of CSRs.  KVM's id for CSR n is
 * KVM_IOC_CSRID(n) (uapi asm/kvm.h): register set 1, 64-bit. */
#define CSR_CRMD      0x0	/* current mode: PLV 1..0, IE 2, DA 3, PG 4, DATF 6..5, DATM 8..7 */
#define CSR_PRMD      0x1	/* PPLV 1..0, PIE 2 */
#define CSR_EUEN      0x2	/* FPE 0: FPU on */
#define CSR_ECFG      0x4	/* LIE 12..0 (interrupts), VS 18..16 */
#define CSR_ESTAT     0x5	/* Ecode 21..16, EsubCode 30..22 */
#define CSR_ERA       0x6
#define CSR_BADV      0x7
#define CSR_EENTRY    0xc
#define CSR_TLBEHI    0x11
#define CSR_ASID      0x18	/* ASID 9..0 */
#define CSR_PGDL      0x19
#define CSR_STLBPS    0x1e	/* STLB page size: 12 */
#define CSR_SAVE(n)   (0x30 + (n))
#define CSR_TLBRENTRY 0x88	/* physical: refill runs with DA = 1 */
#define CSR_TLBRSAVE  0x8b
#define CSR_TLBREHI   0x8e	/* PS 5..0: the refilled page size */
#define CSR_DMW0      0x180

#define CRMD_PG       (1ull << 4)
#define CRMD_DATF_CC  (1ull << 5)	/* fetches in DA mode: coherent cached */
#define CRMD_DATM_CC  (1ull << 7)
#define EUEN_FPE      1ull
/* DMW0: the window 0x9000_xxxx_xxxx_xxxx reaches guest-physical memory
 * without the TLB (Vol. 1, "Direct Mapping Configuration Window"): PLV0
 * bit 0, MAT 5..4 = 1 (coherent cached), VSEG 63..60 = 9. */
#define DMW_BASE      0x9000000000000000ull
#define DMW0_VALUE    (DMW_BASE | (1ull << 4) | 1ull)

#define LA_CSR_ID(n)  KVM_IOC_CSRID(n)

/* ESTAT.Ecode (Vol. 1, "Exception Code" table). */
#define ECODE_PIL 0x1
#define ECODE_PIS 0x2
#define ECODE_PIF 0x3
#define ECODE_PME 0x4
#define ECODE_PNR 0x5
#define ECODE_PNX 0x6
#define ECODE_PPI 0x7
#define ECODE_ADE 0x8
#define ECODE_ALE 0x9
#define ECODE_SYS 0xb
#define ECODE_BRK 0xc
#define ECODE_INE 0xd
#define ECODE_FPE 0x12
#define ESTAT_ECODE(e) (((e) >> 16) & 0x3f)

/* The hypercall doorbell: IOCSR reads exit to userspace on stock KVM
 * (KVM_EXIT_LOONGARCH_IOCSR, PC already past the instruction); the next
 * KVM_RUN puts run->iocsr_io.data in the destination register.  No
 * in-kernel IOCSR device answers these addresses. */
#define DOORBELL_IOCSR 0x0dd00000ull
#define DOORBELL_SYSCALL 0
#define DOORBELL_HYPERCALL 8

struct la_reg {
	uint64_t id;
	uint64_t value;
};

struct la_guest {
	uint64_t root_gpa;
	uint64_t vectors_gpa;	/* EENTRY (through DMW0) and TLBRENTRY */
	uint64_t xstack;	/* exception stack top, DMW0 address */
	int fpu;
};

#define LA_MAX_REGS 16
int la_csr_setup(const struct la_guest *g, struct la_reg *regs);
void la_decode_exit(const struct kvm_run *run, int result, struct exit_info *e);
unsigned la_exc_access(unsigned ecode);
int la_exc_is_tlb(unsigned ecode);

#endif

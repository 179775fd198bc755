/* vmx_check.c (x86-64) — checks kvm_sregs against the VM-entry guest-state rules of Intel SDM Vol. 3C 27.3.1. */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include "sys.h"

/*
 * Section numbers are those of recent SDMs (27.3.1.x; 26.3.1.x in older
 * ones).  The checker assumes the strictest VMX configuration KVM may use:
 *  - "unrestricted guest" = 0, so the SS/CS RPL, SS DPL and data-segment
 *    DPL >= RPL rules apply and CS must be a code segment;
 *  - no KVM fix-ups: KVM ORs the accessed bit into every segment type but
 *    LDTR when it runs with unrestricted guest, which we do not model;
 *  - "IA-32e mode guest" = EFER.LMA (KVM derives the control from it);
 *  - only the architectural minimum of IA32_VMX_CR0_FIXED0/1 and
 *    IA32_VMX_CR4_FIXED0/1 is known; CR4.VMXE is KVM's and not checked.
 * A state accepted here is thus accepted by any VMX host KVM runs on.
 */

/*
 * Physical-address width for the CR3 check (27.3.1.1): 52, the
 * architectural maximum MAXPHYADDR (Vol. 3A 4.1.4), so only CR3 bits
 * 63:52 are checked; a CPU with a smaller MAXPHYADDR rejects more.
 */
#define VMX_PHYS_ADDR_BITS 52

/* CR0 and CR4 bits, Vol. 3A 2.5, Figures 2-7 and 2-8. */
#define CR0_PE (1ull << 0)
#define CR0_NE (1ull << 5)
#define CR0_WP (1ull << 16)
#define CR0_PG (1ull << 31)
#define CR4_PAE (1ull << 5)
#define CR4_LA57 (1ull << 12)
#define CR4_PCIDE (1ull << 17)
#define CR4_CET (1ull << 23)

/* IA32_EFER, Vol. 3A 2.2.1, Table 2-1 (Vol. 4 Table 2-2, MSR C000_0080H):
 * SCE bit 0, LME bit 8, LMA bit 10, NXE bit 11; all others reserved. */
#define EFER_SCE (1ull << 0)
#define EFER_LME (1ull << 8)
#define EFER_LMA (1ull << 10)
#define EFER_NXE (1ull << 11)
#define EFER_DEFINED (EFER_SCE | EFER_LME | EFER_LMA | EFER_NXE)

/* RFLAGS, Vol. 1 3.4.3, Figure 3-8: bit 1 reads as 1; bits 3, 5, 15
 * and 63:22 are reserved; VM is bit 17. */
#define RFLAGS_FIXED1 (1ull << 1)
#define RFLAGS_RESERVED ((1ull << 3) | (1ull << 5) | (1ull << 15) | \
			 (~0ull << 22))
#define RFLAGS_VM (1ull << 17)

/* Segment selector, Vol. 3A 3.4.2, Figure 3-6: RPL bits 1:0, TI bit 2. */
#define SEL_RPL(sel) ((unsigned)(sel) & 3)
#define SEL_TI 0x4u

/*
 * VMCS access-rights format, Vol. 3C 25.4.1, Table 25-2 (24.4.1 in older
 * SDMs): type 3:0, S 4, DPL 6:5, P 7, reserved 11:8, AVL 12, L 13, D/B 14,
 * G 15, unusable 16, reserved 31:17.
 */
#define AR_TYPE(ar) ((ar) & 0xfu)
#define AR_S (1u << 4)
#define AR_DPL(ar) (((ar) >> 5) & 3u)
#define AR_P (1u << 7)
#define AR_RSVD_LO (0xfu << 8)
#define AR_L (1u << 13)
#define AR_DB (1u << 14)
#define AR_G (1u << 15)
#define AR_UNUSABLE (1u << 16)
#define AR_RSVD_HI (0x7fffu << 17)

/* The access rights KVM writes to the VMCS for a kvm_segment
 * (vmx_segment_access_rights() in arch/x86/kvm/vmx/vmx.c): a segment that
 * is unusable or not present becomes "unusable" with all else zero. */
static uint32_t seg_ar(const struct kvm_segment *seg)
{
	if (seg->unusable || !seg->present)
		return AR_UNUSABLE;
	return (seg->type & 0xfu) | (uint32_t)(seg->s & 1) << 4 |
	       (uint32_t)(seg->dpl & 3) << 5 | (uint32_t)(seg->present & 1) << 7 |
	       (uint32_t)(seg->avl & 1) << 12 | (uint32_t)(seg->l & 1) << 13 |
	       (uint32_t)(seg->db & 1) << 14 | (uint32_t)(seg->g & 1) << 15;
}

/* Canonical: bits 63:bits-1 all equal (Vol. 1 3.3.7.1).  The width is that
 * of the guest's paging mode, 48 or 57 with CR4.LA57 (Vol. 3A 4.1.1); a
 * CPU with 57-bit addresses but LA57 clear would accept a little more. */
static int canonical(uint64_t a, const struct kvm_sregs *s)
{
	unsigned bits = (s->cr4 & CR4_LA57) ? 57 : 48;
	return (uint64_t)((int64_t)(a << (64 - bits)) >> (64 - bits)) == a;
}

/* Limit vs. G in the access rights (27.3.1.2, bit 15): limit bits 11:0
 * not all ones need G=0; any of limit bits 31:20 set needs G=1. */
static int granularity_ok(uint32_t limit, uint32_t ar)
{
	if ((limit & 0xfff) != 0xfff && (ar & AR_G))
		return 0;
	if ((limit & 0xfff00000u) && !(ar & AR_G))
		return 0;
	return 1;
}

/* 27.3.1.1: control registers and IA32_EFER. */
static const char *check_cr_msr(const struct kvm_sregs *s, int ia32e)
{
	if ((s->cr0 & CR0_PG) && !(s->cr0 & CR0_PE))
		return "27.3.1.1: CR0.PG set without CR0.PE";
	/* IA32_VMX_CR0_FIXED0: PE, NE and PG must be 1 (PE/PG only
	 * without unrestricted guest); FIXED1: bits 63:32 must be 0. */
	if (!(s->cr0 & CR0_PE))
		return "27.3.1.1: CR0.PE clear (CR0 fixed-1 bit)";
	if (!(s->cr0 & CR0_NE))
		return "27.3.1.1: CR0.NE clear (CR0 fixed-1 bit)";
	if (!(s->cr0 & CR0_PG))
		return "27.3.1.1: CR0.PG clear (CR0 fixed-1 bit)";
	if (s->cr0 >> 32)
		return "27.3.1.1: CR0 bits 63:32 set (CR0 fixed-0 bits)";
	/* IA32_VMX_CR4_FIXED1: bits 63:32 must be 0. */
	if (s->cr4 >> 32)
		return "27.3.1.1: CR4 bits 63:32 set (CR4 fixed-0 bits)";
	if ((s->cr4 & CR4_CET) && !(s->cr0 & CR0_WP))
		return "27.3.1.1: CR4.CET set without CR0.WP";
	if (ia32e && !(s->cr4 & CR4_PAE))
		return "27.3.1.1: IA-32e mode guest without CR4.PAE";
	if (!ia32e && (s->cr4 & CR4_PCIDE))
		return "27.3.1.1: CR4.PCIDE set outside IA-32e mode";
	if (s->cr3 >> VMX_PHYS_ADDR_BITS)
		return "27.3.1.1: CR3 sets bits beyond the physical-address width";
	if (s->efer & ~EFER_DEFINED)
		return "27.3.1.1: IA32_EFER reserved bits set";
	/* EFER.LMA must equal "IA-32e mode guest": true by construction. */
	if ((s->cr0 & CR0_PG) && !(s->efer & EFER_LME) != !(s->efer & EFER_LMA))
		return "27.3.1.1: IA32_EFER.LME differs from LMA with CR0.PG set";
	return NULL;
}

/* 27.3.1.2, selector fields. */
static const char *check_selectors(const struct kvm_sregs *s, int v86)
{
	if (s->tr.selector & SEL_TI)
		return "27.3.1.2: TR selector TI set";
	if (!(seg_ar(&s->ldt) & AR_UNUSABLE) && (s->ldt.selector & SEL_TI))
		return "27.3.1.2: LDTR usable with selector TI set";
	if (!v86 && SEL_RPL(s->ss.selector) != SEL_RPL(s->cs.selector))
		return "27.3.1.2: SS selector RPL differs from CS selector RPL";
	return NULL;
}

/* 27.3.1.2, base-address fields. */
static const char *check_bases(const struct kvm_sregs *s)
{
	if (!canonical(s->tr.base, s))
		return "27.3.1.2: TR base not canonical";
	if (!canonical(s->fs.base, s))
		return "27.3.1.2: FS base not canonical";
	if (!canonical(s->gs.base, s))
		return "27.3.1.2: GS base not canonical";
	if (!(seg_ar(&s->ldt) & AR_UNUSABLE) && !canonical(s->ldt.base, s))
		return "27.3.1.2: LDTR usable with base not canonical";
	if (s->cs.base >> 32)
		return "27.3.1.2: CS base bits 63:32 set";
	if (!(seg_ar(&s->ss) & AR_UNUSABLE) && (s->ss.base >> 32))
		return "27.3.1.2: SS usable with base bits 63:32 set";
	if (!(seg_ar(&s->ds) & AR_UNUSABLE) && (s->ds.base >> 32))
		return "27.3.1.2: DS usable with base bits 63:32 set";
	if (!(seg_ar(&s->es) & AR_UNUSABLE) && (s->es.base >> 32))
		return "27.3.1.2: ES usable with base bits 63:32 set";
	return NULL;
}

/* 27.3.1.2, virtual-8086 guests: CS, SS, DS, ES, FS and GS must have
 * base = selector << 4, limit 0xFFFF and access rights 0xF3. */
static const char *check_v86_seg(const struct kvm_segment *seg)
{
	if (seg->base != (uint64_t)seg->selector << 4)
		return "27.3.1.2: virtual-8086 segment base is not selector << 4";
	if (seg->limit != 0xffff)
		return "27.3.1.2: virtual-8086 segment limit is not 0xFFFF";
	if (seg_ar(seg) != 0xf3)
		return "27.3.1.2: virtual-8086 segment access rights are not 0xF3";
	return NULL;
}

/* 27.3.1.2, access rights of CS and SS (not virtual-8086). */
static const char *check_cs_ss(const struct kvm_sregs *s, int ia32e)
{
	uint32_t cs = seg_ar(&s->cs), ss = seg_ar(&s->ss);
	unsigned t = AR_TYPE(cs);

	/* CS is checked whether usable or not: unusable fails P. */
	if (cs & AR_UNUSABLE)
		return "27.3.1.2: CS unusable (CS.P must be 1)";
	if (t != 9 && t != 11 && t != 13 && t != 15)
		return "27.3.1.2: CS type not an accessed code segment";
	if (!(cs & AR_S))
		return "27.3.1.2: CS.S clear";
	/* SS.DPL == SS RPL applies usable or not (no unrestricted guest);
	 * an unusable SS has DPL 0 as KVM encodes it. */
	if (AR_DPL(ss) != SEL_RPL(s->ss.selector))
		return "27.3.1.2: SS.DPL differs from SS selector RPL";
	/* Non-conforming code: DPL == SS.DPL; conforming: DPL <= SS.DPL. */
	if ((t == 9 || t == 11) && AR_DPL(cs) != AR_DPL(ss))
		return "27.3.1.2: CS.DPL differs from SS.DPL (non-conforming CS)";
	if ((t == 13 || t == 15) && AR_DPL(cs) > AR_DPL(ss))
		return "27.3.1.2: CS.DPL above SS.DPL (conforming CS)";
	if (!(cs & AR_P))
		return "27.3.1.2: CS.P clear";
	if (cs & (AR_RSVD_LO | AR_RSVD_HI))
		return "27.3.1.2: CS access-rights reserved bits set";
	if (ia32e && (cs & AR_L) && (cs & AR_DB))
		return "27.3.1.2: CS.L and CS.D/B both set";
	if (!granularity_ok(s->cs.limit, cs))
		return "27.3.1.2: CS.G inconsistent with CS limit";

	if (ss & AR_UNUSABLE)
		return NULL;
	if (AR_TYPE(ss) != 3 && AR_TYPE(ss) != 7)
		return "27.3.1.2: SS usable but type not read/write accessed data";
	if (!(ss & AR_S))
		return "27.3.1.2: SS usable with S clear";
	if (!(ss & AR_P))
		return "27.3.1.2: SS usable with P clear";
	if (ss & (AR_RSVD_LO | AR_RSVD_HI))
		return "27.3.1.2: SS access-rights reserved bits set";
	if (!granularity_ok(s->ss.limit, ss))
		return "27.3.1.2: SS.G inconsistent with SS limit";
	return NULL;
}

/* 27.3.1.2, access rights of DS, ES, FS, GS (not virtual-8086); the
 * rules apply only to a usable register. */
static const char *check_data_seg(const struct kvm_segment *seg,
				  const char *const why[6])
{
	uint32_t ar = seg_ar(seg);
	unsigned t = AR_TYPE(ar);

	if (ar & AR_UNUSABLE)
		return NULL;
	/* Type: accessed (bit 0); code (bit 3) must be readable (bit 1). */
	if (!(t & 1) || ((t & 8) && !(t & 2)))
		return why[0];
	if (!(ar & AR_S))
		return why[1];
	/* Data or non-conforming code (types 0-11): DPL >= RPL. */
	if (t <= 11 && AR_DPL(ar) < SEL_RPL(seg->selector))
		return why[2];
	if (!(ar & AR_P))
		return why[3];
	if (ar & (AR_RSVD_LO | AR_RSVD_HI))
		return why[4];
	if (!granularity_ok(seg->limit, ar))
		return why[5];
	return NULL;
}

#define DATA_WHY(R) { \
	"27.3.1.2: " R " usable with a type not accessed or code not readable", \
	"27.3.1.2: " R " usable with S clear", \
	"27.3.1.2: " R ".DPL below its selector RPL", \
	"27.3.1.2: " R " usable with P clear", \
	"27.3.1.2: " R " access-rights reserved bits set", \
	"27.3.1.2: " R ".G inconsistent with " R " limit" }

/* 27.3.1.2, access rights of TR (always) and LDTR (if usable). */
static const char *check_tr_ldtr(const struct kvm_sregs *s, int ia32e)
{
	uint32_t tr = seg_ar(&s->tr), ldt = seg_ar(&s->ldt);

	if (tr & AR_UNUSABLE)
		return "27.3.1.2: TR unusable";
	if (ia32e ? AR_TYPE(tr) != 11 : AR_TYPE(tr) != 3 && AR_TYPE(tr) != 11)
		return ia32e ? "27.3.1.2: TR type not 11 (busy 64-bit TSS)"
			     : "27.3.1.2: TR type not 3 or 11 (busy TSS)";
	if (tr & AR_S)
		return "27.3.1.2: TR.S set";
	if (!(tr & AR_P))
		return "27.3.1.2: TR.P clear";
	if (tr & (AR_RSVD_LO | AR_RSVD_HI))
		return "27.3.1.2: TR access-rights reserved bits set";
	if (!granularity_ok(s->tr.limit, tr))
		return "27.3.1.2: TR.G inconsistent with TR limit";

	if (ldt & AR_UNUSABLE)
		return NULL;
	if (AR_TYPE(ldt) != 2)
		return "27.3.1.2: LDTR usable with type not 2 (LDT)";
	if (ldt & AR_S)
		return "27.3.1.2: LDTR usable with S set";
	if (!(ldt & AR_P))
		return "27.3.1.2: LDTR usable with P clear";
	if (ldt & (AR_RSVD_LO | AR_RSVD_HI))
		return "27.3.1.2: LDTR access-rights reserved bits set";
	if (!granularity_ok(s->ldt.limit, ldt))
		return "27.3.1.2: LDTR.G inconsistent with LDTR limit";
	return NULL;
}

/* 27.3.1.2: all segment-register checks. */
static const char *check_segments(const struct kvm_sregs *s, int ia32e,
				  int v86)
{
	static const char *const ds_why[6] = DATA_WHY("DS");
	static const char *const es_why[6] = DATA_WHY("ES");
	static const char *const fs_why[6] = DATA_WHY("FS");
	static const char *const gs_why[6] = DATA_WHY("GS");
	const struct kvm_segment *v86_segs[6] = {
		&s->cs, &s->ss, &s->ds, &s->es, &s->fs, &s->gs };
	const char *why;

	if ((why = check_selectors(s, v86)) || (why = check_bases(s)))
		return why;
	if (v86) {
		for (int i = 0; i < 6; i++)
			if ((why = check_v86_seg(v86_segs[i])))
				return why;
	} else if ((why = check_cs_ss(s, ia32e)) ||
		   (why = check_data_seg(&s->ds, ds_why)) ||
		   (why = check_data_seg(&s->es, es_why)) ||
		   (why = check_data_seg(&s->fs, fs_why)) ||
		   (why = check_data_seg(&s->gs, gs_why))) {
		return why;
	}
	return check_tr_ldtr(s, ia32e);
}

/* 27.3.1.3: GDTR and IDTR.  Their limits must fit in 16 bits, which
 * kvm_dtable's 16-bit limit guarantees. */
static const char *check_dtables(const struct kvm_sregs *s)
{
	if (!canonical(s->gdt.base, s))
		return "27.3.1.3: GDTR base not canonical";
	if (!canonical(s->idt.base, s))
		return "27.3.1.3: IDTR base not canonical";
	return NULL;
}

/* 27.3.1.4: RIP and RFLAGS (IF vs. event injection left out). */
static const char *check_rip_rflags(const struct kvm_sregs *s, int ia32e,
				    uint64_t rflags, uint64_t rip)
{
	if (ia32e && (seg_ar(&s->cs) & AR_L)) {
		if (!canonical(rip, s))
			return "27.3.1.4: RIP not canonical in 64-bit mode";
	} else if (rip >> 32) {
		return "27.3.1.4: RIP bits 63:32 set outside 64-bit mode";
	}
	if (rflags & RFLAGS_RESERVED)
		return "27.3.1.4: RFLAGS reserved bits (3, 5, 15, 63:22) set";
	if (!(rflags & RFLAGS_FIXED1))
		return "27.3.1.4: RFLAGS bit 1 clear";
	if ((rflags & RFLAGS_VM) && (ia32e || !(s->cr0 & CR0_PE)))
		return "27.3.1.4: RFLAGS.VM set in IA-32e mode or with CR0.PE clear";
	return NULL;
}

int x86_vmx_check_guest(const struct kvm_sregs *s, uint64_t rflags,
			uint64_t rip, const char **why)
{
	int ia32e = !!(s->efer & EFER_LMA);
	/* Virtual-8086 only where RFLAGS.VM is legal at all. */
	int v86 = (rflags & RFLAGS_VM) && !ia32e && (s->cr0 & CR0_PE);
	const char *w;

	if ((w = check_cr_msr(s, ia32e)) ||
	    (w = check_segments(s, ia32e, v86)) ||
	    (w = check_dtables(s)) ||
	    (w = check_rip_rflags(s, ia32e, rflags, rip))) {
		if (why)
			*why = w;
		return -EINVAL;
	}
	return 0;
}

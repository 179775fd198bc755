/* x86-vmx-check.c — the backend's initial guest state passes the Intel VMX
 * guest-state checks (SDM Vol. 3C 27.3.1), and each single mutation that
 * breaks one of those rules is caught.  Links only arch/x86_64/sys.c and
 * arch/x86_64/vmx_check.c; needs neither KVM nor libdune. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "tap.h"
#include "sys.h"

#define RIP_OK 0x401000ull
#define NONCANON 0x0000800000000000ull	/* bit 47 set, 63:48 clear */

struct guest {
	struct kvm_sregs s;
	uint64_t rflags, rip;
};

struct mutation {
	const char *name;
	void (*apply)(struct guest *g);
	const char *expect;	/* part of the rule *why must name */
};

/* Single mutations, each of which VMX must refuse. */
static void m_cs_l_db(struct guest *g) { g->s.cs.db = 1; }
static void m_cs_notpresent(struct guest *g) { g->s.cs.present = 0; }
static void m_cs_unusable(struct guest *g) { g->s.cs.unusable = 1; }
static void m_cs_not_accessed(struct guest *g) { g->s.cs.type = 0xa; }
static void m_cs_s0(struct guest *g) { g->s.cs.s = 0; }
static void m_cs_dpl3(struct guest *g) { g->s.cs.dpl = 3; }
static void m_cs_base_hi(struct guest *g) { g->s.cs.base = 1ull << 32; }
static void m_cs_g0(struct guest *g) { g->s.cs.g = 0; }
static void m_tr_type9(struct guest *g) { g->s.tr.type = 9; }
static void m_tr_notpresent(struct guest *g) { g->s.tr.present = 0; }
static void m_tr_unusable(struct guest *g) { g->s.tr.unusable = 1; }
static void m_tr_s1(struct guest *g) { g->s.tr.s = 1; }
static void m_tr_ti(struct guest *g) { g->s.tr.selector |= 4; }
static void m_tr_g1(struct guest *g) { g->s.tr.g = 1; }
static void m_tr_base(struct guest *g) { g->s.tr.base = NONCANON; }
static void m_ss_dpl3(struct guest *g) { g->s.ss.dpl = 3; }
static void m_ss_rpl3(struct guest *g) { g->s.ss.selector |= 3; }
static void m_ss_code(struct guest *g) { g->s.ss.type = 0xb; }
static void m_ss_base_hi(struct guest *g) { g->s.ss.base = 1ull << 32; }
static void m_ldt_type(struct guest *g) { g->s.ldt.unusable = 0; g->s.ldt.present = 1; g->s.ldt.type = 3; }
static void m_ldt_s1(struct guest *g) { g->s.ldt.unusable = 0; g->s.ldt.present = 1; g->s.ldt.s = 1; }
static void m_ldt_ti(struct guest *g) { g->s.ldt.unusable = 0; g->s.ldt.present = 1; g->s.ldt.selector = 4; }
static void m_ds_g0(struct guest *g) { g->s.ds.g = 0; }
static void m_ds_code_xo(struct guest *g) { g->s.ds.type = 0x9; }
static void m_ds_not_accessed(struct guest *g) { g->s.ds.type = 0x2; }
static void m_ds_s0(struct guest *g) { g->s.ds.s = 0; }
static void m_ds_base_hi(struct guest *g) { g->s.ds.base = 1ull << 32; }
static void m_es_dpl_rpl(struct guest *g) { g->s.es.selector |= 3; }
static void m_fs_base(struct guest *g) { g->s.fs.base = NONCANON; }
static void m_gs_base(struct guest *g) { g->s.gs.base = 0xff00000000000000ull; }
static void m_gs_g0(struct guest *g) { g->s.gs.g = 0; }
static void m_cr0_pe(struct guest *g) { g->s.cr0 &= ~1ull; }
static void m_cr0_ne(struct guest *g) { g->s.cr0 &= ~(1ull << 5); }
static void m_cr0_hi(struct guest *g) { g->s.cr0 |= 1ull << 32; }
static void m_cr4_pae(struct guest *g) { g->s.cr4 &= ~(1ull << 5); }
static void m_cr4_cet(struct guest *g) { g->s.cr4 |= 1ull << 23; g->s.cr0 &= ~(1ull << 16); }
static void m_cr3_52(struct guest *g) { g->s.cr3 |= 1ull << 52; }
static void m_cr3_63(struct guest *g) { g->s.cr3 |= 1ull << 63; }
static void m_efer_lme(struct guest *g) { g->s.efer &= ~(1ull << 8); }
static void m_efer_lma(struct guest *g) { g->s.efer &= ~(1ull << 10); }
static void m_efer_rsvd(struct guest *g) { g->s.efer |= 1ull << 12; }
static void m_gdt_base(struct guest *g) { g->s.gdt.base = NONCANON; }
static void m_idt_base(struct guest *g) { g->s.idt.base = 0x8000000000001000ull; }
static void m_rf_bit1(struct guest *g) { g->rflags &= ~2ull; }
static void m_rf_bit3(struct guest *g) { g->rflags |= 1ull << 3; }
static void m_rf_bit15(struct guest *g) { g->rflags |= 1ull << 15; }
static void m_rf_bit22(struct guest *g) { g->rflags |= 1ull << 22; }
static void m_rf_vm(struct guest *g) { g->rflags |= 1ull << 17; }
static void m_rip(struct guest *g) { g->rip = NONCANON; }

static const struct mutation bad[] = {
	{ "CS.L=1 with CS.D/B=1", m_cs_l_db,
	  "CS.L and CS.D/B" },
	{ "CS present=0 (unusable)", m_cs_notpresent,
	  "CS unusable" },
	{ "CS unusable=1", m_cs_unusable,
	  "CS unusable" },
	{ "CS type 10 (code not accessed)", m_cs_not_accessed,
	  "CS type" },
	{ "CS.S=0", m_cs_s0,
	  "CS.S clear" },
	{ "CS.DPL=3 with SS.DPL=0 (non-conforming)", m_cs_dpl3,
	  "CS.DPL differs from SS.DPL" },
	{ "CS base bit 32 set", m_cs_base_hi,
	  "CS base" },
	{ "CS.G=0 with limit 0xffffffff", m_cs_g0,
	  "CS.G" },
	{ "TR type 9 (available, not busy)", m_tr_type9,
	  "TR type" },
	{ "TR present=0 (unusable)", m_tr_notpresent,
	  "TR unusable" },
	{ "TR unusable=1", m_tr_unusable,
	  "TR unusable" },
	{ "TR.S=1", m_tr_s1,
	  "TR.S" },
	{ "TR selector TI=1", m_tr_ti,
	  "TR selector TI" },
	{ "TR.G=1 with limit 0x67", m_tr_g1,
	  "TR.G" },
	{ "TR base non-canonical", m_tr_base,
	  "TR base" },
	{ "SS.DPL=3 with SS selector RPL 0", m_ss_dpl3,
	  "SS.DPL differs from SS selector RPL" },
	{ "SS selector RPL 3 with CS RPL 0", m_ss_rpl3,
	  "SS selector RPL" },
	{ "SS type 11 (code)", m_ss_code,
	  "SS usable but type" },
	{ "SS usable with base bit 32 set", m_ss_base_hi,
	  "SS usable with base" },
	{ "LDTR usable with type 3", m_ldt_type,
	  "LDTR usable with type" },
	{ "LDTR usable with S=1", m_ldt_s1,
	  "LDTR usable with S" },
	{ "LDTR usable with selector TI=1", m_ldt_ti,
	  "LDTR usable with selector TI" },
	{ "DS.G=0 with limit 0xffffffff", m_ds_g0,
	  "DS.G" },
	{ "DS type 9 (execute-only code)", m_ds_code_xo,
	  "DS usable with a type" },
	{ "DS type 2 (not accessed)", m_ds_not_accessed,
	  "DS usable with a type" },
	{ "DS.S=0", m_ds_s0,
	  "DS usable with S" },
	{ "DS usable with base bit 32 set", m_ds_base_hi,
	  "DS usable with base" },
	{ "ES selector RPL 3 above DPL 0", m_es_dpl_rpl,
	  "ES.DPL below" },
	{ "FS base non-canonical", m_fs_base,
	  "FS base" },
	{ "GS base non-canonical", m_gs_base,
	  "GS base" },
	{ "GS.G=0 with limit 0xffffffff", m_gs_g0,
	  "GS.G" },
	{ "CR0.PG=1 with CR0.PE=0", m_cr0_pe,
	  "CR0.PG set without CR0.PE" },
	{ "CR0.NE=0", m_cr0_ne,
	  "CR0.NE" },
	{ "CR0 bit 32 set", m_cr0_hi,
	  "CR0 bits 63:32" },
	{ "CR4.PAE=0 in IA-32e mode", m_cr4_pae,
	  "without CR4.PAE" },
	{ "CR4.CET=1 with CR0.WP=0", m_cr4_cet,
	  "CR4.CET" },
	{ "CR3 bit 52 set", m_cr3_52,
	  "CR3" },
	{ "CR3 bit 63 set", m_cr3_63,
	  "CR3" },
	{ "EFER.LME=0 with LMA=1, CR0.PG=1", m_efer_lme,
	  "LME differs from LMA" },
	{ "EFER.LMA=0 with LME=1, CR0.PG=1", m_efer_lma,
	  "LME differs from LMA" },
	{ "EFER reserved bit 12 set", m_efer_rsvd,
	  "EFER reserved" },
	{ "GDTR base non-canonical", m_gdt_base,
	  "GDTR base" },
	{ "IDTR base non-canonical", m_idt_base,
	  "IDTR base" },
	{ "RFLAGS bit 1 clear", m_rf_bit1,
	  "RFLAGS bit 1" },
	{ "RFLAGS bit 3 set", m_rf_bit3,
	  "RFLAGS reserved" },
	{ "RFLAGS bit 15 set", m_rf_bit15,
	  "RFLAGS reserved" },
	{ "RFLAGS bit 22 set", m_rf_bit22,
	  "RFLAGS reserved" },
	{ "RFLAGS.VM=1 in IA-32e mode", m_rf_vm,
	  "RFLAGS.VM" },
	{ "RIP non-canonical", m_rip,
	  "RIP not canonical" },
};

/* Legal variations that must still pass. */
static void v_ds_notpresent(struct guest *g) { g->s.ds.present = 0; }
static void v_ds_unusable_junk(struct guest *g) { g->s.ds.unusable = 1; g->s.ds.base = 1ull << 40; g->s.ds.type = 0; g->s.ds.g = 0; }
static void v_ss_unusable(struct guest *g) { g->s.ss.present = 0; }
static void v_fsgs_zero(struct guest *g) { g->s.fs.base = 0; g->s.gs.base = 0; }
static void v_rip_high(struct guest *g) { g->rip = 0xffffffff80001000ull; }
static void v_cs_conforming(struct guest *g) { g->s.cs.type = 0xf; }
static void v_rflags_min(struct guest *g) { g->rflags = 0x2; }
static void v_ldt_usable(struct guest *g) { g->s.ldt.unusable = 0; g->s.ldt.present = 1; g->s.ldt.type = 2; g->s.ldt.limit = 0xfff; g->s.ldt.selector = 0x28; }
static void v_cs_compat(struct guest *g) { g->s.cs.l = 0; g->s.cs.db = 1; }

static const struct mutation good[] = {
	{ "DS present=0 (unusable)", v_ds_notpresent, NULL },
	{ "DS unusable=1 with junk base/type/G", v_ds_unusable_junk, NULL },
	{ "SS unusable at CPL 0", v_ss_unusable, NULL },
	{ "FS and GS base 0", v_fsgs_zero, NULL },
	{ "RIP in the high canonical half", v_rip_high, NULL },
	{ "CS conforming type 15, DPL 0", v_cs_conforming, NULL },
	{ "RFLAGS 0x2", v_rflags_min, NULL },
	{ "LDTR usable, type 2", v_ldt_usable, NULL },
	{ "CS.L=0, D/B=1 (compatibility mode)", v_cs_compat, NULL },
};

#define N_BAD (sizeof(bad) / sizeof(bad[0]))
#define N_GOOD (sizeof(good) / sizeof(good[0]))

static void build(struct guest *g, struct x86_sys *sys, uint64_t cr3,
		  int features)
{
	struct x86_sregs_args a = {
		.cr3 = cr3,
		.gdt = (uint64_t)(uintptr_t)sys->gdt,
		.idt = (uint64_t)(uintptr_t)sys->idt,
		.tss = (uint64_t)(uintptr_t)&sys->tss,
		.fs_base = 0x7f0000001000ull,
		.gs_base = 0x7f0000002000ull,
		.fsgsbase = features,
		.osxsave = features,
	};
	x86_sregs_build(&g->s, &a);
	g->rflags = 0x202;
	g->rip = RIP_OK;
}

int main(void)
{
	static const uint8_t vectors[32];
	struct x86_sys *sys = aligned_alloc(4096, sizeof(*sys));
	void *pml4 = aligned_alloc(4096, 4096);
	uint64_t cr3 = (uint64_t)(uintptr_t)pml4;
	struct guest base, g;
	const char *why;
	int rc;

	plan(2 + N_BAD + N_GOOD);
	if (!sys || !pml4) {
		diag("aligned_alloc failed");
		return 1;
	}
	x86_sys_build(sys, (uint64_t)(uintptr_t)vectors, 0x7f0000100000);

	build(&base, sys, cr3, 1);
	why = NULL;
	rc = x86_vmx_check_guest(&base.s, base.rflags, base.rip, &why);
	ok(rc == 0, "backend state passes (fsgsbase, osxsave)");
	if (rc)
		diag("why: %s", why ? why : "(null)");

	build(&g, sys, cr3, 0);
	why = NULL;
	rc = x86_vmx_check_guest(&g.s, g.rflags, g.rip, &why);
	ok(rc == 0, "backend state passes (no fsgsbase, no osxsave)");
	if (rc)
		diag("why: %s", why ? why : "(null)");

	for (size_t i = 0; i < N_BAD; i++) {
		g = base;
		bad[i].apply(&g);
		why = NULL;
		rc = x86_vmx_check_guest(&g.s, g.rflags, g.rip, &why);
		ok(rc == -EINVAL && why && !strncmp(why, "27.3.1.", 7) &&
		   strstr(why, bad[i].expect), "rejects %s", bad[i].name);
		diag("why: %s", why ? why : "(null)");
	}
	for (size_t i = 0; i < N_GOOD; i++) {
		g = base;
		good[i].apply(&g);
		why = NULL;
		rc = x86_vmx_check_guest(&g.s, g.rflags, g.rip, &why);
		ok(rc == 0, "accepts %s", good[i].name);
		if (rc)
			diag("why: %s", why ? why : "(null)");
	}
	free(pml4);
	free(sys);
	return done_testing();
}

/* sys.c (x86-64) — the guest's GDT, TSS, IDT and control registers. */
#include <string.h>
#include "sys.h"

/* Control-register bits, Intel SDM Vol. 3A 2.5. */
#define CR0_PE (1ull << 0)
#define CR0_MP (1ull << 1)
#define CR0_ET (1ull << 4)
#define CR0_NE (1ull << 5)
#define CR0_WP (1ull << 16)	/* ring-0 writes honour read-only PTEs */
#define CR0_AM (1ull << 18)
#define CR0_PG (1ull << 31)
#define CR4_PAE (1ull << 5)
#define CR4_OSFXSR (1ull << 9)
#define CR4_OSXMMEXCPT (1ull << 10)
#define CR4_FSGSBASE (1ull << 16)
#define CR4_OSXSAVE (1ull << 18)
/* IA32_EFER, Intel SDM Vol. 3A 2.2.1. */
#define EFER_SCE (1ull << 0)
#define EFER_LME (1ull << 8)
#define EFER_LMA (1ull << 10)
#define EFER_NXE (1ull << 11)

/* Segment descriptor fields, Intel SDM Vol. 3A 3.4.5, Figure 3-8. */
#define DESC_A   (1ull << 40)	/* accessed */
#define DESC_RW  (1ull << 41)	/* data writable / code readable */
#define DESC_X   (1ull << 43)	/* code */
#define DESC_S   (1ull << 44)	/* code or data, not system */
#define DESC_P   (1ull << 47)
#define DESC_L   (1ull << 53)	/* 64-bit code */
#define DESC_DB  (1ull << 54)
#define DESC_G   (1ull << 55)
#define DESC_LIMIT_MAX (0xffffull | (0xfull << 48))

static void set_tss_descriptor(uint64_t *gdt, uint64_t base, uint32_t limit)
{
	/* 16-byte system descriptor, type 9 (available 64-bit TSS),
	 * Intel SDM Vol. 3A 8.2.3, Figure 8-4. */
	gdt[0] = (limit & 0xffff) | ((base & 0xffffff) << 16) |
		 (9ull << 40) | DESC_P | ((uint64_t)(limit >> 16 & 0xf) << 48) |
		 ((base >> 24 & 0xff) << 56);
	gdt[1] = base >> 32;
}

static void set_gate(uint64_t *idt, int vector, uint64_t handler)
{
	/* 64-bit interrupt gate, IST 1, DPL 0 (Intel SDM Vol. 3A 6.14.1,
	 * Figure 6-8). */
	uint64_t *g = &idt[2 * vector];
	g[0] = (handler & 0xffff) | ((uint64_t)X86_SEL_CODE << 16) |
	       (1ull << 32) | (0xeull << 40) | (1ull << 47) |
	       ((handler >> 16 & 0xffff) << 48);
	g[1] = handler >> 32;
}

/* entry.S adjusts IST1 at this offset. */
_Static_assert(__builtin_offsetof(struct x86_sys, tss) + 36 == 100,
	       "X86_SYS_IST1 in entry.S");

void x86_sys_build(struct x86_sys *sys, uint64_t vectors, uint64_t ist_top)
{
	memset(sys->gdt, 0, sizeof(sys->gdt));
	sys->gdt[X86_SEL_CODE / 8] = DESC_LIMIT_MAX | DESC_A | DESC_RW |
		DESC_X | DESC_S | DESC_P | DESC_L | DESC_G;
	sys->gdt[X86_SEL_DATA / 8] = DESC_LIMIT_MAX | DESC_A | DESC_RW |
		DESC_S | DESC_P | DESC_DB | DESC_G;
	set_tss_descriptor(&sys->gdt[X86_SEL_TSS / 8],
			   (uint64_t)(uintptr_t)&sys->tss, sizeof(sys->tss) - 1);
	memset(&sys->tss, 0, sizeof(sys->tss));
	sys->tss.ist[0] = ist_top;
	sys->tss.iomap_base = sizeof(sys->tss);	/* no I/O bitmap */
	memset(sys->idt, 0, sizeof(sys->idt));
	for (int v = 0; v < 32; v++)
		set_gate(sys->idt, v, vectors + 16 * v);
}

static void flat_segment(struct kvm_segment *seg, uint16_t sel, int code)
{
	memset(seg, 0, sizeof(*seg));
	seg->base = 0;
	seg->limit = 0xffffffff;
	seg->selector = sel;
	seg->type = code ? 0xb : 0x3;	/* execute/read or read/write, accessed */
	seg->present = 1;
	seg->dpl = 0;
	seg->s = 1;
	seg->l = code;
	seg->db = !code;
	seg->g = 1;
}

void x86_sregs_build(struct kvm_sregs *s, const struct x86_sregs_args *a)
{
	memset(s, 0, sizeof(*s));
	flat_segment(&s->cs, X86_SEL_CODE, 1);
	flat_segment(&s->ds, X86_SEL_DATA, 0);
	s->es = s->ss = s->ds;
	/* FS and GS count only for their bases in 64-bit mode; their
	 * selectors are null, as Linux user space has them. */
	s->fs = s->ds;
	s->fs.selector = 0;
	s->fs.base = a->fs_base;
	s->gs = s->fs;
	s->gs.base = a->gs_base;
	s->tr.base = a->tss;
	s->tr.limit = sizeof(struct x86_tss) - 1;
	s->tr.selector = X86_SEL_TSS;
	s->tr.type = 0xb;		/* busy 64-bit TSS */
	s->tr.present = 1;
	s->ldt.selector = 0;
	s->ldt.type = 0x2;
	s->ldt.unusable = 1;
	s->gdt.base = a->gdt;
	s->gdt.limit = 8 * 8 - 1;
	s->idt.base = a->idt;
	s->idt.limit = 256 * 16 - 1;
	s->cr0 = CR0_PE | CR0_MP | CR0_ET | CR0_NE | CR0_WP | CR0_AM | CR0_PG;
	s->cr3 = a->cr3;
	s->cr4 = CR4_PAE | CR4_OSFXSR | CR4_OSXMMEXCPT;
	if (a->fsgsbase)
		s->cr4 |= CR4_FSGSBASE;
	if (a->osxsave)
		s->cr4 |= CR4_OSXSAVE;
	s->efer = EFER_SCE | EFER_LME | EFER_LMA | EFER_NXE;
}

/* sys.h (x86-64) — guest system tables and the initial control state. */
#ifndef DUNE_X86_SYS_H
#define DUNE_X86_SYS_H

#include <stdint.h>
#include <linux/kvm.h>

#define X86_SEL_CODE	0x08
#define X86_SEL_DATA	0x10
#define X86_SEL_TSS	0x18

/* Intel SDM Vol. 3A 8.7, Figure 8-11: the 64-bit TSS. */
struct x86_tss {
	uint32_t reserved0;
	uint64_t rsp[3];
	uint64_t reserved1;
	uint64_t ist[7];
	uint64_t reserved2;
	uint16_t reserved3;
	uint16_t iomap_base;
} __attribute__((packed));

/* One vCPU's tables, page aligned, mapped at the same address in the guest
 * (the exception entry finds it with SGDT: the GDT must come first).
 * scratch holds the IRET frame of a flushing return. */
struct x86_sys {
	uint64_t gdt[8];
	struct x86_tss tss __attribute__((aligned(64)));
	uint64_t scratch[8] __attribute__((aligned(64)));
	uint8_t pad0[4096 - 64 - 128 - 64];
	uint64_t idt[512];		/* 256 gates of 16 bytes */
};

/* The exception stack (IST1) keeps guest exceptions off the thread's stack
 * and its red zone.  Each nesting level of exceptions takes
 * X86_TRAP_LEVEL bytes of it (entry.S); handlers get that much stack. */
#define X86_IST_SIZE (8 * 32768ul)
#define X86_TRAP_LEVEL 32768ul

/* Fill GDT, TSS and IDT; vectors points at 32 exception stubs 16 bytes
 * apart, ist_top at the top of the exception stack. */
void x86_sys_build(struct x86_sys *sys, uint64_t vectors, uint64_t ist_top);

/* The guest's initial system state (long mode, ring 0, paging at cr3). */
struct x86_sregs_args {
	uint64_t cr3;
	uint64_t gdt, idt, tss;		/* linear addresses */
	uint64_t fs_base, gs_base;
	int fsgsbase;			/* set CR4.FSGSBASE */
	int osxsave;			/* set CR4.OSXSAVE */
};
void x86_sregs_build(struct kvm_sregs *s, const struct x86_sregs_args *a);

/* Checks the state against Intel SDM Vol. 3C 27.3.1 "Checks on the
 * Guest-State Area" as KVM would hand it to VMX.  Returns 0, or -EINVAL
 * and sets *why to the rule broken.  (vmx_check.c) */
int x86_vmx_check_guest(const struct kvm_sregs *s, uint64_t rflags,
			uint64_t rip, const char **why);

#endif

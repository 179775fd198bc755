/* arch/cpu.h (loongarch64) — constants for the generic library and the
 * LVZ backend's per-VM and per-vCPU state. */
#ifndef DUNE_ARCH_LOONGARCH64_CPU_H
#define DUNE_ARCH_LOONGARCH64_CPU_H

#include <stdint.h>

#define ARCH_NAME "loongarch64"

/* User addresses: VALEN 48 on 3A5000/3A6000, the upper half being the
 * kernel's; Linux's TASK_SIZE64 with 16 KiB pages and 3 levels is 2^47.
 * KVM's guest-physical size is 2^VALEN too, so GPA = HVA fits. */
#define ARCH_USER_VA_BITS 47
#define ARCH_USER_VA_END ((1ul << 47) - 16384)
#define ARCH_HUGE_SHIFT 21

#define ARCH_KVM_VM_TYPE 0

/* Exception codes stand for vectors (LoongArch Reference Manual Vol. 1,
 * "Exception Code" table, ESTAT.Ecode): PIL (1) is the page fault. */
#define ARCH_PAGE_FAULT_VECTOR 1

/* A complete user register file (entry.S: gpr 0, pc 256, fpr 264, fcsr
 * 520, fcc 528). */
struct la_state {
	uint64_t gpr[32];
	uint64_t pc;
	uint64_t fpr[32];
	uint32_t fcsr, pad;
	uint64_t fcc;
};

/* The guest's exception frame (entry.S). */
struct la_frame {
	uint64_t gpr[32];
	uint64_t era, badv, prmd, estat;
};
#define LA_FRAME_SIZE 320

struct arch_vcpu {
	struct la_state state;
	void *xstack;
	int regs_dirty;
	int flush;
};

struct arch_vm {
	uint64_t root_gpa;
	void *vectors;			/* exception entry page */
	uint64_t vectors_gpa;
	void *mode_page;		/* arch_guest_mode's two pages */
};

#endif

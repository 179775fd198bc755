/* arch/cpu.h (mips64) — constants for the generic library and the VZ
 * backend's per-VM and per-vCPU state. */
#ifndef DUNE_ARCH_MIPS64_CPU_H
#define DUNE_ARCH_MIPS64_CPU_H

#include <stdint.h>

#define ARCH_NAME "mips64"

/* User space is xuseg below TASK_SIZE64 (2^40 with 4 KiB pages, MIPS64
 * Architecture Vol. III, "Virtual Address Space").  KVM's MIPS memslots
 * must stay below it too (GPAs above the host page-table span wrap). */
#define ARCH_USER_VA_BITS 40
#define ARCH_USER_VA_END ((1ul << 40) - 4096)
#define ARCH_HUGE_SHIFT 21

/* KVM_CREATE_VM's type: the VZ implementation (uapi linux/kvm.h). */
#define ARCH_KVM_VM_TYPE 1	/* KVM_VM_MIPS_VZ */

/* Exception codes stand for vectors (Vol. III, "Cause Register ExcCode
 * Field"): TLBL (2) is the page fault. */
#define ARCH_PAGE_FAULT_VECTOR 2

/* A complete user register file: what dune_enter captures, what the vCPU
 * runs, and what the host resumes through rt_sigreturn.  entry.S knows
 * the offsets: gpr 0, hi 256, lo 264, pc 272, fpr 280, fcsr 536. */
struct mips_state {
	uint64_t gpr[32];
	uint64_t hi, lo, pc;
	uint64_t fpr[32];
	uint32_t fcsr, pad;
	uint64_t userlocal;		/* the thread pointer (RDHWR $29) */
};

/* The guest's exception frame (entry.S): the interrupted registers and
 * the CP0 registers that describe the exception. */
struct mips_frame {
	uint64_t gpr[32];
	uint64_t hi, lo;
	uint64_t epc, badvaddr, status, cause;
};
#define MIPS_FRAME_SIZE 320		/* entry.S FRAME */

struct arch_vcpu {
	struct mips_state state;
	void *xstack;			/* the guest's exception stack */
	int regs_dirty;			/* state must be set before run */
	int flush;			/* flush the guest TLB before it goes on */
	uint64_t resume_pc;		/* where the flush stub returns to */
};

struct arch_vm {
	uint64_t root_gpa;		/* the swtlb root table */
	void *vectors;			/* the guest's exception vectors page */
	void *mode_page;		/* arch_guest_mode's two pages */
	uint64_t vectors_gpa;		/* below 512 MiB: reached through kseg0 */
	int has_fpu;
};

#endif

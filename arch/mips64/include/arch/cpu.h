/* arch/cpu.h (mips64) — constants for the generic library.  MIPS64 has
 * the host backend only so far: the VZ KVM backend (issue 7) is not
 * written, so the per-VM and per-vCPU structures hold nothing yet. */
#ifndef DUNE_ARCH_MIPS64_CPU_H
#define DUNE_ARCH_MIPS64_CPU_H

#define ARCH_NAME "mips64"

/* User space is xuseg below TASK_SIZE64 (2^40 with 4 KiB pages, MIPS64
 * Architecture Vol. III, 4.3 "Virtual Address Space"). */
#define ARCH_USER_VA_BITS 40
#define ARCH_USER_VA_END ((1ul << 40) - 4096)
#define ARCH_HUGE_SHIFT 21

/* Exception codes stand for vectors (Vol. III, Table 9.38 "Cause
 * Register ExcCode Field"): TLBL (2) is the page fault. */
#define ARCH_PAGE_FAULT_VECTOR 2

struct arch_vm {
	int unused;
};

struct arch_vcpu {
	int unused;
};

#endif

/* arch/cpu.h (x86-64) — the backend's per-VM and per-vCPU state. */
#ifndef DUNE_ARCH_X86_64_CPU_H
#define DUNE_ARCH_X86_64_CPU_H

#include <stdint.h>
#include <linux/kvm.h>

/* User addresses are 47 bits wide without LA57; KVM wants memslots to end
 * at or below the kernel's TASK_SIZE_MAX, one page short of 2^47. */
#define ARCH_USER_VA_BITS 47
#define ARCH_USER_VA_END ((1ul << 47) - 4096)

#define ARCH_NAME "x86_64"

/* KVM_CREATE_VM's machine type: the default. */
#define ARCH_KVM_VM_TYPE 0

/* Huge pages mirrored as one leaf: 2 MiB page-directory leaves. */
#define ARCH_HUGE_SHIFT 21

/* The page-fault exception (Intel SDM Vol. 3A 6.15, interrupt 14). */
#define ARCH_PAGE_FAULT_VECTOR 14

/* Largest XSAVE image KVM_{GET,SET}_XSAVE moves (struct kvm_xsave). */
#define X86_XSAVE_SIZE 4096

/* A complete user register file: what dune_enter captures, what the vCPU
 * runs, and what the host CPU resumes.  entry.S knows the offsets. */
struct x86_state {
	struct kvm_regs regs;		/* offset 0: rax..r15, rip, rflags */
	uint64_t fs_base, gs_base;	/* 144, 152 */
	uint64_t xcr0;			/* 160: mask for xsave/xrstor */
	uint64_t set_fs;		/* 168: resume must load fs_base */
	uint64_t iret[5];		/* 176: scratch frame for the resume */
	uint64_t pad[2];
	uint8_t xsave[X86_XSAVE_SIZE] __attribute__((aligned(64))); /* 256 */
};

/* Guest system tables live in one page of host memory per vCPU, mapped
 * at the same address in the guest.  Layout in sys.c. */
struct x86_sys;

struct arch_vcpu {
	struct x86_state state __attribute__((aligned(64)));
	struct x86_sys *sys;		/* GDT, IDT, TSS */
	void *ist;			/* the exception stack */
	int regs_dirty;			/* state.regs must be set before run */
	int sync_regs;			/* kvm_run carries the registers */
	int flush;			/* reload CR3 before the guest goes on */
};

struct arch_vm {
	uint64_t root_hva;		/* PML4 */
	uint64_t root_gpa;
	uint64_t xcr0;			/* XCR0 given to guests */
	struct kvm_cpuid2 *cpuid;	/* KVM_GET_SUPPORTED_CPUID */
	int has_fsgsbase;
	int has_xsave;
};

#endif

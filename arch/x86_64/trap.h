/* trap.h (x86-64) — the frame entry.S builds for a guest exception. */
#ifndef DUNE_X86_TRAP_H
#define DUNE_X86_TRAP_H

#include <stdint.h>

/* Lowest address first, as entry.S pushes it; the last five words are
 * the CPU's own IRET frame (Intel SDM Vol. 3A 6.14.2, Figure 6-9). */
struct x86_trapframe {
	uint64_t fpu;		/* address of the XSAVE image of the FPU state */
	uint64_t cr2;
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vector, error;
	uint64_t rip, cs, rflags, rsp, ss;
};

void x86_guest_trap(struct x86_trapframe *tf);

#endif

/* entry.S (x86-64) — moving a thread between the host CPU and the guest:
 * capture on enter, resume on escape, the clone trampoline, and the small
 * guest-side stubs that turn a guest event into a KVM exit.
 *
 * Offsets follow struct x86_state in <arch/cpu.h> (struct kvm_regs first).
 * Guest stubs exit with HLT: with no in-kernel local APIC, KVM advances RIP
 * past HLT and returns KVM_EXIT_HLT to userspace, so the host learns which
 * stub ran from RIP alone and no register is disturbed.
 */
#define R_RAX	0
#define R_RBX	8
#define R_RCX	16
#define R_RDX	24
#define R_RSI	32
#define R_RDI	40
#define R_RSP	48
#define R_RBP	56
#define R_R8	64
#define R_R9	72
#define R_R10	80
#define R_R11	88
#define R_R12	96
#define R_R13	104
#define R_R14	112
#define R_R15	120
#define R_RIP	128
#define R_RFLAGS 136
#define S_FS	144
#define S_GS	152
#define S_XCR0	160
#define S_SETFS	168
#define S_IRET	176
#define S_XSAVE	256

#define SYS_arch_prctl	158
#define ARCH_SET_GS	0x1001
#define ARCH_SET_FS	0x1002

#define FUNC(name) .globl name; .hidden name; .type name, @function; name:
#define END(name) .size name, .-name

	.text

/* long x86_enter_switch(struct x86_state *s, void *stack_top,
 *                       void (*loop)(void *), void *arg)
 * Records the caller as it will be after this call returns (RIP, RSP,
 * callee-saved registers, RFLAGS, XSAVE image) and calls loop(arg) on
 * stack_top.  Control comes back to the caller only through x86_resume. */
FUNC(x86_enter_switch)
	mov	(%rsp), %rax
	mov	%rax, R_RIP(%rdi)
	lea	8(%rsp), %rax
	mov	%rax, R_RSP(%rdi)
	mov	%rbx, R_RBX(%rdi)
	mov	%rbp, R_RBP(%rdi)
	mov	%r12, R_R12(%rdi)
	mov	%r13, R_R13(%rdi)
	mov	%r14, R_R14(%rdi)
	mov	%r15, R_R15(%rdi)
	movq	$0, R_RAX(%rdi)
	pushfq
	popq	R_RFLAGS(%rdi)
	mov	%rdx, %r8
	mov	%rcx, %r9
	mov	S_XCR0(%rdi), %eax
	mov	S_XCR0+4(%rdi), %edx
	xsave	S_XSAVE(%rdi)
	mov	%rsi, %rsp
	mov	%r9, %rdi
	call	*%r8
	ud2
END(x86_enter_switch)

/* void x86_resume(struct x86_state *s) — noreturn.
 * Loads the thread pointer (when S_SETFS asks), the XSAVE image, then every
 * general register, RSP, RFLAGS and RIP (see x86_resume_regs). */
FUNC(x86_resume)
	mov	%rdi, %rbx
	testq	$1, S_SETFS(%rbx)
	jz	1f
	mov	$SYS_arch_prctl, %eax
	mov	$ARCH_SET_FS, %edi
	mov	S_FS(%rbx), %rsi
	syscall
1:	testq	$2, S_SETFS(%rbx)
	jz	2f
	mov	$SYS_arch_prctl, %eax
	mov	$ARCH_SET_GS, %edi
	mov	S_GS(%rbx), %rsi
	syscall
2:	mov	S_XCR0(%rbx), %eax
	mov	S_XCR0+4(%rbx), %edx
	xrstor	S_XSAVE(%rbx)
	mov	%rbx, %rdi
	jmp	x86_resume_regs
END(x86_resume)

/* x86_resume_regs: %rdi = struct x86_state; general registers only.
 * RFLAGS and RIP travel on the target stack, below its 128-byte red zone
 * (dead space, as a signal frame would use it): POPFQ, then RET 128 pops
 * RIP and lands RSP exactly on the target.  (IRETQ would avoid touching
 * the stack, but QEMU's TCG makes its stack reads supervisor accesses,
 * which SMAP forbids on user pages.) */
FUNC(x86_resume_regs)
	mov	R_RSP(%rdi), %rax
	mov	R_RFLAGS(%rdi), %rcx
	mov	%rcx, -144(%rax)
	mov	R_RIP(%rdi), %rcx
	mov	%rcx, -136(%rax)
	mov	R_RAX(%rdi), %rax
	mov	R_RBX(%rdi), %rbx
	mov	R_RCX(%rdi), %rcx
	mov	R_RDX(%rdi), %rdx
	mov	R_RSI(%rdi), %rsi
	mov	R_RBP(%rdi), %rbp
	mov	R_R8(%rdi), %r8
	mov	R_R9(%rdi), %r9
	mov	R_R10(%rdi), %r10
	mov	R_R11(%rdi), %r11
	mov	R_R12(%rdi), %r12
	mov	R_R13(%rdi), %r13
	mov	R_R14(%rdi), %r14
	mov	R_R15(%rdi), %r15
	mov	R_RSP(%rdi), %rsp
	lea	-144(%rsp), %rsp
	mov	R_RDI(%rdi), %rdi
	popfq
	ret	$128
END(x86_resume_regs)

/* long x86_clone(long nr, const long args[6], struct x86_state *guest,
 *                struct x86_state *child)
 * Loads the guest's FPU state (both sides inherit it), makes the system
 * call, returns its result in the parent; the child continues the guest's
 * code natively from *child (general registers only: the child keeps the
 * FPU state and thread pointer the kernel gave it). */
FUNC(x86_clone)
	push	%rbx
	push	%r12
	push	%r13
	push	%r14
	mov	%rdi, %r13
	mov	%rsi, %rbx
	mov	%rdx, %r14
	mov	%rcx, %r12
	mov	S_XCR0(%r14), %eax
	mov	S_XCR0+4(%r14), %edx
	xrstor	S_XSAVE(%r14)
	mov	%r13, %rax
	mov	0(%rbx), %rdi
	mov	8(%rbx), %rsi
	mov	16(%rbx), %rdx
	mov	24(%rbx), %r10
	mov	32(%rbx), %r8
	mov	40(%rbx), %r9
	syscall
	test	%rax, %rax
	jz	1f
	pop	%r14
	pop	%r13
	pop	%r12
	pop	%rbx
	ret
1:	mov	%r12, %rdi
	jmp	x86_resume_regs
END(x86_clone)

/* long arch_syscall6(long nr, const long args[6]) */
FUNC(arch_syscall6)
	mov	%rdi, %rax
	mov	%rsi, %r11
	mov	0(%r11), %rdi
	mov	8(%r11), %rsi
	mov	16(%r11), %rdx
	mov	24(%r11), %r10
	mov	32(%r11), %r8
	mov	40(%r11), %r9
	syscall
	ret
END(arch_syscall6)

/* Guest-side code.  One page, mapped into every guest at the same address,
 * so that exceptions can always be delivered (their stubs must be mapped). */
	.section .text.dune_guest, "ax", @progbits
	.balign 4096
FUNC(x86_guest_page)

/* IA32_LSTAR target: SYSCALL left the return RIP in RCX and RFLAGS in R11
 * (Intel SDM Vol. 2B, SYSCALL). */
FUNC(x86_guest_syscall)
	hlt
	ud2
END(x86_guest_syscall)

/* long arch_hypercall(long nr, long a0, long a1, long a2): called as a
 * function from guest code; the host reads the arguments from RDI, RSI,
 * RDX, RCX, sets RAX and continues at the RET. */
FUNC(arch_hypercall)
	hlt
	ret
END(arch_hypercall)

/* Return to the guest through a full TLB flush: RSP points at an IRET frame
 * followed by the value for RAX (MOV to CR3 flushes the non-global
 * translations, Intel SDM Vol. 3A 4.10.4.1). */
FUNC(x86_guest_flush_return)
	mov	%cr3, %rax
	mov	%rax, %cr3
	mov	40(%rsp), %rax
	iretq
END(x86_guest_flush_return)

/* Exception entry.  Every vector runs on IST1 (so the interrupted code's
 * red zone is never touched) and pushes a struct x86_trapframe (trap.h).
 * While x86_guest_trap runs, IST1 is lowered by X86_TRAP_LEVEL so that a
 * nested exception (a fault in a handler) lands below this level's stack.
 * SGDT finds this vCPU's struct x86_sys: its GDT comes first. */
#define X86_SYS_IST1	100
#define X86_TRAP_LEVEL	32768
FUNC(x86_guest_trap_common)
	push	%rax
	push	%rbx
	push	%rcx
	push	%rdx
	push	%rsi
	push	%rdi
	push	%rbp
	push	%r8
	push	%r9
	push	%r10
	push	%r11
	push	%r12
	push	%r13
	push	%r14
	push	%r15
	mov	%cr2, %rax
	push	%rax
	push	$0			/* frame->fpu, set below */
	mov	%rsp, %r12		/* r12: the trap frame */
	sub	$16, %rsp
	sgdt	6(%rsp)
	mov	8(%rsp), %rbx		/* rbx: this vCPU's struct x86_sys */
	subq	$X86_TRAP_LEVEL, X86_SYS_IST1(%rbx)
	/* The dispatcher is C and may use vector registers: keep the
	 * interrupted FPU state in an XSAVE image below the frame (its
	 * header zeroed, as XRSTOR requires; Intel SDM Vol. 1 13.4.2). */
	lea	-4096(%r12), %r13
	and	$-64, %r13
	xor	%eax, %eax
	.set off, 512
	.rept 8
	mov	%rax, off(%r13)
	.set off, off + 8
	.endr
	xor	%ecx, %ecx
	xgetbv
	xsave	(%r13)
	mov	%r13, (%r12)
	mov	%r13, %rsp
	mov	%r12, %rdi
	cld
	call	x86_guest_trap
	xor	%ecx, %ecx
	xgetbv
	xrstor	(%r13)
	addq	$X86_TRAP_LEVEL, X86_SYS_IST1(%rbx)
	lea	16(%r12), %rsp
	pop	%r15
	pop	%r14
	pop	%r13
	pop	%r12
	pop	%r11
	pop	%r10
	pop	%r9
	pop	%r8
	pop	%rbp
	pop	%rdi
	pop	%rsi
	pop	%rdx
	pop	%rcx
	pop	%rbx
	pop	%rax
	add	$16, %rsp
	iretq
END(x86_guest_trap_common)

/* Vectors 0..31, 16 bytes apart: push a zero error code where the CPU
 * pushes none (Intel SDM Vol. 3A 6.15), then the vector. */
	.balign 16
FUNC(x86_guest_vectors)
	.set vec, 0
	.rept 32
	.balign 16
	.if vec == 8 || (vec >= 10 && vec <= 14) || vec == 17 || vec == 21 || vec == 29 || vec == 30
	.else
	pushq	$0
	.endif
	pushq	$vec
	jmp	x86_guest_trap_common
	.set vec, vec + 1
	.endr
END(x86_guest_vectors)
	.balign 4096
FUNC(x86_guest_page_end)
	.text
	.section .note.GNU-stack, "", @progbits

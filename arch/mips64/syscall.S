/* syscall.S (mips64) — long arch_syscall6(long nr, const long args[6]):
 * the n64 system call convention (arch/mips/kernel/scall64-n64.S): number
 * in $v0, arguments in $a0-$a5 ($4-$9); on return $a3 ($7) is non-zero
 * for an error, whose positive errno is in $v0. */
	.text
	.set	noreorder
	.globl	arch_syscall6
	.hidden	arch_syscall6
	.type	arch_syscall6, @function
arch_syscall6:
	move	$2, $4
	move	$12, $5
	ld	$4, 0($12)
	ld	$5, 8($12)
	ld	$6, 16($12)
	ld	$7, 24($12)
	ld	$8, 32($12)
	ld	$9, 40($12)
	syscall
	beqz	$7, 1f
	nop
	dsubu	$2, $0, $2
1:	jr	$31
	nop
	.size	arch_syscall6, .-arch_syscall6
	.section .note.GNU-stack, "", @progbits

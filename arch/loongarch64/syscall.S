/* syscall.S (loongarch64) — long arch_syscall6(long nr, const long
 * args[6]): number in $a7, arguments in $a0-$a5, -errno or the result in
 * $a0 (arch/loongarch/kernel/syscall.c). */
	.text
	.globl	arch_syscall6
	.hidden	arch_syscall6
	.type	arch_syscall6, @function
arch_syscall6:
	move	$a7, $a0
	move	$t0, $a1
	ld.d	$a0, $t0, 0
	ld.d	$a1, $t0, 8
	ld.d	$a2, $t0, 16
	ld.d	$a3, $t0, 24
	ld.d	$a4, $t0, 32
	ld.d	$a5, $t0, 40
	syscall	0
	jirl	$zero, $ra, 0
	.size	arch_syscall6, .-arch_syscall6
	.section .note.GNU-stack, "", @progbits

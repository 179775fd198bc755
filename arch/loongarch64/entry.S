/* entry.S (loongarch64, LP64D) — the host side: capture the caller of
 * dune_enter, the way back through rt_sigreturn, the clone trampoline;
 * the guest side: the hypercall, and the two exception pages (general
 * entry at EENTRY through DMW0, TLB refill at TLBRENTRY, physical).
 *
 * LoongArch Reference Manual Vol. 1 (v1.10): CSRRD/CSRWR, IOCSRRD.D,
 * INVTLB, TLBFILL, ERTN in chapter 4 "Privileged Instructions"; on a TLB
 * refill the CPU runs in direct-address mode and keeps its state in the
 * TLBR* CSRs (chapter 6, "TLB Refill Exception"), so a refill inside the
 * general handler does not disturb ERA/PRMD.  $r21 is reserved by the
 * psABI: no user code holds a value in it, so guest code may clobber it. */
	.text

#define ST_PC 256
#define ST_FPR 264
#define ST_FCSR 520

/* long la_enter_switch(struct la_state *s, void *v, void *top,
 *			void (*loop)(void *v)) */
	.globl	la_enter_switch
	.type	la_enter_switch, @function
la_enter_switch:
	st.d	$r1, $a0, 8*1
	st.d	$r1, $a0, ST_PC
	st.d	$r2, $a0, 8*2
	st.d	$r3, $a0, 8*3
	.irp	n, 22,23,24,25,26,27,28,29,30,31
	st.d	$r\n, $a0, 8*\n
	.endr
	.irp	n, 24,25,26,27,28,29,30,31
	fst.d	$f\n, $a0, ST_FPR + 8*\n
	.endr
	movfcsr2gr $t0, $fcsr0
	st.w	$t0, $a0, ST_FCSR
	move	$sp, $a2
	move	$t0, $a3
	move	$a0, $a1
	jirl	$ra, $t0, 0
	break	0
	.size	la_enter_switch, .-la_enter_switch

/* void la_sigreturn(void *frame) */
	.globl	la_sigreturn
	.type	la_sigreturn, @function
la_sigreturn:
	move	$sp, $a0
	li.w	$a7, 139		/* __NR_rt_sigreturn */
	syscall	0
	break	0
	.size	la_sigreturn, .-la_sigreturn

/* long la_clone(long nr, const long args[6], void *child_frame) */
	.globl	la_clone
	.type	la_clone, @function
la_clone:
	move	$t8, $a2		/* the child keeps it: same registers */
	move	$a7, $a0
	move	$t0, $a1
	ld.d	$a0, $t0, 0
	ld.d	$a1, $t0, 8
	ld.d	$a2, $t0, 16
	ld.d	$a3, $t0, 24
	ld.d	$a4, $t0, 32
	ld.d	$a5, $t0, 40
	syscall	0
	beqz	$a0, 1f
	jirl	$zero, $ra, 0		/* parent, or -errno */
1:	move	$sp, $t8
	li.w	$a7, 139
	syscall	0
	break	0
	.size	la_clone, .-la_clone

/* long arch_hypercall(long nr, long a0, long a1, long a2): guest code. */
	.globl	arch_hypercall
	.type	arch_hypercall, @function
arch_hypercall:
	lu12i.w	$t0, 0xdd00		/* DOORBELL_IOCSR (lvz.h) */
	addi.d	$t0, $t0, 8		/* + DOORBELL_HYPERCALL */
	iocsrrd.d $a0, $t0
	jirl	$zero, $ra, 0
	.size	arch_hypercall, .-arch_hypercall

#define CSR_ESTAT 0x5
#define CSR_ERA 0x6
#define CSR_BADV 0x7
#define CSR_PRMD 0x1
#define CSR_EENTRY 0xc
#define CSR_PGDL 0x19
#define CSR_SAVE1 0x31
#define CSR_SAVE2 0x32
#define CSR_SAVE3 0x33
#define CSR_SAVE4 0x34
#define CSR_TLBRSAVE 0x8b
#define CSR_TLBRBADV 0x89
#define CSR_TLBRELO0 0x8c
#define CSR_TLBRELO1 0x8d
#define CSR_TLBREHI 0x8e
#define SLOT_DELTA 0xfe0
#define SLOT_HANDLER 0xfe8
#define FRAME 320
#define NEST 32768
#define F_ERA 256
#define F_BADV 264
#define F_PRMD 272
#define F_ESTAT 280

	.p2align 12
	.globl	la_vectors, la_vectors_end, la_flush_stub
la_vectors:
/* Page 0, at EENTRY (DMW0): every exception but the refill. */
	csrwr	$t0, CSR_SAVE2
	csrrd	$t0, CSR_ESTAT
	bstrpick.d $t0, $t0, 21, 16	/* Ecode */
	addi.d	$t0, $t0, -0xb		/* SYS */
	bnez	$t0, save
	/* A system call: a7 the number, a0..a5 the arguments; the result
	 * comes back in a0. */
	lu12i.w	$t0, 0xdd00
	iocsrrd.d $a0, $t0
	csrrd	$t0, CSR_ERA
	addi.d	$t0, $t0, 4
	csrwr	$t0, CSR_ERA
	csrrd	$t0, CSR_SAVE2
	ertn
save:
	/* Save through the DMW0 alias of the exception stack (no TLB), then
	 * run the C handler on its mapped alias. */
	csrrd	$t0, CSR_SAVE1
	addi.d	$t0, $t0, -FRAME
	.irp	n, 1,2,3,4,5,6,7,8,9,10,11,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	st.d	$r\n, $t0, 8*\n
	.endr
	csrrd	$t1, CSR_SAVE2
	st.d	$t1, $t0, 8*12
	csrrd	$t1, CSR_ERA
	st.d	$t1, $t0, F_ERA
	csrrd	$t1, CSR_BADV
	st.d	$t1, $t0, F_BADV
	csrrd	$t1, CSR_PRMD
	st.d	$t1, $t0, F_PRMD
	csrrd	$t1, CSR_ESTAT
	st.d	$t1, $t0, F_ESTAT
	addi.d	$t1, $t0, FRAME
	lu12i.w	$t2, NEST >> 12
	sub.d	$t1, $t1, $t2
	csrwr	$t1, CSR_SAVE1
	csrrd	$t1, CSR_EENTRY
	ori	$t2, $zero, SLOT_DELTA
	ldx.d	$t2, $t1, $t2
	add.d	$a0, $t0, $t2		/* the frame, mapped */
	addi.d	$sp, $a0, -32
	ori	$t3, $zero, SLOT_HANDLER
	ldx.d	$t1, $t1, $t3
	jirl	$ra, $t1, 0		/* la_guest_exception(frame) */
	csrrd	$t0, CSR_SAVE1
	lu12i.w	$t1, NEST >> 12
	add.d	$t0, $t0, $t1
	csrwr	$t0, CSR_SAVE1
	csrrd	$t0, CSR_SAVE1
	addi.d	$t0, $t0, -FRAME
	ld.d	$t1, $t0, F_ERA
	csrwr	$t1, CSR_ERA
	ld.d	$t1, $t0, F_PRMD
	csrwr	$t1, CSR_PRMD
	.irp	n, 1,2,3,4,5,6,7,8,9,10,11,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	ld.d	$r\n, $t0, 8*\n
	.endr
	ld.d	$t0, $t0, 8*12
	ertn

/* The host's flush request: the pc comes here, the real one in SAVE4. */
la_flush_stub:
	invtlb	0, $zero, $zero
	csrrd	$r21, CSR_SAVE4
	jirl	$zero, $r21, 0

	.org	la_vectors + 0xfe0
	.dword	0, 0, 0, 0

/* Page 1, at TLBRENTRY (physical): the refill walks the swtlb tables
 * (arch/swtlb) with t0 and t1, saved in TLBRSAVE and SAVE3. */
	.org	la_vectors + 0x1000
refill:
	csrwr	$t0, CSR_TLBRSAVE
	csrwr	$t1, CSR_SAVE3
	csrrd	$t0, CSR_PGDL
	csrrd	$t1, CSR_TLBRBADV
	bstrpick.d $t1, $t1, 47, 39
	alsl.d	$t0, $t1, $t0, 3
	ld.d	$t0, $t0, 0
	beqz	$t0, none
	bstrins.d $t0, $zero, 11, 0
	csrrd	$t1, CSR_TLBRBADV
	bstrpick.d $t1, $t1, 38, 30
	alsl.d	$t0, $t1, $t0, 3
	ld.d	$t0, $t0, 0
	beqz	$t0, none
	bstrins.d $t0, $zero, 11, 0
	csrrd	$t1, CSR_TLBRBADV
	bstrpick.d $t1, $t1, 29, 21
	alsl.d	$t0, $t1, $t0, 3
	ld.d	$t0, $t0, 0
	beqz	$t0, none
	bstrpick.d $t1, $t0, 48, 48	/* SW_HUGE (arch/pte.h) */
	bnez	$t1, huge
	bstrins.d $t0, $zero, 11, 0
	csrrd	$t1, CSR_TLBRBADV
	bstrpick.d $t1, $t1, 20, 13	/* the even/odd pair */
	alsl.d	$t0, $t1, $t0, 4
	ld.d	$t1, $t0, 0
	bstrins.d $t1, $zero, 59, 48	/* software bits off */
	csrwr	$t1, CSR_TLBRELO0
	ld.d	$t1, $t0, 8
	bstrins.d $t1, $zero, 59, 48
	csrwr	$t1, CSR_TLBRELO1
	tlbfill
	b	out
huge:
	bstrins.d $t0, $zero, 59, 48
	csrwr	$t0, CSR_TLBRELO0	/* swaps: t0 = old, reload it */
	csrrd	$t0, CSR_TLBRELO0
	lu12i.w	$t1, 0x100		/* + 1 MiB */
	add.d	$t0, $t0, $t1
	csrwr	$t0, CSR_TLBRELO1
	li.w	$t0, 20			/* PS: 1 MiB halves */
	li.w	$t1, 0x3f
	csrxchg	$t0, $t1, CSR_TLBREHI
	tlbfill
	li.w	$t0, 12
	csrxchg	$t0, $t1, CSR_TLBREHI
	b	out
none:
	csrwr	$zero, CSR_TLBRELO0	/* invalid: the access faults */
	csrwr	$zero, CSR_TLBRELO1
	tlbfill
out:
	csrrd	$t1, CSR_SAVE3
	csrrd	$t0, CSR_TLBRSAVE
	ertn
	.org	la_vectors + 0x2000
la_vectors_end:
	.section .note.GNU-stack, "", @progbits

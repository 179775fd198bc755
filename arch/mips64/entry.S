/* entry.S (mips64, n64) — the host side: capture the caller of
 * dune_enter, return to host execution through rt_sigreturn, and the
 * clone trampoline; the guest side: the hypercall, and the exception
 * vectors page (copied below 512 MiB and reached through kseg0).
 *
 * Registers and instructions: MIPS64 Architecture Vol. II (MD00087) for
 * DMFC0/DMTC0/ERET/TLBWR/DINSU, Vol. III (MD00091) for the CP0 registers
 * and the exception vector offsets ("Exception Vector Locations": TLB
 * refill 0x000, 64-bit XTLB refill 0x080, general 0x180 from EBase). */
	.set	noreorder
	.set	noat
	.set	mips64r2
	.text

#define ST_GPR 0
#define ST_HI 256
#define ST_LO 264
#define ST_PC 272
#define ST_FPR 280
#define ST_FCSR 536

/* long mips_enter_switch(struct mips_state *s, void *v, void *stack_top,
 *			  void (*loop)(void *v))
 * Saves what the n64 ABI makes a callee preserve (s0-s7, gp, sp, s8, ra
 * as the pc, f24-f31, FCSR) and runs loop(v) on stack_top.  The host
 * comes back through rt_sigreturn with v0 set. */
	.globl	mips_enter_switch
	.type	mips_enter_switch, @function
mips_enter_switch:
	sd	$16, ST_GPR + 8*16($4)
	sd	$17, ST_GPR + 8*17($4)
	sd	$18, ST_GPR + 8*18($4)
	sd	$19, ST_GPR + 8*19($4)
	sd	$20, ST_GPR + 8*20($4)
	sd	$21, ST_GPR + 8*21($4)
	sd	$22, ST_GPR + 8*22($4)
	sd	$23, ST_GPR + 8*23($4)
	sd	$28, ST_GPR + 8*28($4)
	sd	$29, ST_GPR + 8*29($4)
	sd	$30, ST_GPR + 8*30($4)
	sd	$31, ST_GPR + 8*31($4)
	sd	$31, ST_PC($4)
	sdc1	$f24, ST_FPR + 8*24($4)
	sdc1	$f25, ST_FPR + 8*25($4)
	sdc1	$f26, ST_FPR + 8*26($4)
	sdc1	$f27, ST_FPR + 8*27($4)
	sdc1	$f28, ST_FPR + 8*28($4)
	sdc1	$f29, ST_FPR + 8*29($4)
	sdc1	$f30, ST_FPR + 8*30($4)
	sdc1	$f31, ST_FPR + 8*31($4)
	cfc1	$2, $31
	sw	$2, ST_FCSR($4)
	move	$29, $6
	move	$25, $7			/* t9: PIC callee computes gp from it */
	jalr	$25
	move	$4, $5			/* delay slot: a0 = v */
	break	0			/* loop never returns */
	.size	mips_enter_switch, .-mips_enter_switch

/* void mips_sigreturn(void *frame): the kernel restores every register,
 * the FPU and the signal mask from the rt_sigframe at frame (sp). */
	.globl	mips_sigreturn
	.type	mips_sigreturn, @function
mips_sigreturn:
	move	$29, $4
	li	$2, 5211		/* __NR_rt_sigreturn (n64) */
	syscall
	break	0
	.size	mips_sigreturn, .-mips_sigreturn

/* long mips_clone(long nr, const long args[6], void *child_frame)
 * The system call with the child resuming the guest's registers from
 * child_frame through rt_sigreturn (its stack, for a thread, starts at
 * child_frame: the caller passed that as the new stack). */
	.globl	mips_clone
	.type	mips_clone, @function
mips_clone:
	daddiu	$29, $29, -16
	sd	$16, 0($29)
	move	$16, $6
	move	$2, $4
	ld	$4, 0($5)
	ld	$6, 16($5)
	ld	$7, 24($5)
	ld	$8, 32($5)
	ld	$9, 40($5)
	ld	$5, 8($5)
	syscall
	bnez	$2, 1f			/* parent (or error): v0 != 0 */
	nop
	beqz	$7, 2f			/* child: a3 == 0 */
	nop
1:	beqz	$7, 3f
	nop
	dsubu	$2, $0, $2		/* error: -errno */
3:	ld	$16, 0($29)
	jr	$31
	daddiu	$29, $29, 16
2:	move	$29, $16
	li	$2, 5211
	syscall
	break	0
	.size	mips_clone, .-mips_clone

/* long arch_hypercall(long nr, long a0, long a1, long a2): guest code.
 * An 8-byte load from the doorbell (vz.h) exits to the host, which reads
 * a0..a3 and puts the result in v0. */
	.globl	arch_hypercall
	.type	arch_hypercall, @function
arch_hypercall:
	lui	$2, 0x9000		/* XKPHYS_UNCACHED | DOORBELL_GPA + 8 */
	dsll32	$2, $2, 0		/* 0x9000_0000_0000_0000 */
	lui	$3, 0x00ff
	ori	$3, $3, 0xffff
	dsll	$3, $3, 16
	ori	$3, $3, 0xf008		/* 0xff_ffff_f008 */
	or	$3, $3, $2
	ld	$2, 0($3)
	jr	$31
	nop
	.size	arch_hypercall, .-arch_hypercall

/* The guest's exception vectors: one page, copied to vectors_gpa and run
 * at CKSEG0 + vectors_gpa.  Position independent (branches only); data
 * slots at the end of the page, filled by vcpu.c. */
#define CP0_INDEX	$0
#define CP0_ENTRYLO0	$2
#define CP0_ENTRYLO1	$3
#define CP0_PAGEMASK	$5
#define CP0_BADVADDR	$8
#define CP0_ENTRYHI	$10
#define CP0_STATUS	$12
#define CP0_CAUSE	$13
#define CP0_EPC		$14
#define CP0_KSCRATCH	$31	/* select 2..7: KScratch1..6 */

#define SLOT_DOORBELL	0xff0	/* XKPHYS_UNCACHED | DOORBELL_GPA */
#define SLOT_HANDLER	0xfe8	/* mips_guest_exception */
#define SLOT_DELTA	0xfe0	/* stack GVA - its xkphys alias */
#define FRAME		320	/* struct mips_frame, rounded */
#define NEST		32768	/* exception stack per nesting level */
#define F_HI 256
#define F_LO 264
#define F_EPC 272
#define F_BADV 280
#define F_STATUS 288
#define F_CAUSE 296

	.align	12
	.globl	mips_vectors, mips_vectors_end
mips_vectors:
	/* 0x000: TLB refill (32-bit segments; not used with UX/KX set). */
	b	refill
	nop
	.org	mips_vectors + 0x080
	/* 0x080: XTLB refill.  Walks the swtlb tables (arch/swtlb) with
	 * k0/k1 only, through the cached unmapped window.  A missing
	 * directory writes invalid entries: the access then takes the
	 * TLB-invalid exception and the general handler sorts it out. */
	b	refill
	nop
	.org	mips_vectors + 0x180
	/* 0x180: general exceptions. */
	b	general
	nop

	.org	mips_vectors + 0x200
/* One level of the walk: k0 = the table (xkphys), shift = its index's. */
#define LEVEL(shift)							\
	dmfc0	$27, CP0_BADVADDR;					\
	dsrl	$27, $27, shift;					\
	andi	$27, $27, 511;						\
	dsll	$27, $27, 3;						\
	daddu	$26, $26, $27;						\
	ld	$26, 0($26)

/* k0 = the directory entry's table through xkphys (summary bits off). */
#define DESCEND							\
	dins	$26, $0, 0, 12;						\
	ori	$27, $0, 0x9800;					\
	dsll32	$27, $27, 16;						\
	or	$26, $26, $27

refill:
	dmfc0	$26, CP0_KSCRATCH, 2	/* KScratch1: root, xkphys */
	LEVEL(39)
	beqz	$26, refill_none
	nop
	DESCEND
	LEVEL(30)
	beqz	$26, refill_none
	nop
	DESCEND
	LEVEL(21)
	beqz	$26, refill_none
	nop
	dext	$27, $26, 50, 1		/* SW_HUGE (arch/pte.h) */
	bnez	$27, refill_huge
	nop
	DESCEND
	dmfc0	$27, CP0_BADVADDR	/* the even/odd pair's first leaf */
	dsrl	$27, $27, 12
	andi	$27, $27, 510
	dsll	$27, $27, 3
	daddu	$26, $26, $27
	ld	$27, 0($26)
	ld	$26, 8($26)
	dinsu	$27, $0, 50, 12		/* software bits off (PTE_SW_MASK) */
	dinsu	$26, $0, 50, 12
	dmtc0	$27, CP0_ENTRYLO0
	dmtc0	$26, CP0_ENTRYLO1
	ehb
	tlbwr
	eret
refill_huge:
	/* Two 1 MiB halves; PageMask 0x1fe000 ("PageMask Register"). */
	dinsu	$26, $0, 50, 12
	dmtc0	$26, CP0_ENTRYLO0
	daddiu	$26, $26, 0x4000	/* + 1 MiB of PFN (256 << 6) */
	dmtc0	$26, CP0_ENTRYLO1
	lui	$27, 0x1f
	ori	$27, $27, 0xe000
	mtc0	$27, CP0_PAGEMASK
	ehb
	tlbwr
	mtc0	$0, CP0_PAGEMASK
	ehb
	eret
refill_none:
	dmtc0	$0, CP0_ENTRYLO0	/* invalid: the access faults */
	dmtc0	$0, CP0_ENTRYLO1
	ehb
	tlbwr
	eret

/* The page's own address (EBase without CPUNum and WG) into reg. */
#define PAGE_BASE(reg)							\
	mfc0	reg, $15, 1;						\
	ori	reg, reg, 0xfff;					\
	xori	reg, reg, 0xfff

general:
	mfc0	$26, CP0_CAUSE
	andi	$26, $26, 0x7c
	xori	$26, $26, 8 << 2	/* ExcCode Sys */
	bnez	$26, save
	nop
	/* A system call: the registers are already the call's (v0 the
	 * number, a0..a5 the arguments).  Ring the doorbell; the result
	 * comes back in v0 as -errno, which n64 returns as v0 = errno and
	 * a3 = 1 (a3 = 0 on success). */
	PAGE_BASE($27)
	ld	$26, SLOT_DOORBELL($27)
	ld	$2, 0($26)
	daddiu	$26, $0, -4096
	sltu	$26, $26, $2		/* 1: v0 in [-4095, -1] */
	beqz	$26, 1f
	move	$7, $26			/* delay slot: a3 */
	dsubu	$2, $0, $2
1:	dmfc0	$26, CP0_EPC
	daddiu	$26, $26, 4		/* SYSCALL is never in a delay slot */
	dmtc0	$26, CP0_EPC
	ehb
	eret

save:
	/* Other exceptions: save everything on the exception stack through
	 * its unmapped alias (no TLB miss can happen with EXL set), lower
	 * the stack for nested exceptions, then run the C handler with EXL
	 * clear on the mapped alias. */
	dmfc0	$27, CP0_KSCRATCH, 3	/* KScratch2: stack top, xkphys */
	daddiu	$27, $27, -FRAME
	.irp	n, 1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,28,29,30,31
	sd	$\n, 8*\n($27)
	.endr
	mfhi	$8
	sd	$8, F_HI($27)
	mflo	$8
	sd	$8, F_LO($27)
	dmfc0	$8, CP0_EPC
	sd	$8, F_EPC($27)
	dmfc0	$8, CP0_BADVADDR
	sd	$8, F_BADV($27)
	mfc0	$8, CP0_STATUS
	sd	$8, F_STATUS($27)
	mfc0	$8, CP0_CAUSE
	sd	$8, F_CAUSE($27)
	daddiu	$8, $27, FRAME - NEST	/* the next level's stack top */
	dmtc0	$8, CP0_KSCRATCH, 3
	PAGE_BASE($9)
	ld	$10, SLOT_DELTA($9)
	daddu	$4, $27, $10		/* a0: the frame, mapped */
	daddiu	$29, $4, -32		/* sp below it */
	ld	$25, SLOT_HANDLER($9)
	mfc0	$8, CP0_STATUS		/* kernel mode, EXL/ERL/IE clear */
	ori	$8, $8, 0x1f
	xori	$8, $8, 0x1f
	mtc0	$8, CP0_STATUS
	ehb
	jalr	$25			/* mips_guest_exception(frame) */
	nop
	/* Back: EXL set again before EPC is written, then restore from the
	 * unmapped alias only. */
	mfc0	$8, CP0_STATUS
	ori	$8, $8, 2		/* EXL */
	mtc0	$8, CP0_STATUS
	ehb
	dmfc0	$27, CP0_KSCRATCH, 3
	daddiu	$27, $27, NEST
	dmtc0	$27, CP0_KSCRATCH, 3
	daddiu	$27, $27, -FRAME
	ld	$8, F_EPC($27)
	dmtc0	$8, CP0_EPC
	ld	$8, F_HI($27)
	mthi	$8
	ld	$8, F_LO($27)
	mtlo	$8
	.irp	n, 1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,28,29,30,31
	ld	$\n, 8*\n($27)
	.endr
	ehb
	eret

/* The host's flush request (vcpu.c points the pc here and the real pc
 * into KScratch3): a new ASID makes every non-global entry miss; when
 * the 8-bit ASID wraps, every entry of the TLB (Config1.MMUSize + 1) is
 * overwritten with a unique unmatchable EntryHi. */
	.globl	mips_flush_stub
mips_flush_stub:
	dmfc0	$26, CP0_ENTRYHI
	addiu	$26, $26, 1
	andi	$26, $26, 0xff
	bnez	$26, 3f
	nop
	dmtc0	$1, CP0_KSCRATCH, 5	/* KScratch4 keeps at */
	dmtc0	$0, CP0_ENTRYLO0
	dmtc0	$0, CP0_ENTRYLO1
	mtc0	$0, CP0_PAGEMASK
	mfc0	$1, $16, 1		/* Config1: MMUSize - 1 in 30..25 */
	dext	$1, $1, 25, 6
2:	mtc0	$1, CP0_INDEX
	dsll	$27, $1, 13		/* unique VPN2 in xkseg (R = 3) */
	ori	$26, $0, 0xc000
	dsll32	$26, $26, 16
	or	$27, $27, $26
	dmtc0	$27, CP0_ENTRYHI
	ehb
	tlbwi
	bnez	$1, 2b
	addiu	$1, $1, -1		/* delay slot */
	dmfc0	$1, CP0_KSCRATCH, 5
	li	$26, 1
3:	dmtc0	$26, CP0_ENTRYHI
	ehb
	dmfc0	$26, CP0_KSCRATCH, 4	/* KScratch3: where to go on */
	jr	$26
	nop

	.org	mips_vectors + 0xfe0
	.dword	0, 0, 0, 0
mips_vectors_end:

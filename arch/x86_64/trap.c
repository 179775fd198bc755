/* trap.c (x86-64) — guest exceptions: the entry from entry.S, the
 * ucontext and siginfo native execution would give, the signal frame built
 * on the guest stack, and the host side of its rt_sigreturn. */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <ucontext.h>
#include <unistd.h>
#include "x86.h"
#include "trap.h"

/* Page-fault error code, Intel SDM Vol. 3A 4.7, Figure 4-12. */
#define PF_PRESENT (1u << 0)
#define PF_WRITE   (1u << 1)
#define PF_USER    (1u << 2)
#define PF_FETCH   (1u << 4)

/* The kernel's x86-64 signal frame (arch/x86/include/asm/sigframe.h,
 * uapi asm/sigcontext.h, asm-generic/ucontext.h): what a native handler
 * receives and what the kernel's rt_sigreturn reads back. */
struct k_sigcontext {
	uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
	uint64_t rdi, rsi, rbp, rbx, rdx, rax, rcx, rsp, rip, eflags;
	uint16_t cs, gs, fs, ss;
	uint64_t err, trapno, oldmask, cr2;
	uint64_t fpstate;
	uint64_t reserved1[8];
};

struct k_ucontext {
	uint64_t uc_flags;
	uint64_t uc_link;
	stack_t uc_stack;
	struct k_sigcontext uc_mcontext;
	uint64_t uc_sigmask;
};

struct k_rt_sigframe {
	uint64_t pretcode;
	struct k_ucontext uc;
	siginfo_t info;
};

#define UC_FP_XSTATE		1
#define UC_SIGCONTEXT_SS	2
#define UC_STRICT_RESTORE_SS	4
/* RFLAGS bits rt_sigreturn takes from the frame (the kernel's FIX_EFLAGS). */
#define FIX_EFLAGS 0x254dd5ul

/* Bytes of XSAVE image the guest's XCR0 needs (set by arch_vm_init). */
uint32_t x86_xstate_size = 576;

void x86_guest_trap(struct x86_trapframe *tf)
{
	struct trap t = { .vector = (int)tf->vector, .kind = TRAP_OTHER, .frame = tf };
	switch (tf->vector) {
	case 14:
		t.kind = TRAP_PAGE_FAULT;
		t.addr = tf->cr2;
		t.access = tf->error & PF_WRITE ? ACCESS_WRITE :
			   tf->error & PF_FETCH ? ACCESS_EXEC : ACCESS_READ;
		break;
	case 0:
		t.kind = TRAP_DIVIDE;
		break;
	case 3:
		t.kind = TRAP_BREAKPOINT;
		break;
	case 6:
		t.kind = TRAP_INVALID_OP;
		break;
	case 13:
		t.kind = TRAP_PROTECTION;
		break;
	}
	guest_trap(&t);
}

uintptr_t arch_trap_sp(const struct trap *t)
{
	return ((const struct x86_trapframe *)t->frame)->rsp;
}

/* The error code Linux reports in a signal's context: the CPU's, with
 * the user bit, since natively the access came from user mode. */
static uint64_t user_error(const struct x86_trapframe *tf)
{
	return tf->vector == 14 ? tf->error | PF_USER : tf->error;
}

void arch_trap_to_ucontext(const struct trap *t, void *ucp)
{
	const struct x86_trapframe *tf = t->frame;
	ucontext_t *uc = ucp;
	greg_t *g = uc->uc_mcontext.gregs;
	memset(uc, 0, sizeof(*uc));
	g[REG_R8] = tf->r8;   g[REG_R9] = tf->r9;   g[REG_R10] = tf->r10;
	g[REG_R11] = tf->r11; g[REG_R12] = tf->r12; g[REG_R13] = tf->r13;
	g[REG_R14] = tf->r14; g[REG_R15] = tf->r15; g[REG_RDI] = tf->rdi;
	g[REG_RSI] = tf->rsi; g[REG_RBP] = tf->rbp; g[REG_RBX] = tf->rbx;
	g[REG_RDX] = tf->rdx; g[REG_RAX] = tf->rax; g[REG_RCX] = tf->rcx;
	g[REG_RSP] = tf->rsp; g[REG_RIP] = tf->rip; g[REG_EFL] = tf->rflags;
	g[REG_CSGSFS] = 0x33;	/* what user code natively sees */
	g[REG_ERR] = user_error(tf);
	g[REG_TRAPNO] = tf->vector;
	g[REG_CR2] = tf->vector == 14 ? tf->cr2 : 0;
	/* Changes a handler makes to the FPU image take effect too. */
	uc->uc_mcontext.fpregs = (fpregset_t)(uintptr_t)tf->fpu;
}

void arch_trap_from_ucontext(struct trap *t, const void *ucp)
{
	struct x86_trapframe *tf = t->frame;
	const greg_t *g = ((const ucontext_t *)ucp)->uc_mcontext.gregs;
	tf->r8 = g[REG_R8];   tf->r9 = g[REG_R9];   tf->r10 = g[REG_R10];
	tf->r11 = g[REG_R11]; tf->r12 = g[REG_R12]; tf->r13 = g[REG_R13];
	tf->r14 = g[REG_R14]; tf->r15 = g[REG_R15]; tf->rdi = g[REG_RDI];
	tf->rsi = g[REG_RSI]; tf->rbp = g[REG_RBP]; tf->rbx = g[REG_RBX];
	tf->rdx = g[REG_RDX]; tf->rax = g[REG_RAX]; tf->rcx = g[REG_RCX];
	tf->rsp = g[REG_RSP]; tf->rip = g[REG_RIP];
	tf->rflags = (tf->rflags & ~FIX_EFLAGS) | (g[REG_EFL] & FIX_EFLAGS);
}

/* The signal Linux sends for each exception taken in user mode
 * (arch/x86/kernel/traps.c, fault.c).  0 where the trap is better
 * replayed natively than imitated. */
int arch_trap_signal(const struct trap *t, int *code, uintptr_t *addr)
{
	const struct x86_trapframe *tf = t->frame;
	*addr = 0;
	*code = SI_KERNEL;
	switch (tf->vector) {
	case 14:
		*code = t->si_code;
		*addr = tf->cr2;
		return SIGSEGV;
	case 0:
		*code = FPE_INTDIV;
		*addr = tf->rip;
		return SIGFPE;
	case 6:
		*code = ILL_ILLOPN;
		*addr = tf->rip;
		return SIGILL;
	case 3:
		return SIGTRAP;		/* int3: SI_KERNEL, no address */
	case 13:
		return SIGSEGV;		/* #GP: SI_KERNEL, no address */
	case 17:
		*code = BUS_ADRALN;
		return SIGBUS;
	}
	return 0;
}

static void fill_sigcontext(struct k_sigcontext *sc, const struct x86_trapframe *tf,
			    uint64_t fpstate, uint64_t old_mask)
{
	sc->r8 = tf->r8;   sc->r9 = tf->r9;   sc->r10 = tf->r10; sc->r11 = tf->r11;
	sc->r12 = tf->r12; sc->r13 = tf->r13; sc->r14 = tf->r14; sc->r15 = tf->r15;
	sc->rdi = tf->rdi; sc->rsi = tf->rsi; sc->rbp = tf->rbp; sc->rbx = tf->rbx;
	sc->rdx = tf->rdx; sc->rax = tf->rax; sc->rcx = tf->rcx; sc->rsp = tf->rsp;
	sc->rip = tf->rip; sc->eflags = tf->rflags;
	sc->cs = 0x33;
	sc->ss = 0x2b;
	sc->err = user_error(tf);
	sc->trapno = tf->vector;
	sc->oldmask = old_mask;
	sc->cr2 = tf->vector == 14 ? tf->cr2 : 0;
	sc->fpstate = fpstate;
}

/* Lay the frame out as the kernel's get_sigframe() does: below the red
 * zone (or at the top of the alternate stack), the FPU image 64-byte
 * aligned, the frame so that RSP + 8 is 16-byte aligned. */
int arch_signal_frame(struct trap *t, const void *info, uintptr_t sp,
		      uintptr_t handler, uintptr_t restorer, uint64_t old_mask,
		      const void *stack)
{
	struct x86_trapframe *tf = t->frame;
	uint32_t size = x86_xstate_size;
	uintptr_t fp = (sp - size - 4) & ~63ul;
	struct k_rt_sigframe *f = (void *)(((fp - sizeof(*f)) & ~15ul) - 8);
	uint8_t *img = (uint8_t *)fp;
	memcpy(img, (const void *)(uintptr_t)tf->fpu, size);
	/* The software-reserved bytes of the FXSAVE area say an XSAVE image
	 * follows (Linux's struct _fpx_sw_bytes at offset 464). */
	uint32_t *sw = (uint32_t *)(img + 464);
	sw[0] = FP_XSTATE_MAGIC1;
	sw[1] = size + 4;
	*(uint64_t *)(img + 472) = *(const uint64_t *)(img + 512); /* XSTATE_BV */
	sw[4] = size;
	*(uint32_t *)(img + size) = FP_XSTATE_MAGIC2;
	memset(f, 0, sizeof(*f));
	f->pretcode = restorer;
	f->uc.uc_flags = UC_FP_XSTATE | UC_SIGCONTEXT_SS | UC_STRICT_RESTORE_SS;
	f->uc.uc_stack = *(const stack_t *)stack;
	f->uc.uc_sigmask = old_mask;
	fill_sigcontext(&f->uc.uc_mcontext, tf, fp, old_mask);
	memcpy(&f->info, info, sizeof(f->info));
	/* Return from the exception into handler(sig, info, uc). */
	tf->rdi = (uint64_t)((const siginfo_t *)info)->si_signo;
	tf->rsi = (uintptr_t)&f->info;
	tf->rdx = (uintptr_t)&f->uc;
	tf->rax = 0;
	tf->rsp = (uintptr_t)f;
	tf->rip = handler;
	tf->rflags &= ~(0x400ul | 0x100ul);	/* DF and TF clear, as Linux */
	return 0;
}

/* ---- host side ---- */

static int copy_in(void *dst, uintptr_t src, size_t len)
{
	struct iovec local = { dst, len }, remote = { (void *)src, len };
	long a[6] = { getpid(), (long)&local, 1, (long)&remote, 1, 0 };
	return arch_syscall6(SYS_process_vm_readv, a) == (long)len ? 0 : -EFAULT;
}

int arch_trap_replay(struct dune_vcpu *v, uintptr_t frame)
{
	struct x86_trapframe tf;
	struct kvm_regs *r = &v->arch.state.regs;
	if (copy_in(&tf, frame, sizeof(tf)) < 0)
		return -EFAULT;
	r->r8 = tf.r8;   r->r9 = tf.r9;   r->r10 = tf.r10; r->r11 = tf.r11;
	r->r12 = tf.r12; r->r13 = tf.r13; r->r14 = tf.r14; r->r15 = tf.r15;
	r->rdi = tf.rdi; r->rsi = tf.rsi; r->rbp = tf.rbp; r->rbx = tf.rbx;
	r->rdx = tf.rdx; r->rax = tf.rax; r->rcx = tf.rcx; r->rsp = tf.rsp;
	r->rip = tf.rip; r->rflags = tf.rflags;
	v->arch.regs_dirty = 1;
	v->arch.sys->tss.ist[0] += X86_TRAP_LEVEL;	/* leave the level */
	/* The FPU as it was at the trap, not as the dispatcher left it. */
	if (copy_in(v->arch.state.xsave, tf.fpu, X86_XSAVE_SIZE) < 0)
		return -EFAULT;
	return x86_vcpu_ioctl(v, KVM_SET_XSAVE, v->arch.state.xsave);
}

/* rt_sigreturn from a frame arch_signal_frame built (the handler ran in
 * the guest and returned to its restorer).  Returns the restored RAX, or
 * -EFAULT for a frame that cannot be read (the caller then kills). */
long x86_sigreturn(struct dune_vcpu *v)
{
	struct kvm_regs *r = &v->arch.state.regs;
	struct k_rt_sigframe f;
	const struct k_sigcontext *sc = &f.uc.uc_mcontext;
	if (copy_in(&f, r->rsp - 8, sizeof(f)) < 0)
		return -EFAULT;
	r->r8 = sc->r8;   r->r9 = sc->r9;   r->r10 = sc->r10; r->r11 = sc->r11;
	r->r12 = sc->r12; r->r13 = sc->r13; r->r14 = sc->r14; r->r15 = sc->r15;
	r->rdi = sc->rdi; r->rsi = sc->rsi; r->rbp = sc->rbp; r->rbx = sc->rbx;
	r->rdx = sc->rdx; r->rcx = sc->rcx; r->rsp = sc->rsp; r->rip = sc->rip;
	r->rflags = (r->rflags & ~FIX_EFLAGS) | (sc->eflags & FIX_EFLAGS);
	v->arch.regs_dirty = 1;
	if (sc->fpstate) {
		uint8_t *img = v->arch.state.xsave;
		if (copy_in(img, sc->fpstate, x86_xstate_size) < 0)
			return -EFAULT;
		memset(img + 464, 0, 48);	/* software bytes, not state */
		memset(img + 520, 0, 56);	/* XCOMP_BV and reserved: 0 */
		if (x86_vcpu_ioctl(v, KVM_SET_XSAVE, img) < 0)
			return -EFAULT;
	}
	long m[6] = { SIG_SETMASK, (long)&f.uc.uc_sigmask, 0, 8 };
	arch_syscall6(SYS_rt_sigprocmask, m);
	long s[6] = { (long)&f.uc.uc_stack, 0 };
	arch_syscall6(SYS_sigaltstack, s);
	return (long)sc->rax;
}

/* The kernel's struct sigaction for rt_sigaction on x86-64
 * (arch/x86/include/uapi/asm/signal.h with SA_RESTORER). */
struct k_sigaction {
	uintptr_t handler;
	unsigned long flags;
	uintptr_t restorer;
	uint64_t mask;
};

#ifndef SA_RESTORER
#define SA_RESTORER 0x04000000
#endif

int arch_sigaction_get(int sig, struct arch_sigaction *sa)
{
	struct k_sigaction k;
	long a[6] = { sig, 0, (long)&k, 8 };
	long r = arch_syscall6(SYS_rt_sigaction, a);
	if (r < 0)
		return (int)r;
	/* The frame returns through sa_restorer: without one there is no
	 * way back (x86-64 has no vDSO trampoline for it). */
	if (!(k.flags & SA_RESTORER))
		return -ENOTSUP;
	*sa = (struct arch_sigaction){ k.handler, k.flags, k.restorer, k.mask };
	return 0;
}

void arch_sigaction_reset(int sig)
{
	struct k_sigaction dfl = { (uintptr_t)SIG_DFL, 0, 0, 0 };
	long a[6] = { sig, (long)&dfl, 0, 8 };
	arch_syscall6(SYS_rt_sigaction, a);
}

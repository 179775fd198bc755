/* run.c (x86-64) — running the vCPU, decoding its exits, and moving the
 * guest's register file between the vCPU and the host CPU.
 *
 * v->arch.state always holds the guest's logical state: after a guest
 * exception it is the state at the faulting instruction, after a system
 * call the state just past the SYSCALL instruction, so generic code can
 * resume, replay or escape without knowing how the exit came about. */
#include <errno.h>
#include <string.h>
#include <sys/syscall.h>
#include "x86.h"

int arch_vcpu_load(struct dune_vcpu *v)
{
	static const uint32_t idx[] = { MSR_FS_BASE, MSR_GS_BASE };
	uint64_t val[] = { v->arch.state.fs_base, v->arch.state.gs_base };
	int r = x86_vcpu_ioctl(v, KVM_SET_XSAVE, v->arch.state.xsave);
	if (r == 0)
		r = x86_set_msrs(v, idx, val, 2);
	v->arch.regs_dirty = 1;
	return r;
}

static uint64_t host_base(int which)
{
	uint64_t base = 0;
	long a[6] = { which, (long)&base };
	arch_syscall6(SYS_arch_prctl, a);
	return base;
}

int arch_vcpu_save(struct dune_vcpu *v)
{
	static const uint32_t idx[] = { MSR_FS_BASE, MSR_GS_BASE };
	struct x86_state *s = &v->arch.state;
	uint64_t val[2];
	int r = x86_vcpu_ioctl(v, KVM_GET_XSAVE, s->xsave);
	if (r == 0)
		r = x86_get_msrs(v, idx, val, 2);
	if (r < 0)
		return r;
	s->fs_base = val[0];
	s->gs_base = val[1];
	s->set_fs = (s->fs_base != host_base(0x1003 /* ARCH_GET_FS */)) |
		    (s->gs_base != host_base(0x1004 /* ARCH_GET_GS */)) << 1;
	return 0;
}

bool arch_guest_mode(void)
{
	uint16_t cs;
	/* The guest runs at CPL 0; Linux user code always at CPL 3, the low
	 * bits of CS (Intel SDM Vol. 3A 5.5). */
	__asm__("mov %%cs, %0" : "=r"(cs));
	return (cs & 3) == 0;
}

void arch_set_return(struct dune_vcpu *v, long value)
{
	v->arch.state.regs.rax = value;
}

void arch_resume_host(struct dune_vcpu *v)
{
	x86_resume(&v->arch.state);
}

long arch_enter_switch(struct dune_vcpu *v, void *stack_top,
		       void (*loop)(struct dune_vcpu *v))
{
	struct x86_state *s = &v->arch.state;
	memset(&s->regs, 0, sizeof(s->regs));
	s->fs_base = host_base(0x1003);
	s->gs_base = host_base(0x1004);
	s->set_fs = 0;
	/* Returns through x86_resume, with the value arch_set_return set. */
	return x86_enter_switch(s, stack_top, (void (*)(void *))loop, v);
}

/* Regs as the vCPU must see them: the logical state, or a detour through
 * x86_guest_flush_return, which reloads CR3 and IRETs to it. */
static int push_regs(struct dune_vcpu *v)
{
	struct kvm_regs r = v->arch.state.regs;
	if (v->arch.flush) {
		uint64_t *f = v->arch.sys->scratch;
		f[0] = r.rip;
		f[1] = X86_SEL_CODE;
		f[2] = r.rflags;
		f[3] = r.rsp;
		f[4] = X86_SEL_DATA;
		f[5] = r.rax;
		r.rip = (uintptr_t)x86_guest_flush_return;
		r.rsp = (uintptr_t)f;
		v->arch.flush = 0;
		v->vm->stats.tlb_flushes++;
	}
	v->arch.regs_dirty = 0;
	if (v->arch.sync_regs) {
		v->run->s.regs.regs = r;
		v->run->kvm_dirty_regs |= KVM_SYNC_X86_REGS;
		return 0;
	}
	return x86_vcpu_ioctl(v, KVM_SET_REGS, &r);
}

static void decode_hlt(struct dune_vcpu *v, struct exit_info *e)
{
	struct kvm_regs *r = &v->arch.state.regs;
	uintptr_t at = r->rip - 1;
	if (at == (uintptr_t)x86_guest_syscall) {
		/* SYSCALL saved RIP in RCX and RFLAGS in R11. */
		r->rip = r->rcx;
		r->rflags = r->r11;
		v->arch.regs_dirty = 1;
		e->kind = EXIT_SYSCALL;
	} else if (at == (uintptr_t)arch_hypercall) {
		e->kind = EXIT_HYPERCALL;
	} else {
		/* The guest's own HLT: natively a #GP, so replay it. */
		r->rip = at;
		v->arch.regs_dirty = 1;
		e->kind = EXIT_BROKEN;
		e->vector = KVM_EXIT_HLT;
		e->error = 0;
	}
}

void arch_vcpu_run(struct dune_vcpu *v, struct exit_info *e)
{
	long a[6] = { v->fd, KVM_RUN, 0 };
	long r;
	memset(e, 0, sizeof(*e));
	if (v->arch.regs_dirty || v->arch.flush) {
		r = push_regs(v);
		if (r < 0) {
			e->kind = EXIT_BROKEN;
			e->error = (int)r;
			return;
		}
	}
	r = arch_syscall6(SYS_ioctl, a);
	if (r == -EINTR || r == -EAGAIN) {
		e->kind = EXIT_INTERRUPTED;
		return;
	}
	/* Registers only where they mean something: after a shutdown or a
	 * failed entry they are the vCPU's reset state, not the guest's. */
	if ((r == 0 && v->run->exit_reason == KVM_EXIT_HLT) || r == -EFAULT) {
		int g = 0;
		if (v->arch.sync_regs)
			v->arch.state.regs = v->run->s.regs.regs;
		else
			g = x86_vcpu_ioctl(v, KVM_GET_REGS, &v->arch.state.regs);
		if (g < 0)
			r = g;
	}
	if (r == -EFAULT) {
		e->kind = EXIT_HOST_FAULT;
		return;
	}
	if (r < 0) {
		e->kind = EXIT_BROKEN;
		e->error = (int)r;
		return;
	}
	if (v->run->exit_reason == KVM_EXIT_HLT) {
		decode_hlt(v, e);
		return;
	}
	e->kind = EXIT_BROKEN;
	e->vector = (int)v->run->exit_reason;
	e->error = v->run->exit_reason == KVM_EXIT_FAIL_ENTRY ? -EIO : -EFAULT;
}

void arch_syscall_args(struct dune_vcpu *v, long *nr, long args[6])
{
	const struct kvm_regs *r = &v->arch.state.regs;
	*nr = (long)r->rax;
	args[0] = r->rdi;
	args[1] = r->rsi;
	args[2] = r->rdx;
	args[3] = r->r10;
	args[4] = r->r8;
	args[5] = r->r9;
}

void arch_syscall_return(struct dune_vcpu *v, long ret, bool flush)
{
	v->arch.state.regs.rax = ret;
	v->arch.regs_dirty = 1;
	v->arch.flush |= flush;
}

void arch_fault_return(struct dune_vcpu *v, bool flush)
{
	v->arch.regs_dirty = 1;
	v->arch.flush |= flush;
}

void arch_hypercall_args(struct dune_vcpu *v, long *nr, long args[3])
{
	const struct kvm_regs *r = &v->arch.state.regs;
	*nr = (long)r->rdi;
	args[0] = r->rsi;
	args[1] = r->rdx;
	args[2] = r->rcx;
}

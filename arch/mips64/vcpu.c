/* vcpu.c (mips64) — the VZ guest: VM and vCPU set-up through ONE_REG,
 * register transfer, KVM_RUN and its exits, and the way back to host
 * execution (rt_sigreturn on a kernel-format frame). */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "dune_int.h"
#include "mips.h"

const char arch_name[] = "mips64";

#define XSTACK_SIZE (4 * 32768ul)	/* four nesting levels (entry.S NEST) */

static int vcpu_ioctl(struct dune_vcpu *v, unsigned long req, void *arg)
{
	long a[6] = { v->fd, (long)req, (long)arg };
	long r = arch_syscall6(SYS_ioctl, a);
	return r < 0 ? (int)r : 0;
}

int mips_set_reg(struct dune_vcpu *v, uint64_t id, uint64_t value)
{
	uint32_t v32 = (uint32_t)value;
	struct kvm_one_reg r = { .id = id };
	r.addr = (id & KVM_REG_SIZE_MASK) == KVM_REG_SIZE_U32 ? (uintptr_t)&v32
							       : (uintptr_t)&value;
	return vcpu_ioctl(v, KVM_SET_ONE_REG, &r);
}

int mips_get_reg(struct dune_vcpu *v, uint64_t id, uint64_t *value)
{
	uint32_t v32 = 0;
	struct kvm_one_reg r = { .id = id };
	bool small = (id & KVM_REG_SIZE_MASK) == KVM_REG_SIZE_U32;
	r.addr = small ? (uintptr_t)&v32 : (uintptr_t)value;
	int e = vcpu_ioctl(v, KVM_GET_ONE_REG, &r);
	if (e == 0 && small)
		*value = v32;
	return e;
}

/* /proc/cpuinfo's "ASEs implemented" line lists "vz" on VZ cores. */
int arch_cpu_has_hwvirt(void)
{
	char line[512];
	int found = 0;
	FILE *f = fopen("/proc/cpuinfo", "re");
	if (!f)
		return -errno;
	while (!found && fgets(line, sizeof(line), f))
		if (!strncmp(line, "ASEs implemented", 16) &&
		    (strstr(line, " vz ") || strstr(line, " vz\n")))
			found = 1;
	fclose(f);
	return found;
}

int arch_vm_init(struct dune_vm *vm)
{
	void *page = MAP_FAILED;
	vm->phys_bits = ARCH_USER_VA_BITS;	/* GPA = HVA in xuseg */
	vm->arch.has_fpu = ioctl(vm->vm_fd, KVM_CHECK_EXTENSION, KVM_CAP_MIPS_FPU) > 0;
	/* The vectors must be reached through kseg0, whose window is the
	 * first 512 MiB of guest-physical space: find a free page there. */
	for (uintptr_t at = 0x10000000; at < KSEG0_SPAN && page == MAP_FAILED; at += 0x100000)
		page = sys_mmap((void *)at, PAGE_SIZE, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	if (page == MAP_FAILED)
		return -ENOMEM;
	memcpy(page, mips_vectors, PAGE_SIZE);
	vm->arch.vectors = page;
	vm->arch.mode_page = sys_mmap(NULL, 2 * PAGE_SIZE, PROT_READ | PROT_WRITE,
				      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (vm->arch.mode_page == MAP_FAILED) {
		vm->arch.mode_page = NULL;
		return -ENOMEM;
	}
	/* Page 0 reads 0 on the host; the guest maps it to page 1, which
	 * reads 1 (arch_guest_mode). */
	((volatile int *)vm->arch.mode_page)[PAGE_SIZE / sizeof(int)] = 1;
	swtlb_mode_word = vm->arch.mode_page;
	return slots_gpa(vm, (uintptr_t)page, &vm->arch.vectors_gpa);
}

void arch_vm_destroy(struct dune_vm *vm)
{
	if (vm->arch.vectors)
		sys_munmap(vm->arch.vectors, PAGE_SIZE);
	if (vm->arch.mode_page)
		sys_munmap(vm->arch.mode_page, 2 * PAGE_SIZE);
	vm->arch.vectors = vm->arch.mode_page = NULL;
}

int arch_vcpu_init(struct dune_vcpu *v)
{
	struct dune_vm *vm = v->vm;
	struct mips_reg regs[MIPS_MAX_REGS];
	struct mips_guest g = { .root_gpa = vm->arch.root_gpa,
				.vectors_gpa = vm->arch.vectors_gpa,
				.fpu = vm->arch.has_fpu };
	uint64_t xstack_gpa, *slots;
	uintptr_t mode = (uintptr_t)vm->arch.mode_page, top;
	int n, r;
	if (vm->arch.has_fpu) {
		struct kvm_enable_cap cap = { .cap = KVM_CAP_MIPS_FPU };
		if ((r = vcpu_ioctl(v, KVM_ENABLE_CAP, &cap)) < 0)
			return r;
	}
	v->arch.xstack = sys_mmap(NULL, XSTACK_SIZE, PROT_READ | PROT_WRITE,
				  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (v->arch.xstack == MAP_FAILED) {
		v->arch.xstack = NULL;
		return -ENOMEM;
	}
	top = (uintptr_t)v->arch.xstack + XSTACK_SIZE;
	if ((r = mirror_pin(vm, (uintptr_t)v->arch.xstack, top, PROT_READ | PROT_WRITE)) < 0 ||
	    (r = mirror_pin(vm, mode, mode + PAGE_SIZE, PROT_READ)) < 0 ||
	    (r = slots_gpa(vm, top - PAGE_SIZE, &xstack_gpa)) < 0)
		return r;
	/* The guest's view of the mode page: the page holding 1. */
	if ((r = swtlb_map_mode_page(vm)) < 0)
		return r;
	xstack_gpa += PAGE_SIZE;
	g.xstack = XKPHYS_CACHED | xstack_gpa;
	slots = (uint64_t *)((char *)vm->arch.vectors + 0xfe0);
	slots[0] = top - g.xstack;			/* SLOT_DELTA */
	slots[1] = (uintptr_t)mips_guest_exception;	/* SLOT_HANDLER */
	slots[2] = XKPHYS_UNCACHED | DOORBELL_GPA;	/* SLOT_DOORBELL */
	n = mips_cp0_setup(&g, regs);
	for (int i = 0; i < n; i++)
		if ((r = mips_set_reg(v, regs[i].id, regs[i].value)) < 0)
			return r;
	v->arch.regs_dirty = 1;
	return 0;
}

void arch_vcpu_destroy(struct dune_vcpu *v)
{
	if (v->arch.xstack)
		sys_munmap(v->arch.xstack, XSTACK_SIZE);
	v->arch.xstack = NULL;
}

long arch_enter_switch(struct dune_vcpu *v, void *stack_top,
		       void (*loop)(struct dune_vcpu *v))
{
	uint64_t tp;
	__asm__ volatile(".set push\n.set mips64r2\nrdhwr %0, $29\n.set pop" : "=r"(tp));
	v->arch.state.userlocal = tp;
	v->arch.regs_dirty = 1;
	return mips_enter_switch(&v->arch.state, v, stack_top, (void (*)(void *))loop);
}

int arch_vcpu_load(struct dune_vcpu *v)
{
	struct mips_state *s = &v->arch.state;
	struct kvm_regs regs;
	int r;
	memcpy(regs.gpr, s->gpr, sizeof(regs.gpr));
	regs.hi = s->hi;
	regs.lo = s->lo;
	regs.pc = s->pc;
	if ((r = vcpu_ioctl(v, KVM_SET_REGS, &regs)) < 0)
		return r;
	if ((r = mips_set_reg(v, CP0_USERLOCAL, s->userlocal)) < 0)
		return r;
	for (int i = 0; v->vm->arch.has_fpu && i < 32; i++)
		if ((r = mips_set_reg(v, KVM_REG_MIPS_FPR_64(i), s->fpr[i])) < 0)
			return r;
	if (v->vm->arch.has_fpu && (r = mips_set_reg(v, KVM_REG_MIPS_FCR_CSR, s->fcsr)) < 0)
		return r;
	v->arch.regs_dirty = 0;
	return 0;
}

int arch_vcpu_save(struct dune_vcpu *v)
{
	struct mips_state *s = &v->arch.state;
	struct kvm_regs regs;
	uint64_t x = 0;
	int r;
	if ((r = vcpu_ioctl(v, KVM_GET_REGS, &regs)) < 0)
		return r;
	memcpy(s->gpr, regs.gpr, sizeof(s->gpr));
	s->hi = regs.hi;
	s->lo = regs.lo;
	s->pc = regs.pc;
	if ((r = mips_get_reg(v, CP0_USERLOCAL, &s->userlocal)) < 0)
		return r;
	for (int i = 0; v->vm->arch.has_fpu && i < 32; i++)
		if ((r = mips_get_reg(v, KVM_REG_MIPS_FPR_64(i), &s->fpr[i])) < 0)
			return r;
	if (v->vm->arch.has_fpu) {
		if ((r = mips_get_reg(v, KVM_REG_MIPS_FCR_CSR, &x)) < 0)
			return r;
		s->fcsr = (uint32_t)x;
	}
	return 0;
}

/* A pending flush runs in the guest first (entry.S mips_flush_stub):
 * the pc goes to the stub and the real pc into KScratch3. */
static int redirect_for_flush(struct dune_vcpu *v)
{
	struct kvm_regs regs;
	int r;
	if ((r = vcpu_ioctl(v, KVM_GET_REGS, &regs)) < 0)
		return r;
	if ((r = mips_set_reg(v, CP0_KSCRATCH(3), regs.pc)) < 0)
		return r;
	regs.pc = CKSEG0 + v->vm->arch.vectors_gpa +
		  ((uintptr_t)mips_flush_stub - (uintptr_t)mips_vectors);
	v->arch.flush = 0;
	return vcpu_ioctl(v, KVM_SET_REGS, &regs);
}

void arch_vcpu_run(struct dune_vcpu *v, struct exit_info *e)
{
	long a[6] = { v->fd, KVM_RUN, 0 };
	int r = 0;
	if (v->arch.flush && !v->vm->test_no_flush)
		r = redirect_for_flush(v);
	if (r == 0)
		r = (int)arch_syscall6(SYS_ioctl, a);
	mips_decode_exit(v->run, r, e);
}

void arch_set_return(struct dune_vcpu *v, long value)
{
	v->arch.state.gpr[2] = (uint64_t)value;	/* v0 */
}

/* Build the kernel's n64 rt_sigframe for state s at frame (MIPS
 * arch/mips/kernel/signal.c: two words of argument save area and pad,
 * siginfo, then the ucontext whose sigcontext rt_sigreturn restores). */
struct mips_rt_sigframe {
	uint32_t ass[4], pad[2];
	siginfo_t info;
	struct {
		unsigned long flags;
		void *link;
		stack_t stack;
		struct sigcontext mc;
		uint64_t mask[2];	/* the kernel's 128-signal sigset_t */
	} uc;
};

void mips_build_frame(void *at, const struct mips_state *s)
{
	struct mips_rt_sigframe *f = at;
	long q[6] = { SIG_BLOCK, 0, (long)f->uc.mask, 16 };
	long ss[6] = { 0, (long)&f->uc.stack };
	memset(f, 0, sizeof(*f));
	arch_syscall6(SYS_rt_sigprocmask, q);
	arch_syscall6(SYS_sigaltstack, ss);
	memcpy(f->uc.mc.sc_regs, s->gpr, sizeof(s->gpr));
	memcpy(f->uc.mc.sc_fpregs, s->fpr, sizeof(s->fpr));
	f->uc.mc.sc_mdhi = s->hi;
	f->uc.mc.sc_mdlo = s->lo;
	f->uc.mc.sc_pc = s->pc;
	f->uc.mc.sc_fpc_csr = s->fcsr;
	f->uc.mc.sc_used_math = 1;
}

size_t mips_frame_size(void)
{
	return (sizeof(struct mips_rt_sigframe) + 15) & ~15ul;
}

void arch_resume_host(struct dune_vcpu *v)
{
	mips_resume(&v->arch.state);
}

void mips_resume(const struct mips_state *s)
{
	char frame[sizeof(struct mips_rt_sigframe)] __attribute__((aligned(16)));
	mips_build_frame(frame, s);
	mips_sigreturn(frame);
	__builtin_unreachable();
}

void arch_syscall_args(struct dune_vcpu *v, long *nr, long args[6])
{
	struct kvm_regs regs;
	vcpu_ioctl(v, KVM_GET_REGS, &regs);
	*nr = (long)regs.gpr[2];
	for (int i = 0; i < 6; i++)
		args[i] = (long)regs.gpr[4 + i];
	v->arch.state.gpr[2] = regs.gpr[2];
}

void arch_hypercall_args(struct dune_vcpu *v, long *nr, long args[3])
{
	struct kvm_regs regs;
	vcpu_ioctl(v, KVM_GET_REGS, &regs);
	*nr = (long)regs.gpr[4];
	for (int i = 0; i < 3; i++)
		args[i] = (long)regs.gpr[5 + i];
}

/* The doorbell load completes with ret on the next KVM_RUN. */
void arch_syscall_return(struct dune_vcpu *v, long ret, bool flush)
{
	memcpy(v->run->mmio.data, &ret, sizeof(ret));
	if (flush)
		v->arch.flush = 1;
}

void arch_fault_return(struct dune_vcpu *v, bool flush)
{
	if (flush)
		v->arch.flush = 1;
}

bool arch_syscall_special(struct dune_vcpu *v, long nr, const long args[6], long *ret)
{
	(void)v; (void)nr; (void)args; (void)ret;
	return false;
}

long arch_clone_syscall(struct dune_vcpu *v, long nr, const long args[6],
			uintptr_t child_sp, bool shares_vm)
{
	struct mips_state s;
	long a[6];
	char local[sizeof(struct mips_rt_sigframe)] __attribute__((aligned(16)));
	char *frame = local;
	int r = arch_vcpu_save(v);
	if (r < 0)
		return r;
	s = v->arch.state;
	/* The vCPU stopped in the exception handler's doorbell load; the
	 * guest's code goes on past its SYSCALL (EPC), with the registers
	 * the handler left alone. */
	if ((r = mips_get_reg(v, CP0_EPC, &s.pc)) < 0)
		return r;
	s.pc += 4;
	s.gpr[2] = 0;		/* the child's v0 */
	s.gpr[7] = 0;		/* a3: success */
	if (child_sp)
		s.gpr[29] = child_sp;
	memcpy(a, args, sizeof(a));
	if (shares_vm && child_sp) {
		frame = (char *)((child_sp - mips_frame_size() - 64) & ~15ul);
		a[1] = (long)frame;	/* the child's stack starts at its frame */
	}
	mips_build_frame(frame, &s);
	return mips_clone(nr, a, frame);
}

/* HC_REPLAY: the trapped registers become the vCPU's; the exception
 * stack level the trap used is given back. */
int arch_trap_replay(struct dune_vcpu *v, uintptr_t frame)
{
	const struct mips_frame *f = (const struct mips_frame *)frame;
	struct kvm_regs regs;
	int r;
	memcpy(regs.gpr, f->gpr, sizeof(regs.gpr));
	regs.hi = f->hi;
	regs.lo = f->lo;
	regs.pc = f->epc;
	if ((r = vcpu_ioctl(v, KVM_SET_REGS, &regs)) < 0)
		return r;
	/* The level's stack top, as KScratch2 holds it: unmapped alias. */
	uint64_t delta = ((uint64_t *)((char *)v->vm->arch.vectors + 0xfe0))[0];
	return mips_set_reg(v, CP0_KSCRATCH(2), frame + MIPS_FRAME_SIZE - delta);
}

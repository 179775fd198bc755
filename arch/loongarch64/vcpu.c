/* vcpu.c (loongarch64) — the LVZ guest: VM and vCPU set-up (CSRs through
 * ONE_REG, the FPU through CPUCFG2), register transfer, KVM_RUN and its
 * exits, and the way back to host execution through rt_sigreturn.
 * Built on LoongArch hosts only: this tree has no LoongArch libc to
 * compile it against elsewhere (README, "What has run where"). */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "la.h"

const char arch_name[] = "loongarch64";

#define XSTACK_SIZE (4 * 32768ul)
#define VECTORS_SIZE (2 * PAGE_SIZE)

static int vcpu_ioctl(struct dune_vcpu *v, unsigned long req, void *arg)
{
	long a[6] = { v->fd, (long)req, (long)arg };
	long r = arch_syscall6(SYS_ioctl, a);
	return r < 0 ? (int)r : 0;
}

static int set_reg(struct dune_vcpu *v, uint64_t id, uint64_t value)
{
	struct kvm_one_reg r = { .id = id, .addr = (uintptr_t)&value };
	return vcpu_ioctl(v, KVM_SET_ONE_REG, &r);
}

static int get_reg(struct dune_vcpu *v, uint64_t id, uint64_t *value)
{
	struct kvm_one_reg r = { .id = id, .addr = (uintptr_t)value };
	return vcpu_ioctl(v, KVM_GET_ONE_REG, &r);
}

/* /proc/cpuinfo's "Features" line lists "lvz" on LVZ cores. */
int arch_cpu_has_hwvirt(void)
{
	char line[512];
	int found = 0;
	FILE *f = fopen("/proc/cpuinfo", "re");
	if (!f)
		return -errno;
	while (!found && fgets(line, sizeof(line), f))
		if (!strncmp(line, "Features", 8) &&
		    (strstr(line, " lvz ") || strstr(line, " lvz\n")))
			found = 1;
	fclose(f);
	return found;
}

int arch_vm_init(struct dune_vm *vm)
{
	void *page;
	vm->phys_bits = ARCH_USER_VA_BITS;	/* GPA = HVA (2^VALEN) */
	page = sys_mmap(NULL, VECTORS_SIZE, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (page == MAP_FAILED)
		return -ENOMEM;
	memcpy(page, la_vectors, VECTORS_SIZE);
	vm->arch.vectors = page;
	vm->arch.mode_page = sys_mmap(NULL, 2 * PAGE_SIZE, PROT_READ | PROT_WRITE,
				      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (vm->arch.mode_page == MAP_FAILED) {
		vm->arch.mode_page = NULL;
		return -ENOMEM;
	}
	((volatile int *)vm->arch.mode_page)[PAGE_SIZE / sizeof(int)] = 1;
	swtlb_mode_word = vm->arch.mode_page;
	return slots_gpa(vm, (uintptr_t)page, &vm->arch.vectors_gpa);
}

void arch_vm_destroy(struct dune_vm *vm)
{
	if (vm->arch.vectors)
		sys_munmap(vm->arch.vectors, VECTORS_SIZE);
	if (vm->arch.mode_page)
		sys_munmap(vm->arch.mode_page, 2 * PAGE_SIZE);
	vm->arch.vectors = vm->arch.mode_page = NULL;
}

/* FPU on: CPUCFG2 as KVM allows it (KVM_GET_DEVICE_ATTR, group
 * KVM_LOONGARCH_VCPU_CPUCFG, attr 2), LSX/LASX (bits 6, 7) left off as
 * the library is built -mno-lsx; zero would make every FP instruction
 * fault. */
static int enable_fpu(struct dune_vcpu *v, int *fpu)
{
	uint64_t mask = 0;
	struct kvm_device_attr attr = { .group = KVM_LOONGARCH_VCPU_CPUCFG, .attr = 2,
					.addr = (uintptr_t)&mask };
	*fpu = 0;
	if (vcpu_ioctl(v, KVM_GET_DEVICE_ATTR, &attr) < 0)
		return 0;
	mask &= ~((1ull << 6) | (1ull << 7));
	*fpu = (mask & 1) != 0;			/* CPUCFG2.FP */
	return set_reg(v, KVM_IOC_CPUCFG(2), mask);
}

int arch_vcpu_init(struct dune_vcpu *v)
{
	struct dune_vm *vm = v->vm;
	struct la_reg regs[LA_MAX_REGS];
	struct la_guest g = { .root_gpa = vm->arch.root_gpa,
			      .vectors_gpa = vm->arch.vectors_gpa };
	uintptr_t mode = (uintptr_t)vm->arch.mode_page, top;
	uint64_t top_gpa, *slots;
	int n, r;
	if ((r = enable_fpu(v, &g.fpu)) < 0)
		return r;
	v->arch.xstack = sys_mmap(NULL, XSTACK_SIZE, PROT_READ | PROT_WRITE,
				  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (v->arch.xstack == MAP_FAILED) {
		v->arch.xstack = NULL;
		return -ENOMEM;
	}
	top = (uintptr_t)v->arch.xstack + XSTACK_SIZE;
	if ((r = mirror_pin(vm, (uintptr_t)v->arch.xstack, top, PROT_READ | PROT_WRITE)) < 0 ||
	    (r = mirror_pin(vm, (uintptr_t)vm->arch.vectors,
			    (uintptr_t)vm->arch.vectors + VECTORS_SIZE, PROT_READ | PROT_EXEC)) < 0 ||
	    (r = mirror_pin(vm, mode, mode + PAGE_SIZE, PROT_READ)) < 0 ||
	    (r = slots_gpa(vm, top - PAGE_SIZE, &top_gpa)) < 0 ||
	    (r = swtlb_map_mode_page(vm)) < 0)
		return r;
	g.xstack = DMW_BASE | (top_gpa + PAGE_SIZE);
	slots = (uint64_t *)((char *)vm->arch.vectors + 0xfe0);
	slots[0] = top - g.xstack;			/* SLOT_DELTA */
	slots[1] = (uintptr_t)la_guest_exception;	/* SLOT_HANDLER */
	n = la_csr_setup(&g, regs);
	for (int i = 0; i < n; i++)
		if ((r = set_reg(v, regs[i].id, regs[i].value)) < 0)
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
	v->arch.regs_dirty = 1;
	return la_enter_switch(&v->arch.state, v, stack_top, (void (*)(void *))loop);
}

int arch_vcpu_load(struct dune_vcpu *v)
{
	struct la_state *s = &v->arch.state;
	struct kvm_regs regs;
	struct kvm_fpu fpu;
	int r;
	memcpy(regs.gpr, s->gpr, sizeof(regs.gpr));
	regs.pc = s->pc;
	if ((r = vcpu_ioctl(v, KVM_SET_REGS, &regs)) < 0)
		return r;
	memset(&fpu, 0, sizeof(fpu));
	fpu.fcsr = s->fcsr;
	fpu.fcc = s->fcc;
	for (int i = 0; i < 32; i++)
		fpu.fpr[i].val64[0] = s->fpr[i];
	if ((r = vcpu_ioctl(v, KVM_SET_FPU, &fpu)) < 0)
		return r;
	v->arch.regs_dirty = 0;
	return 0;
}

int arch_vcpu_save(struct dune_vcpu *v)
{
	struct la_state *s = &v->arch.state;
	struct kvm_regs regs;
	struct kvm_fpu fpu;
	int r;
	if ((r = vcpu_ioctl(v, KVM_GET_REGS, &regs)) < 0 ||
	    (r = vcpu_ioctl(v, KVM_GET_FPU, &fpu)) < 0)
		return r;
	memcpy(s->gpr, regs.gpr, sizeof(s->gpr));
	s->pc = regs.pc;
	s->fcsr = fpu.fcsr;
	s->fcc = fpu.fcc;
	for (int i = 0; i < 32; i++)
		s->fpr[i] = fpu.fpr[i].val64[0];
	return 0;
}

/* A pending flush runs in the guest first (entry.S la_flush_stub). */
static int redirect_for_flush(struct dune_vcpu *v)
{
	struct kvm_regs regs;
	int r;
	if ((r = vcpu_ioctl(v, KVM_GET_REGS, &regs)) < 0 ||
	    (r = set_reg(v, LA_CSR_ID(CSR_SAVE(4)), regs.pc)) < 0)
		return r;
	regs.pc = DMW_BASE + v->vm->arch.vectors_gpa +
		  ((uintptr_t)la_flush_stub - (uintptr_t)la_vectors);
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
	la_decode_exit(v->run, r, e);
}

void arch_set_return(struct dune_vcpu *v, long value)
{
	v->arch.state.gpr[4] = (uint64_t)value;	/* a0 */
}

void la_frame_for(struct la_rt_sigframe *f, const struct la_state *s)
{
	uint64_t mask = 0;
	stack_t ss = { 0 };
	long q[6] = { SIG_BLOCK, 0, (long)&mask, 8 }, a[6] = { 0, (long)&ss };
	arch_syscall6(SYS_rt_sigprocmask, q);
	arch_syscall6(SYS_sigaltstack, a);
	la_build_frame(f, s, mask, (uintptr_t)ss.ss_sp, ss.ss_flags, ss.ss_size);
}

void la_resume(const struct la_state *s)
{
	struct la_rt_sigframe f __attribute__((aligned(16)));
	la_frame_for(&f, s);
	la_sigreturn(&f);
}

void arch_resume_host(struct dune_vcpu *v)
{
	la_resume(&v->arch.state);
}

void arch_syscall_args(struct dune_vcpu *v, long *nr, long args[6])
{
	struct kvm_regs regs;
	vcpu_ioctl(v, KVM_GET_REGS, &regs);
	*nr = (long)regs.gpr[11];		/* a7 */
	for (int i = 0; i < 6; i++)
		args[i] = (long)regs.gpr[4 + i];
}

void arch_hypercall_args(struct dune_vcpu *v, long *nr, long args[3])
{
	struct kvm_regs regs;
	vcpu_ioctl(v, KVM_GET_REGS, &regs);
	*nr = (long)regs.gpr[4];
	for (int i = 0; i < 3; i++)
		args[i] = (long)regs.gpr[5 + i];
}

void arch_syscall_return(struct dune_vcpu *v, long ret, bool flush)
{
	memcpy(v->run->iocsr_io.data, &ret, sizeof(ret));
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
	struct la_rt_sigframe local __attribute__((aligned(16)));
	struct la_rt_sigframe *frame = &local;
	struct la_state s;
	long a[6];
	int r = arch_vcpu_save(v);
	if (r < 0)
		return r;
	s = v->arch.state;
	/* Stopped in the handler's doorbell: the guest goes on past its
	 * SYSCALL (ERA), t0 as the handler found it (SAVE2). */
	if ((r = get_reg(v, LA_CSR_ID(CSR_ERA), &s.pc)) < 0 ||
	    (r = get_reg(v, LA_CSR_ID(CSR_SAVE(2)), &s.gpr[12])) < 0)
		return r;
	s.pc += 4;
	s.gpr[4] = 0;
	if (child_sp)
		s.gpr[3] = child_sp;
	memcpy(a, args, sizeof(a));
	if (shares_vm && child_sp) {
		frame = (struct la_rt_sigframe *)((child_sp - sizeof(*frame) - 64) & ~15ul);
		a[1] = (long)frame;
	}
	la_frame_for(frame, &s);
	return la_clone(nr, a, frame);
}

int arch_trap_replay(struct dune_vcpu *v, uintptr_t frame)
{
	const struct la_frame *f = (const struct la_frame *)frame;
	uint64_t delta = ((uint64_t *)((char *)v->vm->arch.vectors + 0xfe0))[0];
	struct kvm_regs regs;
	int r;
	memcpy(regs.gpr, f->gpr, sizeof(regs.gpr));
	regs.pc = f->era;
	if ((r = vcpu_ioctl(v, KVM_SET_REGS, &regs)) < 0)
		return r;
	return set_reg(v, LA_CSR_ID(CSR_SAVE(1)), frame + LA_FRAME_SIZE - delta);
}

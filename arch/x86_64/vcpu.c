/* vcpu.c (x86-64) — building the VM and vCPU: page-table root, CPUID,
 * system tables, control state, MSRs, XCR0 and the TSC. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "x86.h"

const char arch_name[] = "x86_64";

int x86_vcpu_ioctl(struct dune_vcpu *v, unsigned long req, void *arg)
{
	long a[6] = { v->fd, (long)req, (long)arg };
	long r = arch_syscall6(SYS_ioctl, a);
	return r < 0 ? (int)r : 0;
}

static int msrs_io(struct dune_vcpu *v, unsigned long req,
		   const uint32_t *index, uint64_t *value, int n)
{
	struct {
		struct kvm_msrs h;
		struct kvm_msr_entry e[8];
	} m;
	int r;
	memset(&m, 0, sizeof(m));
	m.h.nmsrs = n;
	for (int i = 0; i < n; i++) {
		m.e[i].index = index[i];
		m.e[i].data = value[i];
	}
	/* KVM_{GET,SET}_MSRS return how many entries they processed. */
	long a[6] = { v->fd, (long)req, (long)&m };
	r = (int)arch_syscall6(SYS_ioctl, a);
	if (r < 0)
		return r;
	if (r != n)
		return -EINVAL;
	for (int i = 0; i < n; i++)
		value[i] = m.e[i].data;
	return 0;
}

int x86_set_msrs(struct dune_vcpu *v, const uint32_t *index,
		 const uint64_t *value, int n)
{
	uint64_t tmp[8];
	memcpy(tmp, value, n * sizeof(*tmp));
	return msrs_io(v, KVM_SET_MSRS, index, tmp, n);
}

int x86_get_msrs(struct dune_vcpu *v, const uint32_t *index,
		 uint64_t *value, int n)
{
	return msrs_io(v, KVM_GET_MSRS, index, value, n);
}

int arch_cpu_has_hwvirt(void)
{
	unsigned a, b, c, d;
	/* CPUID.1:ECX.VMX[5] (Intel SDM Vol. 2A, Table 3-10) or
	 * CPUID.80000001h:ECX.SVM[2] (AMD APM Vol. 3, E.4.2). */
	__asm__("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(1), "c"(0));
	if (c & (1u << 5))
		return 1;
	__asm__("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(0x80000001u), "c"(0));
	return !!(c & (1u << 2));
}

int arch_vm_init(struct dune_vm *vm)
{
	unsigned a, b, c, d;
	int r;
	__asm__("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(0x80000008u), "c"(0));
	vm->phys_bits = a & 0xff;	/* CPUID.80000008h:EAX[7:0] */
	r = x86_cpuid_fetch(vm);
	if (r < 0)
		return r;
	return arch_pt_init(vm);
}

void arch_vm_destroy(struct dune_vm *vm)
{
	free(vm->arch.cpuid);
	vm->arch.cpuid = NULL;
}

static int set_tsc(struct dune_vcpu *v)
{
#ifdef KVM_VCPU_TSC_CTRL
	/* Guest TSC = host TSC: the vDSO's clock then reads host time. */
	uint64_t offset = 0;
	struct kvm_device_attr attr = {
		.group = KVM_VCPU_TSC_CTRL,
		.attr = KVM_VCPU_TSC_OFFSET,
		.addr = (uint64_t)(uintptr_t)&offset,
	};
	if (x86_vcpu_ioctl(v, KVM_SET_DEVICE_ATTR, &attr) == 0)
		return 0;
#endif
	uint32_t idx = MSR_IA32_TSC;
	uint64_t now = __builtin_ia32_rdtsc();
	return x86_set_msrs(v, &idx, &now, 1);
}

static int set_control_state(struct dune_vcpu *v)
{
	struct dune_vm *vm = v->vm;
	struct x86_sys *sys = v->arch.sys;
	struct x86_sregs_args a = {
		.cr3 = vm->arch.root_gpa,
		.gdt = (uintptr_t)sys->gdt,
		.idt = (uintptr_t)sys->idt,
		.tss = (uintptr_t)&sys->tss,
		.fs_base = v->arch.state.fs_base,
		.gs_base = v->arch.state.gs_base,
		.fsgsbase = vm->arch.has_fsgsbase,
		.osxsave = 1,
	};
	struct kvm_sregs s;
	struct kvm_xcrs xcrs = { .nr_xcrs = 1 };
	int r;
	const char *why;
	x86_sregs_build(&s, &a);
	/* SVM accepts more than VMX; say so early when debugging. */
	if (x86_vmx_check_guest(&s, 0x202, (uintptr_t)x86_guest_syscall, &why) < 0)
		dune_trace(vm, "guest state would fail VMX entry: %s", why);
	r = x86_vcpu_ioctl(v, KVM_SET_SREGS, &s);
	if (r < 0)
		return r;
	xcrs.xcrs[0].xcr = 0;
	xcrs.xcrs[0].value = vm->arch.xcr0;
	return x86_vcpu_ioctl(v, KVM_SET_XCRS, &xcrs);
}

static int set_syscall_msrs(struct dune_vcpu *v)
{
	/* SYSCALL loads CS from STAR[47:32] and jumps to LSTAR; FMASK 0
	 * keeps RFLAGS (Intel SDM Vol. 2B, SYSCALL). */
	static const uint32_t idx[] = { MSR_STAR, MSR_LSTAR, MSR_CSTAR,
		MSR_SYSCALL_MASK, MSR_KERNEL_GS_BASE };
	uint64_t val[] = { (uint64_t)X86_SEL_CODE << 32,
		(uintptr_t)x86_guest_syscall, 0, 0, 0 };
	return x86_set_msrs(v, idx, val, 5);
}

/* The tables and the guest stub page must be mapped before the first
 * exception, or its delivery itself faults (and the guest shuts down). */
static int pin_guest_pages(struct dune_vcpu *v)
{
	int r = mirror_pin(v->vm, (uintptr_t)v->arch.sys,
			   (uintptr_t)v->arch.sys + sizeof(struct x86_sys),
			   PROT_READ | PROT_WRITE);
	if (r == 0)
		r = mirror_pin(v->vm, (uintptr_t)v->arch.ist,
			       (uintptr_t)v->arch.ist + X86_IST_SIZE, PROT_READ | PROT_WRITE);
	if (r < 0)
		return r;
	return mirror_pin(v->vm, (uintptr_t)x86_guest_page,
			  (uintptr_t)x86_guest_page_end, PROT_READ | PROT_EXEC);
}

int arch_vcpu_init(struct dune_vcpu *v)
{
	struct dune_vm *vm = v->vm;
	struct x86_sys *sys;
	int r;
	v->arch.state.xcr0 = vm->arch.xcr0;
	/* KVM_CAP_SYNC_REGS (Documentation/virt/kvm/api.rst, "kvm_run"): the
	 * general registers travel in kvm_run, saving two ioctls an exit. */
	if (ioctl(vm->kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_SYNC_REGS) & KVM_SYNC_X86_REGS) {
		v->arch.sync_regs = 1;
		v->run->kvm_valid_regs = KVM_SYNC_X86_REGS;
	}
	r = x86_vcpu_ioctl(v, KVM_SET_CPUID2, vm->arch.cpuid);
	if (r < 0)
		return r;
	sys = sys_mmap(NULL, sizeof(*sys), PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (sys == MAP_FAILED)
		return -ENOMEM;
	v->arch.sys = sys;
	v->arch.ist = sys_mmap(NULL, X86_IST_SIZE, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (v->arch.ist == MAP_FAILED) {
		v->arch.ist = NULL;
		sys_munmap(sys, sizeof(*sys));
		v->arch.sys = NULL;
		return -ENOMEM;
	}
	x86_sys_build(sys, (uintptr_t)x86_guest_vectors,
		      (uintptr_t)v->arch.ist + X86_IST_SIZE - 64);
	r = pin_guest_pages(v);
	if (r == 0)
		r = set_control_state(v);
	if (r == 0)
		r = set_syscall_msrs(v);
	if (r == 0)
		r = set_tsc(v);
	if (r < 0)
		arch_vcpu_destroy(v);
	return r;
}

void arch_vcpu_destroy(struct dune_vcpu *v)
{
	if (v->arch.sys)
		sys_munmap(v->arch.sys, sizeof(*v->arch.sys));
	if (v->arch.ist)
		sys_munmap(v->arch.ist, X86_IST_SIZE);
	v->arch.sys = NULL;
	v->arch.ist = NULL;
}

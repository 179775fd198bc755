/* syscall.c (x86-64) — system calls that touch the guest CPU itself:
 * arch_prctl (thread pointer) and the clone family. */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>
#include "x86.h"

#define ARCH_SET_GS 0x1001
#define ARCH_SET_FS 0x1002

bool arch_syscall_special(struct dune_vcpu *v, long nr, const long args[6],
			  long *ret)
{
	uint32_t idx;
	uint64_t val;
	if (nr == SYS_rt_sigreturn) {
		/* Only frames guest.c built reach here: signals from the host
		 * kernel are handled (and returned from) on the host. */
		*ret = x86_sigreturn(v);
		if (*ret == -EFAULT && v->arch.regs_dirty == 0) {
			long k[6] = { getpid(), SIGSEGV };
			arch_syscall6(SYS_kill, k);
		}
		return true;
	}
	if (nr != SYS_arch_prctl ||
	    (args[0] != ARCH_SET_FS && args[0] != ARCH_SET_GS))
		return false;
	/* The host thread's base follows too: the loop shares its TLS. */
	*ret = arch_syscall6(nr, args);
	if (*ret < 0)
		return true;
	idx = args[0] == ARCH_SET_FS ? MSR_FS_BASE : MSR_GS_BASE;
	val = (uint64_t)args[1];
	if (x86_set_msrs(v, &idx, &val, 1) < 0)
		*ret = -EIO;
	else if (args[0] == ARCH_SET_FS)
		v->arch.state.fs_base = val;
	else
		v->arch.state.gs_base = val;
	return true;
}

/* Copy into possibly bad guest memory without faulting on the host. */
static int copy_out(uintptr_t dst, const void *src, size_t len)
{
	struct iovec local = { (void *)src, len };
	struct iovec remote = { (void *)dst, len };
	long a[6] = { getpid(), (long)&local, 1, (long)&remote, 1, 0 };
	long r = arch_syscall6(SYS_process_vm_writev, a);
	return r == (long)len ? 0 : -EFAULT;
}

long arch_clone_syscall(struct dune_vcpu *v, long nr, const long args[6],
			uintptr_t child_sp, bool shares_vm)
{
	struct x86_state *guest = &v->arch.state;
	/* The child only reads regs and builds its IRET frame: a prefix of
	 * struct x86_state is enough. */
	union {
		struct x86_state s;
		char head[offsetof(struct x86_state, xsave)];
	} *child, local;
	int r = x86_vcpu_ioctl(v, KVM_GET_XSAVE, guest->xsave);
	if (r < 0)
		return r;
	child = &local;
	memcpy(child->head, guest, sizeof(child->head));
	/* The child sees what the kernel gives a native child: RAX 0, RCX
	 * and R11 holding the return RIP and RFLAGS. */
	child->s.regs.rax = 0;
	child->s.regs.rcx = guest->regs.rip;
	child->s.regs.r11 = guest->regs.rflags;
	if (child_sp)
		child->s.regs.rsp = child_sp;
	if (shares_vm && child_sp) {
		/* The parent goes on at once and reuses its stack, so the
		 * child's copy must live on the child's own stack. */
		uintptr_t at = (child_sp - 256 - sizeof(child->head)) & ~63ul;
		if (copy_out(at, child->head, sizeof(child->head)) < 0)
			return -EFAULT;
		child = (void *)at;
	}
	return x86_clone(nr, args, guest, &child->s);
}

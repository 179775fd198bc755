/* syscall.c — forwarding the guest's system calls to the host kernel.
 * Most run unchanged on the host thread.  Calls that change mappings also
 * zap the affected guest page-table range and flush the guest TLB; the
 * clone family lets the child continue the guest's code natively; memory
 * the host kernel writes for the guest is marked dirty in its tables. */
#include <errno.h>
#include <sched.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>
#include <linux/sched.h>
#include "dune_int.h"

/* Copy from guest memory without faulting on the host. */
static int read_guest(void *dst, uintptr_t src, size_t len)
{
	struct iovec local = { dst, len }, remote = { (void *)src, len };
	long a[6] = { getpid(), (long)&local, 1, (long)&remote, 1, 0 };
	return arch_syscall6(SYS_process_vm_readv, a) == (long)len ? 0 : -EFAULT;
}

static uintptr_t page_end(long addr, long len)
{
	return ((uintptr_t)addr + (uintptr_t)len + PAGE_SIZE - 1) & PAGE_MASK;
}

/* The range a mapping call may change, known before it runs. */
static bool mapping_range(struct dune_vm *vm, long nr, const long a[6],
			  uintptr_t *start, uintptr_t *end)
{
	const struct vma *v;
	switch (nr) {
	case SYS_munmap:
	case SYS_mprotect:
	case SYS_madvise:	/* MADV_GUARD_INSTALL and the like */
		*start = (uintptr_t)a[0];
		*end = page_end(a[0], a[1]);
		return true;
	case SYS_mremap:
		*start = (uintptr_t)a[0];
		*end = page_end(a[0], a[1]);
		return true;
	case SYS_brk:
		*start = *end = 0;	/* known after the call */
		return true;
	case SYS_shmdt:
		if (vmas_refresh(vm) < 0)
			return false;
		v = vmas_find(&vm->vmas, (uintptr_t)a[0]);
		*start = v ? v->start : 0;
		*end = v ? v->end : 0;
		return true;
	case SYS_mmap:
	case SYS_shmat:
		*start = *end = 0;
		return true;
	}
	return false;
}

/* Zap what the finished call changed; returns whether to flush. */
static bool mapping_done(struct dune_vm *vm, long nr, const long a[6], long ret,
			 uintptr_t start, uintptr_t end, uintptr_t old_brk)
{
	if (ret < 0 && nr != SYS_brk)
		return false;
	switch (nr) {
	case SYS_mmap:
		mirror_zap(vm, (uintptr_t)ret, page_end(ret, a[1]));
		return true;
	case SYS_mremap:
		mirror_zap(vm, start, end);
		mirror_zap(vm, (uintptr_t)ret, page_end(ret, a[2]));
		return true;
	case SYS_brk:
		mirror_zap(vm, old_brk < (uintptr_t)ret ? old_brk : (uintptr_t)ret,
			   old_brk < (uintptr_t)ret ? (uintptr_t)ret : old_brk);
		return true;
	case SYS_shmat:
		/* Size unknown here: the next fault re-reads the mappings. */
		vm->vmas.stale = true;
		return true;
	case SYS_madvise:
		if (a[2] == MADV_DONTNEED || a[2] == MADV_FREE ||
		    a[2] == MADV_WILLNEED || a[2] == MADV_NORMAL ||
		    a[2] == MADV_SEQUENTIAL || a[2] == MADV_RANDOM)
			return false;	/* contents only: KVM follows them */
		break;
	}
	mirror_zap(vm, start, end);
	return true;
}

static long forward_mapping(struct dune_vm *vm, long nr, const long a[6], bool *flush)
{
	uintptr_t start = 0, end = 0, old_brk = 0;
	long ret;
	if (!mapping_range(vm, nr, a, &start, &end))
		return -ENOMEM;
	if (nr == SYS_brk) {
		long q[6] = { 0 };
		old_brk = (uintptr_t)arch_syscall6(SYS_brk, q);
	}
	ret = arch_syscall6(nr, a);
	*flush = mapping_done(vm, nr, a, ret, start, end, old_brk);
	return ret;
}

static bool is_mapping_call(long nr)
{
	return nr == SYS_mmap || nr == SYS_munmap || nr == SYS_mprotect ||
	       nr == SYS_mremap || nr == SYS_brk || nr == SYS_madvise ||
	       nr == SYS_shmat || nr == SYS_shmdt;
}

static long forward_clone(struct dune_vcpu *v, long nr, const long a[6])
{
	uintptr_t child_sp = 0;
	uint64_t flags = 0;
	if (nr == SYS_clone) {
		flags = (uint64_t)a[0];
		child_sp = (uintptr_t)a[1];
	} else if (nr == SYS_clone3) {
		struct clone_args ca;
		memset(&ca, 0, sizeof(ca));
		if ((size_t)a[1] < CLONE_ARGS_SIZE_VER0)
			return -EINVAL;
		/* Read it the way the kernel will: a bad pointer is EFAULT. */
		if (read_guest(&ca, (uintptr_t)a[0], CLONE_ARGS_SIZE_VER0) < 0)
			return -EFAULT;
		flags = ca.flags;
		if (ca.stack)
			child_sp = (uintptr_t)(ca.stack + ca.stack_size);
#ifdef SYS_vfork
	} else if (nr == SYS_vfork) {
		flags = CLONE_VM | CLONE_VFORK;
#endif
	}
	return arch_clone_syscall(v, nr, a, child_sp, flags & CLONE_VM);
}

/* The host kernel writing guest memory (a forwarded read into a buffer)
 * sets no guest dirty bit: set it as the MMU would have, mirroring the
 * page first if the guest had not mapped it yet. */
static void mark_written(struct dune_vm *vm, uintptr_t addr, size_t len)
{
	for (uintptr_t va = addr & PAGE_MASK; len && va < addr + len; va += PAGE_SIZE)
		if (arch_pt_touch(vm, va, true) == -ENOENT &&
		    mirror_fault(vm, va, ACCESS_WRITE) == 0)
			arch_pt_touch(vm, va, true);
}

static void mark_iov(struct dune_vm *vm, long iov, long iovcnt, long done)
{
	struct iovec v;
	for (long i = 0; i < iovcnt && done > 0; i++) {
		if (read_guest(&v, (uintptr_t)(iov + i * (long)sizeof(v)), sizeof(v)) < 0)
			return;
		size_t n = v.iov_len < (size_t)done ? v.iov_len : (size_t)done;
		mark_written(vm, (uintptr_t)v.iov_base, n);
		done -= (long)n;
	}
}

/* System calls whose result is memory the kernel wrote for the caller. */
static void after_kernel_writes(struct dune_vm *vm, long nr, const long a[6], long ret)
{
	struct msghdr m;
	if (ret <= 0)
		return;
	switch (nr) {
	case SYS_read:
	case SYS_pread64:
	case SYS_recvfrom:
	case SYS_getdents64:
	case SYS_getrandom:
		mark_written(vm, (uintptr_t)a[1], (size_t)ret);
		break;
	case SYS_readv:
	case SYS_preadv:
	case SYS_preadv2:
		mark_iov(vm, a[1], a[2], ret);
		break;
	case SYS_recvmsg:
		if (read_guest(&m, (uintptr_t)a[1], sizeof(m)) == 0)
			mark_iov(vm, (long)m.msg_iov, (long)m.msg_iovlen, ret);
		break;
	}
}

static bool is_clone_call(long nr)
{
	return nr == SYS_clone || nr == SYS_clone3
#ifdef SYS_fork
	       || nr == SYS_fork
#endif
#ifdef SYS_vfork
	       || nr == SYS_vfork
#endif
	       ;
}

long syscall_forward(struct dune_vcpu *v, long nr, const long args[6], bool *flush)
{
	long ret;
	*flush = false;
	v->vm->stats.syscalls++;
	if (arch_syscall_special(v, nr, args, &ret))
		return ret;
	if (is_mapping_call(nr))
		return forward_mapping(v->vm, nr, args, flush);
	if (is_clone_call(nr))
		return forward_clone(v, nr, args);
	if (nr == SYS_exit)
		v->tid = 0;	/* the thread ends: its vCPU is free */
	ret = arch_syscall6(nr, args);
	after_kernel_writes(v->vm, nr, args, ret);
	return ret;
}

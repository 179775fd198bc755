/* mirror.c — guest page tables that follow the host's mappings: filled
 * lazily on guest page faults, a 2 MiB window at a time, with the host
 * mapping's protection; zapped where the host mapping changes. */
#include <errno.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "dune_int.h"

#define WINDOW (2ul << 20)
/* Linux leaves stack_guard_gap (256 pages) below a stack it may grow. */
#define STACK_GAP (256 * PAGE_SIZE)

int mirror_map_range(struct dune_vm *vm, uintptr_t start, uintptr_t end, int prot)
{
	for (uintptr_t va = start; va < end; va += PAGE_SIZE) {
		uint64_t gpa;
		int r = slots_gpa(vm, va, &gpa);
		if (r == 0)
			r = arch_pt_map(vm, va, gpa, prot);
		if (r < 0)
			return r;
	}
	return 0;
}

static bool permits(int prot, unsigned access)
{
	/* On x86 and the others, write and exec imply read. */
	if (access & ACCESS_WRITE)
		return prot & PROT_WRITE;
	if (access & ACCESS_EXEC)
		return prot & PROT_EXEC;
	return prot & (PROT_READ | PROT_WRITE | PROT_EXEC);
}

/* Touch addr from the kernel side so Linux grows the stack mapping, as
 * the native fault would; a bad address just fails with EFAULT. */
static void grow_stack(struct dune_vm *vm, uintptr_t addr)
{
	char c;
	long w[6] = { vm->probe_pipe[1], (long)addr, 1 };
	long r[6] = { vm->probe_pipe[0], (long)&c, 1 };
	if (arch_syscall6(SYS_write, w) == 1)
		arch_syscall6(SYS_read, r);
}

static bool below_stack(const struct vma_cache *c, uintptr_t addr)
{
	const struct vma *next = vmas_next(c, addr);
	return next && next->grows_down && next->start > addr &&
	       next->start - addr <= STACK_GAP;
}

int mirror_fault(struct dune_vm *vm, uintptr_t addr, unsigned access)
{
	const struct vma *v;
	bool fresh = false;
	int r;
	if (vm->vmas.stale || !vmas_find(&vm->vmas, addr)) {
		r = vmas_refresh(vm);
		if (r < 0)
			return r;
		fresh = true;
	}
	v = vmas_find(&vm->vmas, addr);
	if (!v && below_stack(&vm->vmas, addr)) {
		grow_stack(vm, addr);
		if ((r = vmas_refresh(vm)) < 0)
			return r;
		v = vmas_find(&vm->vmas, addr);
	}
	if (v && !permits(v->prot, access) && !fresh) {
		/* Maybe the protection changed behind our back. */
		if ((r = vmas_refresh(vm)) < 0)
			return r;
		v = vmas_find(&vm->vmas, addr);
	}
	if (!v || !permits(v->prot, access))
		return -EFAULT;
	uintptr_t lo = addr & ~(WINDOW - 1), hi = lo + WINDOW;
	if (lo < v->start)
		lo = v->start;
	if (hi > v->end)
		hi = v->end;
	return mirror_map_range(vm, lo, hi, v->prot);
}

void mirror_zap(struct dune_vm *vm, uintptr_t start, uintptr_t end)
{
	start &= PAGE_MASK;
	end = (end + PAGE_SIZE - 1) & PAGE_MASK;
	if (start < end)
		arch_pt_unmap(vm, start, end);
	/* The library's own pages must stay mapped. */
	for (size_t i = 0; i < vm->npinned; i++) {
		const struct vma *p = &vm->pinned[i];
		if (p->start < end && start < p->end)
			mirror_map_range(vm, p->start, p->end, p->prot);
	}
	vm->vmas.stale = true;
}

void mirror_zap_all(struct dune_vm *vm)
{
	mirror_zap(vm, 0, ARCH_USER_VA_END);
}

int mirror_pin(struct dune_vm *vm, uintptr_t start, uintptr_t end, int prot)
{
	start &= PAGE_MASK;
	end = (end + PAGE_SIZE - 1) & PAGE_MASK;
	if (vm->npinned == sizeof(vm->pinned) / sizeof(vm->pinned[0]))
		return -ENOSPC;
	vm->pinned[vm->npinned++] = (struct vma){ start, end, prot, false };
	return mirror_map_range(vm, start, end, prot);
}

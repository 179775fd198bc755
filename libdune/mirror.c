/* mirror.c — guest page tables that follow the host's mappings: filled
 * lazily on guest page faults, a 2 MiB window at a time, with the host
 * mapping's protection; zapped where the host mapping changes; and the
 * library's own pages, pinned so guest exceptions can always be served. */
#include <errno.h>
#include <string.h>
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

static const struct alias *alias_at(const struct dune_vm *vm, uintptr_t va)
{
	for (size_t i = 0; i < vm->naliases; i++)
		if (va - vm->aliases[i].start < vm->aliases[i].len)
			return &vm->aliases[i];
	return NULL;
}

/* The host mapping at addr, re-reading the maps once when the cached
 * picture does not explain the access. */
static const struct vma *host_vma(struct dune_vm *vm, uintptr_t addr, unsigned access)
{
	const struct vma *v = vm->vmas.stale ? NULL : vmas_find(&vm->vmas, addr);
	if (v && permits(v->prot, access))
		return v;
	if (vmas_refresh(vm) < 0)
		return NULL;
	v = vmas_find(&vm->vmas, addr);
	if (!v && below_stack(&vm->vmas, addr)) {
		grow_stack(vm, addr);
		if (vmas_refresh(vm) < 0)
			return NULL;
		v = vmas_find(&vm->vmas, addr);
	}
	return v;
}

static int alias_fault(struct dune_vm *vm, const struct alias *a, uintptr_t addr,
		       unsigned access)
{
	uintptr_t src = a->source + (addr - a->start);
	const struct vma *v = host_vma(vm, src, access);
	uint64_t gpa;
	int r;
	if (!v)
		return -EFAULT;
	if (!permits(v->prot & a->prot, access))
		return -EACCES;
	r = slots_gpa(vm, src & PAGE_MASK, &gpa);
	return r < 0 ? r : arch_pt_map(vm, addr & PAGE_MASK, gpa, v->prot & a->prot);
}

/* Returns 0 when the page is now mapped, -EFAULT when nothing is mapped
 * there, -EACCES when the host mapping denies the access. */
int mirror_fault(struct dune_vm *vm, uintptr_t addr, unsigned access)
{
	const struct alias *a = alias_at(vm, addr);
	const struct vma *v;
	if (a)
		return alias_fault(vm, a, addr, access);
	v = host_vma(vm, addr, access);
	if (!v)
		return -EFAULT;
	if (!permits(v->prot, access))
		return -EACCES;
	uintptr_t lo = addr & ~(WINDOW - 1), hi = lo + WINDOW;
	if (v->huge && WINDOW == 1ul << ARCH_HUGE_SHIFT && lo >= v->start && hi <= v->end) {
		/* A hugetlb page: one huge leaf, whose dirty bit covers it. */
		uint64_t gpa;
		int r = slots_gpa(vm, lo, &gpa);
		return r < 0 ? r : arch_pt_map_huge(vm, lo, gpa, v->prot);
	}
	if (lo < v->start)
		lo = v->start;
	if (hi > v->end)
		hi = v->end;
	return mirror_map_range(vm, lo, hi, v->prot);
}

/* Mirror all of [start, end); -ENOMEM where the host maps nothing. */
int mirror_populate(struct dune_vm *vm, uintptr_t start, uintptr_t end)
{
	int r = vmas_refresh(vm);
	for (uintptr_t va = start; r == 0 && va < end;) {
		const struct vma *v = vmas_find(&vm->vmas, va);
		if (!v)
			return -ENOMEM;
		uintptr_t hi = v->end < end ? v->end : end;
		r = mirror_map_range(vm, va, hi, v->prot);
		va = hi;
	}
	return r;
}

static void remap_pinned(struct dune_vm *vm, uintptr_t start, uintptr_t end)
{
	for (size_t i = 0; i < vm->npinned; i++) {
		const struct vma *p = &vm->pinned[i];
		if (p->start < end && start < p->end)
			mirror_map_range(vm, p->start, p->end, p->prot);
	}
}

void mirror_zap(struct dune_vm *vm, uintptr_t start, uintptr_t end)
{
	start &= PAGE_MASK;
	end = (end + PAGE_SIZE - 1) & PAGE_MASK;
	if (start < end)
		arch_pt_unmap(vm, start, end);
	/* The library's own pages must stay mapped. */
	remap_pinned(vm, start, end);
	vm->vmas.stale = true;
}

/* After KVM found host memory gone or protected behind the guest: bring
 * every leaf in line with the host mappings, keeping guards. */
static void resync_leaf(struct dune_vm *vm, uintptr_t va, struct pte *p, void *arg)
{
	const struct alias *a = alias_at(vm, va);
	uintptr_t src = a ? a->source + (va - a->start) : va;
	const struct vma *v = vmas_find(&vm->vmas, src);
	int prot = v ? v->prot & (a ? a->prot : ~0) : 0;
	if (!v || !prot)
		arch_pt_unmap(vm, va, va + PAGE_SIZE);
	else if (prot != p->host_prot)
		arch_pt_map(vm, va, p->gpa, prot);
}

void mirror_resync(struct dune_vm *vm)
{
	if (vmas_refresh(vm) < 0) {
		mirror_zap(vm, 0, ARCH_USER_VA_END);
		return;
	}
	arch_pt_each(vm, 0, ARCH_USER_VA_END, resync_leaf, NULL);
	remap_pinned(vm, 0, ARCH_USER_VA_END);
}

static int pinned_grow(struct dune_vm *vm)
{
	size_t cap = vm->pinned_cap ? vm->pinned_cap * 2 : 64;
	struct vma *p = sys_mmap(NULL, cap * sizeof(*p), PROT_READ | PROT_WRITE,
			     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return -ENOMEM;
	if (vm->pinned) {
		memcpy(p, vm->pinned, vm->npinned * sizeof(*p));
		sys_munmap(vm->pinned, vm->pinned_cap * sizeof(*p));
	}
	vm->pinned = p;
	vm->pinned_cap = cap;
	return 0;
}

int mirror_pin(struct dune_vm *vm, uintptr_t start, uintptr_t end, int prot)
{
	start &= PAGE_MASK;
	end = (end + PAGE_SIZE - 1) & PAGE_MASK;
	if (vm->npinned == vm->pinned_cap && pinned_grow(vm) < 0)
		return -ENOMEM;
	vm->pinned[vm->npinned++] = (struct vma){ .start = start, .end = end, .prot = prot };
	return mirror_map_range(vm, start, end, prot);
}

/* Pin the mappings of the object holding libdune (code, read-only data,
 * GOT, data and bss): the exception dispatcher runs there. */
int mirror_pin_library(struct dune_vm *vm)
{
	static int in_data = 1;
	static int in_bss;
	const void *marks[] = { (const void *)guest_trap, &in_data, &in_bss,
				(const void *)vm_current };
	unsigned long inode = 0;
	int r = vmas_refresh(vm);
	for (size_t i = 0; r == 0 && i < sizeof(marks) / sizeof(marks[0]); i++) {
		const struct vma *v = vmas_find(&vm->vmas, (uintptr_t)marks[i]);
		if (v && v->inode)
			inode = v->inode;
		if (v)
			r = mirror_pin(vm, v->start, v->end, v->prot);
	}
	for (size_t i = 0; r == 0 && inode && i < vm->vmas.n; i++) {
		const struct vma v = vm->vmas.v[i];
		if (v.inode == inode)
			r = mirror_pin(vm, v.start, v.end, v.prot);
	}
	return r;
}

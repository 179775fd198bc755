/* pt.c — the page-table API for runtimes: guest-only protection, page
 * facts, aliases, accessed/dirty collection, fault and trap handlers. */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "dune_int.h"

/* The VM the calls act on: -ENOTSUP before the first dune_enter(), -EBUSY
 * while another thread runs inside (its TLB could not be flushed now). */
static int vm_for_call(struct dune_vm **out)
{
	struct dune_vm *vm = vm_current();
	if (!vm)
		return -ENOTSUP;
	/* Inside, the VM is this process's; outside, it may be a parent's. */
	if (!arch_guest_mode()) {
		if (vm->pid != getpid())
			return -ENOTSUP;
		if (vm->vcpu && vm->vcpu->tid)
			return -EBUSY;
	}
	*out = vm;
	return 0;
}

static int check_range(const void *addr, size_t len, uintptr_t *start, uintptr_t *end)
{
	uintptr_t a = (uintptr_t)addr;
	if ((a & ~PAGE_MASK) || (len & ~PAGE_MASK) || len == 0)
		return -EINVAL;
	if (a + len < a || a + len > ARCH_USER_VA_END)
		return -EINVAL;
	*start = a;
	*end = a + len;
	return 0;
}

static int prepare(const void *addr, size_t len, struct dune_vm **vm,
		   uintptr_t *start, uintptr_t *end)
{
	int r = check_range(addr, len, start, end);
	return r < 0 ? r : vm_for_call(vm);
}

/* Make sure the guest maps [start, end) (mirroring the host), so that
 * protections and bits have entries to live in. */
static int populate(struct dune_vm *vm, uintptr_t start, uintptr_t end)
{
	struct pte p;
	uintptr_t va;
	for (va = start; va < end; va += PAGE_SIZE)
		if (arch_pte_get(vm, va, &p) < 0)
			break;
	if (va == end)
		return 0;
	if (arch_guest_mode())
		return (int)arch_hypercall(HC_POPULATE, (long)va, (long)end, 0);
	return mirror_populate(vm, va, end);
}

static bool valid_prot(int prot)
{
	return !(prot & ~(PROT_READ | PROT_WRITE | PROT_EXEC));
}

DUNE_API int dune_vm_protect(void *addr, size_t len, int prot)
{
	struct dune_vm *vm;
	uintptr_t start, end;
	int r = prepare(addr, len, &vm, &start, &end);
	if (r < 0)
		return r;
	if (!valid_prot(prot))
		return -EINVAL;
	r = arch_pt_protect(vm, start, end, prot, true);
	if (r == -ENOENT) {
		/* Pages not touched yet: mirror them, then protect. */
		r = populate(vm, start, end);
		if (r == 0)
			r = arch_pt_protect(vm, start, end, prot, true);
	}
	return r == -ENOENT ? -ENOMEM : r;
}

static void fill_info(const struct pte *p, struct dune_page_info *info)
{
	info->present = p->mapped;
	info->prot = p->prot;
	info->host_prot = p->host_prot;
	info->guarded = p->guarded;
	info->accessed = p->accessed;
	info->dirty = p->dirty;
	info->page_size = 1ul << p->shift;
}

DUNE_API int dune_vm_lookup(const void *addr, struct dune_page_info *info)
{
	struct dune_vm *vm;
	struct pte p;
	int r;
	if (!info)
		return -EFAULT;
	if ((uintptr_t)addr >= ARCH_USER_VA_END)
		return -EINVAL;
	if ((r = vm_for_call(&vm)) < 0)
		return r;
	memset(info, 0, sizeof(*info));
	if ((r = arch_pte_get(vm, (uintptr_t)addr & PAGE_MASK, &p)) < 0)
		return r;
	fill_info(&p, info);
	return 0;
}

DUNE_API int dune_vm_walk(void *addr, size_t len,
			  int (*cb)(void *page, const struct dune_page_info *info, void *arg),
			  void *arg)
{
	struct dune_vm *vm;
	uintptr_t start, end;
	int r = prepare(addr, len, &vm, &start, &end);
	if (r < 0)
		return r;
	if (!cb)
		return -EFAULT;
	for (uintptr_t va = start; va < end; va += PAGE_SIZE) {
		struct dune_page_info info;
		struct pte p;
		if (arch_pte_get(vm, va, &p) < 0)
			continue;
		fill_info(&p, &info);
		if ((r = cb((void *)va, &info, arg)) != 0)
			return r;
	}
	return 0;
}

static bool only_reserved(struct dune_vm *vm, uintptr_t start, uintptr_t end)
{
	for (uintptr_t va = start; va < end;) {
		const struct vma *v = vmas_find(&vm->vmas, va);
		if (!v || v->prot != PROT_NONE)
			return false;
		va = v->end;
	}
	return true;
}

DUNE_API int dune_vm_alias(void *alias, void *addr, size_t len, int prot)
{
	struct dune_vm *vm;
	uintptr_t start, end, a;
	int r = prepare(addr, len, &vm, &start, &end);
	if (r < 0)
		return r;
	a = (uintptr_t)alias;
	if (!valid_prot(prot) || (a & ~PAGE_MASK) || a + len < a ||
	    a + len > ARCH_USER_VA_END || (a < end && start < a + len))
		return -EINVAL;
	if (arch_guest_mode())
		return -ENOTSUP;	/* reads the host mappings: call outside */
	if ((r = vmas_refresh(vm)) < 0)
		return r;
	if (!only_reserved(vm, a, a + len))
		return -EINVAL;
	for (uintptr_t va = start; va < end;) {
		const struct vma *v = vmas_find(&vm->vmas, va);
		if (!v)
			return -ENOMEM;
		va = v->end;
	}
	if (vm->naliases == MAX_ALIASES)
		return -ENOSPC;
	vm->aliases[vm->naliases++] = (struct alias){ a, len, start, prot };
	/* Whatever the guest had mapped there goes; faults fill it anew. */
	arch_pt_unmap(vm, a, a + len);
	if (vm->vcpu)
		vm->vcpu->arch.flush = 1;
	return 0;
}

static long collect(void *addr, size_t len, uint64_t *bits, unsigned flags, bool dirty)
{
	struct dune_vm *vm;
	uintptr_t start, end;
	int r = prepare(addr, len, &vm, &start, &end);
	if (r < 0)
		return r;
	if (flags & ~DUNE_CLEAR)
		return -EINVAL;
	if (bits)
		memset(bits, 0, ((len / PAGE_SIZE + 63) / 64) * sizeof(uint64_t));
	return arch_pt_scan(vm, start, end, dirty, flags & DUNE_CLEAR, bits);
}

DUNE_API long dune_dirty_collect(void *addr, size_t len, uint64_t *bits, unsigned flags)
{
	return bits ? collect(addr, len, bits, flags, true) : -EFAULT;
}

DUNE_API long dune_young_collect(void *addr, size_t len, uint64_t *bits, unsigned flags)
{
	return bits ? collect(addr, len, bits, flags, false) : -EFAULT;
}

DUNE_API int dune_mkclean(void *addr, size_t len)
{
	long r = collect(addr, len, NULL, DUNE_CLEAR, true);
	return r < 0 ? (int)r : 0;
}

DUNE_API int dune_mkold(void *addr, size_t len)
{
	long r = collect(addr, len, NULL, DUNE_CLEAR, false);
	return r < 0 ? (int)r : 0;
}

DUNE_API int dune_set_fault_handler(dune_fault_fn fn, void *arg)
{
	struct dune_vm *vm;
	int r = vm_get(&vm);
	if (r < 0)
		return r;
	vm->fault_arg = arg;
	__atomic_store_n(&vm->fault_fn, fn, __ATOMIC_RELEASE);
	return 0;
}

DUNE_API int dune_set_trap_handler(int vector, dune_trap_fn fn, void *arg)
{
	struct dune_vm *vm;
	int r;
	if (vector < 0 || vector >= NTRAPS || vector == ARCH_PAGE_FAULT_VECTOR)
		return -EINVAL;
	if ((r = vm_get(&vm)) < 0)
		return r;
	vm->trap_arg[vector] = arg;
	__atomic_store_n(&vm->trap_fn[vector], fn, __ATOMIC_RELEASE);
	return 0;
}

/* kvm_pt.c — the KVM backend's page-table calls: guest-only protection,
 * page facts, aliases, accessed/dirty collection, fault and trap handlers,
 * all on the guest page tables (from inside the guest, with no exit on the
 * fast paths, or from outside while no thread is inside). */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "dune_int.h"
#include "kvm.h"

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

int kvm_vm_protect(uintptr_t start, uintptr_t end, int prot)
{
	struct dune_vm *vm;
	int r = vm_for_call(&vm);
	if (r < 0)
		return r;
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

int kvm_vm_lookup(uintptr_t page, struct dune_page_info *info)
{
	struct dune_vm *vm;
	struct pte p;
	int r = vm_for_call(&vm);
	if (r < 0)
		return r;
	if ((r = arch_pte_get(vm, page, &p)) < 0)
		return r;
	fill_info(&p, info);
	return 0;
}

int kvm_vm_walk(uintptr_t start, uintptr_t end,
		int (*cb)(void *, const struct dune_page_info *, void *), void *arg)
{
	struct dune_vm *vm;
	int r = vm_for_call(&vm);
	if (r < 0)
		return r;
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

int kvm_vm_alias(uintptr_t a, uintptr_t start, uintptr_t end, int prot)
{
	struct dune_vm *vm;
	int r = vm_for_call(&vm);
	if (r < 0)
		return r;
	if (arch_guest_mode())
		return -ENOTSUP;	/* reads the host mappings: call outside */
	if ((r = vmas_refresh(vm)) < 0)
		return r;
	if (!only_reserved(vm, a, a + (end - start)))
		return -EINVAL;
	for (uintptr_t va = start; va < end;) {
		const struct vma *v = vmas_find(&vm->vmas, va);
		if (!v)
			return -ENOMEM;
		va = v->end;
	}
	if (vm->naliases == MAX_ALIASES)
		return -ENOSPC;
	vm->aliases[vm->naliases++] = (struct alias){ a, end - start, start, prot };
	/* Whatever the guest had mapped there goes; faults fill it anew. */
	arch_pt_unmap(vm, a, a + (end - start));
	arch_tlb_flush_all(vm);
	return 0;
}

long kvm_collect(uintptr_t start, uintptr_t end, uint64_t *bits, bool clear, bool dirty)
{
	struct dune_vm *vm;
	int r = vm_for_call(&vm);
	if (r < 0)
		return r;
	return arch_pt_scan(vm, start, end, dirty, clear, bits);
}

int kvm_set_fault_handler(dune_fault_fn fn, void *arg)
{
	struct dune_vm *vm;
	int r = vm_get(&vm);
	if (r < 0)
		return r;
	vm->fault_arg = arg;
	__atomic_store_n(&vm->fault_fn, fn, __ATOMIC_RELEASE);
	return 0;
}

int kvm_set_trap_handler(int vector, dune_trap_fn fn, void *arg)
{
	struct dune_vm *vm;
	int r = vm_get(&vm);
	if (r < 0)
		return r;
	vm->trap_arg[vector] = arg;
	__atomic_store_n(&vm->trap_fn[vector], fn, __ATOMIC_RELEASE);
	return 0;
}

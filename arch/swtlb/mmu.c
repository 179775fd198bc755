/* mmu.c (software-refilled TLBs: mips64, loongarch64) — the arch
 * contract's page-table calls on swtlb tables, the TLB flushes, and
 * arch_guest_mode.  The backend gives swtlb_flush_here() (flush the TLB
 * from guest code) and swtlb_retire(va) (drop va's stale entry after a
 * fix-up); see swtlb_glue.h. */
#include <errno.h>
#include <sys/mman.h>
#include "dune_int.h"
#include "swtlb.h"
#include "swtlb_glue.h"

_Static_assert(PROT_READ == SWTLB_R && PROT_WRITE == SWTLB_W && PROT_EXEC == SWTLB_X,
	       "swtlb protections are Linux's");

/* Tables come from the pool, whose blocks sit at GPA = HVA (or
 * relocated): the host address of the table at gpa. */
static uint64_t *table_of(void *ctx, uint64_t gpa)
{
	struct dune_vm *vm = ctx;
	for (size_t i = 0; i < vm->nblocks; i++) {
		const struct block *b = &vm->blocks[i];
		if (gpa - b->gpa < BLOCK_SIZE)
			return (uint64_t *)(b->hva + (gpa - b->gpa));
	}
	return NULL;
}

static int alloc_table(void *ctx, uint64_t *gpa)
{
	uintptr_t hva;
	return pt_page_alloc(ctx, &hva, gpa);
}

static struct swtlb tables(struct dune_vm *vm)
{
	return (struct swtlb){ vm->arch.root_gpa, vm, table_of, alloc_table };
}

int arch_pt_init(struct dune_vm *vm)
{
	uintptr_t hva;
	return pt_page_alloc(vm, &hva, &vm->arch.root_gpa);
}

/* arch_guest_mode asks the MMU: the mode page reads 0 through the host's
 * mapping and 1 through the guest's, which maps it to the page after. */
volatile int *swtlb_mode_word;

bool arch_guest_mode(void)
{
	return swtlb_mode_word && *swtlb_mode_word;
}

int swtlb_map_mode_page(struct dune_vm *vm)
{
	struct swtlb t = tables(vm);
	uint64_t gpa;
	uintptr_t page = (uintptr_t)vm->arch.mode_page;
	int r = slots_gpa(vm, page + PAGE_SIZE, &gpa);
	if (r < 0)
		return r;
	r = swtlb_map(&t, page, gpa, PROT_READ, false);
	return r < 0 ? r : swtlb_touch(&t, page, false);
}

static bool is_mode_page(struct dune_vm *vm, uintptr_t va)
{
	return va == (uintptr_t)vm->arch.mode_page;
}

static void to_pte(const struct swtlb_leaf *l, struct pte *p)
{
	*p = (struct pte){
		.mapped = l->mapped, .gpa = l->pa, .prot = l->prot,
		.host_prot = l->host_prot, .guarded = l->guarded,
		.guard_prot = l->guard_prot, .accessed = l->accessed,
		.dirty = l->dirty, .shift = l->huge ? SWTLB_HUGE_SHIFT : SWTLB_PAGE_SHIFT,
	};
}

int arch_pt_map(struct dune_vm *vm, uintptr_t va, uint64_t gpa, int prot)
{
	struct swtlb t = tables(vm);
	if (is_mode_page(vm, va))
		return 0;	/* keeps its guest-only frame */
	return swtlb_map(&t, va, gpa, prot, false);
}

int arch_pt_map_huge(struct dune_vm *vm, uintptr_t va, uint64_t gpa, int prot)
{
	struct swtlb t = tables(vm);
	return swtlb_map(&t, va, gpa, prot, true);
}

void arch_pt_unmap(struct dune_vm *vm, uintptr_t start, uintptr_t end)
{
	struct swtlb t = tables(vm);
	swtlb_unmap(&t, start, end);
}

int arch_pte_get(struct dune_vm *vm, uintptr_t va, struct pte *p)
{
	struct swtlb t = tables(vm);
	struct swtlb_leaf l;
	int r = swtlb_get(&t, va, &l);
	if (r == 0)
		to_pte(&l, p);
	return r;
}

struct each_arg {
	struct dune_vm *vm;
	void (*fn)(struct dune_vm *vm, uintptr_t va, struct pte *p, void *arg);
	void *arg;
};

static void each_leaf(uint64_t va, struct swtlb_leaf *l, void *arg)
{
	struct each_arg *e = arg;
	struct pte p;
	if (is_mode_page(e->vm, va))
		return;
	to_pte(l, &p);
	e->fn(e->vm, va, &p, e->arg);
}

void arch_pt_each(struct dune_vm *vm, uintptr_t start, uintptr_t end,
		  void (*fn)(struct dune_vm *vm, uintptr_t va, struct pte *p, void *arg),
		  void *arg)
{
	struct swtlb t = tables(vm);
	struct each_arg e = { vm, fn, arg };
	swtlb_each(&t, start, end, each_leaf, &e);
}

void arch_tlb_flush_all(struct dune_vm *vm)
{
	if (vm->test_no_flush)
		return;
	vm->stats.tlb_flushes++;
	if (arch_guest_mode())
		swtlb_flush_here();
	else if (vm->vcpu)
		vm->vcpu->arch.flush = 1;	/* before the guest goes on */
}

int arch_pt_protect(struct dune_vm *vm, uintptr_t start, uintptr_t end, int prot,
		    bool guard)
{
	struct swtlb t = tables(vm);
	long r = swtlb_protect(&t, start, end, prot, guard);
	if (r != 0)
		arch_tlb_flush_all(vm);	/* also after a partial change */
	return r < 0 ? (int)r : 0;
}

long arch_pt_scan(struct dune_vm *vm, uintptr_t start, uintptr_t end, bool dirty,
		  bool clear, uint64_t *bits)
{
	struct swtlb t = tables(vm);
	bool cleared;
	long n = swtlb_scan(&t, start, end, dirty, clear, bits, &cleared);
	if (cleared)
		arch_tlb_flush_all(vm);
	return n;
}

int arch_pt_touch(struct dune_vm *vm, uintptr_t va, bool write)
{
	struct swtlb t = tables(vm);
	return swtlb_touch(&t, va, write);
}

/* The guest's TLB-invalid/modified handlers: 1 when the software bits
 * were all that stood in the way (the stale TLB entry is dropped and
 * the access retried). */
int swtlb_guest_fixup(struct dune_vm *vm, uintptr_t va, unsigned access)
{
	struct swtlb t = tables(vm);
	if (!swtlb_fixup(&t, va, (int)access))
		return 0;
	swtlb_retire(va);
	return 1;
}

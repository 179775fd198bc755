/* mmu.c (x86-64) — the guest's 4-level page tables: leaves that mirror the
 * host mapping, guest-only restrictions kept in the entries' software bits,
 * accessed/dirty scans, and TLB flushes. */
#include <errno.h>
#include <sys/mman.h>
#include "x86.h"

/* Paging-structure entry bits, Intel SDM Vol. 3A 4.5, Tables 4-14..4-20. */
#define PTE_P   (1ull << 0)
#define PTE_RW  (1ull << 1)
#define PTE_US  (1ull << 2)
#define PTE_A   (1ull << 5)
#define PTE_D   (1ull << 6)
#define PTE_PS  (1ull << 7)
#define PTE_NX  (1ull << 63)
#define PTE_ADDR 0x000ffffffffff000ull
/* Bits the processor ignores (Tables 4-19/4-20: 9-11 and 52-58 with
 * CR4.PKE clear), used for what the library must remember per page. */
#define SW_MAPPED  (1ull << 9)	/* a translation, even while P is clear */
#define SW_GUARD   (1ull << 10)	/* restricted by dune_vm_protect */
#define SW_HOST_W  (1ull << 11)
#define SW_HOST_R  (1ull << 52)
#define SW_HOST_X  (1ull << 53)
#define SW_GUARD_R (1ull << 54)
#define SW_GUARD_W (1ull << 55)
#define SW_GUARD_X (1ull << 56)
/* In a page-directory entry: the table below may hold dirty (accessed)
 * bits that the PDE's accessed bit no longer shows (see pt_scan). */
#define PDE_DIRTY_PENDING (1ull << 9)
#define PDE_YOUNG_PENDING (1ull << 10)

/* Below this many pages a flush is INVLPG per page, above it one CR3
 * reload (Linux's tlb_single_page_flush_ceiling is 33). */
#define FLUSH_CEILING 32

static unsigned index_at(uintptr_t va, int level)
{
	return (va >> (12 + 9 * level)) & 511;
}

/* The host address of the table an entry points to.  Tables come from
 * the pool, whose blocks sit at GPA = HVA or relocated. */
static uint64_t *table_of(struct dune_vm *vm, uint64_t entry)
{
	uint64_t gpa = entry & PTE_ADDR;
	for (size_t i = 0; i < vm->nblocks; i++) {
		const struct block *b = &vm->blocks[i];
		if (gpa - b->gpa < BLOCK_SIZE)
			return (uint64_t *)(b->hva + (gpa - b->gpa));
	}
	return NULL;
}

/* The table a non-leaf entry points to, giving it a new one when it has
 * none and create is set.  Upper levels grant everything; the leaf
 * decides. */
static uint64_t *next_table(struct dune_vm *vm, uint64_t *e, int create)
{
	if (!(*e & PTE_P)) {
		uintptr_t hva;
		uint64_t gpa;
		if (!create || pt_page_alloc(vm, &hva, &gpa) < 0)
			return NULL;
		*e = gpa | PTE_P | PTE_RW | PTE_US;
	}
	return table_of(vm, *e);
}

/* The page-directory entry above va, or NULL. */
static uint64_t *pde_of(struct dune_vm *vm, uintptr_t va, int create)
{
	uint64_t *table = (uint64_t *)(uintptr_t)vm->arch.root_hva;
	for (int level = 3; level > 1 && table; level--)
		table = next_table(vm, &table[index_at(va, level)], create);
	return table ? &table[index_at(va, 1)] : NULL;
}

/* The 4 KiB leaf for va, creating missing tables when create is set; NULL
 * also when a 2 MiB leaf covers va (*huge then points at it). */
static uint64_t *leaf_entry(struct dune_vm *vm, uintptr_t va, int create,
			    uint64_t **huge)
{
	uint64_t *pde = pde_of(vm, va, create), *table;
	if (huge)
		*huge = NULL;
	if (!pde)
		return NULL;
	if ((*pde & PTE_P) && (*pde & PTE_PS)) {
		if (huge)
			*huge = pde;
		return NULL;
	}
	table = next_table(vm, pde, create);
	return table ? &table[index_at(va, 0)] : NULL;
}

static uint64_t prot_bits(int prot, uint64_t r, uint64_t w, uint64_t x)
{
	return (prot & PROT_READ ? r : 0) | (prot & PROT_WRITE ? w : 0) |
	       (prot & PROT_EXEC ? x : 0);
}

static int bits_prot(uint64_t e, uint64_t r, uint64_t w, uint64_t x)
{
	return (e & r ? PROT_READ : 0) | (e & w ? PROT_WRITE : 0) |
	       (e & x ? PROT_EXEC : 0);
}

/* Encode a leaf: hardware bits grant host & guard (x86 cannot express
 * write- or exec-only: both imply read). */
static uint64_t encode(const struct pte *p, uint64_t keep_ad)
{
	int eff = p->guarded ? p->host_prot & p->guard_prot : p->host_prot;
	uint64_t e = (p->gpa & PTE_ADDR) | SW_MAPPED | PTE_US | keep_ad |
		     prot_bits(p->host_prot, SW_HOST_R, SW_HOST_W, SW_HOST_X);
	if (p->guarded)
		e |= SW_GUARD | prot_bits(p->guard_prot, SW_GUARD_R, SW_GUARD_W, SW_GUARD_X);
	if (eff)
		e |= PTE_P;
	if (eff & PROT_WRITE)
		e |= PTE_RW;
	if (!(eff & PROT_EXEC))
		e |= PTE_NX;
	return e;
}

static void decode(uint64_t e, unsigned shift, struct pte *p)
{
	p->mapped = (e & SW_MAPPED) != 0;
	p->gpa = e & PTE_ADDR & ~((1ull << shift) - 1);
	p->host_prot = bits_prot(e, SW_HOST_R, SW_HOST_W, SW_HOST_X);
	p->guarded = (e & SW_GUARD) != 0;
	p->guard_prot = bits_prot(e, SW_GUARD_R, SW_GUARD_W, SW_GUARD_X);
	p->prot = !(e & PTE_P) ? 0 : PROT_READ | (e & PTE_RW ? PROT_WRITE : 0) |
		  (e & PTE_NX ? 0 : PROT_EXEC);
	p->accessed = (e & PTE_A) != 0;
	p->dirty = (e & PTE_D) != 0;
	p->shift = shift;
}

int arch_pte_get(struct dune_vm *vm, uintptr_t va, struct pte *p)
{
	uint64_t *huge, *e = leaf_entry(vm, va, 0, &huge);
	if (huge) {
		decode(*huge, 21, p);
		p->gpa += va & ((1ul << 21) - 1) & PAGE_MASK;
		return 0;
	}
	if (!e || !(*e & SW_MAPPED))
		return -ENOENT;
	decode(*e, 12, p);
	return 0;
}

int arch_pt_init(struct dune_vm *vm)
{
	return pt_page_alloc(vm, (uintptr_t *)&vm->arch.root_hva, &vm->arch.root_gpa);
}

/* What the MMU does on an access: accessed bits on the way down, the
 * dirty bit on a write (Intel SDM Vol. 3A 4.8). */
int arch_pt_touch(struct dune_vm *vm, uintptr_t va, bool write)
{
	uint64_t *table = (uint64_t *)(uintptr_t)vm->arch.root_hva;
	for (int level = 3; level > 0; level--) {
		uint64_t *e = &table[index_at(va, level)];
		if (!(*e & PTE_P))
			return -ENOENT;
		*e |= PTE_A;
		table = table_of(vm, *e);
	}
	uint64_t *e = &table[index_at(va, 0)];
	if (!(*e & PTE_P) || (write && !(*e & PTE_RW)))
		return -EACCES;
	*e |= PTE_A | (write ? PTE_D : 0);
	return 0;
}

/* Mirror one host page: keep a guard and the A/D bits already there. */
int arch_pt_map(struct dune_vm *vm, uintptr_t va, uint64_t gpa, int prot)
{
	uint64_t *huge, *e = leaf_entry(vm, va, 1, &huge);
	struct pte p = { .mapped = true, .gpa = gpa, .host_prot = prot };
	if (huge)
		return 0;
	if (!e)
		return -ENOMEM;
	if ((*e & SW_MAPPED) && (*e & PTE_ADDR) == (gpa & PTE_ADDR) && (*e & SW_GUARD)) {
		p.guarded = true;
		p.guard_prot = bits_prot(*e, SW_GUARD_R, SW_GUARD_W, SW_GUARD_X);
	}
	*e = encode(&p, (*e & SW_MAPPED) ? *e & (PTE_A | PTE_D) : 0);
	return 0;
}

/* Mirror a 2 MiB host huge page with one 2 MiB leaf (a PDE with PS set,
 * Intel SDM Vol. 3A Table 4-17).  A table already there is dropped. */
int arch_pt_map_huge(struct dune_vm *vm, uintptr_t va, uint64_t gpa, int prot)
{
	uint64_t *pde = pde_of(vm, va, 1);
	struct pte p = { .mapped = true, .gpa = gpa, .host_prot = prot };
	if (!pde)
		return -ENOMEM;
	if ((gpa | va) & ((1ul << 21) - 1))
		return -EINVAL;
	*pde = encode(&p, (*pde & PTE_PS) ? *pde & (PTE_A | PTE_D) : 0) | PTE_PS;
	return 0;
}

void arch_pt_unmap(struct dune_vm *vm, uintptr_t start, uintptr_t end)
{
	uintptr_t va = start;
	while (va < end) {
		uint64_t *table = (uint64_t *)(uintptr_t)vm->arch.root_hva;
		int level;
		/* Descend; skip the whole span of a missing table at once. */
		for (level = 3; level > 0; level--) {
			uint64_t e = table[index_at(va, level)];
			if (!(e & PTE_P))
				break;
			if (level == 1 && (e & PTE_PS)) {
				table[index_at(va, 1)] = 0;
				break;
			}
			table = table_of(vm, e);
		}
		if (level > 0) {
			uintptr_t span = 1ul << (12 + 9 * level);
			uintptr_t next = (va & ~(span - 1)) + span;
			if (next <= va)
				break;
			va = next;
			continue;
		}
		table[index_at(va, 0)] = 0;
		va += PAGE_SIZE;
	}
}

/* Call fn for every mapped leaf in [start, end) (resync after the host
 * changed mappings behind the guest). */
void arch_pt_each(struct dune_vm *vm, uintptr_t start, uintptr_t end,
		  void (*fn)(struct dune_vm *vm, uintptr_t va, struct pte *p, void *arg),
		  void *arg)
{
	for (uintptr_t va = start; va < end;) {
		uint64_t *pde = pde_of(vm, va, 0), *table;
		uintptr_t next = (va | ((1ul << 21) - 1)) + 1;
		if (next == 0 || next > end)
			next = end;
		if (!pde || !(*pde & PTE_P) || (*pde & PTE_PS) ||
		    !(table = table_of(vm, *pde))) {
			va = next;
			continue;
		}
		for (; va < next; va += PAGE_SIZE) {
			uint64_t *e = &table[index_at(va, 0)];
			struct pte p;
			if (!(*e & SW_MAPPED))
				continue;
			decode(*e, 12, &p);
			fn(vm, va, &p, arg);
		}
	}
}

/* Pages changed by one call, flushed together at its end. */
struct flush_batch {
	uintptr_t va[FLUSH_CEILING];
	size_t n;
	bool full;
};

static void batch_add(struct flush_batch *b, uintptr_t va)
{
	if (b->n < FLUSH_CEILING)
		b->va[b->n++] = va;
	else
		b->full = true;
}

static void batch_flush(struct dune_vm *vm, const struct flush_batch *b)
{
	if (b->n == 0 && !b->full)
		return;
	if (vm->test_no_flush)
		return;
	vm->stats.tlb_flushes++;
	if (!arch_guest_mode()) {
		/* Outside: the vCPU flushes on its way back in. */
		if (vm->vcpu)
			vm->vcpu->arch.flush = 1;
		return;
	}
	if (b->full) {
		uint64_t cr3;
		__asm__ volatile("mov %%cr3, %0\n\tmov %0, %%cr3" : "=r"(cr3) : : "memory");
		return;
	}
	/* INVLPG also drops every paging-structure-cache entry (Intel SDM
	 * Vol. 3A 4.10.4.1), so cleared directory accessed bits are seen. */
	for (size_t i = 0; i < b->n; i++)
		__asm__ volatile("invlpg (%0)" : : "r"(b->va[i]) : "memory");
}

void arch_tlb_flush_all(struct dune_vm *vm)
{
	struct flush_batch b = { .n = 0, .full = true };
	batch_flush(vm, &b);
}

int arch_pt_protect(struct dune_vm *vm, uintptr_t start, uintptr_t end, int prot,
		    bool guard)
{
	struct flush_batch b = { .n = 0 };
	int r = 0;
	for (uintptr_t va = start; va < end; va += PAGE_SIZE) {
		uint64_t *huge, *e = leaf_entry(vm, va, 0, &huge), old, new;
		struct pte p;
		if (huge) {
			r = -ENOTSUP;
			break;
		}
		if (!e || !(*e & SW_MAPPED)) {
			r = -ENOENT;
			break;
		}
		old = *e;
		decode(old, 12, &p);
		p.guarded = guard;
		p.guard_prot = prot;
		new = encode(&p, 0);
		/* Keep the A/D bits the hardware may set meanwhile. */
		while (!__atomic_compare_exchange_n(e, &old, new | (old & (PTE_A | PTE_D)),
						    false, __ATOMIC_RELAXED, __ATOMIC_RELAXED))
			;
		if ((old & PTE_P) && ((old & ~new) & (PTE_P | PTE_RW) ||
				      (~old & new & PTE_NX)))
			batch_add(&b, va);
	}
	batch_flush(vm, &b);
	return r;
}

/* Scan one 4 KiB-leaf table's pages [va, next) for bit; clear it too. */
static long scan_table(uint64_t *table, uintptr_t va, uintptr_t next, uintptr_t base,
		       uint64_t bit, bool clear, uint64_t *bits, struct flush_batch *b)
{
	long n = 0;
	for (; va < next; va += PAGE_SIZE) {
		uint64_t *e = &table[index_at(va, 0)], old;
		if (!(*e & bit))
			continue;
		old = clear ? __atomic_fetch_and(e, ~bit, __ATOMIC_RELAXED) : *e;
		if (!(old & bit))
			continue;
		size_t i = (va - base) >> 12;
		if (bits)
			bits[i / 64] |= 1ull << (i % 64);
		n++;
		if (clear)
			batch_add(b, va);
	}
	return n;
}

/* The scan skips a whole table when its directory entry's accessed bit is
 * clear and no pending mark says otherwise: nothing was touched through
 * it since a clearing scan of the whole table found every bit clear.
 * Clearing the directory's accessed bit hides accesses from the other
 * kind of scan, so that kind's pending mark is set then. */
long arch_pt_scan(struct dune_vm *vm, uintptr_t start, uintptr_t end, bool dirty,
		  bool clear, uint64_t *bits)
{
	uint64_t bit = dirty ? PTE_D : PTE_A;
	uint64_t mine = dirty ? PDE_DIRTY_PENDING : PDE_YOUNG_PENDING;
	uint64_t other = dirty ? PDE_YOUNG_PENDING : PDE_DIRTY_PENDING;
	struct flush_batch b = { .n = 0 };
	long n = 0;
	for (uintptr_t va = start; va < end;) {
		uintptr_t lo = va & ~((1ul << 21) - 1), next = lo + (1ul << 21);
		uint64_t *pde = pde_of(vm, va, 0), *table;
		bool whole = va == lo && next <= end;
		if (next > end)
			next = end;
		if (!pde || !(*pde & PTE_P) || !(*pde & (PTE_A | mine))) {
			va = next;
			continue;
		}
		if (*pde & PTE_PS) {
			/* A huge page reports every 4 KiB page it covers. */
			uint64_t old = clear ? __atomic_fetch_and(pde, ~bit, __ATOMIC_RELAXED) : *pde;
			if (old & bit) {
				for (uintptr_t p = va; p < next; p += PAGE_SIZE) {
					size_t i = (p - start) >> 12;
					if (bits)
						bits[i / 64] |= 1ull << (i % 64);
					n++;
				}
				if (clear)
					batch_add(&b, va);
			}
			va = next;
			continue;
		}
		table = table_of(vm, *pde);
		if (table)
			n += scan_table(table, va, next, start, bit, clear, bits, &b);
		if (clear && whole) {
			uint64_t old = __atomic_fetch_and(pde, ~(PTE_A | mine), __ATOMIC_RELAXED);
			if (old & PTE_A) {
				__atomic_fetch_or(pde, other, __ATOMIC_RELAXED);
				batch_add(&b, va);
			}
		}
		va = next;
	}
	batch_flush(vm, &b);
	return n;
}

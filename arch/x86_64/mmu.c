/* mmu.c (x86-64) — the guest's 4-level page tables (4 KiB leaves). */
#include <errno.h>
#include <sys/mman.h>
#include "dune_int.h"

/* Paging-structure entry bits, Intel SDM Vol. 3A 4.5, Tables 4-14..4-20. */
#define PTE_P   (1ull << 0)
#define PTE_RW  (1ull << 1)
#define PTE_US  (1ull << 2)
#define PTE_A   (1ull << 5)
#define PTE_D   (1ull << 6)
#define PTE_PS  (1ull << 7)
#define PTE_NX  (1ull << 63)
#define PTE_ADDR 0x000ffffffffff000ull

static unsigned index_at(uintptr_t va, int level)
{
	return (va >> (12 + 9 * level)) & 511;
}

/* The host address of the table an entry points to.  Tables come from
 * the pool, whose blocks are mapped either at GPA = HVA or relocated. */
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

/* The leaf entry for va, creating missing tables when create is set. */
static uint64_t *leaf_entry(struct dune_vm *vm, uintptr_t va, int create)
{
	uint64_t *table = (uint64_t *)(uintptr_t)vm->arch.root_hva;
	for (int level = 3; level > 0; level--) {
		uint64_t *e = &table[index_at(va, level)];
		if (!(*e & PTE_P)) {
			uintptr_t hva;
			uint64_t gpa;
			if (!create || pt_page_alloc(vm, &hva, &gpa) < 0)
				return NULL;
			/* Upper levels grant everything; the leaf decides. */
			*e = gpa | PTE_P | PTE_RW | PTE_US;
		}
		table = table_of(vm, *e);
		if (!table)
			return NULL;
	}
	return &table[index_at(va, 0)];
}

int arch_pt_map(struct dune_vm *vm, uintptr_t va, uint64_t gpa, int prot)
{
	uint64_t *e;
	if (!(prot & (PROT_READ | PROT_WRITE | PROT_EXEC))) {
		arch_pt_unmap(vm, va, va + PAGE_SIZE);
		return 0;
	}
	e = leaf_entry(vm, va, 1);
	if (!e)
		return -ENOMEM;
	*e = gpa | PTE_P | PTE_US | (prot & PROT_WRITE ? PTE_RW : 0) |
	     (prot & PROT_EXEC ? 0 : PTE_NX);
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

/* faults.c — Appel–Li style use of the fault handler: protect pages with
 * dune_vm_protect, take the fault in the guest, unprotect, retry; with no
 * exit to the host.  Handlers get the guest registers and may change them. */
#include <stdint.h>
#include <sys/mman.h>
#include <ucontext.h>
#include "dune_test.h"

#define NPAGES 100
static char *heap;
static int faults, wrong_access, last_index;

static int unprotect_one(void *addr, unsigned access, void *ctx, void *arg)
{
	uintptr_t page = (uintptr_t)addr & ~4095ul;
	if ((uintptr_t)addr < (uintptr_t)heap || (uintptr_t)addr >= (uintptr_t)heap + NPAGES * 4096)
		return DUNE_SIGNAL;
	faults++;
	if (!(access & DUNE_ACCESS_WRITE))
		wrong_access++;
	last_index = (int)((page - (uintptr_t)heap) / 4096);
	dune_vm_protect((void *)page, 4096, PROT_READ | PROT_WRITE);
	return DUNE_RETRY;
}

/* Skips the faulting 3-byte store below by moving RIP past it and sets
 * RDX: register changes made by a handler take effect. */
static int skip_insn(void *addr, unsigned access, void *ctx, void *arg)
{
	ucontext_t *uc = ctx;
	uc->uc_mcontext.gregs[REG_RIP] += 3;
	uc->uc_mcontext.gregs[REG_RDX] = 0x5a;
	return DUNE_RETRY;
}

int main(void)
{
	struct dune_stats s0, s1;
	need_dune();
	plan(9);
	heap = mmap(NULL, NPAGES * 4096, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ok(dune_set_fault_handler(unprotect_one, NULL) == 0, "fault handler set");
	dune_enter();
	memset(heap, 0, NPAGES * 4096);
	/* appel2: protect all, unprotect one per fault. */
	ok(dune_vm_protect(heap, NPAGES * 4096, PROT_READ) == 0, "protect 100 pages");
	dune_stats(&s0);
	for (int i = 0; i < NPAGES; i++)
		heap[i * 4096] = (char)i;
	dune_stats(&s1);
	ok(faults == NPAGES && wrong_access == 0 && last_index == NPAGES - 1,
	   "one write fault per page, in order (%d)", faults);
	ok(s1.exits == s0.exits, "no exit to the host for those faults (%llu exits)",
	   (unsigned long long)(s1.exits - s0.exits));
	ok(s1.guest_faults - s0.guest_faults == NPAGES, "counted as guest faults");
	int sum = 0;
	for (int i = 0; i < NPAGES; i++)
		sum += heap[i * 4096];
	ok(sum == NPAGES * (NPAGES - 1) / 2, "every write landed after its retry");
	/* appel1: protect one page, fault, handler unprotects it. */
	faults = 0;
	for (int round = 0; round < 50; round++) {
		dune_vm_protect(heap + (round % NPAGES) * 4096, 4096, PROT_NONE);
		heap[(round % NPAGES) * 4096] = 1;
	}
	ok(faults == 50, "PROT_NONE pages fault on each of 50 rounds (%d)", faults);
	/* A handler that changes registers: skip the store, set RDX. */
	dune_set_fault_handler(skip_insn, NULL);
	dune_vm_protect(heap, 4096, PROT_READ);
	char before = heap[0];
	uint64_t rdx = 0;
	__asm__ volatile("mov %1, %%rax\n\t"
			 "movb $7, (%%rax)\n\t"	/* c6 00 07: 3 bytes */
			 "mov %%rdx, %0" : "=r"(rdx) : "r"(heap) : "rax", "rdx", "memory");
	ok(rdx == 0x5a && heap[0] == before, "handler's register changes take effect");
	dune_vm_protect(heap, 4096, PROT_READ | PROT_WRITE);
	dune_set_fault_handler(NULL, NULL);
	ok(dune_active(), "still inside");
	dune_escape();
	return done_testing();
}

/* ptpool.c — zeroed pages for guest page tables, carved from 2 MiB chunks
 * of host memory that the guest reaches through the memslots. */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include "dune_int.h"

#define CHUNK_SIZE (2ul << 20)
#define MAX_CHUNKS (PAGE_SIZE / sizeof(uintptr_t))

static int new_chunk(struct dune_vm *vm)
{
	struct pt_pool *p = &vm->pool;
	void *c;
	if (!p->chunks) {
		p->chunks = sys_mmap(NULL, PAGE_SIZE, PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p->chunks == MAP_FAILED) {
			p->chunks = NULL;
			return -ENOMEM;
		}
	}
	if (p->nchunks == MAX_CHUNKS)
		return -ENOMEM;
	c = sys_mmap(NULL, CHUNK_SIZE, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (c == MAP_FAILED)
		return -ENOMEM;
	p->chunks[p->nchunks++] = (uintptr_t)c;
	p->chunk = (uintptr_t)c;
	p->used = 0;
	/* Guest code edits its page tables (dune_vm_protect, collections);
	 * the first chunk is pinned once the root table exists. */
	if (!p->pin)
		return 0;
	return mirror_pin(vm, (uintptr_t)c, (uintptr_t)c + CHUNK_SIZE,
			  PROT_READ | PROT_WRITE);
}

int pt_page_alloc(struct dune_vm *vm, uintptr_t *hva, uint64_t *gpa)
{
	struct pt_pool *p = &vm->pool;
	int r;
	if (!p->chunk || p->used == CHUNK_SIZE) {
		r = new_chunk(vm);
		if (r < 0)
			return r;
	}
	r = slots_gpa(vm, p->chunk + p->used, gpa);
	if (r < 0)
		return r;
	*hva = p->chunk + p->used;
	p->used += PAGE_SIZE;
	p->pages++;
	vm->stats.pt_pages = p->pages;
	return 0;
}

int pt_pool_pin(struct dune_vm *vm)
{
	struct pt_pool *p = &vm->pool;
	int r = 0;
	p->pin = true;
	for (size_t i = 0; r == 0 && i < p->nchunks; i++)
		r = mirror_pin(vm, p->chunks[i], p->chunks[i] + CHUNK_SIZE,
			       PROT_READ | PROT_WRITE);
	return r;
}

void pt_pool_release(struct dune_vm *vm)
{
	struct pt_pool *p = &vm->pool;
	for (size_t i = 0; i < p->nchunks; i++)
		sys_munmap((void *)p->chunks[i], CHUNK_SIZE);
	if (p->chunks)
		sys_munmap(p->chunks, PAGE_SIZE);
	memset(p, 0, sizeof(*p));
}

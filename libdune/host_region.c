/* host_region.c — pages whose protection the host backend manages: what
 * the host mapping allows, minus a dune_vm_protect guard, minus what the
 * mprotect-based trackers took away, applied with mprotect in runs. */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include "host.h"

void host_lock(void)
{
	while (__atomic_exchange_n(&host.lock, 1, __ATOMIC_ACQUIRE))
		while (__atomic_load_n(&host.lock, __ATOMIC_RELAXED))
			arch_cpu_relax();
}

void host_unlock(void)
{
	__atomic_store_n(&host.lock, 0, __ATOMIC_RELEASE);
}

struct host_region *host_region_at(uintptr_t addr)
{
	size_t lo = 0, hi = host.nregions;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (host.regions[mid].end <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < host.nregions && host.regions[lo].start <= addr ? &host.regions[lo] : NULL;
}

/* The protection a page gets: a guard and the trackers only take away. */
int host_page_prot(const struct host_region *r, size_t page)
{
	uint8_t s = r->state[page];
	int prot = r->host_prot;
	if (s & PS_GUARD)
		prot &= (s & PS_GUARD_R ? PROT_READ : 0) | (s & PS_GUARD_W ? PROT_WRITE : 0) |
			(s & PS_GUARD_X ? PROT_EXEC : 0);
	if (s & PS_WP)
		prot &= ~PROT_WRITE;
	if (s & PS_NA)
		prot = PROT_NONE;
	return prot;
}

/* mprotect [start, end) of r page by page state, one call per run. */
int host_apply(struct host_region *r, uintptr_t start, uintptr_t end)
{
	uintptr_t run = start;
	int prot = host_page_prot(r, (start - r->start) / PAGE_SIZE);
	for (uintptr_t va = start + PAGE_SIZE; va <= end; va += PAGE_SIZE) {
		int next = va < end ? host_page_prot(r, (va - r->start) / PAGE_SIZE) : -1;
		if (next == prot)
			continue;
		if (host_mprotect(run, va - run, prot) < 0)
			return -errno;
		run = va;
		prot = next;
	}
	return 0;
}

static int insert(const struct host_region *r)
{
	size_t i = 0;
	if (host.nregions == host.cap) {
		size_t cap = host.cap ? host.cap * 2 : 64;
		void *p = sys_mmap(NULL, cap * sizeof(*r), PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			return -ENOMEM;
		if (host.regions) {
			memcpy(p, host.regions, host.nregions * sizeof(*r));
			sys_munmap(host.regions, host.cap * sizeof(*r));
		}
		host.regions = p;
		host.cap = cap;
	}
	while (i < host.nregions && host.regions[i].start < r->start)
		i++;
	memmove(&host.regions[i + 1], &host.regions[i], (host.nregions - i) * sizeof(*r));
	host.regions[i] = *r;
	host.nregions++;
	return 0;
}

/* Make [start, end) covered by regions, one per host mapping piece; where
 * nothing is mapped, -ENOMEM, or with skip_holes nothing.  Called with the
 * lock held. */
int host_regions_cover(uintptr_t start, uintptr_t end, bool skip_holes)
{
	uintptr_t va = start;
	int r;
	/* Already covered: no need to read the host mappings. */
	while (va < end) {
		struct host_region *have = host_region_at(va);
		if (!have)
			break;
		va = have->end;
	}
	if (va >= end)
		return 0;
	r = vmas_read(&host.vmas);
	for (uintptr_t va = start; r == 0 && va < end;) {
		struct host_region *have = host_region_at(va), add;
		const struct vma *v;
		if (have) {
			va = have->end;
			continue;
		}
		v = vmas_find(&host.vmas, va);
		if (!v && skip_holes) {
			v = vmas_next(&host.vmas, va);
			va = v && v->start < end ? v->start : end;
			continue;
		}
		if (!v)
			return -ENOMEM;
		add.start = va;
		add.end = v->end < end ? v->end : end;
		/* Stop at the next region already there. */
		for (size_t i = 0; i < host.nregions; i++)
			if (host.regions[i].start > va && host.regions[i].start < add.end)
				add.end = host.regions[i].start;
		add.host_prot = v->prot;
		add.unit = v->huge ? 1ul << ARCH_HUGE_SHIFT : PAGE_SIZE;
		add.dirty_mprotect = host.dirty == DIRTY_MPROTECT;
		add.state = sys_mmap(NULL, (add.end - add.start) / PAGE_SIZE, PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (add.state == MAP_FAILED)
			return -ENOMEM;
		/* Everything counts as written and used until first cleared. */
		memset(add.state, PS_DIRTY | PS_YOUNG, (add.end - add.start) / PAGE_SIZE);
		if ((r = insert(&add)) < 0)
			sys_munmap(add.state, (add.end - add.start) / PAGE_SIZE);
		va = add.end;
	}
	return r;
}

/* Change the state of every page of the unit (page or huge page) holding
 * va: trackers and guards act on what mprotect can split. */
void host_unit_set(struct host_region *r, uintptr_t va, uint8_t clear, uint8_t set)
{
	uintptr_t lo = va & ~(r->unit - 1);
	for (size_t p = (lo - r->start) / PAGE_SIZE, n = r->unit / PAGE_SIZE; n--; p++)
		r->state[p] = (r->state[p] & ~clear) | set;
}

/* The host mapping changed (munmap, mprotect, mremap by the program):
 * drop what the backend knew about [start, end). */
void host_regions_forget(uintptr_t start, uintptr_t end)
{
	for (size_t i = 0; i < host.nregions;) {
		struct host_region *r = &host.regions[i];
		if (r->start < end && start < r->end) {
			sys_munmap(r->state, (r->end - r->start) / PAGE_SIZE);
			memmove(r, r + 1, (host.nregions - i - 1) * sizeof(*r));
			host.nregions--;
		} else {
			i++;
		}
	}
}

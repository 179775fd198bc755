/* host_dirty.c — dirty and accessed pages without page-table access:
 * userfaultfd write-protect in asynchronous mode, read and re-armed in one
 * PAGEMAP_SCAN call (Linux 6.7), else write-protection with mprotect and a
 * fault per first write; accessed pages by taking every right away
 * (PROT_NONE) and a fault per first access. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "host.h"
#include "pagemap.h"

/* Scan [start, end) for written pages into bits (relative to base);
 * with clear, write-protect them again.  -EPERM where a mapping is not
 * registered for asynchronous write-protect. */
static long pagemap_scan(uintptr_t base, uintptr_t start, uintptr_t end,
			 uint64_t *bits, bool clear)
{
	struct pm_page_region vec[32];
	struct pm_scan_arg a = {
		.size = sizeof(a), .start = start, .end = end,
		.flags = PM_SCAN_CHECK_WPASYNC | (clear ? PM_SCAN_WP_MATCHING : 0),
		.vec = (uintptr_t)vec, .vec_len = 32,
		.category_mask = PM_PAGE_IS_WRITTEN, .return_mask = PM_PAGE_IS_WRITTEN,
	};
	long n = 0;
	while (a.start < a.end) {
		long got = ioctl(host.pagemap, PM_PAGEMAP_SCAN, &a);
		if (got < 0)
			return -errno;
		for (long i = 0; i < got; i++) {
			for (uintptr_t p = vec[i].start; p < vec[i].end; p += PAGE_SIZE) {
				size_t bit = (p - base) / PAGE_SIZE;
				if (bits)
					bits[bit / 64] |= 1ull << (bit % 64);
				n++;
			}
		}
		a.start = a.walk_end;
	}
	return n;
}

static int uffd_register(uintptr_t start, uintptr_t end)
{
	struct uffdio_register reg = {
		.range = { start, end - start }, .mode = UFFDIO_REGISTER_MODE_WP };
	return ioctl(host.uffd, UFFDIO_REGISTER, &reg) < 0 ? -errno : 0;
}

/* Can this kernel do it?  Register a scratch page and scan it. */
static bool uffd_works(void)
{
	struct uffdio_api api = { .api = UFFD_API,
		.features = UFFD_FEATURE_WP_ASYNC | UFFD_FEATURE_WP_UNPOPULATED };
	void *page;
	bool ok;
	host.uffd = (int)syscall(SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK | UFFD_USER_MODE_ONLY);
	if (host.uffd < 0)
		host.uffd = (int)syscall(SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK);
	if (host.uffd < 0 || ioctl(host.uffd, UFFDIO_API, &api) < 0)
		return false;
	host.pagemap = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	page = sys_mmap(NULL, PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ok = host.pagemap >= 0 && page != MAP_FAILED &&
	     uffd_register((uintptr_t)page, (uintptr_t)page + PAGE_SIZE) == 0 &&
	     pagemap_scan((uintptr_t)page, (uintptr_t)page, (uintptr_t)page + PAGE_SIZE,
			  NULL, true) >= 0;
	if (page != MAP_FAILED)
		sys_munmap(page, PAGE_SIZE);
	return ok;
}

void host_dirty_init(void)
{
	const char *force = getenv("DUNE_HOST_DIRTY");
	host.dirty = DIRTY_MPROTECT;
	if (!(force && strcmp(force, "mprotect") == 0) && uffd_works()) {
		host.dirty = DIRTY_UFFD;
		return;
	}
	if (host.uffd >= 0)
		close(host.uffd);
	if (host.pagemap >= 0)
		close(host.pagemap);
	host.uffd = host.pagemap = -1;
}

/* Report (and clear) one region's per-page bit, re-protecting cleared
 * pages with take; with the lock held. */
static long region_collect(struct host_region *r, uintptr_t base, uintptr_t start,
			   uintptr_t end, uint64_t *bits, bool clear, uint8_t bit, uint8_t take)
{
	long n = 0;
	for (uintptr_t va = start; va < end; va += PAGE_SIZE) {
		size_t i = (va - base) / PAGE_SIZE;
		/* A huge page's state is its first small page's. */
		size_t unit_first = ((va & ~(r->unit - 1)) - r->start) / PAGE_SIZE;
		if (r->state[unit_first] & bit) {
			if (bits)
				bits[i / 64] |= 1ull << (i % 64);
			n++;
		}
	}
	for (uintptr_t va = start; clear && va < end; va = (va & ~(r->unit - 1)) + r->unit)
		host_unit_set(r, va, bit, take);
	if (clear && host_apply(r, start, end) < 0)
		return -ENOMEM;
	return n;
}

/* Dirty pages by the region trackers, for the parts they keep. */
static long collect_tracked(uintptr_t start, uintptr_t end, uint64_t *bits, bool clear,
			    uint8_t bit, uint8_t take, bool only_mprotect_dirty)
{
	long n = 0, r;
	host_lock();
	r = host_regions_cover(start, end, true);
	for (uintptr_t va = start; r >= 0 && va < end;) {
		struct host_region *reg = host_region_at(va);
		uintptr_t hi;
		if (!reg) {	/* a hole: reads as clear */
			size_t i = 0;
			while (i < host.nregions && host.regions[i].start <= va)
				i++;
			va = i < host.nregions && host.regions[i].start < end ?
			     host.regions[i].start : end;
			continue;
		}
		hi = reg->end < end ? reg->end : end;
		if (!only_mprotect_dirty || reg->dirty_mprotect) {
			r = region_collect(reg, start, va, hi, bits, clear, bit, take);
			n += r;
		}
		va = hi;
	}
	host_unlock();
	return r < 0 ? r : n;
}

/* Register every mapping in [start, end) that userfaultfd takes; the rest
 * get the mprotect tracker.  A new registration counts as all written. */
static int register_range(uintptr_t start, uintptr_t end)
{
	int r = vmas_read(&host.vmas);
	for (uintptr_t va = start; r == 0 && va < end;) {
		const struct vma *v = vmas_find(&host.vmas, va);
		uintptr_t hi;
		if (!v) {	/* a hole: nothing to register */
			v = vmas_next(&host.vmas, va);
			va = v && v->start < end ? v->start : end;
			continue;
		}
		hi = v->end < end ? v->end : end;
		if (uffd_register(va, hi) < 0) {
			host_lock();
			r = host_regions_cover(va, hi, false);
			for (uintptr_t p = va; r == 0 && p < hi;) {
				struct host_region *reg = host_region_at(p);
				reg->dirty_mprotect = true;
				p = reg->end;
			}
			host_unlock();
		}
		va = hi;
	}
	return r;
}

static long uffd_collect(uintptr_t start, uintptr_t end, uint64_t *bits, bool clear)
{
	long n = 0, r;
	int registered = 0;
	for (uintptr_t va = start; va < end;) {
		struct host_region *reg = host_region_at(va);
		uintptr_t hi = end;
		if (reg && reg->dirty_mprotect) {
			hi = reg->end < end ? reg->end : end;
			r = collect_tracked(va, hi, bits, clear, PS_DIRTY, PS_WP, true);
		} else {
			/* Up to the next part the mprotect tracker keeps. */
			for (size_t i = 0; i < host.nregions; i++)
				if (host.regions[i].dirty_mprotect && host.regions[i].start > va &&
				    host.regions[i].start < hi)
					hi = host.regions[i].start;
			r = pagemap_scan(start, va, hi, bits, clear);
			if (r == -EPERM && registered++ < 2) {
				if ((r = register_range(va, hi)) < 0)
					return r;
				continue;	/* scan again, now registered */
			}
		}
		if (r < 0)
			return r == -ENOENT || r == -EINVAL ? -ENOMEM : r;
		n += r;
		va = hi;
	}
	return n;
}

long host_dirty_collect(uintptr_t start, uintptr_t end, uint64_t *bits, bool clear)
{
	if (host.dirty == DIRTY_UFFD)
		return uffd_collect(start, end, bits, clear);
	return collect_tracked(start, end, bits, clear, PS_DIRTY, PS_WP, false);
}

long host_young_collect(uintptr_t start, uintptr_t end, uint64_t *bits, bool clear)
{
	return collect_tracked(start, end, bits, clear, PS_YOUNG, PS_NA, false);
}

/* One page's written state, without clearing it. */
bool host_page_written(uintptr_t page)
{
	struct host_region *r = host_region_at(page);
	if (host.dirty == DIRTY_UFFD && !(r && r->dirty_mprotect))
		/* Not registered yet: nothing cleared it, so it counts as written. */
		return pagemap_scan(page, page, page + PAGE_SIZE, NULL, false) != 0;
	/* Never tracked: nothing cleared it, so it counts as written. */
	return !r || (r->state[(page - r->start) / PAGE_SIZE] & PS_DIRTY);
}

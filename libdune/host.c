/* host.c — the host backend: the libdune API where there is no hardware
 * virtualization.  Entering and escaping switch a per-thread mode; system
 * calls run natively; protections and faults use mprotect and SIGSEGV;
 * dirty pages come from userfaultfd + PAGEMAP_SCAN (host_dirty.c). */
#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "host.h"
#include "backend.h"

struct host host = { .uffd = -1, .pagemap = -1 };
__thread bool host_inside __attribute__((tls_model("initial-exec")));
static pthread_once_t init_once = PTHREAD_ONCE_INIT;

/* A forked child has its own address space: a userfaultfd of its own. */
static void child_after_fork(void)
{
	host_inside = false;
	if (host.uffd >= 0)
		close(host.uffd);
	if (host.pagemap >= 0)
		close(host.pagemap);
	host.uffd = host.pagemap = -1;
	host_dirty_init();
}

static void init(void)
{
	host_dirty_init();
	pthread_atfork(NULL, NULL, child_after_fork);
}

static void host_init(void)
{
	pthread_once(&init_once, init);
}

static int host_enter(void)
{
	if (host_inside)
		return 0;
	host_init();
	host_inside = true;
	__atomic_fetch_add(&host.stats.enters, 1, __ATOMIC_RELAXED);
	return 0;
}

static int host_escape(void)
{
	if (!host_inside)
		return 0;
	host_inside = false;
	__atomic_fetch_add(&host.stats.escapes, 1, __ATOMIC_RELAXED);
	return 0;
}

static bool host_active(void)
{
	return host_inside;
}

static int host_nop(void)
{
	return host_inside ? 0 : -EPERM;
}

static void host_stats(struct dune_stats *out)
{
	*out = host.stats;
	out->dirty_mechanism = host.dirty == DIRTY_UFFD ? "uffd-wp+pagemap-scan" : "mprotect";
	out->young_mechanism = "prot-none";
	out->fault_mechanism = "sigsegv";
}

static int host_vm_protect(uintptr_t start, uintptr_t end, int prot)
{
	int r;
	host_init();
	if ((r = host_signal_take(SIGSEGV)) < 0)
		return r;
	uint8_t guard = PS_GUARD | (prot & PROT_READ ? PS_GUARD_R : 0) |
			(prot & PROT_WRITE ? PS_GUARD_W : 0) | (prot & PROT_EXEC ? PS_GUARD_X : 0);
	host_lock();
	r = host_regions_cover(start, end, false);
	for (uintptr_t va = start; r == 0 && va < end;) {
		struct host_region *reg = host_region_at(va);
		uintptr_t hi = reg->end < end ? reg->end : end;
		if ((va | hi) & (reg->unit - 1)) {
			r = -ENOTSUP;	/* inside a huge page */
			break;
		}
		for (uintptr_t p = va; p < hi; p += PAGE_SIZE) {
			uint8_t *s = &reg->state[(p - reg->start) / PAGE_SIZE];
			*s = (*s & ~(PS_GUARD | PS_GUARD_R | PS_GUARD_W | PS_GUARD_X)) | guard;
		}
		r = host_apply(reg, va, hi);
		va = hi;
	}
	host_unlock();
	return r;
}

static void page_info(uintptr_t page, const struct vma *v, struct dune_page_info *info)
{
	struct host_region *r = host_region_at(page);
	memset(info, 0, sizeof(*info));
	info->present = true;
	info->page_size = v->huge ? 1ul << ARCH_HUGE_SHIFT : PAGE_SIZE;
	info->host_prot = r ? r->host_prot : v->prot;
	info->prot = r ? host_page_prot(r, (page - r->start) / PAGE_SIZE) : v->prot;
	if (r) {
		uint8_t s = r->state[(page - r->start) / PAGE_SIZE];
		info->guarded = s & PS_GUARD;
		info->accessed = s & PS_YOUNG;
		/* A tracker's own restriction is no protection of the program. */
		if (s & (PS_WP | PS_NA))
			info->prot = info->host_prot & (s & PS_GUARD ?
				(s & PS_GUARD_R ? PROT_READ : 0) | (s & PS_GUARD_W ? PROT_WRITE : 0) |
				(s & PS_GUARD_X ? PROT_EXEC : 0) : ~0);
	} else {
		info->accessed = true;	/* untracked: assume used */
	}
	info->dirty = host_page_written(page);
}

static int host_vm_lookup(uintptr_t page, struct dune_page_info *info)
{
	const struct vma *v;
	int r;
	host_init();
	host_lock();
	r = vmas_read(&host.vmas);
	v = r == 0 ? vmas_find(&host.vmas, page) : NULL;
	if (v)
		page_info(page, v, info);
	host_unlock();
	return r < 0 ? r : v ? 0 : -ENOENT;
}

static int host_vm_walk(uintptr_t start, uintptr_t end,
			int (*cb)(void *, const struct dune_page_info *, void *), void *arg)
{
	int r;
	host_init();
	for (uintptr_t va = start; va < end; va += PAGE_SIZE) {
		struct dune_page_info info;
		r = host_vm_lookup(va, &info);
		if (r == -ENOENT)
			continue;
		if (r < 0)
			return r;
		if ((r = cb((void *)va, &info, arg)) != 0)
			return r;
	}
	return 0;
}

static long host_collect(uintptr_t start, uintptr_t end, uint64_t *bits, bool clear,
			 bool dirty)
{
	host_init();
	if (host_signal_take(SIGSEGV) < 0)
		return -ENOTSUP;
	return dirty ? host_dirty_collect(start, end, bits, clear) :
		       host_young_collect(start, end, bits, clear);
}

static int host_set_fault_handler(dune_fault_fn fn, void *arg)
{
	int r;
	host_init();
	if ((r = host_signal_take(SIGSEGV)) < 0)
		return r;
	host.fault_arg = arg;
	__atomic_store_n(&host.fault_fn, fn, __ATOMIC_RELEASE);
	return 0;
}

static int host_set_trap_handler(int vector, dune_trap_fn fn, void *arg)
{
	int sig = arch_vector_signal(vector), r;
	if (!sig)
		return -ENOTSUP;
	host_init();
	if ((r = host_signal_take(sig)) < 0)
		return r;
	host.trap_arg[vector] = arg;
	__atomic_store_n(&host.trap_fn[vector], fn, __ATOMIC_RELEASE);
	return 0;
}

const struct backend host_backend = {
	.name = "host",
	.enter = host_enter,
	.escape = host_escape,
	.active = host_active,
	.nop = host_nop,
	.stats = host_stats,
	.vm_protect = host_vm_protect,
	.vm_lookup = host_vm_lookup,
	.vm_walk = host_vm_walk,
	.vm_alias = host_vm_alias,
	.collect = host_collect,
	.set_fault_handler = host_set_fault_handler,
	.set_trap_handler = host_set_trap_handler,
};

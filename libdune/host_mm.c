/* host_mm.c — the program's own mapping calls, seen by the host backend:
 * before munmap, mprotect, mremap or a MAP_FIXED mmap changes a range the
 * backend tracks, its protections are given back and its bookkeeping
 * dropped (the next collection treats the range as new: all written).
 * The interposed calls reach the kernel directly; raw system calls that
 * bypass libc are not seen (documented limit). */
#include <errno.h>
#include <stdarg.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "host.h"

static long result(long r)
{
	if (r < 0 && r > -4096) {
		errno = (int)-r;
		return -1;
	}
	return r;
}

void *sys_mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	long a[6] = { (long)addr, (long)len, prot, flags, fd, (long)off };
	long r = result(arch_syscall6(SYS_mmap, a));
	return r == -1 ? MAP_FAILED : (void *)r;
}

int sys_munmap(void *addr, size_t len)
{
	long a[6] = { (long)addr, (long)len };
	return (int)result(arch_syscall6(SYS_munmap, a));
}

int sys_mprotect(void *addr, size_t len, int prot)
{
	long a[6] = { (long)addr, (long)len, prot };
	return (int)result(arch_syscall6(SYS_mprotect, a));
}

int host_mprotect(uintptr_t start, size_t len, int prot)
{
	return sys_mprotect((void *)start, len, prot);
}

/* Give [start, end) back its own protection and forget it. */
static void release(uintptr_t start, uintptr_t end)
{
	if (!__atomic_load_n(&host.nregions, __ATOMIC_RELAXED))
		return;
	host_lock();
	for (size_t i = 0; i < host.nregions; i++) {
		struct host_region *r = &host.regions[i];
		if (r->start < end && start < r->end)
			sys_mprotect((void *)r->start, r->end - r->start, r->host_prot);
	}
	host_regions_forget(start, end);
	host_unlock();
}

static uintptr_t page_up(uintptr_t x)
{
	return (x + PAGE_SIZE - 1) & PAGE_MASK;
}

DUNE_API void *dune_alloc_pages(size_t len)
{
	void *p;
	if (len == 0 || (len & ~PAGE_MASK))
		return NULL;
	p = sys_mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	return p == MAP_FAILED ? NULL : p;
}

DUNE_API int dune_free_pages(void *addr, size_t len)
{
	if (((uintptr_t)addr & ~PAGE_MASK) || len == 0 || (len & ~PAGE_MASK))
		return -EINVAL;
	release((uintptr_t)addr, (uintptr_t)addr + len);
	return sys_munmap(addr, len) < 0 ? -errno : 0;
}

DUNE_API int munmap(void *addr, size_t len)
{
	release((uintptr_t)addr, page_up((uintptr_t)addr + len));
	return sys_munmap(addr, len);
}

DUNE_API int mprotect(void *addr, size_t len, int prot)
{
	release((uintptr_t)addr, page_up((uintptr_t)addr + len));
	return sys_mprotect(addr, len, prot);
}

DUNE_API void *mremap(void *old, size_t old_len, size_t new_len, int flags, ...)
{
	void *new_addr = NULL;
	va_list ap;
	if (flags & MREMAP_FIXED) {
		va_start(ap, flags);
		new_addr = va_arg(ap, void *);
		va_end(ap);
		release((uintptr_t)new_addr, page_up((uintptr_t)new_addr + new_len));
	}
	release((uintptr_t)old, page_up((uintptr_t)old + old_len));
	long a[6] = { (long)old, (long)old_len, (long)new_len, flags, (long)new_addr };
	long r = result(arch_syscall6(SYS_mremap, a));
	return r == -1 ? MAP_FAILED : (void *)r;
}

DUNE_API void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	if (flags & MAP_FIXED)
		release((uintptr_t)addr, page_up((uintptr_t)addr + len));
	return sys_mmap(addr, len, prot, flags, fd, off);
}

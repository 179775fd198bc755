/* api.c — the public entry points: argument checks common to every
 * backend, then the process's backend (backend.c) does the work. */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include "dune_int.h"
#include "backend.h"

DUNE_API int dune_enter(void)
{
	return backend_get()->enter();
}

DUNE_API int dune_escape(void)
{
	return backend_get()->escape();
}

DUNE_API bool dune_active(void)
{
	return backend_get()->active();
}

DUNE_API int dune_nop(void)
{
	return backend_get()->nop();
}

DUNE_API const char *dune_backend(void)
{
	return backend_get()->name;
}

DUNE_API int dune_stats(struct dune_stats *out)
{
	if (!out)
		return -EFAULT;
	memset(out, 0, sizeof(*out));
	backend_get()->stats(out);
	return 0;
}

DUNE_API const char *dune_exit_reason_name(int reason)
{
	static const char *const names[DUNE_EXIT_REASONS] = {
		"syscall", "fault", "escape", "exception",
		"interrupt", "host-fault", "nop", "other",
	};
	return reason >= 0 && reason < DUNE_EXIT_REASONS ? names[reason] : "?";
}

static int check_range(const void *addr, size_t len, uintptr_t *start, uintptr_t *end)
{
	uintptr_t a = (uintptr_t)addr;
	if ((a & ~PAGE_MASK) || (len & ~PAGE_MASK) || len == 0)
		return -EINVAL;
	if (a + len < a || a + len > ARCH_USER_VA_END)
		return -EINVAL;
	*start = a;
	*end = a + len;
	return 0;
}

static bool valid_prot(int prot)
{
	return !(prot & ~(PROT_READ | PROT_WRITE | PROT_EXEC));
}

DUNE_API int dune_vm_protect(void *addr, size_t len, int prot)
{
	uintptr_t start, end;
	int r = check_range(addr, len, &start, &end);
	if (r < 0)
		return r;
	if (!valid_prot(prot))
		return -EINVAL;
	return backend_get()->vm_protect(start, end, prot);
}

DUNE_API int dune_vm_lookup(const void *addr, struct dune_page_info *info)
{
	if (!info)
		return -EFAULT;
	if ((uintptr_t)addr >= ARCH_USER_VA_END)
		return -EINVAL;
	memset(info, 0, sizeof(*info));
	return backend_get()->vm_lookup((uintptr_t)addr & PAGE_MASK, info);
}

DUNE_API int dune_vm_walk(void *addr, size_t len,
			  int (*cb)(void *page, const struct dune_page_info *info, void *arg),
			  void *arg)
{
	uintptr_t start, end;
	int r = check_range(addr, len, &start, &end);
	if (r < 0)
		return r;
	if (!cb)
		return -EFAULT;
	return backend_get()->vm_walk(start, end, cb, arg);
}

DUNE_API int dune_vm_alias(void *alias, void *addr, size_t len, int prot)
{
	uintptr_t start, end, a, a_end;
	int r = check_range(addr, len, &start, &end);
	if (r < 0)
		return r;
	r = check_range(alias, len, &a, &a_end);
	if (r < 0 || !valid_prot(prot) || (a < end && start < a_end))
		return -EINVAL;
	return backend_get()->vm_alias(a, start, end, prot);
}

static long collect(void *addr, size_t len, uint64_t *bits, unsigned flags, bool dirty)
{
	uintptr_t start, end;
	int r = check_range(addr, len, &start, &end);
	if (r < 0)
		return r;
	if (flags & ~DUNE_CLEAR)
		return -EINVAL;
	if (bits)
		memset(bits, 0, ((len / PAGE_SIZE + 63) / 64) * sizeof(uint64_t));
	return backend_get()->collect(start, end, bits, flags & DUNE_CLEAR, dirty);
}

DUNE_API long dune_dirty_collect(void *addr, size_t len, uint64_t *bits, unsigned flags)
{
	return bits ? collect(addr, len, bits, flags, true) : -EFAULT;
}

DUNE_API long dune_young_collect(void *addr, size_t len, uint64_t *bits, unsigned flags)
{
	return bits ? collect(addr, len, bits, flags, false) : -EFAULT;
}

DUNE_API int dune_mkclean(void *addr, size_t len)
{
	long r = collect(addr, len, NULL, DUNE_CLEAR, true);
	return r < 0 ? (int)r : 0;
}

DUNE_API int dune_mkold(void *addr, size_t len)
{
	long r = collect(addr, len, NULL, DUNE_CLEAR, false);
	return r < 0 ? (int)r : 0;
}

DUNE_API int dune_set_fault_handler(dune_fault_fn fn, void *arg)
{
	return backend_get()->set_fault_handler(fn, arg);
}

DUNE_API int dune_set_trap_handler(int vector, dune_trap_fn fn, void *arg)
{
	if (vector < 0 || vector >= NTRAPS || vector == ARCH_PAGE_FAULT_VECTOR)
		return -EINVAL;
	return backend_get()->set_trap_handler(vector, fn, arg);
}

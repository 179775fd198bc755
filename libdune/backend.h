/* backend.h — what a backend provides behind the public API.  The choice
 * is made once per process at run time (backend.c), so it is a table; the
 * compile-time architecture choice stays a set of arch_* hooks. */
#ifndef DUNE_BACKEND_H
#define DUNE_BACKEND_H

#include <dune/dune.h>

/* Arguments reach these already checked by api.c: ranges page aligned,
 * non-empty, not wrapping; prot and flags known bits; pointers non-NULL
 * where required. */
struct backend {
	const char *name;
	int (*enter)(void);
	int (*escape)(void);
	bool (*active)(void);
	int (*nop)(void);
	void (*stats)(struct dune_stats *out);
	int (*vm_protect)(uintptr_t start, uintptr_t end, int prot);
	int (*vm_lookup)(uintptr_t page, struct dune_page_info *info);
	int (*vm_walk)(uintptr_t start, uintptr_t end,
		       int (*cb)(void *, const struct dune_page_info *, void *), void *arg);
	int (*vm_alias)(uintptr_t alias, uintptr_t start, uintptr_t end, int prot);
	long (*collect)(uintptr_t start, uintptr_t end, uint64_t *bits, bool clear,
			bool dirty);
	int (*set_fault_handler)(dune_fault_fn fn, void *arg);
	int (*set_trap_handler)(int vector, dune_trap_fn fn, void *arg);
};

extern const struct backend kvm_backend, host_backend, none_backend;

/* The process's backend, chosen on first use. */
const struct backend *backend_get(void);

#endif

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

/* A backend that refuses every call with err (escape outside is still 0):
 * "none" for a bad DUNE_BACKEND, the KVM entry where an architecture has
 * no KVM backend. */
#define DEFINE_REFUSING_BACKEND(var, backend_name, err)                        \
	static int var##_refuse(void) { return (err); }                        \
	static int var##_escape(void) { return 0; }                            \
	static bool var##_active(void) { return false; }                       \
	static void var##_stats(struct dune_stats *o) { (void)o; }             \
	static int var##_protect(uintptr_t s, uintptr_t e, int p)              \
	{ (void)s; (void)e; (void)p; return (err); }                           \
	static int var##_lookup(uintptr_t p, struct dune_page_info *i)         \
	{ (void)p; (void)i; return (err); }                                    \
	static int var##_walk(uintptr_t s, uintptr_t e,                        \
			      int (*cb)(void *, const struct dune_page_info *, void *), \
			      void *a)                                         \
	{ (void)s; (void)e; (void)cb; (void)a; return (err); }                 \
	static int var##_alias(uintptr_t a, uintptr_t s, uintptr_t e, int p)   \
	{ (void)a; (void)s; (void)e; (void)p; return (err); }                  \
	static long var##_collect(uintptr_t s, uintptr_t e, uint64_t *b,       \
				  bool c, bool d)                              \
	{ (void)s; (void)e; (void)b; (void)c; (void)d; return (err); }         \
	static int var##_fault(dune_fault_fn fn, void *a)                      \
	{ (void)fn; (void)a; return (err); }                                   \
	static int var##_trap(int v, dune_trap_fn fn, void *a)                 \
	{ (void)v; (void)fn; (void)a; return (err); }                          \
	const struct backend var = {                                           \
		.name = (backend_name), .enter = var##_refuse,                 \
		.escape = var##_escape, .active = var##_active,                \
		.nop = var##_refuse, .stats = var##_stats,                     \
		.vm_protect = var##_protect, .vm_lookup = var##_lookup,        \
		.vm_walk = var##_walk, .vm_alias = var##_alias,                \
		.collect = var##_collect, .set_fault_handler = var##_fault,    \
		.set_trap_handler = var##_trap,                                \
	}

/* The process's backend, chosen on first use. */
const struct backend *backend_get(void);

#endif

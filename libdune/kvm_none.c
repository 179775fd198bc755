/* kvm_none.c — the KVM backend where this architecture has none yet: the
 * process gets the host backend, and DUNE_BACKEND=kvm says -ENOTSUP. */
#include <errno.h>
#include "dune_int.h"
#include "backend.h"

static int unavailable(void) { return -ENOTSUP; }
static int escape(void) { return 0; }
static bool inactive(void) { return false; }
static void no_stats(struct dune_stats *out) { (void)out; }
static int protect(uintptr_t s, uintptr_t e, int p) { return -ENOTSUP; }
static int lookup(uintptr_t p, struct dune_page_info *i) { return -ENOTSUP; }
static int walk(uintptr_t s, uintptr_t e,
		int (*cb)(void *, const struct dune_page_info *, void *), void *a)
{
	return -ENOTSUP;
}
static int alias(uintptr_t a, uintptr_t s, uintptr_t e, int p) { return -ENOTSUP; }
static long collect(uintptr_t s, uintptr_t e, uint64_t *b, bool c, bool d)
{
	return -ENOTSUP;
}
static int fault(dune_fault_fn fn, void *arg) { return -ENOTSUP; }
static int trap(int v, dune_trap_fn fn, void *arg) { return -ENOTSUP; }

const struct backend kvm_backend = {
	.name = "kvm-" ARCH_NAME,
	.enter = unavailable, .escape = escape, .active = inactive,
	.nop = unavailable, .stats = no_stats, .vm_protect = protect,
	.vm_lookup = lookup, .vm_walk = walk, .vm_alias = alias,
	.collect = collect, .set_fault_handler = fault, .set_trap_handler = trap,
};

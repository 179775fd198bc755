/* dune.h — libdune: the calling thread continues inside a KVM guest, and back.
 *
 * Every function returns 0 (or a count) on success and a negative errno on
 * failure; none of them prints, exits or aborts.  Set DUNE_DEBUG=1 in the
 * environment for a trace on stderr.
 */
#ifndef DUNE_DUNE_H
#define DUNE_DUNE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define DUNE_API __attribute__((visibility("default")))
#else
#define DUNE_API
#endif

/* Why the guest left guest mode (indices of dune_stats.exits_by_reason). */
enum dune_exit_reason {
	DUNE_EXIT_SYSCALL,	/* a system call forwarded to the host */
	DUNE_EXIT_FAULT,	/* a page fault the library resolved */
	DUNE_EXIT_ESCAPE,	/* dune_escape() or a fault handed back to the host */
	DUNE_EXIT_EXCEPTION,	/* any other guest exception */
	DUNE_EXIT_INTERRUPT,	/* KVM_RUN interrupted by a host signal */
	DUNE_EXIT_HOST_FAULT,	/* KVM could not reach host memory (resync) */
	DUNE_EXIT_NOP,		/* a bare round trip (benchmarks) */
	DUNE_EXIT_OTHER,	/* anything else KVM reported */
	DUNE_EXIT_REASONS
};

struct dune_stats {
	uint64_t enters;	/* successful dune_enter() calls that switched */
	uint64_t escapes;	/* returns to the host, by request or by fault */
	uint64_t exits;		/* guest exits of every kind */
	uint64_t exits_by_reason[DUNE_EXIT_REASONS];
	uint64_t syscalls;	/* system calls forwarded */
	uint64_t faults;	/* guest page faults resolved by the library */
	uint64_t guest_faults;	/* exceptions offered to handlers in the guest */
	uint64_t signals;	/* signals delivered to handlers inside dune */
	uint64_t native_faults;	/* continued natively (replayed exceptions) */
	uint64_t tlb_flushes;	/* guest TLB flushes requested */
	uint64_t maps_reads;	/* times the host mappings were re-read */
	uint64_t memslots;	/* KVM memory slots in use */
	uint64_t pt_pages;	/* guest page-table pages in use */
	uint64_t vms;		/* VMs built by this process */
	uint64_t host_faults;	/* host backend: SIGSEGVs it took for tracking */
	/* How the backend does its work (static strings): */
	const char *dirty_mechanism;	/* "pte-dirty-bits", "uffd-wp+pagemap-scan", "mprotect" */
	const char *young_mechanism;	/* "pte-accessed-bits", "idle-page", "prot-none" */
	const char *fault_mechanism;	/* "guest-exceptions", "sigsegv" */
};

/* The calling thread continues inside dune: same code, same stack, same
 * pointers, now at guest ring 0 with system calls forwarded to the host.
 * Sets the VM up on first use.  Returns 0 (also when already inside), or
 * -ENODEV   no usable /dev/kvm,
 * -ENOTSUP  no hardware virtualization, or a CPU feature the guest needs
 *           (XSAVE) missing; DUNE_BACKEND=kvm skips the first check,
 * -EINVAL   DUNE_BACKEND names no backend,
 * -EBUSY    another thread of this process is inside dune,
 * -ENOMEM, -EMFILE, -ENOSPC (out of memory slots), -EIO (KVM refused the
 *           guest state), or another -errno from the KVM API. */
DUNE_API int dune_enter(void);

/* The calling thread continues outside dune, natively.  Returns 0 (also
 * when not inside). */
DUNE_API int dune_escape(void);

/* Whether the calling thread is inside dune. */
DUNE_API bool dune_active(void);

/* The backend in use: "kvm-x86_64" (hardware virtualization), "host"
 * (Linux's own mechanisms), or "none" (DUNE_BACKEND named no backend).
 * Chosen once per process.  Never NULL. */
DUNE_API const char *dune_backend(void);

/* A snapshot of this process's counters.  Returns 0, or -EFAULT for NULL. */
DUNE_API int dune_stats(struct dune_stats *out);

/* A short name for an exit reason, or "?" when out of range. */
DUNE_API const char *dune_exit_reason_name(int reason);

/* One guest exit and back, doing nothing (for benchmarks).  Returns 0
 * inside dune, -EPERM outside. */
DUNE_API int dune_nop(void);

/* ---- Privileged memory control ----------------------------------------
 *
 * These work on the guest page tables of the calling process's VM, from
 * inside dune (no exit on the fast paths) or from outside it while no other
 * thread is inside (-EBUSY otherwise); -ENOTSUP before the first
 * dune_enter().  Ranges are page aligned (-EINVAL), must not wrap
 * (-EINVAL) and must be mapped on the host (-ENOMEM, as mprotect says).
 * A call that removes a permission or clears a bit flushes the guest TLB
 * before it returns (inside) or before the guest next runs (outside).
 */

/* Facts about one guest page. */
struct dune_page_info {
	bool present;		/* mapped in the guest page tables */
	int prot;		/* PROT_* the guest has now */
	int host_prot;		/* PROT_* of the host mapping */
	bool guarded;		/* restricted by dune_vm_protect */
	bool accessed, dirty;	/* the hardware's bits */
	size_t page_size;	/* 4096, or 2 MiB for a huge page */
};

/* Restrict (or restore) what the guest may do with [addr, addr + len):
 * prot is PROT_NONE or PROT_READ/WRITE/EXEC bits, capped by the host
 * mapping's own protection, which is unchanged.  An access the guest
 * protection denies raises a fault inside dune (the fault handler below),
 * with no exit to the host.  A host mapping change over the range (munmap,
 * mprotect, mmap MAP_FIXED) drops it.  Returns 0 or -errno. */
DUNE_API int dune_vm_protect(void *addr, size_t len, int prot);

/* Facts about the page holding addr: 0, or -ENOENT when the guest page
 * tables do not map it (yet), -EFAULT for a NULL info. */
DUNE_API int dune_vm_lookup(const void *addr, struct dune_page_info *info);

/* Call cb for each page of [addr, addr + len) that the guest maps, in
 * address order; a non-zero return from cb stops the walk and is
 * returned.  Returns 0 or -errno. */
DUNE_API int dune_vm_walk(void *addr, size_t len,
			  int (*cb)(void *page, const struct dune_page_info *info, void *arg),
			  void *arg);

/* Make the memory at [addr, addr + len) also visible at [alias, alias +
 * len) inside dune, with protection prot (capped by addr's host mapping).
 * The alias range must be reserved on the host as PROT_NONE (mmap with
 * PROT_NONE), so nothing else is placed there; the alias exists only in
 * the guest (system calls see the reservation).  Call it outside dune
 * (-ENOTSUP inside: it reads the host mappings).  Returns 0, -EINVAL,
 * -ENOMEM (addr not mapped), -ENOSPC (64 aliases) or another -errno. */
DUNE_API int dune_vm_alias(void *alias, void *addr, size_t len, int prot);

/* Accessed and dirty bits: bit i of bits (an array of len / 4096 bits,
 * rounded up to whole uint64_t) is page i of the range.  DUNE_CLEAR clears
 * the bits it reports, atomically with reading them.  Return the number of
 * pages set, or -errno.  Pages the guest has not mapped read as clear. */
#define DUNE_CLEAR 1u
DUNE_API long dune_dirty_collect(void *addr, size_t len, uint64_t *bits, unsigned flags);
DUNE_API long dune_young_collect(void *addr, size_t len, uint64_t *bits, unsigned flags);
DUNE_API int dune_mkclean(void *addr, size_t len);
DUNE_API int dune_mkold(void *addr, size_t len);

/* Page-aligned anonymous memory, readable and writable, and its release:
 * dune_free_pages also drops what the backend tracked there (use it where
 * libdune's interposed munmap is not the one called, e.g. from a module
 * loaded with RTLD_LOCAL).  NULL / -errno on failure. */
DUNE_API void *dune_alloc_pages(size_t len);
DUNE_API int dune_free_pages(void *addr, size_t len);

/* ---- Faults and traps inside dune --------------------------------------
 *
 * Handlers run in the guest, on a dune exception stack (32 KiB), when an
 * exception happens inside dune.  ctx is a ucontext_t (as a signal handler
 * gets) holding the guest's registers; changes to its general registers
 * take effect when the handler returns DUNE_RETRY.  DUNE_SIGNAL passes
 * the event on: the process then gets the signal native execution would
 * raise, delivered inside dune to its sigaction handler (or, with none,
 * the native default action).
 */
#define DUNE_RETRY  0
#define DUNE_SIGNAL 1

/* access bits of a fault */
#define DUNE_ACCESS_READ  1u
#define DUNE_ACCESS_WRITE 2u
#define DUNE_ACCESS_EXEC  4u

/* Page faults: addr is the faulting address.  Called for accesses that the
 * guest-only protection denies and for accesses the host mapping denies
 * (or where nothing is mapped).  NULL removes the handler. */
typedef int (*dune_fault_fn)(void *addr, unsigned access, void *ctx, void *arg);
DUNE_API int dune_set_fault_handler(dune_fault_fn fn, void *arg);

/* Other exceptions by vector (x86: 0 #DE, 3 #BP, 6 #UD, 13 #GP ...; page
 * faults go to the fault handler).  -EINVAL for a vector out of range or
 * 14.  NULL removes the handler. */
typedef int (*dune_trap_fn)(int vector, void *ctx, void *arg);
DUNE_API int dune_set_trap_handler(int vector, dune_trap_fn fn, void *arg);

#ifdef __cplusplus
}
#endif
#endif

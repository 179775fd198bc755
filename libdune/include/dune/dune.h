/* dune.h — libdune: the calling thread continues inside a KVM guest, and back.
 *
 * Every function returns 0 (or a count) on success and a negative errno on
 * failure; none of them prints, exits or aborts.  Set DUNE_DEBUG=1 in the
 * environment for a trace on stderr.
 */
#ifndef DUNE_DUNE_H
#define DUNE_DUNE_H

#include <stdbool.h>
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
	uint64_t native_faults;	/* faults replayed natively (signals) */
	uint64_t tlb_flushes;	/* guest TLB flushes requested */
	uint64_t maps_reads;	/* times the host mappings were re-read */
	uint64_t memslots;	/* KVM memory slots in use */
	uint64_t pt_pages;	/* guest page-table pages in use */
	uint64_t vms;		/* VMs built by this process */
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

/* The backend in use, e.g. "kvm-x86_64".  Never NULL. */
DUNE_API const char *dune_backend(void);

/* A snapshot of this process's counters.  Returns 0, or -EFAULT for NULL. */
DUNE_API int dune_stats(struct dune_stats *out);

/* A short name for an exit reason, or "?" when out of range. */
DUNE_API const char *dune_exit_reason_name(int reason);

/* One guest exit and back, doing nothing (for benchmarks).  Returns 0
 * inside dune, -EPERM outside. */
DUNE_API int dune_nop(void);

#ifdef __cplusplus
}
#endif
#endif

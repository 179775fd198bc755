/* dune_int.h — the generic library's private types, shared by its files
 * and the architecture backends.  Nothing here is installed. */
#ifndef DUNE_INT_H
#define DUNE_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <dune/dune.h>
#include <arch/cpu.h>
#include "arch.h"

#define HIDDEN __attribute__((visibility("hidden")))

#define PAGE_SIZE 4096ul
#define PAGE_MASK (~(PAGE_SIZE - 1))

/* Guest physical space is handed out in aligned blocks, one memslot each. */
#define BLOCK_SHIFT 30
#define BLOCK_SIZE (1ul << BLOCK_SHIFT)
#define MAX_BLOCKS 4096

/* Where relocated blocks start: low guest-physical space stays free. */
#define RELOC_BASE (4ul << 30)

struct block {
	uintptr_t hva;		/* block-aligned host address */
	uint64_t gpa;		/* where it sits in guest physical space */
	uint32_t slot;
};

/* One host mapping as /proc/self/maps shows it. */
struct vma {
	uintptr_t start, end;
	int prot;		/* PROT_* */
	bool grows_down;	/* the [stack] mapping */
	unsigned long inode;	/* of a file mapping, else 0 */
	bool huge;		/* anonymous hugetlb (MAP_HUGETLB) */
	bool shared;		/* MAP_SHARED */
	uint64_t offset;	/* into the file */
};

/* Hypercalls from guest code to the host loop (arch_hypercall). */
enum hypercall {
	HC_ESCAPE,	/* continue natively; returns 0 there */
	HC_NOP,		/* a bare round trip */
	HC_FAULT,	/* (addr, access): mirror the host page; 0, or -EFAULT
			 * (nothing mapped) / -EACCES (the host denies it) */
	HC_POPULATE,	/* (start, end): mirror a host range; 0 or -ENOMEM */
	HC_REPLAY,	/* (frame): continue the trapped state natively */
	HC_KILL,	/* (sig): die of sig with its default action */
};

#define NTRAPS 32
#define MAX_ALIASES 64

/* A guest-only second view of host memory (dune_vm_alias). */
struct alias {
	uintptr_t start, len, source;
	int prot;
};

struct vma_cache {
	struct vma *v;
	size_t n, cap;
	bool stale;		/* re-read /proc/self/maps before trusting */
	char *text;		/* the file's last contents */
	size_t text_cap;
};

struct pt_pool {
	uintptr_t chunk;	/* current chunk of host memory */
	size_t used, chunk_size;
	uintptr_t *chunks;	/* every chunk, for release */
	size_t nchunks, chunks_cap;
	uint64_t pages;
	bool pin;		/* pin new chunks into the guest */
};

struct dune_vcpu {
	struct dune_vm *vm;
	int fd;
	struct kvm_run *run;
	void *stack;		/* host-side loop stack (mmap, guard page) */
	size_t stack_size;
	pid_t tid;
	struct arch_vcpu arch;
};

struct dune_vm {
	int kvm_fd, vm_fd;
	pid_t pid;		/* the process that built it (fork check) */
	size_t run_size;
	unsigned phys_bits;	/* guest physical address width */
	uint64_t gpa_next;	/* next free relocated block */
	struct block *blocks;
	size_t nblocks;
	int probe_pipe[2];	/* for growing stacks from the host side */
	struct vma_cache vmas;
	struct pt_pool pool;
	struct dune_vcpu *vcpu;	/* one thread inside at a time, for now */
	struct vma *pinned;	/* pages every guest needs mapped (mmap) */
	size_t npinned, pinned_cap;
	dune_fault_fn fault_fn;	/* guest.c's handlers */
	void *fault_arg;
	dune_trap_fn trap_fn[NTRAPS];
	void *trap_arg[NTRAPS];
	struct alias aliases[MAX_ALIASES];
	size_t naliases;
	bool test_no_flush;	/* DUNE_TEST_NO_FLUSH: tests prove flushes matter */
	struct arch_vm arch;
	struct dune_stats stats;
	bool debug;
};

/* host_mm.c: the library's own mapping calls, which bypass the
 * interposed mmap/munmap/mprotect/mremap (and so never take their lock). */
HIDDEN void *sys_mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off);
HIDDEN int sys_munmap(void *addr, size_t len);
HIDDEN int sys_mprotect(void *addr, size_t len, int prot);

/* debug.c */
HIDDEN void dune_trace(struct dune_vm *vm, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* vm.c: the per-process VM and the per-thread vCPU. */
HIDDEN int vm_get(struct dune_vm **out);
HIDDEN int vcpu_get(struct dune_vm *vm, struct dune_vcpu **out);
HIDDEN struct dune_vm *vm_current(void);
HIDDEN int vm_detached(struct dune_vm **out);

/* slots.c: guest physical space. */
HIDDEN int slots_gpa(struct dune_vm *vm, uintptr_t hva, uint64_t *gpa);
HIDDEN void slots_release(struct dune_vm *vm);

/* vmas.c: the cached picture of host mappings. */
HIDDEN int vmas_refresh(struct dune_vm *vm);
HIDDEN int vmas_read(struct vma_cache *c);
HIDDEN const struct vma *vmas_find(const struct vma_cache *c, uintptr_t addr);
HIDDEN const struct vma *vmas_next(const struct vma_cache *c, uintptr_t addr);
HIDDEN int vmas_parse(struct vma_cache *c, const char *text, size_t len);
HIDDEN void vmas_release(struct vma_cache *c);

/* ptpool.c: zeroed pages for guest page tables. */
HIDDEN int pt_page_alloc(struct dune_vm *vm, uintptr_t *hva, uint64_t *gpa);
HIDDEN void pt_pool_release(struct dune_vm *vm);
HIDDEN int pt_pool_pin(struct dune_vm *vm);

/* mirror.c: guest page tables that follow the host mappings. */
HIDDEN int mirror_fault(struct dune_vm *vm, uintptr_t addr, unsigned access);
HIDDEN int mirror_map_range(struct dune_vm *vm, uintptr_t start, uintptr_t end, int prot);
HIDDEN void mirror_zap(struct dune_vm *vm, uintptr_t start, uintptr_t end);
HIDDEN int mirror_pin(struct dune_vm *vm, uintptr_t start, uintptr_t end, int prot);
HIDDEN int mirror_pin_library(struct dune_vm *vm);
HIDDEN int mirror_populate(struct dune_vm *vm, uintptr_t start, uintptr_t end);
HIDDEN void mirror_resync(struct dune_vm *vm);

/* guest.c: the guest-side exception dispatcher. */
HIDDEN void guest_trap(struct trap *t);


/* syscall.c: forwarding.  Returns the value for the guest; sets *flush
 * when the guest TLB must be flushed before it continues. */
HIDDEN long syscall_forward(struct dune_vcpu *v, long nr, const long args[6], bool *flush);

/* loop.c: the host side of a thread inside dune. */
HIDDEN void loop_run(struct dune_vcpu *v);

#endif

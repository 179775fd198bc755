/* arch.h — the contract every architecture backend implements.
 *
 * Generic code (the files in libdune/) owns the VM's life cycle, memory slots, the
 * mirror of host mappings and system-call forwarding.  A backend owns the
 * CPU: guest register state, the guest page-table format, how a guest
 * exception or system call reaches the host, and how a register file is
 * loaded onto the host CPU.  The build picks one backend folder
 * (arch/<cpu>/); its <arch/cpu.h> defines struct arch_vm, struct arch_vcpu
 * and the ARCH_* constants used below.  All functions return 0 or -errno
 * unless stated otherwise.
 */
#ifndef DUNE_ARCH_H
#define DUNE_ARCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <signal.h>

struct dune_vm;
struct dune_vcpu;

#include "arch_exit.h"

/* A guest page-table leaf, decoded. */
struct pte {
	bool mapped;		/* holds a translation (maybe not present) */
	uint64_t gpa;
	int prot;		/* what the hardware grants now */
	int host_prot;		/* the host mapping's, when last mirrored */
	bool guarded;		/* dune_vm_protect restricts it ... */
	int guard_prot;		/* ... to this */
	bool accessed, dirty;
	unsigned shift;		/* page size: 12, or 21 for 2 MiB */
};

/* A guest exception, as the guest-side dispatcher (guest.c) sees it. */
enum trap_kind {
	TRAP_PAGE_FAULT, TRAP_DIVIDE, TRAP_BREAKPOINT, TRAP_INVALID_OP,
	TRAP_PROTECTION, TRAP_OTHER,
};

struct trap {
	int vector;		/* the architecture's number */
	enum trap_kind kind;
	uintptr_t addr;		/* faulting address (page faults) */
	unsigned access;	/* ACCESS_* (page faults) */
	int si_code;		/* set by guest.c for page faults */
	void *frame;		/* the backend's saved registers */
};

/* Short backend name without the "kvm-" prefix, e.g. "x86_64". */
extern const char arch_name[];

/* Whether the host CPU advertises hardware virtualization (vmx/svm, vz,
 * lvz).  Returns 1, 0, or -errno when it cannot tell. */
int arch_cpu_has_hwvirt(void);

/* Whether the calling code runs in guest mode, i.e. inside dune.  Asks
 * the CPU, so it is right in any thread or child, however it was made. */
bool arch_guest_mode(void);

/* After KVM_CREATE_VM: query limits (guest physical bits) and build the
 * guest system tables and the page-table root.  arch_vm_destroy undoes it. */
int arch_vm_init(struct dune_vm *vm);
void arch_vm_destroy(struct dune_vm *vm);

/* After KVM_CREATE_VCPU and the kvm_run mmap: set CPUID, control state,
 * system registers, timers.  arch_vcpu_destroy undoes it. */
int arch_vcpu_init(struct dune_vcpu *v);
void arch_vcpu_destroy(struct dune_vcpu *v);

/* Capture the caller of dune_enter (the registers a callee must preserve,
 * the return address, stack pointer, thread pointer, FPU state) into v and
 * call loop(v) on stack_top.  Returns only when the host later resumes the
 * captured state with arch_resume_host(); the value returned is the one
 * set with arch_set_return(). */
long arch_enter_switch(struct dune_vcpu *v, void *stack_top,
		       void (*loop)(struct dune_vcpu *v));

/* Load the captured (or the guest's latest) register file into the vCPU. */
int arch_vcpu_load(struct dune_vcpu *v);

/* Run the vCPU until an exit the generic code must see; decode it. */
void arch_vcpu_run(struct dune_vcpu *v, struct exit_info *exit);

/* Fetch the guest's complete state from the vCPU (registers, FPU, thread
 * pointer) so that arch_resume_host can continue it natively. */
int arch_vcpu_save(struct dune_vcpu *v);

/* Set the value the resumed code sees returned (dune_enter, dune_escape). */
void arch_set_return(struct dune_vcpu *v, long value);

/* Make the host CPU continue the saved state.  Does not return. */
__attribute__((noreturn)) void arch_resume_host(struct dune_vcpu *v);

/* The guest's system call: number and six arguments. */
void arch_syscall_args(struct dune_vcpu *v, long *nr, long args[6]);

/* A hypercall's number and three arguments. */
void arch_hypercall_args(struct dune_vcpu *v, long *nr, long args[3]);

/* Complete the system call or hypercall with ret; flush the guest TLB
 * first when flush is true.  The guest continues after the call. */
void arch_syscall_return(struct dune_vcpu *v, long ret, bool flush);

/* Continue the guest where it stopped (after a host fault was repaired),
 * flushing the guest TLB first when flush is true. */
void arch_fault_return(struct dune_vcpu *v, bool flush);

/* Architecture system calls that touch guest CPU state (x86 arch_prctl,
 * rt_sigreturn of a frame guest.c built).  Returns true and sets *ret
 * when it handled nr itself. */
bool arch_syscall_special(struct dune_vcpu *v, long nr, const long args[6],
			  long *ret);

/* Run a process- or thread-creating system call (clone family) so that the
 * child continues the guest's code natively, outside dune, with the
 * guest's registers (child_sp replaces the stack pointer when non-zero;
 * the child's copy of the registers is placed below it when the child
 * shares memory).  Returns the parent's result. */
long arch_clone_syscall(struct dune_vcpu *v, long nr, const long args[6],
			uintptr_t child_sp, bool shares_vm);

/* Make the state saved in a guest trap frame the vCPU's logical state and
 * leave the exception level, so that it can be replayed natively. */
int arch_trap_replay(struct dune_vcpu *v, uintptr_t frame);

/* Guest page tables.  va is the guest virtual (= host virtual) address,
 * gpa where it lives in guest physical space, prot PROT_* bits.
 * arch_pt_map mirrors a host page (keeping a guard and the A/D bits). */
int arch_pt_init(struct dune_vm *vm);	/* the root table */
int arch_pt_map(struct dune_vm *vm, uintptr_t va, uint64_t gpa, int prot);
/* The same for a whole huge page (1 << ARCH_HUGE_SHIFT, aligned). */
int arch_pt_map_huge(struct dune_vm *vm, uintptr_t va, uint64_t gpa, int prot);
void arch_pt_unmap(struct dune_vm *vm, uintptr_t start, uintptr_t end);
int arch_pte_get(struct dune_vm *vm, uintptr_t va, struct pte *p); /* -ENOENT */
void arch_pt_each(struct dune_vm *vm, uintptr_t start, uintptr_t end,
		  void (*fn)(struct dune_vm *vm, uintptr_t va, struct pte *p, void *arg),
		  void *arg);

/* Set (guard) or drop the guest-only protection of mapped pages, flushing
 * the TLB once for the call.  -ENOENT at the first page not mapped. */
int arch_pt_protect(struct dune_vm *vm, uintptr_t start, uintptr_t end, int prot,
		    bool guard);

/* Flush the whole guest TLB: now when called in the guest, else before
 * the guest next runs. */
void arch_tlb_flush_all(struct dune_vm *vm);

/* Report (and with clear, clear) the dirty or accessed bits of
 * [start, end) into bits (bit i = page i); returns how many were set.
 * Flushes the TLB once for the call when it cleared anything. */
long arch_pt_scan(struct dune_vm *vm, uintptr_t start, uintptr_t end, bool dirty,
		  bool clear, uint64_t *bits);

/* Tests and benchmarks: set the accessed (and, for a write, dirty) bits
 * for an access to va as the MMU would, on tables no CPU walks. */
int arch_pt_touch(struct dune_vm *vm, uintptr_t va, bool write);

/* Guest side: the exception dispatcher's helpers.  Convert between the
 * trap frame and a ucontext_t (void * keeps <ucontext.h> out of here);
 * the signal native execution would raise; where the interrupted code's
 * stack is; build a signal frame at sp that makes the trap return into
 * handler(sig, info, uc) with restorer as its return address. */
void arch_trap_to_ucontext(const struct trap *t, void *uc);
void arch_trap_from_ucontext(struct trap *t, const void *uc);
int arch_trap_signal(const struct trap *t, int *code, uintptr_t *addr);
uintptr_t arch_trap_sp(const struct trap *t);
int arch_signal_frame(struct trap *t, const void *siginfo, uintptr_t sp,
		      uintptr_t handler, uintptr_t restorer, uint64_t old_mask,
		      const void *stack);

/* The guest's signal disposition, read with rt_sigaction from guest
 * code: -ENOTSUP when the backend cannot build frames for it (then the
 * fault's signal is raised natively), or when the handler has no
 * restorer to return through.  arch_sigaction_reset sets SIG_DFL
 * (SA_RESETHAND). */
struct arch_sigaction {
	uintptr_t handler;
	unsigned long flags;
	uintptr_t restorer;
	uint64_t mask;
};
int arch_sigaction_get(int sig, struct arch_sigaction *sa);
void arch_sigaction_reset(int sig);

/* Host backend: the access of a fault from a signal's ucontext
 * (ACCESS_*), the exception vector behind a signal (-1 if none), and the
 * signal native execution raises for a vector (0 if none). */
unsigned arch_uc_access(const void *uc);
int arch_signal_vector(int sig, const siginfo_t *si);
int arch_vector_signal(int vector);

/* A spin-wait hint (x86 PAUSE). */
void arch_cpu_relax(void);

/* The host's system call instruction: returns the raw result (-errno on
 * failure) and leaves errno alone, which belongs to the guest's code. */
long arch_syscall6(long nr, const long args[6]);

/* Guest code that requests an exit (guest.c's HC_* numbers). */
long arch_hypercall(long nr, long a0, long a1, long a2);

#endif

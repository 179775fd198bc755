/* x86.h (x86-64) — declarations shared by the backend's files. */
#ifndef DUNE_X86_H
#define DUNE_X86_H

#include <stdint.h>
#include "dune_int.h"
#include "sys.h"

/* Model-specific registers, Intel SDM Vol. 4, Table 2-2. */
#define MSR_IA32_TSC		0x00000010
#define MSR_STAR		0xc0000081
#define MSR_LSTAR		0xc0000082
#define MSR_CSTAR		0xc0000083
#define MSR_SYSCALL_MASK	0xc0000084
#define MSR_FS_BASE		0xc0000100
#define MSR_GS_BASE		0xc0000101
#define MSR_KERNEL_GS_BASE	0xc0000102

/* entry.S */
long x86_enter_switch(struct x86_state *s, void *stack_top,
		      void (*loop)(void *), void *arg);
__attribute__((noreturn)) void x86_resume(struct x86_state *s);
long x86_clone(long nr, const long args[6], struct x86_state *guest,
	       struct x86_state *child);
extern const char x86_guest_page[], x86_guest_page_end[];
extern const char x86_guest_syscall[], x86_guest_flush_return[];
extern const char x86_guest_vectors[];
extern const char x86_guest_trap_common[];

/* vcpu.c */
int x86_set_msrs(struct dune_vcpu *v, const uint32_t *index,
		 const uint64_t *value, int n);
int x86_get_msrs(struct dune_vcpu *v, const uint32_t *index,
		 uint64_t *value, int n);
int x86_vcpu_ioctl(struct dune_vcpu *v, unsigned long req, void *arg);

/* trap.c */
extern uint32_t x86_xstate_size;
long x86_sigreturn(struct dune_vcpu *v);

/* cpuid.c */
int x86_cpuid_fetch(struct dune_vm *vm);
uint64_t x86_xgetbv0(void);

#endif

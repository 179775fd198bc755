/* mips.h (mips64) — what the VZ backend's files share. */
#ifndef DUNE_MIPS64_MIPS_H
#define DUNE_MIPS64_MIPS_H

#include "dune_int.h"
#include "vz.h"
#include "../swtlb/swtlb.h"
#include "../swtlb/swtlb_glue.h"

/* entry.S */
extern const char mips_vectors[], mips_vectors_end[], mips_flush_stub[];
long mips_enter_switch(struct mips_state *s, void *v, void *stack_top,
		       void (*loop)(void *v));
__attribute__((noreturn)) void mips_sigreturn(void *frame);
long mips_clone(long nr, const long args[6], void *child_frame);

/* vcpu.c */
int mips_set_reg(struct dune_vcpu *v, uint64_t id, uint64_t value);
int mips_get_reg(struct dune_vcpu *v, uint64_t id, uint64_t *value);
void mips_build_frame(void *at, const struct mips_state *s);
size_t mips_frame_size(void);
__attribute__((noreturn)) void mips_resume(const struct mips_state *s);


/* trap.c: the general exception handler's C half (entry.S). */
void mips_guest_exception(struct mips_frame *f);

#endif

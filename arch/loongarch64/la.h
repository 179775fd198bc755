/* la.h (loongarch64) — what the LVZ backend's files share. */
#ifndef DUNE_LOONGARCH64_LA_H
#define DUNE_LOONGARCH64_LA_H

#include "dune_int.h"
#include "lvz.h"
#include "sigframe.h"
#include "../swtlb/swtlb.h"
#include "../swtlb/swtlb_glue.h"

/* entry.S */
extern const char la_vectors[], la_vectors_end[], la_flush_stub[];
long la_enter_switch(struct la_state *s, void *v, void *stack_top,
		     void (*loop)(void *v));
__attribute__((noreturn)) void la_sigreturn(void *frame);
long la_clone(long nr, const long args[6], void *child_frame);

/* vcpu.c */
__attribute__((noreturn)) void la_resume(const struct la_state *s);
void la_frame_for(struct la_rt_sigframe *f, const struct la_state *s);

/* trap.c */
void la_guest_exception(struct la_frame *f);

#endif

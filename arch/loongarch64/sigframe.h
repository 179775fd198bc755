/* sigframe.h (loongarch64) — the kernel's rt_sigframe, built so that
 * rt_sigreturn loads a whole register file: the way back to host
 * execution (arch_resume_host, clone children).  Layout from the uapi
 * headers asm/sigcontext.h and asm/ucontext.h and the kernel's
 * arch/loongarch/kernel/signal.c (siginfo, then the ucontext; the FPU
 * travels in an extended-context record ended by a zero header).  No
 * libc: the freestanding tests run it under qemu-loongarch64. */
#ifndef DUNE_LOONGARCH64_SIGFRAME_H
#define DUNE_LOONGARCH64_SIGFRAME_H

#include <stdint.h>
#include <arch/cpu.h>

#define LA_FPU_CTX_MAGIC 0x46505501u	/* FPU_CTX_MAGIC */
#define LA_SC_USED_FP 1u

struct la_sctx_info {
	uint32_t magic, size;
	uint64_t padding;
};

struct la_fpu_context {
	uint64_t regs[32];
	uint64_t fcc;
	uint32_t fcsr;
};

struct la_rt_sigframe {
	uint8_t info[128];			/* siginfo_t */
	struct {
		uint64_t flags, link;
		uint64_t ss_sp;			/* stack_t */
		int32_t ss_flags, ss_pad;
		uint64_t ss_size;
		uint64_t sigmask;		/* the kernel's 64-signal set */
		uint8_t unused[1024 / 8 - 8];
		struct {
			uint64_t pc;
			uint64_t regs[32];
			uint32_t flags;
			struct la_sctx_info fpu_info __attribute__((aligned(16)));
			struct la_fpu_context fpu;
			struct la_sctx_info end __attribute__((aligned(16)));
		} mc __attribute__((aligned(16)));
	} uc;
};

/* The frame for state s, with the signal mask and alternate stack the
 * thread has now (rt_sigreturn restores those too). */
void la_build_frame(struct la_rt_sigframe *f, const struct la_state *s,
		    uint64_t sigmask, uint64_t ss_sp, int ss_flags, uint64_t ss_size);

#endif

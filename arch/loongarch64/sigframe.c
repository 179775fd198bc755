/* sigframe.c (loongarch64) — see sigframe.h. */
#include "sigframe.h"

void la_build_frame(struct la_rt_sigframe *f, const struct la_state *s,
		    uint64_t sigmask, uint64_t ss_sp, int ss_flags, uint64_t ss_size)
{
	volatile uint8_t *p = (volatile uint8_t *)f;
	for (unsigned long i = 0; i < sizeof(*f); i++)
		p[i] = 0;
	f->uc.ss_sp = ss_sp;
	f->uc.ss_flags = ss_flags;
	f->uc.ss_size = ss_size;
	f->uc.sigmask = sigmask;
	f->uc.mc.pc = s->pc;
	for (int i = 1; i < 32; i++)
		f->uc.mc.regs[i] = s->gpr[i];
	f->uc.mc.flags = LA_SC_USED_FP;
	f->uc.mc.fpu_info.magic = LA_FPU_CTX_MAGIC;
	f->uc.mc.fpu_info.size = (uint32_t)((char *)&f->uc.mc.end - (char *)&f->uc.mc.fpu_info);
	for (int i = 0; i < 32; i++)
		f->uc.mc.fpu.regs[i] = s->fpr[i];
	f->uc.mc.fpu.fcc = s->fcc;
	f->uc.mc.fpu.fcsr = s->fcsr;
}

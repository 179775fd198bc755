/* lvz.c (loongarch64) — guest CSR setup, exit decoding and exception
 * classification for the LVZ backend (see lvz.h).  No libc. */
#include "lvz.h"

/* The refill handler's offset in the vectors page (entry.S). */
#define REFILL_OFFSET 0x1000	/* the second page: TLBRENTRY is 4 KiB aligned */

int la_csr_setup(const struct la_guest *g, struct la_reg *r)
{
	int n = 0;
	/* PLV0, interrupts off, paging on (DA = 0, PG = 1). */
	r[n++] = (struct la_reg){ LA_CSR_ID(CSR_CRMD), CRMD_PG | CRMD_DATF_CC | CRMD_DATM_CC };
	r[n++] = (struct la_reg){ LA_CSR_ID(CSR_PRMD), 0 };
	r[n++] = (struct la_reg){ LA_CSR_ID(CSR_EUEN), g->fpu ? EUEN_FPE : 0 };
	r[n++] = (struct la_reg){ LA_CSR_ID(CSR_ECFG), 0 };	/* one entry, no LIE */
	r[n++] = (struct la_reg){ LA_CSR_ID(CSR_DMW0), DMW0_VALUE };
	r[n++] = (struct la_reg){ LA_CSR_ID(CSR_EENTRY), DMW_BASE | g->vectors_gpa };
	r[n++] = (struct la_reg){ LA_CSR_ID(CSR_TLBRENTRY), g->vectors_gpa + REFILL_OFFSET };
	r[n++] = (struct la_reg){ LA_CSR_ID(CSR_STLBPS), 12 };	/* 4 KiB pages */
	r[n++] = (struct la_reg){ LA_CSR_ID(CSR_TLBREHI), 12 };	/* refill PS */
	r[n++] = (struct la_reg){ LA_CSR_ID(CSR_ASID), 0 };
	/* PGDL: the root, as the refill handler reads it (physical). */
	r[n++] = (struct la_reg){ LA_CSR_ID(CSR_PGDL), g->root_gpa };
	r[n++] = (struct la_reg){ LA_CSR_ID(CSR_SAVE(1)), g->xstack };
	return n;
}

void la_decode_exit(const struct kvm_run *run, int result, struct exit_info *e)
{
	e->vector = run ? (int)run->exit_reason : -1;
	if (exit_from_result(result, e))
		return;
	switch (run->exit_reason) {
	case KVM_EXIT_LOONGARCH_IOCSR:
		if (!run->iocsr_io.is_write && run->iocsr_io.len == 8 &&
		    run->iocsr_io.phys_addr == DOORBELL_IOCSR + DOORBELL_SYSCALL) {
			e->kind = EXIT_SYSCALL;
			return;
		}
		if (!run->iocsr_io.is_write && run->iocsr_io.len == 8 &&
		    run->iocsr_io.phys_addr == DOORBELL_IOCSR + DOORBELL_HYPERCALL) {
			e->kind = EXIT_HYPERCALL;
			return;
		}
		/* The program's own IOCSR access: only the host can. */
		e->kind = EXIT_BROKEN;
		return;
	case KVM_EXIT_MMIO:
		e->kind = EXIT_HOST_FAULT;	/* a GPA without a slot */
		return;
	case KVM_EXIT_INTR:
		e->kind = EXIT_INTERRUPTED;
		return;
	case KVM_EXIT_INTERNAL_ERROR:
	case KVM_EXIT_FAIL_ENTRY:
	case KVM_EXIT_SHUTDOWN:
		e->kind = EXIT_BROKEN;
		e->error = -5;	/* -EIO */
		return;
	default:
		e->kind = EXIT_BROKEN;
		return;
	}
}

unsigned la_exc_access(unsigned ecode)
{
	switch (ecode) {
	case ECODE_PIS:
	case ECODE_PME:
		return ACCESS_WRITE;
	case ECODE_PIF:
	case ECODE_PNX:
		return ACCESS_EXEC;
	default:
		return ACCESS_READ;
	}
}

int la_exc_is_tlb(unsigned ecode)
{
	return ecode >= ECODE_PIL && ecode <= ECODE_PNX;
}

/* vz.c (mips64) — guest CP0 setup, exit decoding and exception
 * classification for the VZ backend (see vz.h).  No libc. */
#include "vz.h"

int mips_cp0_setup(const struct mips_guest *g, struct mips_reg *r)
{
	int n = 0;
	/* Kernel mode, exceptions at EBase, 64-bit segments, no interrupts. */
	r[n++] = (struct mips_reg){ CP0_STATUS, ST_KX | ST_SX | ST_UX | ST_CU0 |
				    (g->fpu ? ST_CU1 | ST_FR : 0) };
	r[n++] = (struct mips_reg){ CP0_CONFIG, CONFIG_K0_CACHED };
	r[n++] = (struct mips_reg){ CP0_EBASE, CKSEG0 + g->vectors_gpa };
	r[n++] = (struct mips_reg){ CP0_PAGEGRAIN, PG_RIE | PG_XIE | PG_ELPA | PG_IEC };
	r[n++] = (struct mips_reg){ CP0_PAGEMASK, 0 };	/* 4 KiB pages */
	r[n++] = (struct mips_reg){ CP0_WIRED, 0 };
	r[n++] = (struct mips_reg){ CP0_ENTRYHI, 0 };	/* ASID 0 */
	r[n++] = (struct mips_reg){ CP0_CAUSE, 0 };
	r[n++] = (struct mips_reg){ CP0_HWRENA, HWRENA_BITS };
	r[n++] = (struct mips_reg){ CP0_USERLOCAL, g->userlocal };
	/* KScratch1: the root table through the cached unmapped window (the
	 * refill handler's walk); KScratch2: the exception stack. */
	r[n++] = (struct mips_reg){ CP0_KSCRATCH(1), XKPHYS_CACHED | g->root_gpa };
	r[n++] = (struct mips_reg){ CP0_KSCRATCH(2), g->xstack };
	return n;
}

void mips_decode_exit(const struct kvm_run *run, int result, struct exit_info *e)
{
	e->vector = run ? (int)run->exit_reason : -1;
	if (exit_from_result(result, e))
		return;
	switch (run->exit_reason) {
	case KVM_EXIT_MMIO:
		if (!run->mmio.is_write && run->mmio.len == 8 &&
		    run->mmio.phys_addr == DOORBELL_GPA + DOORBELL_SYSCALL) {
			e->kind = EXIT_SYSCALL;
			return;
		}
		if (!run->mmio.is_write && run->mmio.len == 8 &&
		    run->mmio.phys_addr == DOORBELL_GPA + DOORBELL_HYPERCALL) {
			e->kind = EXIT_HYPERCALL;
			return;
		}
		/* Any other guest-physical address without a slot: host
		 * memory moved under the tables (resynchronised once, then
		 * replayed natively). */
		e->kind = EXIT_HOST_FAULT;
		return;
	case KVM_EXIT_INTR:
		e->kind = EXIT_INTERRUPTED;
		return;
	case KVM_EXIT_INTERNAL_ERROR:
	case KVM_EXIT_FAIL_ENTRY:
	case KVM_EXIT_SHUTDOWN:
		e->kind = EXIT_BROKEN;
		e->error = -5;	/* -EIO: the guest's state is lost */
		return;
	default:
		/* Something only the host can run (an unsupported
		 * instruction KVM passed up): replay natively. */
		e->kind = EXIT_BROKEN;
		return;
	}
}

unsigned mips_exc_access(unsigned exccode)
{
	switch (exccode) {
	case EXC_MOD:
	case EXC_TLBS:
	case EXC_ADES:
		return ACCESS_WRITE;
	case EXC_TLBXI:
		return ACCESS_EXEC;
	default:
		return ACCESS_READ;
	}
}

int mips_exc_is_tlb(unsigned exccode)
{
	return exccode == EXC_MOD || exccode == EXC_TLBL || exccode == EXC_TLBS ||
	       exccode == EXC_TLBRI || exccode == EXC_TLBXI;
}

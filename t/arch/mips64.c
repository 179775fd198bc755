/* t/arch/mips64.c — the VZ backend's pure parts, under qemu-mips64el in
 * cross builds (and natively on MIPS hosts): the swtlb tables with the
 * EntryLo leaf format, the guest CP0 set-up as ONE_REG ids and values,
 * exit decoding and exception classification.  Expected ids are written
 * out by hand from the KVM API document's layout, not from the macros. */
#include <string.h>
#include "tap.h"
#include "swtlb.h"
#include "../../arch/mips64/vz.h"

static uint64_t find(const struct mips_reg *r, int n, uint64_t id)
{
	for (int i = 0; i < n; i++)
		if (r[i].id == id)
			return r[i].value;
	return ~0ull;
}

int main(void)
{
	struct mips_reg regs[MIPS_MAX_REGS];
	struct mips_guest g = { .root_gpa = 0x1234000, .vectors_gpa = 0x10000000,
				.xstack = 0x9800000000500000ull, .fpu = 1 };
	struct kvm_run run;
	struct exit_info e;
	int n;

	swtlb_tests();

	/* EntryLo: PFN at bit 6, V bit 1, D bit 2, RI 63, XI 62 (Vol. III). */
	is_u64(pte_frame(0x123456000ull), 0x123456ull << 6, "EntryLo PFN = PA >> 12 << 6");
	is_u64(PTE_V | PTE_D | PTE_NR | PTE_NX, 0xc000000000000006ull, "EntryLo V, D, RI, XI");
	is_u64(PTE_SW_MASK, 0x3ffc000000000000ull, "software bits in Fill, 50..61");

	/* CP0 ids: 0x7020 0000 0001 00 <reg:5> <sel:3> (32-bit),
	 * 0x7030 ... (64-bit). */
	is_u64(CP0_STATUS, 0x7020000000010060ull, "ONE_REG id of Status (12, 0)");
	is_u64(CP0_EBASE, 0x7030000000010079ull, "ONE_REG id of EBase (15, 1)");
	is_u64(CP0_KSCRATCH(1), 0x70300000000100faull, "ONE_REG id of KScratch1 (31, 2)");
	is_u64(CP0_PAGEGRAIN, 0x7020000000010029ull, "ONE_REG id of PageGrain (5, 1)");
	n = mips_cp0_setup(&g, regs);
	ok(n > 0 && n <= MIPS_MAX_REGS, "CP0 setup fits its table");
	is_u64(find(regs, n, CP0_STATUS), 0x340000e0ull,
	       "Status: KX SX UX, CU0 CU1 FR, kernel mode, EXL ERL IE clear");
	is_u64(find(regs, n, CP0_EBASE), 0xffffffff90000000ull, "EBase: the vectors via kseg0");
	is_u64(find(regs, n, CP0_PAGEGRAIN), 0xe8000000ull, "PageGrain: RIE XIE ELPA IEC");
	is_u64(find(regs, n, CP0_KSCRATCH(1)), 0x9800000001234000ull,
	       "KScratch1: the root through cached xkphys");
	is_u64(find(regs, n, CP0_WIRED), 0, "Wired 0");

	/* Exits. */
	memset(&run, 0, sizeof(run));
	run.exit_reason = KVM_EXIT_MMIO;
	run.mmio.phys_addr = (1ull << 40) - 4096;
	run.mmio.len = 8;
	mips_decode_exit(&run, 0, &e);
	ok(e.kind == EXIT_SYSCALL, "doorbell +0: system call");
	run.mmio.phys_addr += 8;
	mips_decode_exit(&run, 0, &e);
	ok(e.kind == EXIT_HYPERCALL, "doorbell +8: hypercall");
	run.mmio.is_write = 1;
	mips_decode_exit(&run, 0, &e);
	ok(e.kind == EXIT_HOST_FAULT, "a store to the doorbell is not a call");
	run.mmio.is_write = 0;
	run.mmio.phys_addr = 0x3ff01000;
	mips_decode_exit(&run, 0, &e);
	ok(e.kind == EXIT_HOST_FAULT, "other MMIO: host memory moved");
	mips_decode_exit(&run, -4, &e);
	ok(e.kind == EXIT_INTERRUPTED, "EINTR: interrupted");
	mips_decode_exit(&run, -14, &e);
	ok(e.kind == EXIT_HOST_FAULT, "EFAULT: host fault");
	mips_decode_exit(&run, -22, &e);
	ok(e.kind == EXIT_BROKEN && e.error == -22, "other errors: broken, with the errno");
	run.exit_reason = KVM_EXIT_INTERNAL_ERROR;
	mips_decode_exit(&run, 0, &e);
	ok(e.kind == EXIT_BROKEN && e.error == -5, "internal error: state lost");

	ok(mips_exc_access(EXC_MOD) == ACCESS_WRITE && mips_exc_access(EXC_TLBS) == ACCESS_WRITE &&
	   mips_exc_access(EXC_TLBL) == ACCESS_READ && mips_exc_access(EXC_TLBXI) == ACCESS_EXEC,
	   "exception codes: access");
	ok(mips_exc_is_tlb(EXC_MOD) && mips_exc_is_tlb(EXC_TLBRI) && !mips_exc_is_tlb(EXC_SYS),
	   "exception codes: which the A/D fix-up may explain");
	done();
}

/* t/arch/loongarch64.c — the LVZ backend's pure parts, freestanding
 * under qemu-loongarch64 (no LoongArch libc here): the swtlb tables with
 * the TLBELO leaf format, the guest CSR set-up as ONE_REG ids, IOCSR exit
 * decoding, and the rt_sigreturn frame that takes the host back to a
 * register file (run for real: qemu-user implements rt_sigreturn). */
#include "tap.h"
#include "swtlb.h"
#include "../../arch/loongarch64/lvz.h"
#include "../../arch/loongarch64/sigframe.h"

long rt_syscall3(long nr, long a, long b, long c);

static uint64_t find(const struct la_reg *r, int n, uint64_t id)
{
	for (int i = 0; i < n; i++)
		if (r[i].id == id)
			return r[i].value;
	return ~0ull;
}

static char stack[16384] __attribute__((aligned(16)));
static uint64_t f24_bits = 0x400921fb54442d18ull;	/* pi */

/* Where rt_sigreturn lands: an assembler entry records sp, s0 and f24
 * before any compiled prologue can touch them. */
uint64_t seen[3] __attribute__((used));
__attribute__((noreturn, used)) void landed(long a0, long a1);
void landed_entry(void);
__asm__(".globl landed_entry\nlanded_entry:\n"
	"la.local $t0, seen\n"
	"st.d $sp, $t0, 0\n"
	"st.d $s0, $t0, 8\n"
	"movfr2gr.d $t1, $f24\n"
	"st.d $t1, $t0, 16\n"
	"b landed\n");

void landed(long a0, long a1)
{
	is_u64((uint64_t)a0, 42, "rt_sigreturn frame: a0 restored");
	is_u64((uint64_t)a1, 0xfeedull, "rt_sigreturn frame: a1 restored");
	is_u64(seen[1], 0x5a5a5a5a5a5aull, "rt_sigreturn frame: s0 restored");
	is_u64(seen[0], (uintptr_t)stack + sizeof(stack) - 64, "rt_sigreturn frame: sp restored");
	is_u64(seen[2], f24_bits, "rt_sigreturn frame: f24 restored (FPU record)");
	done();
}

static void frame_tests(void)
{
	static struct la_rt_sigframe f __attribute__((aligned(16)));
	struct la_state s = { 0 };
	is_u64(__builtin_offsetof(struct la_rt_sigframe, uc.mc), 304,
	       "sigframe: sigcontext at 128 + 176 (16-aligned)");
	is_u64(__builtin_offsetof(struct la_rt_sigframe, uc.mc.fpu_info), 304 + 272,
	       "sigframe: extended context after sc_flags, 16-aligned");
	s.pc = (uintptr_t)landed_entry;
	s.gpr[3] = (uintptr_t)stack + sizeof(stack) - 64;
	s.gpr[4] = 42;
	s.gpr[5] = 0xfeed;
	s.gpr[23] = 0x5a5a5a5a5a5aull;
	s.fpr[24] = f24_bits;
	la_build_frame(&f, &s, 0, 0, 2 /* SS_DISABLE */, 0);
	is_u64(f.uc.mc.fpu_info.magic, 0x46505501u, "sigframe: FPU record magic");
	ok(f.uc.mc.fpu_info.size >= 16 + sizeof(struct la_fpu_context) && f.uc.mc.end.magic == 0,
	   "sigframe: FPU record size, then the end marker");
	__asm__ volatile("move $sp, %0\n"
			 "li.w $a7, 139\n"
			 "syscall 0\n" : : "r"(&f) : "memory");
	__builtin_unreachable();
}

int main(void)
{
	struct la_reg regs[LA_MAX_REGS];
	struct la_guest g = { .root_gpa = 0x1234000, .vectors_gpa = 0x7fff0000,
			      .xstack = 0x9000000000500000ull, .fpu = 1 };
	struct kvm_run run;
	struct exit_info e;
	int n;

	swtlb_tests();

	is_u64(pte_frame(0x123456000ull), 0x123456000ull, "TLBELO PPN = PA bits 47..12");
	is_u64(PTE_V | PTE_D | PTE_NR | PTE_NX, 0x6000000000000003ull, "TLBELO V, D, NR, NX");
	is_u64(PTE_SW_MASK, 0x0fff000000000000ull, "software bits 48..59");

	/* KVM_IOC_CSRID(n) = 0x9030 0000 0001 0000 | n << 3 (set 1, 64-bit;
	 * uapi asm/kvm.h LOONGARCH_REG_SHIFT). */
	is_u64(LA_CSR_ID(CSR_CRMD), 0x9030000000010000ull, "ONE_REG id of CRMD (0x0)");
	is_u64(LA_CSR_ID(CSR_TLBRENTRY), 0x9030000000010440ull, "ONE_REG id of TLBRENTRY (0x88 << 3)");
	is_u64(LA_CSR_ID(CSR_DMW0), 0x9030000000010c00ull, "ONE_REG id of DMW0 (0x180 << 3)");
	n = la_csr_setup(&g, regs);
	ok(n > 0 && n <= LA_MAX_REGS, "CSR setup fits its table");
	is_u64(find(regs, n, LA_CSR_ID(CSR_CRMD)), 0xb0ull, "CRMD: PLV0, IE 0, PG 1, DATF/DATM 1");
	is_u64(find(regs, n, LA_CSR_ID(CSR_DMW0)), 0x9000000000000011ull, "DMW0: 0x9... cached, PLV0");
	is_u64(find(regs, n, LA_CSR_ID(CSR_EENTRY)), 0x900000007fff0000ull, "EENTRY through DMW0");
	is_u64(find(regs, n, LA_CSR_ID(CSR_TLBRENTRY)), 0x7fff1000ull, "TLBRENTRY: physical, page 1");
	is_u64(find(regs, n, LA_CSR_ID(CSR_EUEN)), 1, "EUEN.FPE with the FPU");
	is_u64(find(regs, n, LA_CSR_ID(CSR_PGDL)), 0x1234000, "PGDL: the root, physical");

	__builtin_memset(&run, 0, sizeof(run));
	run.exit_reason = KVM_EXIT_LOONGARCH_IOCSR;
	run.iocsr_io.phys_addr = 0x0dd00000;
	run.iocsr_io.len = 8;
	la_decode_exit(&run, 0, &e);
	ok(e.kind == EXIT_SYSCALL, "IOCSR doorbell +0: system call");
	run.iocsr_io.phys_addr += 8;
	la_decode_exit(&run, 0, &e);
	ok(e.kind == EXIT_HYPERCALL, "IOCSR doorbell +8: hypercall");
	run.iocsr_io.phys_addr = 0x1000;
	la_decode_exit(&run, 0, &e);
	ok(e.kind == EXIT_BROKEN && e.error == 0, "other IOCSR: replay natively");
	run.exit_reason = KVM_EXIT_MMIO;
	la_decode_exit(&run, 0, &e);
	ok(e.kind == EXIT_HOST_FAULT, "MMIO: a GPA without a slot");
	la_decode_exit(&run, -11, &e);
	ok(e.kind == EXIT_INTERRUPTED, "EAGAIN: interrupted");
	ok(la_exc_access(ECODE_PME) == ACCESS_WRITE && la_exc_access(ECODE_PIF) == ACCESS_EXEC &&
	   la_exc_access(ECODE_PIL) == ACCESS_READ, "exception codes: access");
	ok(la_exc_is_tlb(ECODE_PIS) && !la_exc_is_tlb(ECODE_SYS), "exception codes: TLB ones");

	/* KVM ioctls cannot run here: say so, then resume a register file. */
	tap_puts("ok "); tap_num(++tap_n);
	tap_puts(" # SKIP KVM_RUN on LVZ: no LoongArch KVM under qemu-user (ioctls fail)\n");
	frame_tests();
	return 1;
}

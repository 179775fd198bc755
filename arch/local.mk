# arch/local.mk — the backend folder configure picked.
if ARCH_X86_64
libdune_libdune_core_la_SOURCES += \
	arch/x86_64/entry.S arch/x86_64/vcpu.c arch/x86_64/run.c \
	arch/x86_64/syscall.c arch/x86_64/mmu.c arch/x86_64/cpuid.c \
	arch/x86_64/sys.c arch/x86_64/vmx_check.c arch/x86_64/trap.c \
	arch/x86_64/trap.h arch/x86_64/host.c arch/x86_64/sys.h \
	arch/x86_64/x86.h arch/x86_64/include/arch/cpu.h
endif
# MIPS64 and LoongArch64 refill their TLBs in software: both keep the
# guest page tables of arch/swtlb.
SWTLB_SOURCES = arch/swtlb/swtlb.c arch/swtlb/swtlb.h arch/swtlb/mmu.c \
	arch/swtlb/swtlb_glue.h
if ARCH_MIPS64
libdune_libdune_core_la_SOURCES += $(SWTLB_SOURCES) \
	arch/mips64/host.c arch/mips64/syscall.S arch/mips64/include/arch/cpu.h \
	arch/mips64/include/arch/pte.h arch/mips64/vz.c arch/mips64/vz.h \
	arch/mips64/mips.h arch/mips64/vcpu.c arch/mips64/trap.c arch/mips64/entry.S
endif
if ARCH_LOONGARCH64
libdune_libdune_core_la_SOURCES += $(SWTLB_SOURCES) \
	arch/loongarch64/host.c arch/loongarch64/syscall.S \
	arch/loongarch64/include/arch/cpu.h arch/loongarch64/include/arch/pte.h \
	arch/loongarch64/lvz.c arch/loongarch64/lvz.h arch/loongarch64/la.h \
	arch/loongarch64/sigframe.c arch/loongarch64/sigframe.h \
	arch/loongarch64/vcpu.c arch/loongarch64/trap.c arch/loongarch64/entry.S
endif

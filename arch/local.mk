# arch/local.mk — the backend folder configure picked.
if ARCH_X86_64
libdune_libdune_core_la_SOURCES += \
	arch/x86_64/entry.S arch/x86_64/vcpu.c arch/x86_64/run.c \
	arch/x86_64/syscall.c arch/x86_64/mmu.c arch/x86_64/cpuid.c \
	arch/x86_64/sys.c arch/x86_64/vmx_check.c arch/x86_64/trap.c \
	arch/x86_64/trap.h arch/x86_64/host.c arch/x86_64/sys.h \
	arch/x86_64/x86.h arch/x86_64/include/arch/cpu.h
endif
if ARCH_MIPS64
libdune_libdune_core_la_SOURCES += \
	arch/mips64/host.c arch/mips64/syscall.S arch/mips64/include/arch/cpu.h
endif

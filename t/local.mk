# t/local.mk — TAP tests, one program per behaviour.  The dune tests skip
# where the host lacks hardware virtualization; t/vm-suite.sh runs them
# inside a QEMU VM that has it (at 48 and 39 guest physical bits).
LOG_DRIVER = env AM_TAP_AWK='$(AWK)' $(SHELL) $(top_srcdir)/build-aux/tap-driver.sh
TEST_EXTENSIONS = .sh .lua
SH_LOG_DRIVER = $(LOG_DRIVER)
LUA_LOG_DRIVER = $(LOG_DRIVER)
LUA_LOG_COMPILER = $(LUA5_4)

# The public API on whatever backend the machine picks; the x86 ones use
# x86 instructions or the KVM backend's internals.  exec and errors run
# their own binary again, which a cross build's emulator cannot (no
# binfmt_misc), so cross builds leave them out.
portable_tests = t/enter-escape t/syscalls t/memory t/fork t/cycles \
	t/signals t/outside t/exit t/threads t/vmprot t/dirty t/alias t/huge
unit_tests = t/vmas t/host-chain t/host-dirty
check_PROGRAMS += $(portable_tests) $(unit_tests) t/exec t/errors
TESTS += $(portable_tests) $(unit_tests) t/host-dirty-mprotect.sh
if !CROSS
TESTS += t/exec t/errors
endif
if ARCH_X86_64
x86_tests = t/time t/simd t/tls t/guest-signals t/faults
check_PROGRAMS += $(x86_tests) t/x86-vmx-check t/pt-unit
TESTS += $(x86_tests) t/x86-vmx-check t/pt-unit
endif
dune_tests = $(portable_tests) t/exec $(x86_tests)
LOG_COMPILER = $(CROSS_EMULATOR)

# Link the uninstalled library without libtool wrapper scripts, so the
# binaries also run read-only inside the VM.
t_dune_ldadd = libdune/libdune.la
t_enter_escape_LDADD = $(t_dune_ldadd)
t_syscalls_LDADD = $(t_dune_ldadd)
t_memory_LDADD = $(t_dune_ldadd)
t_time_LDADD = $(t_dune_ldadd)
t_simd_LDADD = $(t_dune_ldadd) -lm
t_tls_LDADD = $(t_dune_ldadd)
t_fork_LDADD = $(t_dune_ldadd) -lpthread
t_exec_LDADD = $(t_dune_ldadd)
t_cycles_LDADD = $(t_dune_ldadd)
t_signals_LDADD = $(t_dune_ldadd)
AM_LDFLAGS = -no-install
t_errors_LDADD = $(t_dune_ldadd)
t_vmas_LDADD = libdune/libdune_core.la -lpthread
t_x86_vmx_check_LDADD = libdune/libdune_core.la -lpthread
EXTRA_DIST += t/tap.h t/dune_test.h

# The VM suite: the same dune tests under QEMU with hardware (emulated SVM)
# virtualization, at 48 and 39 guest physical address bits.
if HAVE_QEMU
if ARCH_X86_64
TESTS += t/vm-48.sh t/vm-39.sh
endif
endif
AM_TESTS_ENVIRONMENT = DUNE_TESTS='$(dune_tests) t/errors $(gc_tests) $(lua_tests)' \
	top_srcdir='$(abs_top_srcdir)' \
	LUA_CPATH='$(abs_top_builddir)/bindings-lua/.libs/?.so;;' \
	LUA_PATH='$(abs_top_srcdir)/t/lua/?.lua;;' \
	LD_LIBRARY_PATH='$(abs_top_builddir)/libdune/.libs' \
	CROSS_EMULATOR='$(CROSS_EMULATOR)'; \
	export DUNE_TESTS top_srcdir LUA_CPATH LUA_PATH LD_LIBRARY_PATH CROSS_EMULATOR;
EXTRA_DIST += t/vm-suite.sh t/vm-48.sh t/vm-39.sh
t_outside_LDADD = $(t_dune_ldadd) -lpthread
t_exit_LDADD = $(t_dune_ldadd) -lpthread
t_threads_LDADD = $(t_dune_ldadd) -lpthread
t_vmprot_LDADD = $(t_dune_ldadd)
t_dirty_LDADD = $(t_dune_ldadd)
t_faults_LDADD = $(t_dune_ldadd)
t_guest_signals_LDADD = $(t_dune_ldadd)
t_alias_LDADD = $(t_dune_ldadd)
t_pt_unit_LDADD = libdune/libdune_core.la -lpthread
t_huge_LDADD = $(t_dune_ldadd)
t_host_chain_LDADD = $(t_dune_ldadd)
t_host_dirty_LDADD = $(t_dune_ldadd)
EXTRA_DIST += t/host-dirty-mprotect.sh

if HAVE_BDWGC
gc_tests = t/gc
check_PROGRAMS += t/gc
TESTS += t/gc
t_gc_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/gcext/include $(BDWGC_CFLAGS)
t_gc_LDADD = gcext/libdune-gc.la libdune/libdune.la $(BDWGC_LIBS)
endif

# The Lua module's tests (lua5.4 with LUA_CPATH at the build tree).
lua_all = t/lua/basic.lua t/lua/buffer.lua t/lua/script.lua
EXTRA_DIST += $(lua_all) t/lua/tap.lua
if HAVE_LUA
lua_tests = $(lua_all)
TESTS += $(lua_all)
endif

# The MIPS64 VZ backend's pure parts (swtlb tables, CP0 set-up, exits).
if ARCH_MIPS64
check_PROGRAMS += t/arch/mips64
TESTS += t/arch/mips64
t_arch_mips64_SOURCES = t/arch/mips64.c t/arch/tap.h t/arch/swtlb.h \
	arch/swtlb/swtlb.c arch/mips64/vz.c
t_arch_mips64_CPPFLAGS = $(AM_CPPFLAGS)	# its own objects, not libtool's
endif

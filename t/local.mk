# t/local.mk — TAP tests, one program per behaviour.
LOG_DRIVER = env AM_TAP_AWK='$(AWK)' $(SHELL) $(top_srcdir)/build-aux/tap-driver.sh
TEST_EXTENSIONS = .sh
SH_LOG_DRIVER = $(LOG_DRIVER)

dune_tests = t/enter-escape
check_PROGRAMS += $(dune_tests) t/x86-vmx-check
TESTS += $(dune_tests) t/x86-vmx-check

t_LDADD = libdune/libdune.la
t_enter_escape_LDADD = $(t_LDADD)
t_enter_escape_LDFLAGS = -no-install
t_x86_vmx_check_LDADD = libdune/libdune_core.la -lpthread
EXTRA_DIST += t/tap.h t/dune_test.h

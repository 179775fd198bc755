# bench/local.mk — `make bench`: costs as ratios to a native baseline
# measured in the same run.  Where the host lacks hardware virtualization
# it runs inside the QEMU VM (numbers there only prove the harness).
noinst_PROGRAMS += bench/dune-bench bench/appel bench/host-dirty
bench_dune_bench_LDADD = libdune/libdune.la
bench_appel_LDADD = libdune/libdune.la
if ARCH_HAS_KVM
noinst_PROGRAMS += bench/scan
bench_scan_LDADD = libdune/libdune_core.la -lpthread
endif
bench_host_dirty_LDADD = libdune/libdune.la
EXTRA_DIST += bench/bench.h

# Each benchmark runs natively on the backend this machine picks; where
# that is not KVM, it runs again inside the QEMU VM for the KVM backend.
bench_run = run() { $(builddir)/bench/$$1 $$2; \
	case "$$($(builddir)/bench/dune-bench --backend)" in kvm*) ;; *) \
	echo "($$1 for the KVM backend, inside the QEMU VM:)"; \
	$(top_srcdir)/tools/vm-run --require-kvm $(abs_builddir)/bench/$$1 $$3 ;; esac; }

bench: bench/dune-bench bench/appel bench/scan bench/host-dirty
	@$(bench_run); run dune-bench 20000 5000; echo; run appel 2000 500; echo; \
	$(builddir)/bench/scan native; echo; \
	echo "(scan inside dune, QEMU VM:)"; $(top_srcdir)/tools/vm-run --require-kvm \
		$(abs_builddir)/bench/scan dune 64 256; echo; \
	$(builddir)/bench/host-dirty
# `make bench-gc`: Boehm GC workloads, stock / Boehm incremental / gcext;
# table on stdout, bench/gc.csv and bench/gc-pauses.png (with gnuplot).
if HAVE_BDWGC
noinst_PROGRAMS += bench/gc
bench_gc_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/gcext/include $(BDWGC_CFLAGS)
bench_gc_LDADD = gcext/libdune-gc.la libdune/libdune.la $(BDWGC_LIBS)
bench-gc: bench/gc
	@$(builddir)/bench/gc $(builddir)/bench
else
bench-gc:
	@echo "bench-gc needs libgc (Debian libgc-dev)"
endif
CLEANFILES += bench/gc.csv bench/gc-pauses.*
.PHONY: bench bench-gc

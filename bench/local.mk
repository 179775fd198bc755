# bench/local.mk — `make bench`: costs as ratios to a native baseline
# measured in the same run.  Where the host lacks hardware virtualization
# it runs inside the QEMU VM (numbers there only prove the harness).
noinst_PROGRAMS += bench/dune-bench bench/appel bench/scan
bench_dune_bench_LDADD = libdune/libdune.la
bench_appel_LDADD = libdune/libdune.la
bench_scan_LDADD = libdune/libdune_core.la -lpthread
EXTRA_DIST += bench/bench.h

# Run natively where dune works, else (exit 77) inside the QEMU VM.
bench_run = run() { if $(builddir)/bench/$$1 $$2 >/dev/null 2>&1; then \
	$(builddir)/bench/$$1; else \
	echo "($$1: no hardware virtualization here, running in the QEMU VM)"; \
	$(top_srcdir)/tools/vm-run --require-kvm $(abs_builddir)/bench/$$1 $$3; fi; }

bench: bench/dune-bench bench/appel bench/scan
	@$(bench_run); run dune-bench 200 5000; echo; run appel 100 500; echo; \
	$(builddir)/bench/scan native; echo; run scan "dune 64" "dune 64 256"
.PHONY: bench

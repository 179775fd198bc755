# bench/local.mk — `make bench`: costs as ratios to a native baseline
# measured in the same run.  Where the host lacks hardware virtualization
# it runs inside the QEMU VM (numbers there only prove the harness).
noinst_PROGRAMS += bench/dune-bench
bench_dune_bench_LDADD = libdune/libdune.la

bench: bench/dune-bench
	@if $(builddir)/bench/dune-bench 2000 >/dev/null 2>&1; then \
		$(builddir)/bench/dune-bench; \
	else \
		echo "no hardware virtualization here: running in the QEMU VM"; \
		$(top_srcdir)/tools/vm-run --require-kvm $(abs_builddir)/bench/dune-bench 5000; \
	fi
.PHONY: bench

# demos/local.mk — small programs that show libdune at work.  `make demo`
# runs the tour natively where the CPU has VT-x/SVM, else in the QEMU VM.
noinst_PROGRAMS += demos/hello
demos_hello_LDADD = libdune/libdune.la

demo: demos/hello
	@$(builddir)/demos/hello; rc=$$?; \
	if [ $$rc -eq 77 ]; then \
		echo "(no hardware virtualization here: running the demo in the QEMU VM)"; \
		$(top_srcdir)/tools/vm-run --require-kvm $(abs_builddir)/demos/hello; \
	else exit $$rc; fi
.PHONY: demo

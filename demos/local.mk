# demos/local.mk — small programs that show libdune at work.  `make demo`
# runs the tour (natively where the CPU has VT-x/SVM, else in the QEMU
# VM), the Boehm GC comparison and the Lua demo.
noinst_PROGRAMS += demos/hello
demos_hello_LDADD = libdune/libdune.la
EXTRA_DIST += demos/dirty.lua

if HAVE_BDWGC
noinst_PROGRAMS += demos/gc-demo
demos_gc_demo_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/gcext/include $(BDWGC_CFLAGS)
demos_gc_demo_LDADD = gcext/libdune-gc.la libdune/libdune.la $(BDWGC_LIBS)
demo_gc = echo; $(builddir)/demos/gc-demo
else
demo_gc = :
endif
if HAVE_LUA
demo_lua = echo; echo "lua5.4 -l dune demos/dirty.lua:"; \
	LUA_CPATH='$(abs_builddir)/bindings-lua/.libs/?.so;;' \
	LD_LIBRARY_PATH='$(abs_builddir)/libdune/.libs' \
	$(LUA5_4) -l dune $(top_srcdir)/demos/dirty.lua
else
demo_lua = :
endif

demo: all
	@$(builddir)/demos/hello; rc=$$?; \
	if [ $$rc -eq 77 ]; then \
		echo "(no hardware virtualization here: the tour again in the QEMU VM)"; \
		$(top_srcdir)/tools/vm-run --require-kvm $(abs_builddir)/demos/hello; \
	elif [ $$rc -ne 0 ]; then exit $$rc; fi; \
	$(demo_gc); $(demo_lua)
.PHONY: demo

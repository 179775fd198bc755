# gcext/local.mk — libdune-gc: Boehm GC's write barrier from dirty bits.
# Built where libgc (pkg-config bdw-gc) is found.
if HAVE_BDWGC
lib_LTLIBRARIES += gcext/libdune-gc.la
gcext_libdune_gc_la_SOURCES = gcext/gcext.c
gcext_libdune_gc_la_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/gcext/include $(BDWGC_CFLAGS)
gcext_libdune_gc_la_LIBADD = libdune/libdune.la $(BDWGC_LIBS)
gcext_libdune_gc_la_LDFLAGS = -version-info 0:0:0 -no-undefined
dunegcdir = $(includedir)/dune
dunegc_HEADERS = gcext/include/dune/gc.h
pkgconfig_DATA += dune-gc.pc
endif

# libdune/local.mk — the generic library and its public header.  Everything
# is built once into a convenience library, which the installed library
# wraps and the unit tests link directly (they reach hidden symbols).
# The KVM backend's generic half is built where the architecture has a
# KVM backend; elsewhere kvm_none.c stands in and the host backend serves.
noinst_LTLIBRARIES = libdune/libdune_core.la
libdune_libdune_core_la_SOURCES = \
	libdune/api.c libdune/backend.c libdune/backend.h libdune/vmas.c \
	libdune/debug.c libdune/host.c libdune/host.h libdune/host_region.c \
	libdune/host_signal.c libdune/host_dirty.c libdune/host_alias.c \
	libdune/host_mm.c libdune/pagemap.h libdune/dune_int.h libdune/arch.h libdune/arch_exit.h
if ARCH_HAS_KVM
libdune_libdune_core_la_SOURCES += \
	libdune/vm.c libdune/loop.c libdune/syscall.c libdune/mirror.c \
	libdune/slots.c libdune/ptpool.c libdune/guest.c libdune/kvm.c \
	libdune/kvm_pt.c libdune/kvm.h
else
libdune_libdune_core_la_SOURCES += libdune/kvm_none.c
endif

lib_LTLIBRARIES += libdune/libdune.la
libdune_libdune_la_SOURCES =
libdune_libdune_la_LDFLAGS = -version-info 0:0:0 -no-undefined
libdune_libdune_la_LIBADD = libdune/libdune_core.la -lpthread
dunedir = $(includedir)/dune
dune_HEADERS = libdune/include/dune/dune.h

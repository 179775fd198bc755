/* kvm_none.c — the KVM backend where this architecture has none yet: the
 * process gets the host backend, and DUNE_BACKEND=kvm says -ENOTSUP. */
#include <errno.h>
#include "dune_int.h"
#include "backend.h"

DEFINE_REFUSING_BACKEND(kvm_backend, "kvm-" ARCH_NAME, -ENOTSUP);

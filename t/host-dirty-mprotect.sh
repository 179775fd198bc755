#!/bin/sh
# host-dirty-mprotect.sh — the host backend's dirty tests with the mprotect
# fallback forced on (as on kernels without userfaultfd write-protect).
DUNE_HOST_DIRTY=mprotect exec ${CROSS_EMULATOR} ./t/host-dirty

# tools/local.mk — the QEMU VM runner that proves the KVM backend where the
# host has no hardware virtualization.  Usable directly: tools/vm-run CMD.
EXTRA_DIST += tools/vm-run tools/vm/init tools/quickstart

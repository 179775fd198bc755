/* kvm.h — the KVM backend's entry points (kvm.c, kvm_pt.c). */
#ifndef DUNE_KVM_H
#define DUNE_KVM_H

#include "dune_int.h"

HIDDEN int kvm_vm_protect(uintptr_t start, uintptr_t end, int prot);
HIDDEN int kvm_vm_lookup(uintptr_t page, struct dune_page_info *info);
HIDDEN int kvm_vm_walk(uintptr_t start, uintptr_t end,
		       int (*cb)(void *, const struct dune_page_info *, void *), void *arg);
HIDDEN int kvm_vm_alias(uintptr_t alias, uintptr_t start, uintptr_t end, int prot);
HIDDEN long kvm_collect(uintptr_t start, uintptr_t end, uint64_t *bits, bool clear,
			bool dirty);
HIDDEN int kvm_set_fault_handler(dune_fault_fn fn, void *arg);
HIDDEN int kvm_set_trap_handler(int vector, dune_trap_fn fn, void *arg);

#endif

/* slots.c — guest physical space: host memory is handed to KVM lazily in
 * aligned 1 GiB blocks, one memslot each.  A block sits at GPA = HVA when
 * the guest has physical bits for every user address; otherwise blocks are
 * relocated, in order of first use, from RELOC_BASE up (the injective map
 * gVisor uses), which covers every mapping while they fit. */
#include <errno.h>
#include <sys/mman.h>
#include <sys/ioctl.h>
#include <linux/kvm.h>
#include "dune_int.h"

static int add_slot(struct dune_vm *vm, uintptr_t hva, uint64_t gpa)
{
	if (vm->vm_fd < 0)
		return 0;	/* detached tables (vm_detached): no KVM */
	struct kvm_userspace_memory_region m = {
		.slot = (uint32_t)vm->nblocks,
		.guest_phys_addr = gpa,
		.userspace_addr = hva,
		/* The top block stops short of the user address limit, which
		 * KVM requires the slot to stay below. */
		.memory_size = hva + BLOCK_SIZE > ARCH_USER_VA_END ?
			       ARCH_USER_VA_END - hva : BLOCK_SIZE,
	};
	if (ioctl(vm->vm_fd, KVM_SET_USER_MEMORY_REGION, &m) < 0)
		return errno == EINVAL && vm->nblocks >= MAX_BLOCKS ? -ENOSPC : -errno;
	return 0;
}

static bool identity(const struct dune_vm *vm)
{
	return vm->phys_bits >= ARCH_USER_VA_BITS;
}

int slots_gpa(struct dune_vm *vm, uintptr_t hva, uint64_t *gpa)
{
	uintptr_t base = hva & ~(BLOCK_SIZE - 1);
	uint64_t at;
	int r, saved = errno;
	for (size_t i = 0; i < vm->nblocks; i++) {
		if (vm->blocks[i].hva == base) {
			*gpa = vm->blocks[i].gpa + (hva - base);
			return 0;
		}
	}
	if (hva >= ARCH_USER_VA_END)
		return -EFAULT;
	if (vm->nblocks >= MAX_BLOCKS)
		return -ENOSPC;
	at = identity(vm) ? base : vm->gpa_next;
	if (!identity(vm) && at + BLOCK_SIZE > (1ull << vm->phys_bits))
		return -ENOSPC;
	r = add_slot(vm, base, at);
	errno = saved;
	if (r < 0)
		return r;
	vm->blocks[vm->nblocks++] = (struct block){ base, at, 0 };
	vm->blocks[vm->nblocks - 1].slot = (uint32_t)vm->nblocks - 1;
	if (!identity(vm))
		vm->gpa_next += BLOCK_SIZE;
	vm->stats.memslots = vm->nblocks;
	*gpa = at + (hva - base);
	return 0;
}

void slots_release(struct dune_vm *vm)
{
	if (vm->blocks)
		sys_munmap(vm->blocks, MAX_BLOCKS * sizeof(*vm->blocks));
	vm->blocks = NULL;
	vm->nblocks = 0;
}

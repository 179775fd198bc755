/* pt-unit.c — the page-table code on tables no CPU walks (a detached VM):
 * the public page-table calls, guest-only protection encoding, accessed
 * and dirty collection with its directory-level skip, the MMU's bit
 * setting imitated by arch_pt_touch.  Runs natively on any host. */
#include <errno.h>
#include <stdint.h>
#include <sys/mman.h>
#include "dune_int.h"
#include "kvm.h"
#include "tap.h"

#define TABLE (512 * PAGE_SIZE)	/* what one leaf table covers */

int main(void)
{
	struct dune_vm *vm;
	struct dune_page_info info;
	uint64_t bits[4 * 512 / 64];
	plan(20);
	ok(vm_detached(&vm) == 0, "detached page tables");
	/* Four leaf tables' worth, aligned so tables are whole. */
	char *raw = mmap(NULL, 5 * TABLE, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	char *heap = (char *)(((uintptr_t)raw + TABLE - 1) & ~(TABLE - 1));
	char *ro = mmap(NULL, PAGE_SIZE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ok(kvm_vm_lookup((uintptr_t)heap, &info) == -ENOENT, "nothing mirrored yet");
	ok(mirror_populate(vm, (uintptr_t)heap, (uintptr_t)heap + 4 * TABLE) == 0,
	   "mirror 2048 pages from the host mappings");
	ok(kvm_vm_lookup((uintptr_t)heap, &info) == 0 && info.present &&
	   info.prot == (PROT_READ | PROT_WRITE) && !info.dirty && !info.accessed,
	   "a mirrored page: read-write, clean, old");
	ok(kvm_collect((uintptr_t)(heap), (uintptr_t)(heap) + (4 * TABLE), bits, false, true) == 0, "nothing dirty");
	static const int pages[] = { 0, 7, 511, 512, 1500, 2047 };
	for (int i = 0; i < 6; i++)
		arch_pt_touch(vm, (uintptr_t)heap + pages[i] * PAGE_SIZE, true);
	long n = kvm_collect((uintptr_t)(heap), (uintptr_t)(heap) + (4 * TABLE), bits, true, true);
	int exact = n == 6;
	for (int i = 0; i < 6; i++)
		exact &= !!(bits[pages[i] / 64] & (1ull << (pages[i] % 64)));
	ok(exact, "exactly the written pages are dirty (%ld)", n);
	ok(kvm_collect((uintptr_t)(heap), (uintptr_t)(heap) + (4 * TABLE), bits, false, true) == 0, "cleared");
	ok(kvm_collect((uintptr_t)(heap), (uintptr_t)(heap) + (4 * TABLE), bits, false, false) == 6, "the same pages are young");
	/* A clearing young scan clears the directories' accessed bits; the
	 * dirty scan must still find a page written before it. */
	arch_pt_touch(vm, (uintptr_t)heap + 600 * PAGE_SIZE, true);
	ok(kvm_collect((uintptr_t)(heap), (uintptr_t)(heap) + (4 * TABLE), NULL, true, false) >= 0 &&
	   kvm_collect((uintptr_t)(heap), (uintptr_t)(heap) + (4 * TABLE), bits, false, true) == 1 &&
	   (bits[600 / 64] & (1ull << (600 % 64))), "dirty survives a clearing young scan");
	ok(kvm_collect((uintptr_t)(heap), (uintptr_t)(heap) + (4 * TABLE), NULL, true, true) >= 0 && kvm_collect((uintptr_t)(heap), (uintptr_t)(heap) + (4 * TABLE), NULL, true, false) >= 0 &&
	   kvm_collect((uintptr_t)(heap), (uintptr_t)(heap) + (4 * TABLE), bits, false, false) == 0 &&
	   kvm_collect((uintptr_t)(heap), (uintptr_t)(heap) + (4 * TABLE), bits, false, true) == 0, "all clean and old");
	arch_pt_touch(vm, (uintptr_t)heap + 1000 * PAGE_SIZE, false);
	ok(kvm_collect((uintptr_t)(heap), (uintptr_t)(heap) + (4 * TABLE), bits, false, false) == 1 &&
	   kvm_collect((uintptr_t)(heap), (uintptr_t)(heap) + (4 * TABLE), bits, false, true) == 0,
	   "a read after the clear: young, not dirty (tables skipped otherwise)");
	/* A partial clear must not hide the rest of its table. */
	arch_pt_touch(vm, (uintptr_t)heap + 10 * PAGE_SIZE, true);
	arch_pt_touch(vm, (uintptr_t)heap + 20 * PAGE_SIZE, true);
	kvm_collect((uintptr_t)(heap + 10 * PAGE_SIZE), (uintptr_t)(heap + 10 * PAGE_SIZE) + (PAGE_SIZE), bits, true, true);
	ok(kvm_collect((uintptr_t)(heap), (uintptr_t)(heap) + (TABLE), bits, false, true) == 1 && (bits[0] & (1ull << 20)),
	   "a one-page clear leaves the table's other dirty page");
	/* Guest-only protection. */
	ok(kvm_vm_protect((uintptr_t)(heap), (uintptr_t)(heap) + (2 * PAGE_SIZE), PROT_NONE) == 0 &&
	   kvm_vm_lookup((uintptr_t)heap, &info) == 0 && info.present && info.prot == 0 &&
	   info.guarded && info.host_prot == (PROT_READ | PROT_WRITE),
	   "PROT_NONE guard: still a translation, nothing granted");
	ok(arch_pt_touch(vm, (uintptr_t)heap, false) == -EACCES,
	   "the MMU would fault on it");
	ok(mirror_fault(vm, (uintptr_t)heap, ACCESS_READ) == 0 &&
	   kvm_vm_lookup((uintptr_t)heap, &info) == 0 && info.guarded && info.prot == 0,
	   "re-mirroring the page keeps the guard");
	ok(kvm_vm_protect((uintptr_t)(heap), (uintptr_t)(heap) + (2 * PAGE_SIZE), PROT_READ | PROT_WRITE | PROT_EXEC) == 0 &&
	   kvm_vm_lookup((uintptr_t)heap + PAGE_SIZE, &info) == 0 &&
	   info.prot == (PROT_READ | PROT_WRITE), "a guard never exceeds the host's protection");
	ok(kvm_vm_protect((uintptr_t)(ro), (uintptr_t)(ro) + (PAGE_SIZE), PROT_READ | PROT_WRITE) == 0 &&
	   kvm_vm_lookup((uintptr_t)ro, &info) == 0 && info.prot == PROT_READ &&
	   arch_pt_touch(vm, (uintptr_t)ro, true) == -EACCES,
	   "read-only host page stays read-only");
	ok(mirror_fault(vm, (uintptr_t)ro, ACCESS_WRITE) == -EACCES &&
	   mirror_fault(vm, 0x1000, ACCESS_READ) == -EFAULT,
	   "mirror: -EACCES where the host denies, -EFAULT where nothing is mapped");
	munmap(ro, PAGE_SIZE);
	mirror_zap(vm, (uintptr_t)ro, (uintptr_t)ro + PAGE_SIZE);
	ok(kvm_vm_lookup((uintptr_t)ro, &info) == -ENOENT, "zapped after munmap");
	ok(vm->stats.pt_pages >= 6,
	   "page-table pages counted (%llu)", (unsigned long long)vm->stats.pt_pages);
	return done_testing();
}

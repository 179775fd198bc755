/* vmprot.c — dune_vm_protect, dune_vm_lookup and dune_vm_walk on real
 * ranges, and every bad-input class returning its error. */
#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>
#include "dune_test.h"

static int walked, walked_ro;

static int count_pages(void *page, const struct dune_page_info *info, void *arg)
{
	walked++;
	if (info->prot == PROT_READ)
		walked_ro++;
	return page == arg ? 99 : 0;
}

int main(void)
{
	struct dune_page_info info;
	need_dune();
	plan(26);
	char *p = mmap(NULL, 16 * 4096, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *ro = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ok(dune_enter() == 0, "enter");
	memset(p, 1, 16 * 4096);
	ok(dune_vm_lookup(p, &info) == 0 && info.present && info.page_size == 4096 &&
	   info.prot == (PROT_READ | PROT_WRITE) && info.dirty && info.accessed &&
	   !info.guarded, "lookup of a written page: present, rw, dirty, accessed");
	ok(dune_vm_protect(p, 4 * 4096, PROT_READ) == 0, "protect 4 pages read-only");
	ok(dune_vm_lookup(p + 4096, &info) == 0 && info.prot == PROT_READ &&
	   info.host_prot == (PROT_READ | PROT_WRITE) && info.guarded,
	   "lookup shows the guest protection and the host's");
	ok(p[4096] == 1, "reads still work");
	walked = walked_ro = 0;
	ok(dune_vm_walk(p, 16 * 4096, count_pages, NULL) == 0 && walked == 16 &&
	   walked_ro == 4, "walk visits 16 pages, 4 read-only (%d, %d)", walked, walked_ro);
	walked = 0;
	ok(dune_vm_walk(p, 16 * 4096, count_pages, p + 2 * 4096) == 99 && walked == 3,
	   "a callback's non-zero return stops the walk and is returned");
	ok(dune_vm_protect(p, 4 * 4096, PROT_READ | PROT_WRITE) == 0 && (p[0] = 2) == 2,
	   "unprotect, then write");
	ok(dune_vm_protect(ro, 4096, PROT_READ | PROT_WRITE) == 0 &&
	   dune_vm_lookup(ro, &info) == 0 && info.prot == PROT_READ,
	   "guest protection is capped by the host mapping");
	char *fresh = mmap(NULL, 8 * 4096, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ok(dune_vm_lookup(fresh, &info) == (on_kvm() ? -ENOENT : 0),
	   "an untouched page: not in the guest yet (kvm), mapped (host)");
	ok(dune_vm_protect(fresh, 8 * 4096, PROT_NONE) == 0 &&
	   dune_vm_lookup(fresh + 4096, &info) == 0 && info.present && info.prot == 0,
	   "protecting untouched pages mirrors them first");
	dune_vm_protect(fresh, 8 * 4096, PROT_READ | PROT_WRITE);
	/* Bad input. */
	ok(dune_vm_protect(p + 1, 4096, PROT_READ) == -EINVAL, "unaligned address: -EINVAL");
	ok(dune_vm_protect(p, 100, PROT_READ) == -EINVAL, "unaligned length: -EINVAL");
	ok(dune_vm_protect(p, 0, PROT_READ) == -EINVAL, "zero length: -EINVAL");
	ok(dune_vm_protect((void *)-4096l, 8192, PROT_READ) == -EINVAL, "wrapping range: -EINVAL");
	ok(dune_vm_protect(p, 4096, 0x100) == -EINVAL, "unknown prot bits: -EINVAL");
	munmap(fresh, 8 * 4096);
	ok(dune_vm_protect(fresh, 4096, PROT_READ) == -ENOMEM, "unmapped range: -ENOMEM");
	ok(dune_vm_lookup(p, NULL) == -EFAULT, "lookup with NULL info: -EFAULT");
	ok(dune_vm_lookup((void *)-1l, &info) == -EINVAL, "lookup of a kernel address: -EINVAL");
	ok(dune_vm_walk(p, 4096, NULL, NULL) == -EFAULT, "walk without callback: -EFAULT");
	ok(dune_vm_walk(p, 4095, count_pages, NULL) == -EINVAL, "walk of a bad range: -EINVAL");
	dune_escape();
	/* Outside dune, with the VM idle, the calls still work. */
	ok(dune_vm_protect(p, 4096, PROT_READ) == 0 && dune_vm_lookup(p, &info) == 0 &&
	   info.prot == PROT_READ, "protect and lookup from outside dune");
	dune_vm_protect(p, 4096, PROT_READ | PROT_WRITE);
	ok(
#if defined(__x86_64__)
	   dune_set_trap_handler(14, NULL, NULL) == -EINVAL &&	/* #PF */
#endif
	   dune_set_trap_handler(32, NULL, NULL) == -EINVAL &&
	   dune_set_trap_handler(-1, NULL, NULL) == -EINVAL,
	   "trap handler vectors: page fault and out of range are -EINVAL");
	ok(dune_mkclean(p, 4096 + 1) == -EINVAL && dune_mkold(NULL, 4096) == 0,
	   "mkclean of a bad range: -EINVAL; mkold of an unmapped one: nothing to do");
	uint64_t bits[1];
	ok(dune_dirty_collect(p, 4096, NULL, 0) == -EFAULT &&
	   dune_dirty_collect(p, 4096, bits, 8) == -EINVAL,
	   "collect without bits: -EFAULT; unknown flags: -EINVAL");
	pid_t pid = fork();
	if (pid == 0)
		_exit(dune_vm_protect(p, 4096, PROT_READ) == -ENOTSUP ? 0 : 1);
	int st;
	ok(!on_kvm() || (waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0),
	   "in a child that never entered: -ENOTSUP (kvm: no VM of its own yet)");
	if (!on_kvm())
		waitpid(pid, &st, 0);
	return done_testing();
}

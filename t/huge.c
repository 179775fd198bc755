/* huge.c — hugetlb pages are mirrored as one guest huge page; its
 * accessed and dirty bits report every 4 KiB page it covers. */
#include <fcntl.h>
#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>
#include "dune_test.h"

#define HUGE (2ul << 20)

/* Reserve a few huge pages where allowed (root, as in the VM suite). */
static void reserve(void)
{
	int fd = open("/proc/sys/vm/nr_hugepages", O_WRONLY);
	if (fd >= 0) {
		if (write(fd, "8", 1) < 0)
			close(fd);
		else
			close(fd);
	}
}

int main(void)
{
	uint64_t bits[2 * 512 / 64];
	struct dune_page_info info;
	need_dune();
	reserve();
	char *p = mmap(NULL, 2 * HUGE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB, -1, 0);
	if (p == MAP_FAILED)
		skip_all("no hugetlb pages available (vm.nr_hugepages)");
	plan(6);
	dune_enter();
	p[100] = 1;
	p[HUGE + 100] = 1;
	int looked = dune_vm_lookup(p + 4096 * 7, &info);
	ok(looked == 0 && info.page_size == HUGE && info.dirty,
	   "a hugetlb page is one 2 MiB guest page (lookup %d, size %zu)", looked, info.page_size);
	ok(dune_dirty_collect(p, 2 * HUGE, bits, DUNE_CLEAR) == 1024,
	   "two written huge pages report all 1024 small pages");
	ok(dune_dirty_collect(p, 2 * HUGE, bits, 0) == 0, "cleared");
	p[HUGE + 4096 * 3] = 2;
	long n = dune_dirty_collect(p, 2 * HUGE, bits, 0);
	ok(n == 512 && bits[0] == 0 && bits[8] == ~0ull && bits[15] == ~0ull,
	   "a write to the second reports exactly its 512 pages (%ld)", n);
	int old = dune_mkold(p, 2 * HUGE) == 0 && dune_young_collect(p, 2 * HUGE, bits, 0) == 0;
	volatile char c = p[5];
	(void)c;
	ok(old && dune_young_collect(p, 2 * HUGE, bits, 0) == 512, "accessed bits likewise");
	ok(dune_vm_protect(p, 4096, PROT_READ) == -ENOTSUP,
	   "guest protection inside a huge page: -ENOTSUP");
	dune_escape();
	return done_testing();
}

/* scan.c — the cost of dirty-page collection per page, clean and dirty,
 * over 64 MiB to 4 GiB, against the kernel's own PAGEMAP_SCAN (with
 * userfaultfd async write-protect) on the same range in the same run.
 *
 *   scan [native] [MiB ...]   libdune's scan on detached page tables (the
 *                             scan needs no privilege), beside PAGEMAP_SCAN
 *   scan dune [MiB ...]       dune_dirty_collect on the real guest tables,
 *                             inside dune (exits 77 where dune cannot run)
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "dune_int.h"
#include "kvm.h"
#include "pagemap.h"
#include "bench.h"

struct pagemap {
	int uffd, pagemap;
	struct pm_page_region vec[64];
};

/* Register [p, p+len) for async write-protect; -errno where the kernel
 * lacks it. */
static int pagemap_open(struct pagemap *pm, char *p, size_t len)
{
	struct uffdio_api api = { .api = UFFD_API, .features = UFFD_FEATURE_WP_ASYNC };
	struct uffdio_register reg = {
		.range = { (uintptr_t)p, len }, .mode = UFFDIO_REGISTER_MODE_WP };
	pm->uffd = (int)syscall(SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK);
	if (pm->uffd < 0)
		return -errno;
	if (ioctl(pm->uffd, UFFDIO_API, &api) < 0 || ioctl(pm->uffd, UFFDIO_REGISTER, &reg) < 0)
		return -errno;
	pm->pagemap = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	return pm->pagemap < 0 ? -errno : 0;
}

/* Report written pages and write-protect them again: a clearing collect. */
static long pagemap_collect(struct pagemap *pm, char *p, size_t len)
{
	struct pm_scan_arg a = {
		.size = sizeof(a), .flags = PM_SCAN_WP_MATCHING | PM_SCAN_CHECK_WPASYNC,
		.start = (uintptr_t)p, .end = (uintptr_t)p + len,
		.vec = (uintptr_t)pm->vec, .vec_len = 64,
		.category_mask = PM_PAGE_IS_WRITTEN, .return_mask = PM_PAGE_IS_WRITTEN,
	};
	long pages = 0, n;
	while (a.start < a.end) {
		n = ioctl(pm->pagemap, PM_PAGEMAP_SCAN, &a);
		if (n < 0)
			return -errno;
		for (long i = 0; i < n; i++)
			pages += (long)((pm->vec[i].end - pm->vec[i].start) / PAGE_SIZE);
		a.start = a.walk_end;
	}
	return pages;
}

static void write_pages(char *p, size_t len)
{
	for (size_t off = 0; off < len; off += PAGE_SIZE)
		p[off]++;
}

static void native(int nsizes, const long *mib)
{
	struct dune_vm *vm;
	if (vm_detached(&vm) < 0) {
		fprintf(stderr, "scan: cannot build detached page tables\n");
		return;
	}
	printf("Dirty collection, ns per page (median of 5): the KVM backend's scan, run\n"
	       "natively on page tables no CPU walks, vs PAGEMAP_SCAN + uffd async WP\n");
	printf("%8s %12s %12s %12s %12s %12s %10s %10s\n", "MiB", "dune-clean",
	       "dune-readtbl", "dune-dirty", "pmscan-clean", "pmscan-dirty",
	       "clean x", "dirty x");
	for (int s = 0; s < nsizes; s++) {
		size_t len = (size_t)mib[s] << 20;
		size_t pages = len / PAGE_SIZE;
		uint64_t *bits = calloc(pages / 64 + 1, sizeof(uint64_t));
		char *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
		double clean, readtbl, dirty, pm_clean = 0, pm_dirty = 0;
		struct pagemap pm;
		if (p == MAP_FAILED || !bits) {
			printf("%8ld (no memory)\n", mib[s]);
			continue;
		}
		mirror_populate(vm, (uintptr_t)p, (uintptr_t)p + len);
		BENCH_MEDIAN(clean, 1, kvm_collect((uintptr_t)p, (uintptr_t)p + len, NULL, true, true); kvm_collect((uintptr_t)p, (uintptr_t)p + len, NULL, true, false),
			     kvm_collect((uintptr_t)p, (uintptr_t)p + len, bits, true, true), );
		BENCH_MEDIAN(readtbl, 1,
			     kvm_collect((uintptr_t)p, (uintptr_t)p + len, NULL, true, true); kvm_collect((uintptr_t)p, (uintptr_t)p + len, NULL, true, false);
			     for (size_t o = 0; o < len; o += 512 * PAGE_SIZE)
				     arch_pt_touch(vm, (uintptr_t)p + o, false),
			     kvm_collect((uintptr_t)p, (uintptr_t)p + len, bits, true, true), );
		BENCH_MEDIAN(dirty, 1,
			     for (size_t o = 0; o < len; o += PAGE_SIZE)
				     arch_pt_touch(vm, (uintptr_t)p + o, true),
			     kvm_collect((uintptr_t)p, (uintptr_t)p + len, bits, true, true), );
		int r = pagemap_open(&pm, p, len);
		if (r == 0) {
			write_pages(p, len);
			pagemap_collect(&pm, p, len);
			BENCH_MEDIAN(pm_clean, 1, , pagemap_collect(&pm, p, len), );
			BENCH_MEDIAN(pm_dirty, 1, write_pages(p, len),
				     pagemap_collect(&pm, p, len), );
			close(pm.uffd);
			close(pm.pagemap);
		}
		clean /= pages, readtbl /= pages, dirty /= pages;
		pm_clean /= pages, pm_dirty /= pages;
		if (r == 0)
			printf("%8ld %12.3f %12.3f %12.3f %12.3f %12.3f %10.1f %10.1f\n", mib[s],
			       clean, readtbl, dirty, pm_clean, pm_dirty, pm_clean / clean,
			       pm_dirty / dirty);
		else
			printf("%8ld %12.3f %12.3f %12.3f %12s %12s (PAGEMAP_SCAN: %s)\n", mib[s],
			       clean, readtbl, dirty, "-", "-", strerror(-r));
		arch_pt_unmap(vm, (uintptr_t)p, (uintptr_t)p + len);
		munmap(p, len);
		free(bits);
	}
}

static int in_dune(int nsizes, const long *mib)
{
	int r = dune_enter();
	if (r < 0) {
		fprintf(stderr, "scan: dune_enter: %s\n", strerror(-r));
		return 77;
	}
	dune_escape();
	printf("dune_dirty_collect inside dune (guest tables, backend %s), ns per page\n",
	       dune_backend());
	printf("%8s %12s %12s\n", "MiB", "clean", "dirty");
	for (int s = 0; s < nsizes; s++) {
		size_t len = (size_t)mib[s] << 20, pages = len / PAGE_SIZE;
		uint64_t *bits = calloc(pages / 64 + 1, sizeof(uint64_t));
		char *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
		double clean, dirty;
		dune_enter();
		write_pages(p, len);
		BENCH_MEDIAN(clean, 1, dune_mkclean(p, len); dune_mkold(p, len),
			     dune_dirty_collect(p, len, bits, DUNE_CLEAR), );
		BENCH_MEDIAN(dirty, 1, write_pages(p, len),
			     dune_dirty_collect(p, len, bits, DUNE_CLEAR), );
		dune_escape();
		printf("%8ld %12.3f %12.3f\n", mib[s], clean / pages, dirty / pages);
		munmap(p, len);
		free(bits);
	}
	return 0;
}

int main(int argc, char **argv)
{
	long mib[16] = { 64, 256, 1024, 4096 };
	int nsizes = 4, mode_dune = 0, arg = 1;
	if (arg < argc && strcmp(argv[arg], "dune") == 0)
		mode_dune = 1, arg++;
	else if (arg < argc && strcmp(argv[arg], "native") == 0)
		arg++;
	if (arg < argc) {
		for (nsizes = 0; arg < argc && nsizes < 16; arg++)
			mib[nsizes++] = atol(argv[arg]);
	}
	if (mode_dune)
		return in_dune(nsizes, mib);
	native(nsizes, mib);
	return 0;
}

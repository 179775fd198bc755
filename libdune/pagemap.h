/* pagemap.h — PAGEMAP_SCAN and userfaultfd write-protect constants newer
 * than Debian 12's kernel headers (Linux 6.7 include/uapi/linux/fs.h,
 * 6.4/6.7 include/uapi/linux/userfaultfd.h). */
#ifndef DUNE_PAGEMAP_H
#define DUNE_PAGEMAP_H

#include <stdint.h>
#include <sys/ioctl.h>
#include <linux/userfaultfd.h>

struct pm_page_region {
	uint64_t start, end, categories;
};

struct pm_scan_arg {
	uint64_t size, flags, start, end, walk_end, vec, vec_len, max_pages;
	uint64_t category_inverted, category_mask, category_anyof_mask, return_mask;
};

#define PM_PAGEMAP_SCAN		_IOWR('f', 16, struct pm_scan_arg)
#define PM_SCAN_WP_MATCHING	(1 << 0)	/* write-protect what matches */
#define PM_SCAN_CHECK_WPASYNC	(1 << 1)	/* -EPERM unless uffd async WP */
#define PM_PAGE_IS_WRITTEN	(1 << 1)

#ifndef UFFD_FEATURE_WP_UNPOPULATED
#define UFFD_FEATURE_WP_UNPOPULATED (1 << 13)
#endif
#ifndef UFFD_FEATURE_WP_ASYNC
#define UFFD_FEATURE_WP_ASYNC (1 << 15)
#endif
#ifndef UFFD_USER_MODE_ONLY
#define UFFD_USER_MODE_ONLY 1
#endif

#endif

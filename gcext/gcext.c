/* gcext.c — libgc's manual VDB mode fed from dune dirty bits.  When a
 * collection starts marking (GC_EVENT_MARK_START: the world is stopped and
 * libgc is about to read its dirty set), the dirty pages of the heap are
 * collected and cleared, and each is reported with GC_end_stubborn_change.
 * The heap's pages are found through public calls only: the process's
 * anonymous writable mappings, page by page through GC_is_heap_ptr, again
 * whenever libgc says the heap was resized. */
#define GC_THREADS
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>
#include <gc/gc.h>
#include <gc/gc_inline.h>
#include <dune/gc.h>

#define PAGE 4096ul

struct range {
	uintptr_t start, end;
};

static struct {
	struct range *r;
	size_t n, cap;
	bool stale;
	uint64_t *bits;		/* one collection's result */
	size_t bits_pages;
	int feed_event;		/* GC_EVENT_MARK_START, or a test's choice */
	bool feed_all;		/* next feed reports every page */
	uint64_t escapes;	/* dune_stats().escapes at the last feed */
	GC_on_collection_event_proc prev_event;
	GC_on_heap_resize_proc prev_resize;
	struct dune_gc_stats stats;
} gc;

static void *grow(void *old, size_t old_bytes, size_t bytes)
{
	void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	if (old) {
		memcpy(p, old, old_bytes);
		munmap(old, old_bytes);
	}
	return p;
}

static int add_range(uintptr_t start, uintptr_t end)
{
	if (gc.n == gc.cap) {
		size_t cap = gc.cap ? gc.cap * 2 : 64;
		struct range *r = grow(gc.r, gc.cap * sizeof(*r), cap * sizeof(*r));
		if (!r)
			return -ENOMEM;
		gc.r = r;
		gc.cap = cap;
	}
	gc.r[gc.n++] = (struct range){ start, end };
	return 0;
}

/* A writable anonymous mapping holding heap is tracked whole: the pages
 * of a free heap block have no header yet (GC_is_heap_ptr says no) and
 * become heap when allocated, with no resize event.  What is fed is
 * filtered page by page then. */
static int scan_mapping(uintptr_t start, uintptr_t end)
{
	for (uintptr_t p = start; p < end; p += PAGE)
		if (GC_is_heap_ptr((void *)p))
			return add_range(start, end);
	return 0;
}

static uintptr_t hex(const char **s)
{
	uintptr_t v = 0;
	for (;; (*s)++) {
		char c = **s;
		int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
		if (d < 0)
			return v;
		v = v << 4 | (uintptr_t)d;
	}
}

/* Re-find the heap: "start-end rw-p offset dev 0 ..." lines (inode 0). */
static int find_heap(void)
{
	static char buf[1 << 20];
	size_t len = 0;
	ssize_t n;
	int fd = open("/proc/self/maps", O_RDONLY | O_CLOEXEC), r = 0;
	if (fd < 0)
		return -errno;
	while (len < sizeof(buf) - 1 && (n = read(fd, buf + len, sizeof(buf) - 1 - len)) > 0)
		len += (size_t)n;
	close(fd);
	buf[len] = 0;
	gc.n = 0;
	for (const char *s = buf; r == 0 && *s;) {
		const char *nl = strchr(s, '\n');
		uintptr_t start = hex(&s), end;
		if (*s++ != '-')
			break;
		end = hex(&s);
		/* perms, offset, dev, inode: anonymous private writable only */
		if (s[1] == 'r' && s[2] == 'w' && s[4] == 'p') {
			const char *f = s + 6;	/* the offset */
			for (int field = 0; field < 2 && f; field++) {
				f = strchr(f, ' ');	/* past offset, then dev */
				while (f && *f == ' ')
					f++;
			}
			if (f && f[0] == '0' && f[1] == ' ')
				r = scan_mapping(start, end);
		}
		if (!nl)
			break;
		s = nl + 1;
	}
	gc.stats.heap_pages = 0;
	for (size_t i = 0; i < gc.n; i++)
		gc.stats.heap_pages += (gc.r[i].end - gc.r[i].start) / PAGE;
	gc.stale = false;
	return r;
}

static void feed_page(uintptr_t page)
{
	if (!GC_is_heap_ptr((void *)page))
		return;
	GC_end_stubborn_change((void *)page);
	gc.stats.pages_fed++;
}

static void feed_range(const struct range *rg, bool all)
{
	size_t pages = (rg->end - rg->start) / PAGE;
	long n = -1;
	if (pages > gc.bits_pages) {
		uint64_t *b = grow(NULL, 0, (pages + 63) / 64 * 8);
		if (b) {
			if (gc.bits)
				munmap(gc.bits, (gc.bits_pages + 63) / 64 * 8);
			gc.bits = b;
			gc.bits_pages = pages;
		}
	}
	if (gc.bits && pages <= gc.bits_pages)
		n = dune_dirty_collect((void *)rg->start, rg->end - rg->start, gc.bits, DUNE_CLEAR);
	if (n < 0 || all) {
		/* Unknown: every page may have been written. */
		for (size_t i = 0; i < pages; i++)
			feed_page(rg->start + i * PAGE);
		return;
	}
	for (size_t w = 0; w < (pages + 63) / 64; w++)
		for (uint64_t m = gc.bits[w]; m; m &= m - 1)
			feed_page(rg->start + (w * 64 + (size_t)__builtin_ctzll(m)) * PAGE);
}

static uint64_t now_ns(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

/* Writes made outside dune set no dirty bit on the KVM backend: after an
 * escape, report everything once. */
static bool outside_writes_possible(void)
{
	struct dune_stats st;
	bool escaped;
	if (dune_stats(&st) < 0)
		return true;
	escaped = st.escapes != gc.escapes;
	gc.escapes = st.escapes;
	return strncmp(dune_backend(), "kvm", 3) == 0 && (escaped || !dune_active());
}

static void feed(void)
{
	uint64_t t0 = now_ns();
	bool all = gc.feed_all || outside_writes_possible();
	if (gc.stale && find_heap() < 0)
		all = true;
	for (size_t i = 0; i < gc.n; i++)
		feed_range(&gc.r[i], all);
	gc.feed_all = false;
	gc.stats.feeds++;
	gc.stats.full_feeds += all;
	gc.stats.feed_ns += now_ns() - t0;
}

static void on_event(GC_EventType e)
{
	if ((int)e == gc.feed_event)
		feed();
	if (gc.prev_event)
		gc.prev_event(e);
}

static void on_resize(GC_word size)
{
	gc.stale = true;
	if (gc.prev_resize)
		gc.prev_resize(size);
}

/* DUNE_GC_TEST_FEED=none|mark_end: the negative controls of the tests,
 * which must lose objects. */
static int feed_event_from_env(void)
{
	const char *t = getenv("DUNE_GC_TEST_FEED");
	if (t && strcmp(t, "none") == 0)
		return -1;
	if (t && strcmp(t, "mark_end") == 0)
		return GC_EVENT_MARK_END;
	return GC_EVENT_MARK_START;
}

DUNE_API int dune_gc_init(unsigned flags)
{
	int r;
	if (flags & ~(DUNE_GC_ENTER | DUNE_GC_KEEP_MAPPED))
		return -EINVAL;
	if (flags & DUNE_GC_KEEP_MAPPED)
		setenv("GC_UNMAP_THRESHOLD", "0", 0);
	if (flags & DUNE_GC_ENTER) {
		r = dune_enter();
		if (r < 0)
			return r;
	}
	GC_set_manual_vdb_allowed(1);
	GC_init();
	GC_enable_incremental();
	if (!GC_is_incremental_mode() || !GC_get_manual_vdb_allowed())
		return -ENOTSUP;
	gc.feed_event = feed_event_from_env();
	gc.feed_all = true;
	gc.stale = true;
	gc.prev_event = GC_get_on_collection_event();
	GC_set_on_collection_event(on_event);
	gc.prev_resize = GC_get_on_heap_resize();
	GC_set_on_heap_resize(on_resize);
	return 0;
}

DUNE_API void *dune_gc_malloc(size_t size)
{
	return GC_malloc_kind_global(size, GC_I_NORMAL);
}

DUNE_API void *dune_gc_malloc_atomic(size_t size)
{
	return GC_malloc_kind_global(size, GC_I_PTRFREE);
}

DUNE_API int dune_gc_stats(struct dune_gc_stats *out)
{
	if (!out)
		return -EFAULT;
	*out = gc.stats;
	return 0;
}

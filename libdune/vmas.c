/* vmas.c — a sorted copy of the host's mappings from /proc/self/maps.
 * Runs on the host loop, possibly while the guest was stopped inside
 * malloc, so it allocates with mmap only and keeps errno intact. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "dune_int.h"

static int grow(struct vma_cache *c)
{
	size_t cap = c->cap ? c->cap * 2 : 256;
	void *p = sys_mmap(NULL, cap * sizeof(struct vma), PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return -ENOMEM;
	if (c->v) {
		memcpy(p, c->v, c->n * sizeof(struct vma));
		sys_munmap(c->v, c->cap * sizeof(struct vma));
	}
	c->v = p;
	c->cap = cap;
	return 0;
}

static uintptr_t hex(const char **s, const char *end)
{
	uintptr_t v = 0;
	for (; *s < end; (*s)++) {
		char ch = **s;
		int d = ch >= '0' && ch <= '9' ? ch - '0' :
			ch >= 'a' && ch <= 'f' ? ch - 'a' + 10 : -1;
		if (d < 0)
			break;
		v = v << 4 | (uintptr_t)d;
	}
	return v;
}

/* One line: "start-end rwxp offset dev inode   path". */
static int parse_line(struct vma *v, const char *s, const char *end)
{
	v->start = hex(&s, end);
	if (s >= end || *s++ != '-')
		return -EINVAL;
	v->end = hex(&s, end);
	if (end - s < 5 || *s++ != ' ')
		return -EINVAL;
	v->prot = (s[0] == 'r' ? PROT_READ : 0) |
		  (s[1] == 'w' ? PROT_WRITE : 0) |
		  (s[2] == 'x' ? PROT_EXEC : 0);
	v->grows_down = end - s >= 7 && memcmp(end - 7, "[stack]", 7) == 0;
	v->huge = memmem(s, (size_t)(end - s), "/anon_hugepage", 14) != NULL;
	v->shared = s[3] == 's';
	/* Skip "rwxp ", read the offset, skip "dev " to the inode. */
	v->inode = 0;
	while (s < end && *s != ' ')
		s++;
	while (s < end && *s == ' ')
		s++;
	v->offset = hex(&s, end);
	while (s < end && *s == ' ')
		s++;
	while (s < end && *s != ' ')	/* the device */
		s++;
	while (s < end && *s == ' ')
		s++;
	while (s < end && *s >= '0' && *s <= '9')
		v->inode = v->inode * 10 + (unsigned long)(*s++ - '0');
	return v->start < v->end ? 0 : -EINVAL;
}

int vmas_parse(struct vma_cache *c, const char *text, size_t len)
{
	const char *s = text, *end = text + len;
	c->n = 0;
	while (s < end) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		struct vma v;
		if (!nl)
			nl = end;
		if (parse_line(&v, s, nl) == 0 && v.start < ARCH_USER_VA_END) {
			if (c->n == c->cap && grow(c) < 0)
				return -ENOMEM;
			c->v[c->n++] = v;
		}
		s = nl + 1;
	}
	c->stale = false;
	return 0;
}

/* Read the whole file; it can change between reads, so read until EOF
 * into one buffer that grows. */
static int read_maps(char **buf, size_t *cap, size_t *len)
{
	int fd = open("/proc/self/maps", O_RDONLY | O_CLOEXEC);
	int r = 0;
	if (fd < 0)
		return -errno;
	*len = 0;
	for (;;) {
		ssize_t n;
		if (*len + 4096 > *cap) {
			size_t ncap = *cap ? *cap * 2 : 65536;
			char *p = sys_mmap(NULL, ncap, PROT_READ | PROT_WRITE,
				       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
			if (p == MAP_FAILED) {
				r = -ENOMEM;
				break;
			}
			if (*buf) {
				memcpy(p, *buf, *len);
				sys_munmap(*buf, *cap);
			}
			*buf = p;
			*cap = ncap;
		}
		n = read(fd, *buf + *len, *cap - *len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			r = n < 0 ? -errno : 0;
			break;
		}
		*len += (size_t)n;
	}
	close(fd);
	return r;
}

int vmas_read(struct vma_cache *c)
{
	int saved = errno, r;
	size_t len = 0;
	r = read_maps(&c->text, &c->text_cap, &len);
	if (r == 0)
		r = vmas_parse(c, c->text, len);
	errno = saved;
	return r;
}

int vmas_refresh(struct dune_vm *vm)
{
	vm->stats.maps_reads++;
	return vmas_read(&vm->vmas);
}

/* The mapping that contains addr, or NULL. */
const struct vma *vmas_find(const struct vma_cache *c, uintptr_t addr)
{
	const struct vma *v = vmas_next(c, addr);
	return v && v->start <= addr ? v : NULL;
}

/* The first mapping that ends above addr, or NULL. */
const struct vma *vmas_next(const struct vma_cache *c, uintptr_t addr)
{
	size_t lo = 0, hi = c->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (c->v[mid].end <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < c->n ? &c->v[lo] : NULL;
}

void vmas_release(struct vma_cache *c)
{
	if (c->v)
		sys_munmap(c->v, c->cap * sizeof(struct vma));
	if (c->text)
		sys_munmap(c->text, c->text_cap);
	memset(c, 0, sizeof(*c));
}

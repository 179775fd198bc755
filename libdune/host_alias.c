/* host_alias.c — a second view of shared memory for the host backend: the
 * same file pages mapped again at the alias (memfd, shmem or any shared
 * file mapping); private memory has no such view (-ENOTSUP). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>
#include "host.h"

int host_vm_alias(uintptr_t alias, uintptr_t start, uintptr_t end, int prot)
{
	const struct vma *v, *res;
	char path[64];
	void *p;
	int fd, r;
	host_lock();
	r = vmas_read(&host.vmas);
	v = r == 0 ? vmas_find(&host.vmas, start) : NULL;
	struct vma src = v ? *v : (struct vma){ 0 };
	res = r == 0 ? vmas_find(&host.vmas, alias) : NULL;
	bool reserved = res && res->prot == PROT_NONE && res->end >= alias + (end - start);
	host_unlock();
	if (r < 0)
		return r;
	if (!v)
		return -ENOMEM;
	if (!reserved)
		return -EINVAL;
	if (!src.shared || src.end < end)
		return -ENOTSUP;
	/* The mapping's own file, whatever its name (a memfd has none). */
	snprintf(path, sizeof(path), "/proc/self/map_files/%lx-%lx",
		 (unsigned long)src.start, (unsigned long)src.end);
	fd = open(path, (src.prot & PROT_WRITE ? O_RDWR : O_RDONLY) | O_CLOEXEC);
	if (fd < 0)
		return errno == EPERM || errno == EACCES ? -ENOTSUP : -errno;
	p = sys_mmap((void *)alias, end - start, prot & src.prot, MAP_SHARED | MAP_FIXED, fd,
		 (off_t)(src.offset + (start - src.start)));
	r = p == MAP_FAILED ? -errno : 0;
	close(fd);
	return r;
}

/* alias.c — dune_vm_alias: the same memory at a second address inside
 * dune, with its own protection.  The memory is a shared memfd mapping,
 * which both backends can alias; the KVM backend also aliases private
 * memory, the host backend refuses it (-ENOTSUP). */
#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>
#include "dune_test.h"

int main(void)
{
	need_dune();
	plan(8);
	int fd = memfd_create("dune-alias", MFD_CLOEXEC);
	if (fd < 0 || ftruncate(fd, 4 * 4096) < 0)
		return 1;
	char *mem = mmap(NULL, 4 * 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	char *priv = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *view = mmap(NULL, 4 * 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *ro_view = mmap(NULL, 4 * 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *priv_view = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *open_area = mmap(NULL, 4 * 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	dune_enter();
	mem[0] = 'a';
	dune_escape();
	ok(dune_vm_alias(view, mem, 4 * 4096, PROT_READ | PROT_WRITE) == 0, "alias rw");
	ok(dune_vm_alias(ro_view, mem, 4 * 4096, PROT_READ) == 0, "alias read-only");
	ok(dune_vm_alias(open_area, mem, 4 * 4096, PROT_READ) == -EINVAL,
	   "an alias over memory not reserved PROT_NONE: -EINVAL");
	ok(dune_vm_alias(view + 1, mem, 4096, PROT_READ) == -EINVAL &&
	   dune_vm_alias(mem + 4096, mem, 2 * 4096, PROT_READ) == -EINVAL,
	   "unaligned or overlapping: -EINVAL");
	ok(dune_vm_alias(priv_view, priv, 4096, PROT_READ) == (on_kvm() ? 0 : -ENOTSUP),
	   "private memory: %s", on_kvm() ? "aliased in the guest" : "-ENOTSUP on the host");
	dune_enter();
	view[3 * 4096 + 5] = 'v';
	int seen_direct = mem[3 * 4096 + 5] == 'v';
	mem[4096] = 'm';
	int seen_alias = view[4096] == 'm' && ro_view[4096] == 'm' && view[0] == 'a';
	struct dune_page_info info;
	int ro = ro_view[0] == 'a' && dune_vm_lookup(ro_view, &info) == 0 &&
		 info.prot == PROT_READ;
	dune_escape();
	ok(seen_direct, "written through the alias, read directly");
	ok(seen_alias, "written directly, read through both aliases");
	ok(ro, "the read-only alias is read-only");
	return done_testing();
}

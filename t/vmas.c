/* vmas.c — parsing /proc/self/maps text and looking mappings up. */
#include <sys/mman.h>
#include "dune_int.h"
#include "tap.h"

static const char maps[] =
	"55d0000000-55d0001000 r--p 00000000 fe:01 123  /usr/bin/x\n"
	"55d0001000-55d0005000 r-xs 00001000 fe:01 123  /usr/bin/x\n"
	"7f00000000-7f00021000 rw-p 00000000 00:00 0 \n"
	"7f00021000-7f04000000 ---p 00000000 00:00 0 \n"
	"7ffc000000-7ffc021000 rw-p 00000000 00:00 0          [stack]\n"
	"garbage line\n"
	"ffffffffff600000-ffffffffff601000 --xp 00000000 00:00 0  [vsyscall]";

int main(void)
{
	struct vma_cache c = { 0 };
	const struct vma *v;
	plan(13);
	ok(vmas_parse(&c, maps, sizeof(maps) - 1) == 0, "parse");
	ok(c.n == 5, "five user mappings, garbage and vsyscall dropped (%zu)", c.n);
	v = vmas_find(&c, 0x55d0001234);
	ok(v && v->prot == (PROT_READ | PROT_EXEC), "r-x found with its protection");
	ok(v && v->inode == 123 && v->offset == 0x1000 && v->shared, "its inode, offset, MAP_SHARED");
	v = vmas_find(&c, 0x55d0000fff);
	ok(v && v->prot == PROT_READ && v->end == 0x55d0001000, "last byte of r--");
	ok(!vmas_find(&c, 0x55d0005000), "end is exclusive");
	v = vmas_find(&c, 0x7f00100000);
	ok(v && v->prot == 0, "PROT_NONE reservation found as prot 0");
	ok(!vmas_find(&c, 0x1000), "below everything: none");
	v = vmas_next(&c, 0x7ffbfff000);
	ok(v && v->grows_down && v->start == 0x7ffc000000, "next is the stack, grows down");
	ok(!vmas_find(&c, 0x7ffbfff000), "the gap below the stack is unmapped");
	ok(!vmas_next(&c, 0x7ffc021000), "nothing after the stack");
	ok(vmas_parse(&c, "", 0) == 0 && c.n == 0, "empty text");
	ok(vmas_parse(&c, "10-20 rw-p 0 0 0\n30-", 20) == 0 && c.n == 1,
	   "truncated last line dropped");
	vmas_release(&c);
	return done_testing();
}

/* memory.c — guest page tables follow mmap, munmap, mprotect, mremap, brk
 * and madvise; bad accesses die with SIGSEGV exactly as natively. */
#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/shm.h>
#include <unistd.h>
#include "dune_test.h"

static void touch_after_munmap(void)
{
	char *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	p[0] = 1;
	munmap(p, 4096);
	*(volatile char *)p = 2;
}

static void write_after_mprotect(void)
{
	char *p = mmap(NULL, 8192, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	p[0] = 1;
	mprotect(p, 8192, PROT_READ);
	*(volatile char *)p = 2;
}

static void wild_pointer(void)
{
	*(volatile int *)0x1000 = 12;
}

static void in_dune(void (*fn)(void))
{
	if (dune_enter() == 0)
		fn();
}

static void child_munmap(void) { in_dune(touch_after_munmap); }
static void child_mprotect(void) { in_dune(write_after_mprotect); }
static void child_wild(void) { in_dune(wild_pointer); }

static int sum_pages(char *p, size_t n)
{
	int s = 0;
	for (size_t i = 0; i < n; i++)
		s += p[i * 4096];
	return s;
}

int main(void)
{
	need_dune();
	plan(16);
	int native = in_child(touch_after_munmap);
	int status = in_child(child_munmap);
	ok(WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV && status == native,
	   "touch after munmap inside: status %#x, native %#x", status, native);
	native = in_child(write_after_mprotect);
	status = in_child(child_mprotect);
	ok(WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV && status == native,
	   "write after mprotect(PROT_READ) inside: status %#x, native %#x", status, native);
	native = in_child(wild_pointer);
	status = in_child(child_wild);
	ok(status == native, "wild pointer: status %#x, native %#x", status, native);

	ok(dune_enter() == 0, "enter");
	char *p = mmap(NULL, 64 * 4096, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	for (int i = 0; i < 64; i++)
		p[i * 4096] = (char)i;
	ok(sum_pages(p, 64) == 63 * 64 / 2, "mmap inside, then touch 64 pages");
	ok(mprotect(p, 64 * 4096, PROT_READ) == 0 && sum_pages(p, 64) == 63 * 32 &&
	   mprotect(p, 64 * 4096, PROT_READ | PROT_WRITE) == 0,
	   "mprotect read-only then back: reads still work");
	p[5 * 4096] = 100;
	ok(p[5 * 4096] == 100, "write after protection restored");
	char *q = mremap(p, 64 * 4096, 128 * 4096, MREMAP_MAYMOVE);
	ok(q != MAP_FAILED && q[5 * 4096] == 100, "mremap keeps the contents");
	q[127 * 4096] = 7;
	ok(q[127 * 4096] == 7, "the grown part is writable");
	ok(madvise(q, 128 * 4096, MADV_DONTNEED) == 0 && q[5 * 4096] == 0,
	   "MADV_DONTNEED zeroes anonymous memory inside too");
	munmap(q, 128 * 4096);
	char *b0 = sbrk(0);
	ok(sbrk(1 << 20) == b0 && (b0[(1 << 20) - 1] = 3) == 3, "brk grows the heap");
	ok(sbrk(-(1 << 20)) != (void *)-1, "brk shrinks it again");
	int id = shmget(IPC_PRIVATE, 1 << 16, IPC_CREAT | 0600);
	char *s = id >= 0 ? shmat(id, NULL, 0) : (char *)-1;
	ok(s != (char *)-1 && (s[100] = 9) == 9, "shmat segment is usable");
	ok(s != (char *)-1 && shmdt(s) == 0, "shmdt");
	if (id >= 0)
		shmctl(id, IPC_RMID, NULL);
	/* Deep recursion grows the stack from inside the guest. */
	volatile char big[2 << 20];
	big[0] = 1;
	big[sizeof(big) - 1] = 2;
	ok(big[0] + big[sizeof(big) - 1] == 3, "stack grows by 2 MiB inside");
	ok(dune_active(), "still inside");
	dune_escape();
	return done_testing();
}

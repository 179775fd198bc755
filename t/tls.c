/* tls.c — thread-local storage (the FS base) inside dune. */
#include <asm/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "dune_test.h"

static __thread int counter = 5;
static __thread char name[16] = "outside";

int main(void)
{
	unsigned long fs_out = 0, fs_in = 0;
	need_dune();
	plan(7);
	syscall(SYS_arch_prctl, ARCH_GET_FS, &fs_out);
	int *errno_out = &errno, *errno_in;
	dune_enter();
	errno_in = &errno;
	errno = 0;
	close(-1);
	int err = errno;
	counter++;
	strcpy(name, "inside");
	syscall(SYS_arch_prctl, ARCH_GET_FS, &fs_in);
	int in = dune_active();
	dune_escape();
	ok(in, "inside while using TLS");
	ok(counter == 6, "__thread counter updated inside");
	ok(strcmp(name, "inside") == 0, "__thread array written inside");
	ok(fs_in == fs_out && fs_out != 0, "FS base the same inside (%#lx)", fs_in);
	ok(errno_in == errno_out && err == EBADF,
	   "errno lives at the same address inside and a failing call sets it");
	/* arch_prctl(ARCH_SET_GS) inside: the guest and, after escape, the
	 * host thread both have the new base. */
	unsigned long gs_set = 0x12345000, gs_in = 0, gs_out = 0;
	dune_enter();
	long r = syscall(SYS_arch_prctl, ARCH_SET_GS, gs_set);
	syscall(SYS_arch_prctl, ARCH_GET_GS, &gs_in);
	dune_escape();
	syscall(SYS_arch_prctl, ARCH_GET_GS, &gs_out);
	ok(r == 0 && gs_in == gs_set, "ARCH_SET_GS inside, read back inside (%#lx)", gs_in);
	ok(gs_out == gs_set, "and outside after escape (%#lx)", gs_out);
	syscall(SYS_arch_prctl, ARCH_SET_GS, 0);
	return done_testing();
}

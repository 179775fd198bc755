/* dune_test.h — shared helpers for the TAP tests that need a working dune. */
#ifndef DUNE_T_TEST_H
#define DUNE_T_TEST_H

#include <errno.h>
#include <string.h>
#include <sys/wait.h>
#include <dune/dune.h>
#include "tap.h"

/* Enter once to learn whether this machine can run the KVM backend at
 * all; skip the whole test with the reason when it cannot. */
static inline void need_dune(void)
{
	int r = dune_enter();
	if (r == -ENOTSUP)
		skip_all("no hardware virtualization (VT-x/SVM) on this host; "
			 "the KVM tests run in the VM suite");
	if (r == -ENODEV)
		skip_all("no usable /dev/kvm");
	if (r < 0) {
		tap_line("1..1");
		tap_line("not ok 1 - dune_enter: %s", strerror(-r));
		exit(1);
	}
	dune_escape();
}

/* Which backend the tests run on: some facts exist only on one. */
static inline int on_kvm(void)
{
	return strncmp(dune_backend(), "kvm", 3) == 0;
}

/* Run fn in a child; return its wait status. */
static inline int in_child(void (*fn)(void))
{
	int status = -1;
	pid_t pid = fork();
	if (pid == 0) {
		fn();
		_exit(0);
	}
	if (pid > 0)
		waitpid(pid, &status, 0);
	return status;
}

#endif

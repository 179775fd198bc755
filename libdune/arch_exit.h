/* arch_exit.h — what a backend's exit decoder reports (part of the arch
 * contract, arch.h).  Kept free of libc so that backends' decoders build
 * freestanding for their unit tests. */
#ifndef DUNE_ARCH_EXIT_H
#define DUNE_ARCH_EXIT_H

#include <stdbool.h>

/* What made the guest stop, decoded by the backend.  Guest exceptions do
 * not stop it: the guest's own handlers (guest.c) take them and ask the
 * host for help with hypercalls. */
enum exit_kind {
	EXIT_SYSCALL,		/* forward arch_syscall_args() to the host */
	EXIT_HYPERCALL,		/* arch_hypercall() from guest code */
	EXIT_INTERRUPTED,	/* KVM_RUN returned EINTR/EAGAIN */
	EXIT_HOST_FAULT,	/* KVM_RUN returned EFAULT: host memory moved */
	EXIT_BROKEN,		/* KVM cannot go on (exit.error holds -errno) */
};

#define ACCESS_READ  1u
#define ACCESS_WRITE 2u
#define ACCESS_EXEC  4u

struct exit_info {
	enum exit_kind kind;
	int vector;		/* KVM exit reason, for the trace */
	int error;		/* -errno for EXIT_BROKEN */
};

/* What KVM_RUN's own result (0 or -errno) says before the exit reason is
 * looked at: true when it decided e (EINTR/EAGAIN interrupted, EFAULT a
 * host fault, any other error broken).  Shared by the backends' decoders. */
static inline bool exit_from_result(int result, struct exit_info *e)
{
	e->error = 0;
	if (result == -4 || result == -11)		/* -EINTR, -EAGAIN */
		e->kind = EXIT_INTERRUPTED;
	else if (result == -14)				/* -EFAULT */
		e->kind = EXIT_HOST_FAULT;
	else if (result < 0) {
		e->kind = EXIT_BROKEN;
		e->error = result;
	}
	return result < 0;
}

#endif

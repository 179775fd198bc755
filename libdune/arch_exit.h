/* arch_exit.h — what a backend's exit decoder reports (part of the arch
 * contract, arch.h).  Kept free of libc so that backends' decoders build
 * freestanding for their unit tests. */
#ifndef DUNE_ARCH_EXIT_H
#define DUNE_ARCH_EXIT_H

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

#endif

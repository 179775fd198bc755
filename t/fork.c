/* fork.c — fork, vfork, clone and clone3 made inside dune: the child (or
 * new thread) runs outside, the caller stays inside; a child can enter
 * dune itself, in a VM of its own. */
#include <pthread.h>
#include <sched.h>
#include <spawn.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/sched.h>
#include "dune_test.h"

extern char **environ;

static void *thread_fn(void *arg)
{
	*(int *)arg = dune_active() ? 2 : 1;
	return NULL;
}

static int clone_child(void *arg)
{
	*(volatile int *)arg = 7;
	return 0;
}

int main(void)
{
	struct dune_stats st;
	int status;
	need_dune();
	plan(14);
	ok(dune_enter() == 0, "enter");
	pid_t pid = fork();
	if (pid == 0) {
		/* Child: outside dune, can enter a fresh VM of its own. */
		int code = dune_active() ? 10 : 0;
		if (dune_enter() != 0 || !dune_active())
			code |= 20;
		dune_stats(&st);
		if (on_kvm() && st.vms < 2)
			code |= 40;
		dune_escape();
		_exit(code);
	}
	int parent_inside = dune_active();
	waitpid(pid, &status, 0);
	ok(pid > 0 && parent_inside, "fork inside: parent stays inside");
	ok(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	   "fork child runs outside and enters its own VM (status %#x)", status);

	/* On the host backend "inside" is a thread's flag, which a vfork or
	 * raw clone child shares or copies: only KVM can tell there. */
	pid = vfork();
	if (pid == 0)
		_exit(dune_active() ? 1 : 3);
	waitpid(pid, &status, 0);
	ok(WIFEXITED(status) && WEXITSTATUS(status) == (on_kvm() ? 3 : WEXITSTATUS(status)) &&
	   dune_active(), "vfork inside (status %#x)", status);

	char *argv[] = { "/bin/sh", "-c", "exit 5", NULL };
	ok(posix_spawn(&pid, "/bin/sh", NULL, NULL, argv, environ) == 0 &&
	   waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
	   WEXITSTATUS(status) == 5, "posix_spawn inside (clone3 CLONE_VFORK)");

	int flag = 0;
	pthread_t t;
	ok(pthread_create(&t, NULL, thread_fn, &flag) == 0 &&
	   pthread_join(t, NULL) == 0, "pthread_create inside (clone3 with a new stack)");
	ok(flag == 1, "the new thread ran outside dune");
	ok(dune_active(), "the creating thread is still inside");

	static char stack[64 << 10] __attribute__((aligned(16)));
	volatile int shared = 0;
	pid = clone(clone_child, stack + sizeof(stack), CLONE_VM | SIGCHLD, (void *)&shared);
	if (pid < 0 && errno == EINVAL)
		skip(1, "clone(CLONE_VM) without CLONE_THREAD refused here (qemu-user)");
	else
		ok(pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
		   shared == 7, "clone(CLONE_VM) with a new stack");

	struct clone_args ca = { .exit_signal = SIGCHLD };
	pid = (pid_t)syscall(SYS_clone3, &ca, sizeof(ca));
	if (pid == 0)
		_exit(dune_active() ? 1 : 4);
	if (pid < 0 && errno == ENOSYS) {
		skip(2, "no clone3 here (qemu-user)");
	} else {
		ok(pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
		   (WEXITSTATUS(status) == 4 || !on_kvm()),
		   "raw clone3 like fork (pid %d, status %#x, %s)", (int)pid, status,
		   strerror(errno));
		ok(syscall(SYS_clone3, (void *)16, sizeof(ca)) == -1 && errno == EFAULT,
		   "clone3 with a bad pointer is EFAULT, no crash");
	}

	pid = fork();
	if (pid == 0) {
		char *a[] = { "/bin/sh", "-c", "exit 6", NULL };
		execve(a[0], a, environ);
		_exit(1);
	}
	ok(pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
	   WEXITSTATUS(status) == 6, "fork + execve inside");
	ok(dune_active(), "still inside at the end");
	dune_escape();
	pid = fork();
	if (pid == 0)
		_exit(dune_enter() == 0 && dune_active() && dune_escape() == 0 ? 0 : 1);
	ok(pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
	   WEXITSTATUS(status) == 0, "a child forked outside can enter dune");
	return done_testing();
}

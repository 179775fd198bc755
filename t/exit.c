/* exit.c — exit and exit_group from inside dune end the process (or the
 * thread) with the status native execution gives. */
#include <pthread.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "dune_test.h"

static void *thread_exit(void *arg)
{
	pthread_exit((void *)42);
}

static void child_exit(void)
{
	dune_enter();
	exit(7);
}

static void child_exit_group(void)
{
	dune_enter();
	syscall(SYS_exit_group, 9);
}

static void child_thread_exit(void)
{
	pthread_t t;
	void *ret;
	/* The thread is created inside and runs outside; this thread stays. */
	dune_enter();
	pthread_create(&t, NULL, thread_exit, NULL);
	pthread_join(t, &ret);
	int inside = dune_active();
	dune_escape();
	_exit(ret == (void *)42 && inside ? 11 : 1);
}

int main(void)
{
	need_dune();
	plan(3);
	int st = in_child(child_exit);
	ok(WIFEXITED(st) && WEXITSTATUS(st) == 7, "exit(7) inside (%#x)", st);
	st = in_child(child_exit_group);
	ok(WIFEXITED(st) && WEXITSTATUS(st) == 9, "exit_group(9) inside (%#x)", st);
	st = in_child(child_thread_exit);
	ok(WIFEXITED(st) && WEXITSTATUS(st) == 11, "a thread's pthread_exit (%#x)", st);
	return done_testing();
}

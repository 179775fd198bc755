/* signals.c — interrupted and restarted system calls inside dune behave as
 * natively; a signal arriving while guest code runs is delivered and the
 * thread stays inside. */
#include <signal.h>
#include <sys/time.h>
#include <unistd.h>
#include "dune_test.h"

static int pipefd[2];
static volatile sig_atomic_t hits;

static void on_alarm(int sig)
{
	hits++;
	if (write(pipefd[1], "s", 1) < 0)
		hits += 100;
}

static void arm(int restart, long usec)
{
	struct sigaction sa = { .sa_handler = on_alarm };
	struct itimerval it = { .it_value = { 0, usec } };
	sa.sa_flags = restart ? SA_RESTART : 0;
	sigaction(SIGALRM, &sa, NULL);
	setitimer(ITIMER_REAL, &it, NULL);
}

/* A read on an empty pipe that the handler feeds. */
static void blocking_read(long *ret, int *err)
{
	char c;
	errno = 0;
	*ret = read(pipefd[0], &c, 1);
	*err = errno;
}

int main(void)
{
	long r_native, r_in;
	int e_native, e_in;
	need_dune();
	plan(6);
	if (pipe(pipefd) < 0)
		return 1;
	/* Without SA_RESTART: EINTR, natively and inside. */
	arm(0, 20000);
	blocking_read(&r_native, &e_native);
	char c;
	while (read(pipefd[0], &c, 1) != 1)
		;
	arm(0, 20000);
	dune_enter();
	blocking_read(&r_in, &e_in);
	int inside = dune_active();
	dune_escape();
	ok(r_native == -1 && e_native == EINTR && r_in == r_native && e_in == e_native && inside,
	   "interrupted read: native %ld/%d, inside %ld/%d", r_native, e_native, r_in, e_in);
	while (read(pipefd[0], &c, 1) != 1)
		;
	/* With SA_RESTART: the read restarts and gets the handler's byte. */
	arm(1, 20000);
	dune_enter();
	blocking_read(&r_in, &e_in);
	inside = dune_active();
	dune_escape();
	ok(r_in == 1 && inside, "SA_RESTART read restarted inside (%ld/%d)", r_in, e_in);
	ok(hits == 3, "the handler ran each time (%d)", (int)hits);
	/* A signal while guest code computes. */
	arm(1, 20000);
	dune_enter();
	volatile unsigned long spin = 0;
	while (hits < 4)
		spin++;
	inside = dune_active();
	dune_escape();
	ok(inside && hits == 4, "signal delivered during guest computation");
	struct dune_stats st;
	dune_stats(&st);
	ok(!on_kvm() || st.exits_by_reason[DUNE_EXIT_INTERRUPT] >= 1,
	   "counted as an interrupted run (%llu)",
	   (unsigned long long)st.exits_by_reason[DUNE_EXIT_INTERRUPT]);
	ok(!on_kvm() || st.syscalls > 0, "forwarded syscalls counted (%llu)",
	   (unsigned long long)st.syscalls);
	return done_testing();
}

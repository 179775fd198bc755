/* gc-demo.c — the same Boehm GC program with libgc's own incremental mode
 * (a SIGSEGV per first write to a protected heap page) and with
 * libdune-gc (dirty bits, no signal).  Each mode runs in a fresh process:
 * libgc's mode is chosen once per process. */
#define GC_THREADS
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <gc/gc.h>
#include <gc/gc_inline.h>
#include <dune/gc.h>

struct node {
	struct node *next;
	long value;
};

static unsigned long faults;
static struct sigaction libgc_handler;

static void count_fault(int sig, siginfo_t *si, void *uc)
{
	faults++;
	libgc_handler.sa_sigaction(sig, si, uc);
}

/* A long-lived list whose old nodes keep getting new successors: the
 * write barrier's worst case. */
static long churn(void)
{
	enum { LIVE = 100000, OPS = 1000000 };
	struct node **index = GC_MALLOC(LIVE * sizeof(*index));
	unsigned long r = 1;
	for (int i = 0; i < LIVE; i++)
		index[i] = GC_malloc_kind_global(sizeof(struct node), GC_I_NORMAL);
	for (int op = 0; op < OPS; op++) {
		r = r * 6364136223846793005ul + 1442695040888963407ul;
		int i = (int)((r >> 33) % (LIVE - 1));
		struct node *n = GC_malloc_kind_global(sizeof(*n), GC_I_NORMAL);
		n->value = op;
		index[i]->next = n;
		index[i + 1] = n;
	}
	return index[0]->value;
}

static int run(const char *mode)
{
	struct timespec t0, t1;
	if (strcmp(mode, "gcext") == 0) {
		int r = dune_gc_init(DUNE_GC_ENTER | DUNE_GC_KEEP_MAPPED);
		if (r < 0) {
			fprintf(stderr, "dune_gc_init: %s\n", strerror(-r));
			return 1;
		}
	} else {
		struct sigaction sa = { .sa_sigaction = count_fault, .sa_flags = SA_SIGINFO };
		GC_INIT();
		GC_enable_incremental();
		sigaction(SIGSEGV, NULL, &libgc_handler);
		if (libgc_handler.sa_flags & SA_SIGINFO)
			sigaction(SIGSEGV, &sa, NULL);
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	churn();
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("%-28s %7.1f ms  %4lu collections  %7lu write-barrier signals\n",
	       strcmp(mode, "gcext") == 0 ? "libdune-gc (dirty bits):" :
	       "Boehm incremental (mprotect):",
	       (t1.tv_sec - t0.tv_sec) * 1e3 + (t1.tv_nsec - t0.tv_nsec) / 1e6,
	       (unsigned long)GC_get_gc_no(), faults);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc > 1)
		return run(argv[1]);
	printf("A garbage-collected list churn, 1M pointer stores into old objects:\n");
	fflush(stdout);
	const char *modes[] = { "boehm", "gcext" };
	for (int i = 0; i < 2; i++) {
		pid_t pid = fork();
		if (pid == 0) {
			execl(argv[0], argv[0], modes[i], (char *)NULL);
			_exit(127);
		}
		int st;
		waitpid(pid, &st, 0);
		if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
			return 1;
	}
	return 0;
}

/* host-dirty.c — the host backend's dirty-page mechanisms, each in a child
 * process of this run (the mechanism is chosen once per process), against
 * a plain write measured here: the cost of the first write to a clean page
 * and of collecting a page, dirty or clean. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#include <dune/dune.h>
#include "bench.h"

#define MIB 64
#define LEN ((size_t)MIB << 20)
#define PAGES (LEN / 4096)

static void write_all(char *p)
{
	for (size_t off = 0; off < LEN; off += 4096)
		p[off]++;
}

/* In the child: print "mechanism first-write collect-dirty collect-clean". */
static int child(void)
{
	struct dune_stats st;
	uint64_t *bits = calloc(PAGES / 64, sizeof(uint64_t));
	char *p = mmap(NULL, LEN, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	double first, dirty, clean;
	if (dune_enter() < 0 || strcmp(dune_backend(), "host") != 0)
		return 77;
	write_all(p);
	BENCH_MEDIAN(first, PAGES, dune_mkclean(p, LEN), p[i_ * 4096]++, );
	BENCH_MEDIAN(dirty, 1, write_all(p), dune_dirty_collect(p, LEN, bits, DUNE_CLEAR), );
	BENCH_MEDIAN(clean, 1, dune_mkclean(p, LEN), dune_dirty_collect(p, LEN, bits, DUNE_CLEAR), );
	dune_stats(&st);
	printf("%s %f %f %f\n", st.dirty_mechanism, first, dirty / PAGES, clean / PAGES);
	return 0;
}

static int run(const char *self, const char *mech, char *out, size_t len)
{
	int fds[2], st;
	if (pipe(fds) < 0)
		return -1;
	pid_t pid = fork();
	if (pid == 0) {
		dup2(fds[1], 1);
		setenv("DUNE_BACKEND", "host", 1);
		if (mech)
			setenv("DUNE_HOST_DIRTY", mech, 1);
		execl(self, self, "child", (char *)NULL);
		_exit(127);
	}
	close(fds[1]);
	ssize_t n = read(fds[0], out, len - 1);
	out[n > 0 ? n : 0] = 0;
	close(fds[0]);
	waitpid(pid, &st, 0);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

int main(int argc, char **argv)
{
	char line[256], name[64];
	double plain, first, dirty, clean;
	if (argc > 1)
		return child();
	char *p = mmap(NULL, LEN, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	write_all(p);
	BENCH_MEDIAN(plain, PAGES, , p[i_ * 4096]++, );
	printf("Host backend dirty tracking over %d MiB, median of 5; plain write %.1f ns/page\n",
	       MIB, plain);
	printf("%-22s %12s %10s %14s %14s\n", "mechanism", "first write", "x plain",
	       "collect dirty", "collect clean");
	const char *mechs[] = { NULL, "mprotect" };
	for (int i = 0; i < 2; i++) {
		if (run(argv[0], mechs[i], line, sizeof(line)) != 0 ||
		    sscanf(line, "%63s %lf %lf %lf", name, &first, &dirty, &clean) != 4) {
			printf("%-22s (did not run)\n", mechs[i] ? mechs[i] : "default");
			continue;
		}
		printf("%-22s %9.1f ns %10.1f %11.2f ns %11.2f ns%s\n", name, first, first / plain,
		       dirty, clean, i == 0 ? "   <- picked by default" : "");
	}
	printf("The default is userfaultfd async write-protect + PAGEMAP_SCAN where the kernel\n"
	       "has both (Linux 6.7+): no signal per first write and one call to read and\n"
	       "re-arm; mprotect + SIGSEGV otherwise.\n");
	return 0;
}

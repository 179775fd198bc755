/* hello.c — the libdune tour: enter dune, work there with ordinary libc,
 * look at what it cost, escape.  Exits 77 where only the host backend is
 * available (run it in the VM to see the KVM backend). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <dune/dune.h>

int main(void)
{
	struct dune_stats st;
	int r = strcmp(dune_backend(), "host") == 0 && !getenv("DUNE_BACKEND") ? -ENOTSUP :
		dune_enter();
	if (r < 0) {
		fprintf(stderr, "hello: no KVM backend here (%s; backend %s)\n",
			strerror(-r), dune_backend());
		return 77;
	}
	/* From here on this thread runs at guest ring 0 in its own VM: the
	 * same code, stack and heap; system calls go to the host. */
	printf("inside dune: %s, pid %d, backend %s\n",
	       dune_active() ? "yes" : "no", (int)getpid(), dune_backend());
	double *squares = malloc(1000 * sizeof(double));
	for (int i = 0; i < 1000; i++)
		squares[i] = i * 0.5 * i;
	printf("computed inside: 999 * 999 / 2 = %.1f\n", squares[999]);
	free(squares);
	char *page = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	memset(page, 1, 1 << 20);	/* faults filled by the guest page tables */
	munmap(page, 1 << 20);
	fflush(stdout);
	dune_escape();

	/* Back to native execution: the counters tell what happened. */
	dune_stats(&st);
	printf("escaped: inside dune: %s\n", dune_active() ? "yes" : "no");
	printf("exits %llu:", (unsigned long long)st.exits);
	for (int i = 0; i < DUNE_EXIT_REASONS; i++)
		if (st.exits_by_reason[i])
			printf(" %s %llu", dune_exit_reason_name(i),
			       (unsigned long long)st.exits_by_reason[i]);
	printf("\nsyscalls forwarded %llu, page faults served %llu, "
	       "memslots %llu, page-table pages %llu\n",
	       (unsigned long long)st.syscalls, (unsigned long long)st.faults,
	       (unsigned long long)st.memslots, (unsigned long long)st.pt_pages);
	return 0;
}

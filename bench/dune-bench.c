/* dune-bench.c — costs of entering, escaping, a forwarded system call and
 * a bare exit, against native getpid measured in the same run. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include <dune/dune.h>
#include "bench.h"

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "--backend") == 0) {
		puts(dune_backend());
		return 0;
	}
	long n = argc > 1 ? atol(argv[1]) : 20000;
	double native, fwd, nop, enter_escape, enter, escape;
	int r = dune_enter();
	if (r < 0) {
		fprintf(stderr, "dune-bench: dune_enter: %s (backend %s)\n",
			strerror(-r), dune_backend());
		return 77;
	}
	dune_escape();
	BENCH_MEDIAN(native, n, , syscall(SYS_getpid), );
	BENCH_MEDIAN(fwd, n, dune_enter(), syscall(SYS_getpid), dune_escape());
	BENCH_MEDIAN(nop, n, dune_enter(), dune_nop(), dune_escape());
	BENCH_MEDIAN(enter_escape, n / 4, , (dune_enter(), dune_escape()), );
	/* Enter alone: escape cost measured by timing each half. */
	double t_in = 0, t_out = 0;
	for (long i = 0; i < n / 4; i++) {
		double a = bench_now_ns();
		dune_enter();
		double b = bench_now_ns();	/* inside: vDSO time is host time */
		dune_escape();
		double c = bench_now_ns();
		t_in += b - a;
		t_out += c - b;
	}
	enter = t_in / (n / 4);
	escape = t_out / (n / 4);
	printf("libdune bench, backend %s, %ld iterations, median of 5\n",
	       dune_backend(), n);
	printf("%-28s %12s %10s\n", "operation", "ns/op", "x getpid");
	printf("%-28s %12.1f %10.2f\n", "native getpid", native, 1.0);
	printf("%-28s %12.1f %10.2f\n", "forwarded getpid (inside)", fwd, fwd / native);
	printf("%-28s %12.1f %10.2f\n", "bare exit round trip", nop, nop / native);
	printf("%-28s %12.1f %10.2f\n", "enter", enter, enter / native);
	printf("%-28s %12.1f %10.2f\n", "escape", escape, escape / native);
	printf("%-28s %12.1f %10.2f\n", "enter + escape", enter_escape, enter_escape / native);
	return 0;
}

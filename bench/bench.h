/* bench.h — timing helpers shared by the benchmarks: medians of repeated
 * runs, reported per operation. */
#ifndef DUNE_BENCH_H
#define DUNE_BENCH_H

#include <stdlib.h>
#include <time.h>

static inline double bench_now_ns(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e9 + t.tv_nsec;
}

static inline int bench_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* Median of 5 runs of n iterations each, in ns per iteration; setup and
 * teardown run around each timed run. */
#define BENCH_MEDIAN(result, n, setup, body, teardown)                     \
	do {                                                               \
		double runs_[5];                                           \
		for (int r_ = 0; r_ < 5; r_++) {                           \
			setup;                                             \
			double t0_ = bench_now_ns();                       \
			for (long i_ = 0; i_ < (long)(n); i_++) {          \
				body;                                      \
			}                                                  \
			runs_[r_] = (bench_now_ns() - t0_) / (double)(n);  \
			teardown;                                          \
		}                                                          \
		qsort(runs_, 5, sizeof(double), bench_cmp);                \
		(result) = runs_[2];                                       \
	} while (0)

#endif

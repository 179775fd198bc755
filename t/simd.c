/* simd.c — FPU/SSE/AVX state works inside and crosses enter and escape. */
#include <cpuid.h>
#include <fenv.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "dune_test.h"

static __attribute__((noinline)) double work(double x)
{
	return sqrt(x) * 1.5 + x / 3.0;
}

static int have_avx(void)
{
	unsigned a, b, c, d;
	__cpuid(1, a, b, c, d);
	return (c & bit_AVX) && (c & bit_OSXSAVE);
}

int main(void)
{
	char buf[64], big[4096], copy[4096];
	need_dune();
	plan(8);
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = 0;
	char native_buf[64];
	volatile double tiny = 1e-300;
	double native = work(2.0);
	snprintf(native_buf, sizeof(native_buf), "%.6f %g %.3e", 3.14159265,
		 tiny * 1e-10, 2.0 / 3.0);
	ok(dune_enter() == 0, "enter");
	snprintf(buf, sizeof(buf), "%.6f %g %.3e", 3.14159265, tiny * 1e-10, 2.0 / 3.0);
	memcpy(copy, big, sizeof(big));
	size_t len = strlen(copy);
	double inside = work(2.0);
	dune_escape();
	ok(strcmp(buf, native_buf) == 0 && strncmp(buf, "3.141593 ", 9) == 0,
	   "printf of doubles inside: '%s' (native '%s')", buf, native_buf);
	ok(len == sizeof(big) - 1, "memcpy and strlen inside");
	ok(inside == native, "double arithmetic inside equals native");
	/* Rounding mode is FPU control state: set outside, seen inside,
	 * changed inside, seen outside. */
	fesetround(FE_UPWARD);
	dune_enter();
	int mode_in = fegetround();
	fesetround(FE_TOWARDZERO);
	dune_escape();
	int mode_out = fegetround();
	fesetround(FE_TONEAREST);
	ok(mode_in == FE_UPWARD, "rounding mode carried into dune");
	ok(mode_out == FE_TOWARDZERO, "rounding mode carried out of dune");
	if (have_avx()) {
		float v[8] __attribute__((aligned(32))) = { 1, 2, 3, 4, 5, 6, 7, 8 };
		dune_enter();
		__asm__ volatile("vmovaps %0, %%ymm1\n\tvaddps %%ymm1, %%ymm1, %%ymm1\n\t"
				 "vmovaps %%ymm1, %0" : "+m"(v) : : "xmm1");
		dune_escape();
		ok(v[7] == 16 && v[0] == 2, "AVX instructions inside");
		/* A YMM register set inside survives the escape. */
		dune_enter();
		__asm__ volatile("vbroadcastss %0, %%ymm2" : : "m"(v[7]) : "xmm2");
		dune_escape();
		__asm__ volatile("vmovaps %%ymm2, %0" : "=m"(v));
		ok(v[0] == 16 && v[7] == 16, "YMM state carried out exactly");
	} else {
		skip(2, "no AVX on this CPU");
	}
	return done_testing();
}

/* tap.h — a TAP writer for the architecture unit tests, which also run
 * freestanding (LoongArch has no libc here): FREESTANDING builds bring
 * their own write/exit (t/arch/rt-*.h); hosted builds use libc's. */
#ifndef DUNE_T_ARCH_TAP_H
#define DUNE_T_ARCH_TAP_H

#include <stdint.h>

#ifdef FREESTANDING
long rt_write(int fd, const void *buf, unsigned long n);
__attribute__((noreturn)) void rt_exit(int code);
#else
#include <stdlib.h>
#include <unistd.h>
static long rt_write(int fd, const void *buf, unsigned long n) { return write(fd, buf, n); }
static __attribute__((noreturn)) void rt_exit(int code) { exit(code); }
#endif

static int tap_n, tap_failed;

static unsigned long tap_len(const char *s)
{
	unsigned long n = 0;
	while (s[n])
		n++;
	return n;
}

static void tap_puts(const char *s) { rt_write(1, s, tap_len(s)); }

static void tap_hex(uint64_t v)
{
	char b[19] = "0x";
	for (int i = 0; i < 16; i++)
		b[2 + i] = "0123456789abcdef"[(v >> (60 - 4 * i)) & 15];
	b[18] = 0;
	tap_puts(b);
}

static void tap_num(long v)
{
	char b[24];
	int i = 23;
	b[i] = 0;
	do
		b[--i] = (char)('0' + v % 10);
	while ((v /= 10) && i > 0);
	tap_puts(b + i);
}

static int ok(int cond, const char *name)
{
	tap_n++;
	if (!cond) {
		tap_failed++;
		tap_puts("not ");
	}
	tap_puts("ok ");
	tap_num(tap_n);
	tap_puts(" - ");
	tap_puts(name);
	tap_puts("\n");
	return cond;
}

static int is_u64(uint64_t got, uint64_t want, const char *name)
{
	if (ok(got == want, name))
		return 1;
	tap_puts("# got ");
	tap_hex(got);
	tap_puts(", want ");
	tap_hex(want);
	tap_puts("\n");
	return 0;
}

static __attribute__((noreturn)) void done(void)
{
	tap_puts("1..");
	tap_num(tap_n);
	tap_puts("\n");
	rt_exit(tap_failed != 0);
}

#endif

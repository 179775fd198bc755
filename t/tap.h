/* tap.h — a tiny Test Anything Protocol emitter for libdune's C tests.
 * Output goes through write(2) so it works inside dune and across fork. */
#ifndef DUNE_T_TAP_H
#define DUNE_T_TAP_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int tap_count, tap_failed, tap_planned;

static void tap_out(const char *fmt, va_list ap)
{
	char buf[1024];
	int n = vsnprintf(buf, sizeof(buf) - 1, fmt, ap);
	if (n < 0)
		return;
	if (n > (int)sizeof(buf) - 2)
		n = sizeof(buf) - 2;
	buf[n++] = '\n';
	for (int off = 0; off < n;) {
		ssize_t w = write(1, buf + off, n - off);
		if (w <= 0)
			break;
		off += w;
	}
}

static void tap_line(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void tap_line(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	tap_out(fmt, ap);
	va_end(ap);
}

#define diag(...) tap_line("# " __VA_ARGS__)

static inline void plan(int n)
{
	tap_planned = n;
	tap_line("1..%d", n);
}

static inline __attribute__((noreturn)) void skip_all(const char *why)
{
	tap_line("1..0 # SKIP %s", why);
	exit(0);
}

static inline int ok_at(int cond, const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static inline int ok_at(int cond, const char *file, int line, const char *fmt, ...)
{
	char name[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(name, sizeof(name), fmt, ap);
	va_end(ap);
	tap_count++;
	if (!cond)
		tap_failed++;
	tap_line("%sok %d - %s", cond ? "" : "not ", tap_count, name);
	if (!cond)
		tap_line("#   failed at %s:%d", file, line);
	return cond;
}
#define ok(cond, ...) ok_at(!!(cond), __FILE__, __LINE__, __VA_ARGS__)

static inline void skip(int n, const char *why)
{
	while (n-- > 0)
		tap_line("ok %d # SKIP %s", ++tap_count, why);
}

static inline int done_testing(void)
{
	if (tap_planned && tap_count != tap_planned)
		diag("planned %d tests but ran %d", tap_planned, tap_count);
	return tap_failed || (tap_planned && tap_count != tap_planned);
}

#endif

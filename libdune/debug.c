/* debug.c — the opt-in DUNE_DEBUG trace: the library's only output. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <unistd.h>
#include "dune_int.h"

void dune_trace(struct dune_vm *vm, const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	int n, saved = errno;
	if (!vm || !vm->debug)
		return;
	/* vsnprintf + write: no stdio locks, safe from the host loop. */
	n = snprintf(buf, sizeof(buf), "libdune[%d]: ", (int)getpid());
	va_start(ap, fmt);
	n += vsnprintf(buf + n, sizeof(buf) - n - 1, fmt, ap);
	va_end(ap);
	if (n > (int)sizeof(buf) - 2)
		n = sizeof(buf) - 2;
	buf[n++] = '\n';
	if (write(2, buf, n) < 0)
		errno = saved;
	errno = saved;
}

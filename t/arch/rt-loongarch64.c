/* rt-loongarch64.c — the little runtime the freestanding LoongArch tests
 * need: _start, write, exit, and what the compiler may call. */
#include <stdint.h>

long rt_syscall3(long nr, long a, long b, long c)
{
	register long a7 __asm__("$a7") = nr;
	register long a0 __asm__("$a0") = a;
	register long a1 __asm__("$a1") = b;
	register long a2 __asm__("$a2") = c;
	__asm__ volatile("syscall 0"
			 : "+r"(a0)
			 : "r"(a7), "r"(a1), "r"(a2)
			 : "memory", "$t0", "$t1", "$t2", "$t3", "$t4", "$t5", "$t6", "$t7", "$t8");
	return a0;
}

long rt_write(int fd, const void *buf, unsigned long n)
{
	return rt_syscall3(64, fd, (long)buf, (long)n);
}

__attribute__((noreturn)) void rt_exit(int code)
{
	for (;;)
		rt_syscall3(94, code, 0, 0);	/* exit_group */
}

void *memset(void *d, int c, unsigned long n)
{
	volatile unsigned char *p = d;
	while (n--)
		*p++ = (unsigned char)c;
	return d;
}

void *memcpy(void *d, const void *s, unsigned long n)
{
	volatile unsigned char *p = d;
	const unsigned char *q = s;
	while (n--)
		*p++ = *q++;
	return d;
}

int main(void);

__asm__(".globl _start\n_start:\n"
	"bstrins.d $sp, $zero, 3, 0\n"
	"bl main\n"
	"move $a0, $a0\n"
	"li.w $a7, 94\n"
	"syscall 0\n");

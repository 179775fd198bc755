/* cpuid.c (x86-64) — what the guest CPU advertises and which XSAVE
 * components it may use. */
#include <cpuid.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include "x86.h"

/* XCR0 components, Intel SDM Vol. 1 13.1: AMX tile state (17, 18) needs an
 * XSAVE image larger than KVM_GET_XSAVE moves, so guests never get it. */
#define XCR0_X87 (1ull << 0)
#define XCR0_SSE (1ull << 1)
#define XCR0_AMX ((1ull << 17) | (1ull << 18))

uint64_t x86_xgetbv0(void)
{
	uint32_t lo, hi;
	__asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
	return (uint64_t)hi << 32 | lo;
}

static const struct kvm_cpuid_entry2 *find(const struct kvm_cpuid2 *c,
					   uint32_t fn, uint32_t idx)
{
	for (uint32_t i = 0; i < c->nent; i++)
		if (c->entries[i].function == fn && c->entries[i].index == idx)
			return &c->entries[i];
	return NULL;
}

/* Keep only components whose standard-format slot (CPUID.(EAX=0DH,
 * ECX=i): EBX offset, EAX size) fits the 4096-byte image. */
static uint64_t fit_xsave_image(uint64_t xcr0)
{
	for (int i = 2; i < 63; i++) {
		unsigned a, b, c, d;
		if (!(xcr0 & (1ull << i)))
			continue;
		__cpuid_count(0xd, i, a, b, c, d);
		if ((uint64_t)b + a > X86_XSAVE_SIZE)
			xcr0 &= ~(1ull << i);
	}
	return xcr0;
}

/* Bytes of a standard-format image holding the components of xcr0: the
 * legacy area and header (576), then each component's slot. */
static uint32_t xstate_size(uint64_t xcr0)
{
	uint32_t size = 576;
	for (int i = 2; i < 63; i++) {
		unsigned a, b, c, d;
		if (!(xcr0 & (1ull << i)))
			continue;
		__cpuid_count(0xd, i, a, b, c, d);
		if (b + a > size)
			size = b + a;
	}
	return size;
}

int x86_cpuid_fetch(struct dune_vm *vm)
{
	const struct kvm_cpuid_entry2 *e;
	struct kvm_cpuid2 *c = NULL;
	uint32_t n = 64;
	for (;;) {
		free(c);
		c = calloc(1, sizeof(*c) + n * sizeof(c->entries[0]));
		if (!c)
			return -ENOMEM;
		c->nent = n;
		if (ioctl(vm->kvm_fd, KVM_GET_SUPPORTED_CPUID, c) == 0)
			break;
		if (errno != E2BIG || n >= 4096) {
			int r = -errno;
			free(c);
			return r;
		}
		n *= 2;
	}
	vm->arch.cpuid = c;
	e = find(c, 1, 0);
	vm->arch.has_xsave = e && (e->ecx & bit_XSAVE);
	e = find(c, 7, 0);
	vm->arch.has_fsgsbase = e && (e->ebx & bit_FSGSBASE);
	if (!vm->arch.has_xsave)
		return -ENOTSUP;
	e = find(c, 0xd, 0);
	vm->arch.xcr0 = x86_xgetbv0() & ~XCR0_AMX;
	if (e)
		vm->arch.xcr0 &= (uint64_t)e->edx << 32 | e->eax;
	vm->arch.xcr0 = fit_xsave_image(vm->arch.xcr0) | XCR0_X87 | XCR0_SSE;
	x86_xstate_size = xstate_size(vm->arch.xcr0);
	return 0;
}

/* api.c — the public entry points: enter, escape, and what is known. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "dune_int.h"

/* DUNE_BACKEND=kvm forces KVM even where the CPU does not advertise
 * hardware virtualization (a software KVM); "host" names the backend
 * without KVM, not built yet; other values are -EINVAL. */
static int backend_allowed(void)
{
	const char *b = getenv("DUNE_BACKEND");
	if (b && *b) {
		if (strcmp(b, "kvm") == 0)
			return 0;
		return strcmp(b, "host") == 0 ? -ENOTSUP : -EINVAL;
	}
	return arch_cpu_has_hwvirt() > 0 ? 0 : -ENOTSUP;
}

DUNE_API int dune_enter(void)
{
	struct dune_vm *vm;
	struct dune_vcpu *v;
	long r;
	if (arch_guest_mode())
		return 0;
	r = backend_allowed();
	if (r < 0)
		return (int)r;
	r = vm_get(&vm);
	if (r < 0)
		return (int)r;
	r = vcpu_get(vm, &v);
	if (r < 0)
		return (int)r;
	/* Returns inside the guest (0) or back on the host (-errno). */
	return (int)arch_enter_switch(v, (char *)v->stack + v->stack_size, loop_run);
}

DUNE_API int dune_escape(void)
{
	if (!arch_guest_mode())
		return 0;
	return (int)arch_hypercall(HC_ESCAPE, 0, 0, 0);
}

DUNE_API bool dune_active(void)
{
	return arch_guest_mode();
}

DUNE_API int dune_nop(void)
{
	if (!arch_guest_mode())
		return -EPERM;
	return (int)arch_hypercall(HC_NOP, 0, 0, 0);
}

DUNE_API const char *dune_backend(void)
{
	static char name[32];
	if (!name[0]) {
		strcpy(name, "kvm-");
		strcat(name, arch_name);
	}
	return name;
}

DUNE_API int dune_stats(struct dune_stats *out)
{
	struct dune_vm *vm = vm_current();
	if (!out)
		return -EFAULT;
	if (vm && (arch_guest_mode() || vm->pid == getpid()))
		*out = vm->stats;
	else
		memset(out, 0, sizeof(*out));
	return 0;
}

DUNE_API const char *dune_exit_reason_name(int reason)
{
	static const char *const names[DUNE_EXIT_REASONS] = {
		"syscall", "fault", "escape", "exception",
		"interrupt", "host-fault", "nop", "other",
	};
	return reason >= 0 && reason < DUNE_EXIT_REASONS ? names[reason] : "?";
}

/* errors.c — failures are documented -errno values, never a crash, and
 * leave the caller outside dune. */
#include <stdlib.h>
#include "dune_test.h"

static int enter_with(const char *var, const char *value)
{
	int r;
	setenv(var, value, 1);
	r = dune_enter();
	if (r == 0)
		dune_escape();
	unsetenv(var);
	return r;
}

int main(void)
{
	struct dune_stats st;
	plan(9);
	int r = dune_enter();
	int was_inside = dune_active();
	if (r == 0)
		dune_escape();
	ok(r == 0 || r == -ENOTSUP || r == -ENODEV,
	   "dune_enter: 0 or a documented error (%d: %s)", r, strerror(-r));
	ok(was_inside == (r == 0), "inside exactly when enter succeeded");
	ok(!dune_active(), "outside afterwards");
	ok(enter_with("DUNE_BACKEND", "nonsense") == -EINVAL, "unknown DUNE_BACKEND is -EINVAL");
	ok(enter_with("DUNE_BACKEND", "host") == -ENOTSUP,
	   "DUNE_BACKEND=host is -ENOTSUP until that backend exists");
	/* A fresh process, so no VM exists yet: the device is opened. */
	pid_t pid = fork();
	if (pid == 0) {
		setenv("DUNE_BACKEND", "kvm", 1);
		_exit(enter_with("DUNE_KVM_DEVICE", "/nonexistent/kvm") == -ENODEV ? 0 : 1);
	}
	int status;
	ok(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0,
	   "no KVM device is -ENODEV");
	ok(dune_stats(NULL) == -EFAULT, "dune_stats(NULL) is -EFAULT");
	ok(dune_stats(&st) == 0, "dune_stats works whatever the backend");
	ok(strcmp(dune_exit_reason_name(DUNE_EXIT_SYSCALL), "syscall") == 0 &&
	   strcmp(dune_exit_reason_name(-1), "?") == 0 &&
	   strcmp(dune_exit_reason_name(DUNE_EXIT_REASONS), "?") == 0,
	   "exit reason names, out of range is '?'");
	return done_testing();
}

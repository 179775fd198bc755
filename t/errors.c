/* errors.c — failures are documented -errno values, never a crash, and
 * leave the caller outside dune.  The backend is chosen once per process,
 * so each environment is tried in a fresh process (this program re-run
 * with "probe", which exits with -dune_enter()). */
#include <stdlib.h>
#include <unistd.h>
#include "dune_test.h"

static const char *self;

static int probe_with(const char *var, const char *value, const char *var2,
		      const char *value2)
{
	int status;
	pid_t pid = fork();
	if (pid == 0) {
		setenv(var, value, 1);
		if (var2)
			setenv(var2, value2, 1);
		execl(self, self, "probe", (char *)NULL);
		_exit(99);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return 999;
	return -WEXITSTATUS(status);
}

int main(int argc, char **argv)
{
	struct dune_stats st;
	self = argv[0];
	if (argc > 1) {
		int r = dune_enter();
		if (r == 0 && (!dune_active() || dune_escape() != 0))
			return 98;
		return -r;
	}
	plan(10);
	int r = dune_enter();
	int was_inside = dune_active();
	if (r == 0)
		dune_escape();
	ok(r == 0 || r == -ENOTSUP || r == -ENODEV,
	   "dune_enter on backend %s: 0 or a documented error (%d: %s)", dune_backend(), r,
	   strerror(-r));
	ok(was_inside == (r == 0), "inside exactly when enter succeeded");
	ok(!dune_active(), "outside afterwards");
	ok(probe_with("DUNE_BACKEND", "nonsense", NULL, NULL) == -EINVAL,
	   "unknown DUNE_BACKEND is -EINVAL");
	ok(probe_with("DUNE_BACKEND", "host", NULL, NULL) == 0,
	   "DUNE_BACKEND=host works everywhere");
	ok(probe_with("DUNE_BACKEND", "kvm", "DUNE_KVM_DEVICE", "/nonexistent/kvm") == -ENODEV,
	   "DUNE_BACKEND=kvm without a KVM device is -ENODEV");
	ok(dune_stats(NULL) == -EFAULT, "dune_stats(NULL) is -EFAULT");
	ok(dune_stats(&st) == 0 && st.dirty_mechanism && st.fault_mechanism,
	   "dune_stats names the mechanisms (%s, %s)", st.dirty_mechanism, st.fault_mechanism);
	ok(strcmp(dune_exit_reason_name(DUNE_EXIT_SYSCALL), "syscall") == 0 &&
	   strcmp(dune_exit_reason_name(-1), "?") == 0 &&
	   strcmp(dune_exit_reason_name(DUNE_EXIT_REASONS), "?") == 0,
	   "exit reason names, out of range is '?'");
	ok(strcmp(dune_backend(), "host") == 0 || strncmp(dune_backend(), "kvm-", 4) == 0,
	   "dune_backend() names the backend: %s", dune_backend());
	return done_testing();
}

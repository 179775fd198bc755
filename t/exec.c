/* exec.c — execve from inside dune: the new image runs outside. */
#include <stdlib.h>
#include <unistd.h>
#include "dune_test.h"

extern char **environ;

int main(int argc, char **argv)
{
	if (argc > 1) {
		/* The new image: report whether it started inside. */
		plan(1);
		ok(!dune_active(), "the exec'd image runs outside dune");
		return done_testing();
	}
	need_dune();
	if (dune_enter() != 0)
		return 1;
	char *args[] = { argv[0], "child", NULL };
	execve(argv[0], args, environ);
	dune_escape();
	plan(1);
	ok(0, "execve returned: %s", strerror(errno));
	return done_testing();
}

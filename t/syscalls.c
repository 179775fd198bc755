/* syscalls.c — forwarded system calls give the native result and errno. */
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "dune_test.h"

struct result {
	long ret;
	int err;
};

/* The same sequence of calls, run natively and inside. */
static void run_calls(struct result *r, const char *path)
{
	char buf[64];
	int fd;
	errno = 0;
	r[0].ret = getpid(), r[0].err = errno;
	r[1].ret = syscall(SYS_gettid), r[1].err = errno;
	errno = 0;
	fd = open(path, O_RDONLY);
	r[2].ret = fd >= 0, r[2].err = errno;
	r[3].ret = read(fd, buf, sizeof(buf)), r[3].err = errno;
	r[4].ret = r[3].ret > 0 ? buf[0] : -1, r[4].err = 0;
	r[5].ret = close(fd), r[5].err = errno;
	errno = 0;
	r[6].ret = open("/nonexistent/dune", O_RDONLY), r[6].err = errno;
	errno = 0;
	r[7].ret = close(12345), r[7].err = errno;
	errno = 0;
	r[8].ret = write(-1, "x", 1), r[8].err = errno;
	errno = 0;
	void *volatile bad = (void *)8;
	r[9].ret = read(0, bad, 1) >= 0 ? 0 : -1, r[9].err = 0;
}

int main(void)
{
	static const char *names[] = { "getpid", "gettid", "open", "read",
		"read data", "close", "open ENOENT", "close EBADF",
		"write EBADF", "read into a bad pointer does not crash" };
	struct result native[10], in[10];
	char path[] = "/tmp/dune-syscalls-XXXXXX";
	int fd, pipefd[2];
	need_dune();
	plan(14);
	fd = mkstemp(path);
	if (fd < 0 || write(fd, "dune", 4) != 4)
		return 1;
	close(fd);
	run_calls(native, path);
	ok(dune_enter() == 0, "enter");
	run_calls(in, path);
	int inside = dune_active();
	dune_escape();
	ok(inside, "still inside after the calls");
	for (int i = 0; i < 10; i++)
		ok(native[i].ret == in[i].ret && native[i].err == in[i].err,
		   "%s: native %ld/%d, inside %ld/%d", names[i], native[i].ret,
		   native[i].err, in[i].ret, in[i].err);
	/* Data through a pipe, written inside, read outside. */
	if (pipe(pipefd) < 0)
		return 1;
	dune_enter();
	long w = write(pipefd[1], "hello", 5);
	dune_escape();
	char buf[8] = { 0 };
	ok(w == 5 && read(pipefd[0], buf, 5) == 5 && strcmp(buf, "hello") == 0,
	   "write inside reaches the host pipe");
	struct stat st;
	dune_enter();
	int sr = fstat(pipefd[0], &st);
	dune_escape();
	ok(sr == 0 && S_ISFIFO(st.st_mode), "fstat fills a struct inside");
	unlink(path);
	return done_testing();
}

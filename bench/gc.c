/* gc.c — four allocation workloads under three Boehm GC configurations,
 * each run in a fresh process of this program:
 *   stock     libgc, not incremental
 *   boehm-inc libgc's incremental mode with its own dirty bits (mprotect +
 *             SIGSEGV on this kernel)
 *   gcext     incremental mode with libdune-gc's dirty bits
 * All three allocate through libgc's global free lists (GC_malloc_kind_
 * global), Boehm incremental's best configuration (REFERENCE.md).
 *
 *   gc [OUTDIR]              run everything: table on stdout, OUTDIR/gc.csv,
 *                            OUTDIR/gc-pauses.dat and OUTDIR/gc-pauses.png
 *   gc run WORKLOAD MODE     one run: a result line, pauses to fd 3
 *
 * A pause is an allocation that took 1 µs or more: the collector's work
 * (incremental steps, marking, sweeping, feeding dirty pages) as the
 * program feels it. */
#define GC_THREADS
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <gc/gc.h>
#include <gc/gc_inline.h>
#include <dune/gc.h>

#define PAUSE_NS 1000.0
#define MAX_PAUSES (1 << 20)

static double ns_per_tick;
static float *pauses;
static size_t npauses;
static unsigned long segv;
static struct sigaction libgc_segv;

static uint64_t ticks(void)
{
	uint32_t lo, hi;
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return (uint64_t)hi << 32 | lo;
}

static double now_ns(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e9 + t.tv_nsec;
}

static void calibrate(void)
{
	double t0 = now_ns();
	uint64_t c0 = ticks();
	while (now_ns() - t0 < 20e6)
		;
	ns_per_tick = (now_ns() - t0) / (double)(ticks() - c0);
}

static inline void *timed(size_t size, int kind)
{
	uint64_t t0 = ticks();
	void *p = GC_malloc_kind_global(size, kind);
	double ns = (double)(ticks() - t0) * ns_per_tick;
	if (ns >= PAUSE_NS && npauses < MAX_PAUSES)
		pauses[npauses++] = (float)ns;
	return p;
}

#define ALLOC(size) timed(size, GC_I_NORMAL)
#define ALLOC_ATOMIC(size) timed(size, GC_I_PTRFREE)

static uint64_t rng = 88172645463325252ull;
static uint64_t next_rand(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* ---- GCBench's published shape (Ellis, Kovac, Boehm) ---- */
struct tnode {
	struct tnode *left, *right;
	long i, j;
};

static struct tnode *make_tree(int depth)
{
	struct tnode *n = ALLOC(sizeof(*n));
	if (depth > 0) {
		n->left = make_tree(depth - 1);
		n->right = make_tree(depth - 1);
	}
	return n;
}

static void populate(int depth, struct tnode *n)
{
	if (depth <= 0)
		return;
	n->left = ALLOC(sizeof(*n));
	n->right = ALLOC(sizeof(*n));
	populate(depth - 1, n->left);
	populate(depth - 1, n->right);
}

static struct tnode *volatile keep_tree;
static double *volatile keep_array;

static void gcbench(void)
{
	keep_tree = make_tree(18);	/* stretch the heap */
	keep_tree = NULL;
	struct tnode *longlived = ALLOC(sizeof(*longlived));
	populate(16, longlived);
	double *array = ALLOC_ATOMIC(500000 * sizeof(double));
	for (int i = 0; i < 500000 / 2; i++)
		array[i] = 1.0 / (i + 1);
	keep_array = array;
	for (int d = 4; d <= 16; d += 2) {
		long iters = 2l * ((1l << 17) / (1l << d));
		for (long i = 0; i < iters; i++) {
			struct tnode *t = ALLOC(sizeof(*t));
			populate(d, t);		/* top-down */
			keep_tree = make_tree(d);	/* bottom-up */
		}
	}
	keep_tree = longlived;
}

/* ---- a linked list whose old nodes keep getting new successors ---- */
struct lnode {
	struct lnode *next;
	long value[6];
};

static struct lnode *volatile list_head;

static void list_churn(void)
{
	enum { LIVE = 200000, OPS = 3000000 };
	struct lnode **index = ALLOC(LIVE * sizeof(*index));
	for (int i = 0; i < LIVE; i++) {
		index[i] = ALLOC(sizeof(struct lnode));
		index[i]->value[0] = i;
		if (i)
			index[i - 1]->next = index[i];
	}
	list_head = index[0];
	for (int op = 0; op < OPS; op++) {
		/* Replace the successor of a random node. */
		int i = (int)(next_rand() % (LIVE - 1));
		struct lnode *n = ALLOC(sizeof(*n));
		n->value[0] = op;
		n->next = index[i + 1]->next;
		index[i]->next = n;
		index[i + 1] = n;
	}
}

/* ---- a hash map whose old entries get new values ---- */
struct entry {
	struct entry *next;
	long key;
	long *value;
};

static struct entry **volatile map_keep;

static void hash_map(void)
{
	enum { BUCKETS = 1 << 16, KEYS = 1 << 18, UPDATES = 3000000 };
	struct entry **b = ALLOC(BUCKETS * sizeof(*b));
	map_keep = b;
	for (long k = 0; k < KEYS; k++) {
		struct entry *e = ALLOC(sizeof(*e));
		e->key = k;
		e->value = ALLOC_ATOMIC(4 * sizeof(long));
		e->next = b[k % BUCKETS];
		b[k % BUCKETS] = e;
	}
	for (long u = 0; u < UPDATES; u++) {
		long k = (long)(next_rand() % KEYS);
		struct entry *e = b[k % BUCKETS];
		while (e && e->key != k)
			e = e->next;
		long *v = ALLOC_ATOMIC(4 * sizeof(long));
		v[0] = u;
		e->value = v;
	}
}

/* ---- an XML-like document built into a tree, then edited ---- */
struct elem {
	struct elem **kids;
	int nkids;
	char *name;
	char *text;
	struct elem *attrs;
};

static struct elem *make_elem(int depth)
{
	struct elem *e = ALLOC(sizeof(*e));
	e->name = ALLOC_ATOMIC(16);
	strcpy(e->name, "element");
	e->text = ALLOC_ATOMIC(32);
	e->attrs = ALLOC(sizeof(*e));
	if (depth > 0) {
		e->nkids = 4;
		e->kids = ALLOC(4 * sizeof(*e->kids));
		for (int i = 0; i < 4; i++)
			e->kids[i] = make_elem(depth - 1);
	}
	return e;
}

static struct elem *volatile doc;

static void xml_edit(void)
{
	enum { EDITS = 400000 };
	doc = make_elem(8);	/* 87381 elements */
	for (int n = 0; n < EDITS; n++) {
		struct elem *e = doc;
		while (e->nkids && (next_rand() & 3))
			e = e->kids[next_rand() % 4];
		switch (next_rand() % 3) {
		case 0:
			e->text = ALLOC_ATOMIC(32);	/* new text */
			break;
		case 1:
			e->attrs = ALLOC(sizeof(*e));	/* new attributes */
			break;
		default:
			if (e->nkids)			/* replace a small subtree */
				e->kids[next_rand() % 4] = make_elem(1);
		}
	}
}

static const struct {
	const char *name;
	void (*run)(void);
} workloads[] = {
	{ "gcbench", gcbench }, { "list-churn", list_churn },
	{ "hash-map", hash_map }, { "xml-edit", xml_edit },
};
static const char *modes[] = { "stock", "boehm-inc", "gcext" };
#define NW (sizeof(workloads) / sizeof(workloads[0]))
#define NM 3

static void count_segv(int sig, siginfo_t *si, void *uc)
{
	segv++;
	libgc_segv.sa_sigaction(sig, si, uc);
}

static int cmp_float(const void *a, const void *b)
{
	float x = *(const float *)a, y = *(const float *)b;
	return (x > y) - (x < y);
}

/* One workload in one mode: "total_ms collections heap_kib segv minflt
 * pauses mean p99 max" on stdout, the pauses (µs) on fd 3. */
static int run_one(int w, const char *mode)
{
	struct rusage r0, r1;
	pauses = malloc(MAX_PAUSES * sizeof(*pauses));
	calibrate();
	if (strcmp(mode, "gcext") == 0) {
		int r = dune_gc_init(DUNE_GC_ENTER | DUNE_GC_KEEP_MAPPED);
		if (r < 0) {
			fprintf(stderr, "gc: dune_gc_init: %s\n", strerror(-r));
			return 1;
		}
	} else {
		GC_INIT();
		if (strcmp(mode, "boehm-inc") == 0) {
			struct sigaction sa = { .sa_sigaction = count_segv, .sa_flags = SA_SIGINFO };
			GC_enable_incremental();
			sigaction(SIGSEGV, NULL, &libgc_segv);
			if (libgc_segv.sa_flags & SA_SIGINFO)
				sigaction(SIGSEGV, &sa, NULL);
		}
	}
	getrusage(RUSAGE_SELF, &r0);
	double t0 = now_ns();
	workloads[w].run();
	double total = (now_ns() - t0) / 1e6;
	getrusage(RUSAGE_SELF, &r1);
	qsort(pauses, npauses, sizeof(*pauses), cmp_float);
	double sum = 0;
	for (size_t i = 0; i < npauses; i++)
		sum += pauses[i];
	FILE *out = fdopen(3, "w");
	for (size_t i = 0; out && i < npauses; i++)
		fprintf(out, "%.3f\n", pauses[i] / 1e3);
	if (out)
		fclose(out);
	printf("%.1f %lu %zu %lu %ld %zu %.1f %.1f %.1f\n", total,
	       (unsigned long)GC_get_gc_no(), GC_get_heap_size() >> 10, segv,
	       r1.ru_minflt - r0.ru_minflt, npauses, npauses ? sum / npauses / 1e3 : 0,
	       npauses ? pauses[npauses * 99 / 100] / 1e3 : 0,
	       npauses ? pauses[npauses - 1] / 1e3 : 0);
	return 0;
}

struct result {
	int run;
	double total, mean, p99, max;
	unsigned long collections, heap, segv;
	long minflt;
	size_t npauses;
};

/* Run it in a fresh process; pauses go to a file.  Returns 0 on success. */
static int spawn(const char *self, int w, int m, const char *pause_file, struct result *r)
{
	int fds[2], st;
	char line[256] = { 0 };
	if (pipe(fds) < 0)
		return -1;
	pid_t pid = fork();
	if (pid == 0) {
		FILE *pf = fopen(pause_file, "w");
		dup2(fds[1], 1);
		if (pf)
			dup2(fileno(pf), 3);
		char wi[8];
		snprintf(wi, sizeof(wi), "%d", w);
		execl(self, self, "run", wi, modes[m], (char *)NULL);
		_exit(127);
	}
	close(fds[1]);
	ssize_t n = read(fds[0], line, sizeof(line) - 1);
	close(fds[0]);
	waitpid(pid, &st, 0);
	if (n <= 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
		return -1;
	return sscanf(line, "%lf %lu %lu %lu %ld %zu %lf %lf %lf", &r->total, &r->collections,
		      &r->heap, &r->segv, &r->minflt, &r->npauses, &r->mean, &r->p99,
		      &r->max) == 9 ? 0 : -1;
}

static int by_total(const void *a, const void *b)
{
	double x = ((const struct result *)a)->total, y = ((const struct result *)b)->total;
	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	if (argc == 4 && strcmp(argv[1], "run") == 0)
		return run_one(atoi(argv[2]), argv[3]);
	const char *dir = argc > 1 ? argv[1] : ".";
	char path[4096], pf[4096];
	struct result res[NW][NM];
	snprintf(path, sizeof(path), "%s/gc.csv", dir);
	FILE *csv = fopen(path, "w");
	if (csv)
		fprintf(csv, "workload,mode,total_ms,collections,heap_kib,sigsegv,minflt,"
			"pauses,mean_us,p99_us,max_us\n");
	printf("Boehm GC, median of 3 runs by total time; pause = allocation >= 1 us\n");
	printf("%-11s %-10s %9s %6s %9s %8s %8s %8s %8s %8s %9s\n", "workload", "mode",
	       "total ms", "GCs", "heap KiB", "SIGSEGV", "minflt", "pauses", "mean us",
	       "p99 us", "max us");
	for (size_t w = 0; w < NW; w++) {
		for (int m = 0; m < NM; m++) {
			struct result runs[3];
			int ok = 1;
			snprintf(pf, sizeof(pf), "%s/gc-pauses-%s-%s.dat", dir, workloads[w].name,
				 modes[m]);
			for (int i = 0; i < 3 && ok; i++) {
				char each[4200];
				snprintf(each, sizeof(each), "%s.%d", pf, i);
				ok = spawn(argv[0], (int)w, m, each, &runs[i]) == 0;
				runs[i].run = i;
			}
			if (!ok) {
				printf("%-11s %-10s (failed)\n", workloads[w].name, modes[m]);
				memset(&res[w][m], 0, sizeof(res[w][m]));
				continue;
			}
			qsort(runs, 3, sizeof(runs[0]), by_total);
			struct result *r = &res[w][m];
			*r = runs[1];
			for (int i = 0; i < 3; i++) {	/* keep the median run's pauses */
				char each[4200];
				snprintf(each, sizeof(each), "%s.%d", pf, i);
				if (i == r->run)
					rename(each, pf);
				else
					unlink(each);
			}
			printf("%-11s %-10s %9.1f %6lu %9lu %8lu %8ld %8zu %8.1f %8.1f %9.1f\n",
			       workloads[w].name, modes[m], r->total, r->collections, r->heap,
			       r->segv, r->minflt, r->npauses, r->mean, r->p99, r->max);
			if (csv)
				fprintf(csv, "%s,%s,%.1f,%lu,%lu,%lu,%ld,%zu,%.1f,%.1f,%.1f\n",
					workloads[w].name, modes[m], r->total, r->collections,
					r->heap, r->segv, r->minflt, r->npauses, r->mean,
					r->p99, r->max);
		}
		const struct result *b = &res[w][1], *g = &res[w][2];
		if (b->total > 0 && g->total > 0)
			printf("%-11s gcext / boehm-inc: total %.2f, p99 pause %.2f\n",
			       workloads[w].name, g->total / b->total,
			       b->p99 > 0 ? g->p99 / b->p99 : 0);
	}
	if (csv)
		fclose(csv);
	/* The plot: one panel per workload, pause CDFs of the three modes. */
	snprintf(path, sizeof(path), "%s/gc-pauses.gp", dir);
	FILE *gp = fopen(path, "w");
	if (!gp)
		return 0;
	fprintf(gp, "set terminal pngcairo size 1200,900 noenhanced\n"
		"set output '%s/gc-pauses.png'\nset multiplot layout 2,2 title "
		"'Pause distributions (allocations >= 1 us)'\nset logscale x\n"
		"set xlabel 'pause (us)'\nset ylabel 'fraction of pauses <= x'\n"
		"set key bottom right\n", dir);
	for (size_t w = 0; w < NW; w++) {
		fprintf(gp, "set title '%s'\nplot ", workloads[w].name);
		for (int m = 0; m < NM; m++)
			fprintf(gp, "'%s/gc-pauses-%s-%s.dat' using 1:($0/%zu.0) with lines "
				"lw 2 title '%s'%s", dir, workloads[w].name, modes[m],
				res[w][m].npauses ? res[w][m].npauses : 1, modes[m],
				m < NM - 1 ? ", " : "\n");
	}
	fprintf(gp, "unset multiplot\n");
	fclose(gp);
	snprintf(path, sizeof(path), "gnuplot '%s/gc-pauses.gp' 2>/dev/null", dir);
	if (system(path) == 0)
		printf("plot: %s/gc-pauses.png, data: %s/gc.csv\n", dir, dir);
	else
		printf("data: %s/gc.csv (install gnuplot for the plot)\n", dir);
	return 0;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * Many address spaces and many CPUs.
 *
 * The LPAE TTBR0 carries an 8-bit ASID, so more than 256 live processes
 * force ASID roll-over; each process must keep seeing its own data at the
 * same virtual address however often it is switched out.  fork()+exit()
 * must give back every page-table page and slab object it took.  Threads
 * on two CPUs faulting the same pages, and TLB shootdown after mprotect()
 * and munmap() while another CPU is writing, close the set.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "lpae_util.h"

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif

#define PG LPAE_PAGE_SIZE

FIXTURE(proc) {
	int ncpus;
};

FIXTURE_SETUP(proc)
{
	self->ncpus = lpae_online_cpus();
}

FIXTURE_TEARDOWN(proc)
{
}

#define RING_PROCS	300	/* > 256 ASIDs */
#define RING_ROUNDS	20	/* tokens each process receives */
#define RING_PAGES	8

/* Three words per page, from the process's own seed. */
static int ring_check(const char *p, uint64_t seed)
{
	return lpae_verify_sparse(p, RING_PAGES * PG, seed) == -1;
}

/*
 * Child @i of the ring: write its own pattern at the shared VA, then
 * RING_ROUNDS times wait for a token, check the pattern and a private
 * counter, bump the counter and pass the token on.
 */
static int ring_child(char *p, int i, int (*pipes)[2])
{
	uint64_t seed = 1000 + i;
	volatile uint32_t *ctr = (uint32_t *)(p + 8);
	uint32_t round;
	int bad = 0;
	char tok;

	lpae_fill_sparse(p, RING_PAGES * PG, seed);
	*ctr = 0;
	for (round = 0; round < RING_ROUNDS; round++) {
		if (read(pipes[i][0], &tok, 1) != 1)
			return 3;
		/* On a mismatch keep the token moving: fail, don't hang. */
		if (!bad && !ring_check(p, seed))
			bad = 1;
		if (!bad && *ctr != round)
			bad = 2;
		*ctr = round + 1;
		if (write(pipes[(i + 1) % RING_PROCS][1], &tok, 1) != 1)
			return 4;
	}
	return bad;
}

/*
 * 300 processes, one VA, 300 different pages behind it; two tokens go
 * round the ring so both CPUs switch between all of them, 20 times each.
 */
TEST_F_TIMEOUT(proc, asid_rollover_300_processes, 240)
{
	int (*pipes)[2] = calloc(RING_PROCS, sizeof(*pipes));
	pid_t *pids = calloc(RING_PROCS, sizeof(pid_t));
	struct rusage ru;
	int i, status, bad = 0;
	long switches;
	char *p;

	ASSERT_TRUE(pipes && pids);
	p = mmap(NULL, RING_PAGES * PG, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_TRUE(p != MAP_FAILED);
	lpae_fill_sparse(p, RING_PAGES * PG, 77);
	for (i = 0; i < RING_PROCS; i++)
		ASSERT_EQ(0, pipe(pipes[i]));
	for (i = 0; i < RING_PROCS; i++) {
		pids[i] = fork();
		ASSERT_GE(pids[i], 0) {
			TH_LOG("fork %d: %s", i, strerror(errno));
			while (i--)
				kill(pids[i], SIGKILL);
		}
		if (pids[i] == 0)
			_exit(ring_child(p, i, pipes));
	}
	/* All 300 exist and wait; start the two tokens. */
	ASSERT_EQ(1, write(pipes[0][1], "a", 1));
	ASSERT_EQ(1, write(pipes[RING_PROCS / 2][1], "b", 1));
	for (i = 0; i < RING_PROCS; i++) {
		ASSERT_EQ(pids[i], waitpid(pids[i], &status, 0));
		if (!WIFEXITED(status) || WEXITSTATUS(status)) {
			if (bad++ < 5)
				TH_LOG("process %d: status %#x", i, status);
		}
	}
	EXPECT_EQ(0, bad);
	getrusage(RUSAGE_CHILDREN, &ru);
	switches = ru.ru_nvcsw + ru.ru_nivcsw;
	ksft_print_msg("%d processes, %ld context switches\n", RING_PROCS,
		       switches);
	EXPECT_GE(switches, RING_PROCS * RING_ROUNDS / 2);
	/* The parent's own page behind the same VA never changed. */
	EXPECT_TRUE(ring_check(p, 77));
	munmap(p, RING_PAGES * PG);
}

/* fork+exit cycles: the reference boot, a quick boot */
#define FORKS		10000
#define QUICK_FORKS	1000
#define SETTLE_SECONDS	15
#define MAX_SLABS	512

struct slab {
	char name[64];
	long active;
	long per_slab;
};

/* Active objects of every cache in /proc/slabinfo; count or -1. */
/*
 * Can slab counts show a leak?  Not under generic KASAN (lpae+debug):
 * its quarantine holds freed objects back from their caches, up to
 * 1/32 of RAM, so a cache's object count and the Slab total grow after
 * every process has exited with nothing leaked. That configuration's
 * leak check is the kmemleak scan after the selftests; page tables,
 * vmalloc and kernel stacks are not quarantined and are still checked.
 */
static bool slab_counts_usable(void)
{
	if (!lpae_kernel_has_kasan())
		return true;
	ksft_print_msg("KASAN: slab counts not compared (its quarantine keeps freed objects)\n");
	return false;
}

static int read_slabinfo(struct slab *s, int max)
{
	char line[512];
	int n = 0;
	FILE *f;

	f = fopen("/proc/slabinfo", "re");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f) && n < max) {
		long num, size;

		if (line[0] == '#' || !strncmp(line, "slabinfo", 8))
			continue;
		if (sscanf(line, "%63s %ld %ld %ld %ld", s[n].name,
			   &s[n].active, &num, &size, &s[n].per_slab) == 5)
			n++;
	}
	fclose(f);
	return n;
}

/*
 * Caches that grew by more than 1%, two slabs per CPU and one object per
 * SLAB_NOISE_FORKS forks of the run.  A leak in fork or exit costs at
 * least one object per cycle; smaller changes are caches doing their job
 * (the PID IDR's radix-tree nodes follow the PID cursor, per-CPU partial
 * slabs come and go). The noise allowance scales with the forks, so a
 * one-object-per-fork leak stays far above it in a quick boot too.
 */
#define SLAB_NOISE_FORKS	20

static int slab_growth(struct slab *a, int na, struct slab *b, int nb,
		       int ncpus, int forks, char *why, size_t whylen)
{
	int i, j, grew = 0;

	why[0] = '\0';
	for (i = 0; i < nb; i++) {
		/*
		 * vmap_area objects of freed (vmalloc'd) kernel stacks are
		 * purged lazily, in batches; VmallocUsed tracks the stacks.
		 */
		if (!strcmp(b[i].name, "vmap_area"))
			continue;
		for (j = 0; j < na; j++)
			if (!strcmp(a[j].name, b[i].name))
				break;
		long before = j < na ? a[j].active : 0;
		long slack = before / 100 + 2 * b[i].per_slab * (ncpus + 1) +
			     forks / SLAB_NOISE_FORKS;

		if (b[i].active - before > slack) {
			size_t l = strlen(why);

			snprintf(why + l, whylen - l, " %.48s:%ld->%ld",
				 b[i].name, before, b[i].active);
			grew++;
		}
	}
	return grew;
}

/*
 * 10,000 fork()+exit() cycles (1,000 in a quick boot) of a process with
 * memory in three 1 GiB slots: PageTables and every slab cache end where
 * they started.
 */
TEST_F_TIMEOUT(proc, fork_exit_no_leak, 400)
{
	static struct slab s0[MAX_SLABS], s1[MAX_SLABS];
	long long pt0 = 0, pt1 = 0, slab0 = 0, slab1 = 0;
	long long vm0 = 0, vm1 = 0, ks0 = 0, ks1 = 0;
	char *regions[3], why[4096];
	static const uintptr_t at[3] = { 0, 0x40100000, 0x80100000 };
	int i, n0 = 0, n1 = 0, grew = 0, tries;
	bool slab_ok = slab_counts_usable();
	int forks = lpae_scaled(FORKS, QUICK_FORKS);
	struct timespec t0, t1;

	/*
	 * Parent and children on one CPU: the count is what matters, and
	 * on an emulated SMP guest a fork that wakes the other CPU costs
	 * several times more (inter-processor interrupts).
	 */
	ASSERT_EQ(0, lpae_pin_cpu(0));
	for (i = 0; i < 3; i++) {
		regions[i] = mmap((void *)at[i], 4 * PG, PROT_READ | PROT_WRITE,
				  MAP_PRIVATE | MAP_ANONYMOUS |
				  (at[i] ? MAP_FIXED_NOREPLACE : 0), -1, 0);
		if (regions[i] == MAP_FAILED)
			regions[i] = mmap(NULL, 4 * PG, PROT_READ | PROT_WRITE,
					  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		ASSERT_TRUE(regions[i] != MAP_FAILED);
		memset(regions[i], i + 1, 4 * PG);
	}

	/* Warm the caches up so that steady state is what we compare. */
	for (i = 0; i < 200 + forks; i++) {
		pid_t pid;

		if (i == 200) {
			sleep(1);
			pt0 = lpae_meminfo_kb("PageTables");
			slab0 = lpae_meminfo_kb("Slab");
			vm0 = lpae_meminfo_kb("VmallocUsed");
			ks0 = lpae_meminfo_kb("KernelStack");
			n0 = slab_ok ? read_slabinfo(s0, MAX_SLABS) : 0;
			clock_gettime(CLOCK_MONOTONIC, &t0);
		}
		pid = fork();
		ASSERT_GE(pid, 0);
		if (pid == 0) {
			regions[i % 3][(i % 4) * PG] ^= 1;
			_exit(0);
		}
		ASSERT_EQ(pid, waitpid(pid, NULL, 0));
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ksft_print_msg("%d forks in %ld ms\n", forks,
		       (long)((t1.tv_sec - t0.tv_sec) * 1000 +
			      (t1.tv_nsec - t0.tv_nsec) / 1000000));

	/*
	 * Let RCU-deferred frees (page tables, stacks, slab objects) land
	 * before judging; a leak never settles, a slow grace period does.
	 */
	for (tries = 0; tries < SETTLE_SECONDS; tries++) {
		sleep(1);
		pt1 = lpae_meminfo_kb("PageTables");
		slab1 = lpae_meminfo_kb("Slab");
		vm1 = lpae_meminfo_kb("VmallocUsed");
		ks1 = lpae_meminfo_kb("KernelStack");
		if (n0 > 0) {
			n1 = read_slabinfo(s1, MAX_SLABS);
			grew = slab_growth(s0, n0, s1, n1, self->ncpus, forks,
					   why, sizeof(why));
		}
		if (!slab_ok)
			slab1 = slab0;
		if (pt1 <= pt0 + pt0 / 100 + 16 && !grew &&
		    slab1 <= slab0 + slab0 / 100 + 256 &&
		    vm1 <= vm0 + vm0 / 100 + 64 && ks1 <= ks0 + ks0 / 100 + 64)
			break;
	}
	ksft_print_msg("kB before -> after: PageTables %lld -> %lld, Slab %lld -> %lld\n",
		       pt0, pt1, slab0, slab1);
	ksft_print_msg("kB before -> after: VmallocUsed %lld -> %lld, KernelStack %lld -> %lld\n",
		       vm0, vm1, ks0, ks1);
	EXPECT_LE(pt1, pt0 + pt0 / 100 + 16) {
		TH_LOG("page tables leaked: %lld kB over %d forks",
		       pt1 - pt0, forks);
	}
	EXPECT_LE(slab1, slab0 + slab0 / 100 + 256);
	EXPECT_LE(vm1, vm0 + vm0 / 100 + 64);
	EXPECT_LE(ks1, ks0 + ks0 / 100 + 64);
	EXPECT_EQ(0, grew) {
		TH_LOG("slab caches grew:%s", why);
	}
	for (i = 0; i < 3; i++)
		munmap(regions[i], 4 * PG);
}

/*
 * Fault injection into PGD allocation. With LPAE the PGD comes from the
 * pgd_lpae cache: failslab, limited to that cache (cache-filter; in 6.1
 * the cache's failslab flag can only be set at boot, by
 * slub_debug=A,pgd_lpae, which the harness passes) and to this process
 * (task-filter, /proc/self/make-it-fail, which fork() copies into the
 * children, who allocate no PGD). The classic 16 KiB PGD is an order-2
 * page allocation: fail_page_alloc from order 2 up.
 */
#define DEBUGFS		"/sys/kernel/debug/"
#define PGD_CACHE_SYSFS	"/sys/kernel/slab/pgd_lpae"
#define INJECT_FORKS	2000
#define QUICK_INJECT_FORKS	500

static int inject_set(const char *dir, const char *attr, const char *val)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", dir, attr);
	if (!lpae_write_str(path, val))
		return 0;
	ksft_print_msg("cannot write %s to %s: %s\n", val, path,
		       strerror(errno));
	return -1;
}

/* Arm or disarm failures of the PGD allocation; -1 where unsupported. */
static int pgd_inject(int on)
{
	int lpae = !access(PGD_CACHE_SYSFS, F_OK);
	const char *dir = lpae ? DEBUGFS "failslab" : DEBUGFS "fail_page_alloc";
	int err = 0;

	if (access(dir, W_OK))
		return -1;
	if (!on) {
		lpae_write_str("/proc/self/make-it-fail", "0");
		inject_set(dir, "probability", "0");
		return 0;
	}
	err |= inject_set(dir, "verbose", "0");
	err |= inject_set(dir, "interval", "1");
	/* 6.1 parses it unsigned: no -1 for "no limit" */
	err |= inject_set(dir, "times", "1000000");
	err |= inject_set(dir, "task-filter", "Y");
	err |= inject_set(dir, "ignore-gfp-wait", "N");
	if (lpae)
		err |= inject_set(dir, "cache-filter", "Y");
	else
		err |= inject_set(dir, "min-order", "2");
	err |= inject_set(dir, "probability", "30");
	err |= inject_set("/proc/self", "make-it-fail", "1");
	return err ? -1 : 0;
}

/*
 * With PGD allocations failing at random, fork() fails with ENOMEM and
 * nothing else, the forks that succeed work, and once the failures stop
 * PageTables and every slab cache are back where they started, with no
 * warning in the kernel log: every failure path unwinds what it took.
 */
TEST_F_TIMEOUT(proc, fork_fails_cleanly_when_pgd_alloc_fails, 300)
{
	static struct slab s0[MAX_SLABS], s1[MAX_SLABS];
	int i, n0 = 0, n1 = 0, ok = 0, enomem = 0, other = 0, grew = 0, tries;
	long long pt0 = 0, pt1 = 0;
	struct lpae_klog klog;
	char why[4096], *log = NULL;
	const char *bad;
	int have_klog, armed, forks = lpae_scaled(INJECT_FORKS,
						 QUICK_INJECT_FORKS);

	if (geteuid())
		SKIP(return, "fault injection needs root");
	if (pgd_inject(0))
		SKIP(return, "no failslab or fail_page_alloc in debugfs");
	if (!access(PGD_CACHE_SYSFS, F_OK) &&
	    lpae_read_ll(PGD_CACHE_SYSFS "/failslab") != 1)
		SKIP(return, "boot with slub_debug=A,pgd_lpae to scope failslab");
	ASSERT_EQ(0, lpae_pin_cpu(0));	/* as in fork_exit_no_leak */
	have_klog = !lpae_klog_open(&klog);

	for (i = 0; i < forks + 200; i++) {
		pid_t pid;

		if (i == 200) {
			sleep(1);
			pt0 = lpae_meminfo_kb("PageTables");
			n0 = slab_counts_usable() ?
			     read_slabinfo(s0, MAX_SLABS) : 0;
			armed = !pgd_inject(1);
			if (!armed)
				pgd_inject(0);
			ASSERT_TRUE(armed);
		}
		pid = fork();
		if (pid == 0)
			_exit(0);
		if (pid > 0) {
			waitpid(pid, NULL, 0);
			ok += i >= 200;
		} else if (errno == ENOMEM) {
			enomem++;
		} else {
			other++;
		}
	}
	pgd_inject(0);
	ksft_print_msg("%d forks with failures injected: %d ok, %d ENOMEM, %d other errors\n",
		       forks, ok, enomem, other);
	EXPECT_GT(enomem, 0) {
		TH_LOG("no fork failed: the injection did not reach pgd_alloc()");
	}
	EXPECT_GT(ok, 0);
	EXPECT_EQ(0, other);

	for (tries = 0; tries < SETTLE_SECONDS; tries++) {
		sleep(1);
		pt1 = lpae_meminfo_kb("PageTables");
		n1 = read_slabinfo(s1, MAX_SLABS);
		grew = n0 > 0 && n1 > 0 ?
		       slab_growth(s0, n0, s1, n1, self->ncpus, forks, why,
				   sizeof(why)) :
		       0;
		if (pt1 <= pt0 + pt0 / 100 + 16 && !grew)
			break;
	}
	ksft_print_msg("PageTables %lld kB -> %lld kB\n", pt0, pt1);
	EXPECT_LE(pt1, pt0 + pt0 / 100 + 16);
	EXPECT_EQ(0, grew) {
		TH_LOG("slab caches grew:%s", why);
	}
	if (have_klog) {
		lpae_klog_read_new(&klog, &log);
		bad = log ? lpae_klog_bad(log) : NULL;
		EXPECT_TRUE(!bad) {
			TH_LOG("kernel log: %.200s", bad);
		}
		free(log);
		lpae_klog_close(&klog);
	}
}

/*
 * The PGD objects alive, exactly: shrinking the cache first moves the
 * per-CPU slabs back to the node lists, where "objects" counts the ones
 * in use.
 */
static long long pgd_live_objects(void)
{
	lpae_write_str(PGD_CACHE_SYSFS "/shrink", "1");
	return lpae_read_ll(PGD_CACHE_SYSFS "/objects");
}

/*
 * Which allocations fail-nth may fail: the PGD object (failslab limited
 * to pgd_lpae, as above) and lowmem page allocations of any order, the
 * tables pgd_alloc() adds among them. User pages and HIGHPTE tables are
 * highmem and stay exempt, so the parent's copy-on-write faults after
 * fork() never consume a pending failure.
 */
static int nth_scope(int on)
{
	const char *fs = DEBUGFS "failslab", *fp = DEBUGFS "fail_page_alloc";
	int err = 0;

	err |= inject_set(fs, "cache-filter", on ? "Y" : "N");
	err |= inject_set(fs, "ignore-gfp-wait", on ? "N" : "Y");
	err |= inject_set(fp, "ignore-gfp-wait", on ? "N" : "Y");
	err |= inject_set(fp, "ignore-gfp-highmem", "Y");
	err |= inject_set(fp, "min-order", on ? "0" : "1");
	return err;
}

#define NTH_MAX		64

/*
 * fork() failing at each allocation in turn (fail-nth: the nth
 * allocation that reaches a fault-injection point in this task fails):
 * the PGD, then the tables pgd_alloc() adds after it. Random failures
 * rarely hit the second step; this walk hits every step once. Every
 * failure must unwind: no PGD object is left behind.
 */
TEST_F_TIMEOUT(proc, fork_fails_cleanly_at_each_allocation, 120)
{
	int nth_fd, n, enomem = 0, other = 0, ok = 0, tries;
	long long before, after = 0;
	char buf[16];

	if (access(PGD_CACHE_SYSFS, F_OK))
		SKIP(return, "no pgd_lpae cache: classic PGDs are pages");
	if (geteuid() || access(DEBUGFS "fail_page_alloc", W_OK))
		SKIP(return, "needs root and fail_page_alloc in debugfs");
	ASSERT_EQ(1, lpae_read_ll(PGD_CACHE_SYSFS "/failslab")) {
		TH_LOG("run_qemu.py boots with slub_debug=A,pgd_lpae");
	}
	nth_fd = open("/proc/thread-self/fail-nth", O_RDWR);
	ASSERT_LE(0, nth_fd);
	ASSERT_EQ(0, lpae_pin_cpu(0));
	ASSERT_EQ(0, nth_scope(1));
	before = pgd_live_objects();

	for (n = 1; n <= NTH_MAX; n++) {
		pid_t pid;
		int len = snprintf(buf, sizeof(buf), "%d", n);

		ASSERT_EQ(len, pwrite(nth_fd, buf, len, 0));
		pid = fork();
		if (pid == 0)
			_exit(0);
		len = pread(nth_fd, buf, sizeof(buf) - 1, 0);
		pwrite(nth_fd, "0", 1, 0);
		buf[len > 0 ? len : 0] = '\0';
		if (pid > 0) {
			waitpid(pid, NULL, 0);
			ok++;
		} else if (errno == ENOMEM) {
			enomem++;
		} else {
			other++;
		}
		/* Not consumed: fork() made fewer allocations than n. */
		if (atoi(buf) > 0)
			break;
	}
	nth_scope(0);
	close(nth_fd);

	for (tries = 0; tries < SETTLE_SECONDS; tries++) {
		after = pgd_live_objects();
		if (after <= before)
			break;
		sleep(1);
	}
	ksft_print_msg("fork() failed at its allocations 1-%d: %d ENOMEM, %d ok, %d other\n",
		       n - 1, enomem, ok, other);
	ksft_print_msg("pgd_lpae objects %lld -> %lld\n", before, after);
	EXPECT_LT(n, NTH_MAX + 1) {
		TH_LOG("fork() made more than %d allocations", NTH_MAX);
	}
	EXPECT_GT(enomem, 1);
	EXPECT_EQ(0, other);
	EXPECT_LE(after, before) {
		TH_LOG("%lld PGD objects leaked", after - before);
	}
}

#define T_THREADS	4
#define T_LEN		(32 * LPAE_MIB)
#define T_ROUNDS	3

struct fault_ctx {
	char *p;
	pthread_barrier_t start, done;
	int ncpus;
};

struct fault_arg {
	struct fault_ctx *c;
	int id;
};

/* Every thread writes its own word of every page, in its own order. */
static void *fault_thread(void *arg)
{
	struct fault_arg *a = arg;
	struct fault_ctx *c = a->c;
	size_t np = T_LEN / PG, k;
	int round;

	lpae_pin_cpu(a->id % c->ncpus);
	for (round = 0; round < T_ROUNDS; round++) {
		pthread_barrier_wait(&c->start);
		for (k = 0; k < np; k++) {
			size_t pg = (a->id & 1) ? np - 1 - k : k;
			uint32_t *w = (uint32_t *)(c->p + pg * PG);

			w[a->id * 16] = (uint32_t)(pg << 8 | round << 4 | a->id);
		}
		pthread_barrier_wait(&c->done);
	}
	return NULL;
}

/*
 * Four threads on two CPUs fault the same 32 MiB at once, three times
 * (the region is dropped with MADV_DONTNEED in between); every page must
 * end up with all four threads' words.
 */
TEST_F_TIMEOUT(proc, threads_fault_same_region, 120)
{
	struct fault_arg args[T_THREADS];
	pthread_t th[T_THREADS];
	struct fault_ctx c;
	int i, round;
	size_t pg;

	c.ncpus = self->ncpus > 0 ? self->ncpus : 1;
	c.p = mmap(NULL, T_LEN, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_TRUE(c.p != MAP_FAILED);
	madvise(c.p, T_LEN, MADV_NOHUGEPAGE);
	pthread_barrier_init(&c.start, NULL, T_THREADS + 1);
	pthread_barrier_init(&c.done, NULL, T_THREADS + 1);
	for (i = 0; i < T_THREADS; i++) {
		args[i].c = &c;
		args[i].id = i;
		ASSERT_EQ(0, pthread_create(&th[i], NULL, fault_thread,
					    &args[i]));
	}
	for (round = 0; round < T_ROUNDS; round++) {
		int bad = 0;

		pthread_barrier_wait(&c.start);
		pthread_barrier_wait(&c.done);
		for (pg = 0; pg < T_LEN / PG; pg++) {
			uint32_t *w = (uint32_t *)(c.p + pg * PG);

			for (i = 0; i < T_THREADS; i++)
				if (w[i * 16] != (uint32_t)(pg << 8 | round << 4 | i))
					bad++;
		}
		EXPECT_EQ(0, bad) {
			TH_LOG("round %d: %d lost words", round, bad);
		}
		ASSERT_EQ(0, madvise(c.p, T_LEN, MADV_DONTNEED));
	}
	for (i = 0; i < T_THREADS; i++)
		pthread_join(th[i], NULL);
	munmap(c.p, T_LEN);
}

/* A writer spinning on one CPU while the other CPU revokes the page. */
struct spin_ctx {
	volatile uint32_t *target;
	volatile long writes;
	volatile int go, faulted, quit;
	int cpu;
};

static void *spin_writer(void *arg)
{
	struct spin_ctx *s = arg;
	uint32_t v = 0;

	lpae_pin_cpu(s->cpu);
	while (!s->quit) {
		if (!s->go) {
			sched_yield();
			continue;
		}
		if (lpae_write32(s->target, ++v, NULL)) {
			s->faulted = 1;
			s->go = 0;
			continue;
		}
		__atomic_add_fetch(&s->writes, 1, __ATOMIC_SEQ_CST);
	}
	return NULL;
}

static void spin_ms(int ms)
{
	struct timespec a, b;

	clock_gettime(CLOCK_MONOTONIC, &a);
	do {
		clock_gettime(CLOCK_MONOTONIC, &b);
	} while ((b.tv_sec - a.tv_sec) * 1000 +
		 (b.tv_nsec - a.tv_nsec) / 1000000 < ms);
}

/*
 * Once mprotect(PROT_READ) or munmap() returns on CPU 0, the writer on
 * CPU 1 must not complete another store: its TLB entry has to be gone.
 * At most one store that was already under way may still be counted.
 */
TEST_F_TIMEOUT(proc, tlb_shootdown_on_revoke, 120)
{
	struct spin_ctx s;
	pthread_t th;
	int round, late_max = 0;
	char *p;

	if (self->ncpus < 2)
		SKIP(return, "needs two CPUs");
	ASSERT_EQ(0, lpae_pin_cpu(0));
	memset(&s, 0, sizeof(s));
	s.cpu = 1;
	ASSERT_EQ(0, pthread_create(&th, NULL, spin_writer, &s));
	for (round = 0; round < 40; round++) {
		bool unmap = round & 1;
		long w0, w1;

		p = mmap(NULL, PG, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		ASSERT_TRUE(p != MAP_FAILED);
		s.target = (uint32_t *)p;
		s.faulted = 0;
		s.writes = 0;
		s.go = 1;
		while (s.writes < 2000)
			;	/* the writer's TLB now holds the page */
		if (unmap) {
			ASSERT_EQ(0, munmap(p, PG));
		} else {
			ASSERT_EQ(0, mprotect(p, PG, PROT_READ));
		}
		w0 = __atomic_load_n(&s.writes, __ATOMIC_SEQ_CST);
		spin_ms(5);
		w1 = __atomic_load_n(&s.writes, __ATOMIC_SEQ_CST);
		if (w1 - w0 > late_max)
			late_max = w1 - w0;
		EXPECT_LE(w1 - w0, 1) {
			TH_LOG("round %d (%s): %ld stores after the revoke",
			       round, unmap ? "munmap" : "mprotect", w1 - w0);
		}
		while (!s.faulted && w1 - w0 <= 1)
			;
		s.go = 0;
		if (!unmap)
			munmap(p, PG);
	}
	s.quit = 1;
	pthread_join(th, NULL);
	ksft_print_msg("most stores completed after a revoke: %d\n", late_max);
}

TEST_HARNESS_MAIN

// SPDX-License-Identifier: GPL-2.0
/*
 * Memory pressure: a process that allocates beyond RAM is killed by the
 * OOM killer, while the system and an innocent sibling survive with their
 * data intact and the kernel log shows no crash.
 *
 * One 32-bit process cannot map more than ~3 GiB, less than the RAM an
 * LPAE guest may have, so the hog takes anonymous memory and grows a memfd
 * (shmem, not limited by the address space) side by side.  Mappings are
 * populated by the kernel (MAP_POPULATE) and then touched with a 4 KiB
 * stride, and the memfd is grown with fallocate(), so that the kernel, not
 * user space, does the filling: under emulation the per-page exception
 * round trips would dominate.
 *
 * First, free memory is parked in the hugetlb pool (fence_free_memory()),
 * so that the hog runs out after 1.5 GiB in the reference boot and after
 * 384 MiB in a quick boot, not after all of RAM, which takes 40 s at
 * 6 GiB under emulation. Without a hugetlb pool (the classic kernel) the
 * hog takes all of RAM.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "lpae_util.h"

#define WINDOW		(256UL << 20)
#define SIBLING_LEN	(32UL << 20)
#define NR_HUGEPAGES	"/proc/sys/vm/nr_hugepages"
/* What the fence leaves free: the reference boot, a quick boot. */
#define FENCE_KEEP_KB		(1536LL << 10)
#define QUICK_FENCE_KEEP_KB	(384LL << 10)

static void touch(char *p, size_t len)
{
	size_t off;

	for (off = 0; off < len; off += LPAE_PAGE_SIZE)
		p[off] = 1;
}

/*
 * Never returns normally: the OOM killer is expected to end it. Each round
 * takes one window of anonymous memory, while the address space lasts,
 * and grows a memfd (shmem, which needs no address space) by one window,
 * so both kinds of memory are in play whatever the size of RAM.
 */
static int hog(void)
{
	bool anon = true;
	off_t size = 0;
	char *p;
	int fd;

	if (lpae_write_str("/proc/self/oom_score_adj", "1000"))
		return 10;
	fd = memfd_create("lpae-oom-filler", MFD_CLOEXEC);
	if (fd < 0)
		return 11;
	for (;;) {
		if (anon) {
			p = mmap(NULL, WINDOW, PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE |
				 MAP_POPULATE, -1, 0);
			anon = p != MAP_FAILED;
			if (anon)
				touch(p, WINDOW);
		}
		if (fallocate(fd, 0, size, WINDOW))
			return 12;
		size += WINDOW;
	}
}

/* Holds a pattern until told to check it. */
static int sibling(int ready_fd, int cmd_fd)
{
	char *p, c;

	p = mmap(NULL, SIBLING_LEN, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return 20;
	lpae_fill(p, SIBLING_LEN, 0x5151);
	if (write(ready_fd, "r", 1) != 1)
		return 21;
	if (read(cmd_fd, &c, 1) != 1)
		return 22;
	return lpae_verify(p, SIBLING_LEN, 0x5151) == -1 ? 0 : 23;
}

/*
 * Park all free memory but @keep_kb in the hugetlb pool. The pool
 * takes its 2 MiB blocks from the page allocator without clearing them,
 * while every page the hog takes is faulted in and cleared (about 6 s per
 * GiB under emulation); what is parked is out of the hog's reach just the
 * same. Returns the pool size to restore, or -1 when nothing was parked.
 */
static long long fence_free_memory(long long keep_kb)
{
	long long old = lpae_read_ll(NR_HUGEPAGES);
	long long free_kb = lpae_meminfo_kb("MemFree");
	long long huge_kb = lpae_meminfo_kb("Hugepagesize");

	if (old < 0 || huge_kb <= 0 || free_kb <= keep_kb)
		return -1;
	if (lpae_write_ll(NR_HUGEPAGES, old + (free_kb - keep_kb) / huge_kb))
		return -1;
	ksft_print_msg("parked %lld MiB in the hugetlb pool, %lld MiB free\n",
		       (lpae_read_ll(NR_HUGEPAGES) - old) * huge_kb >> 10,
		       lpae_meminfo_kb("MemFree") >> 10);
	return old;
}

FIXTURE(oom) {
	struct lpae_klog klog;
	bool have_klog;
	long long pool;		/* nr_hugepages to restore, or -1 */
};

FIXTURE_SETUP(oom)
{
	self->have_klog = !lpae_klog_open(&self->klog);
	self->pool = -1;
}

FIXTURE_TEARDOWN(oom)
{
	if (self->pool >= 0)
		lpae_write_ll(NR_HUGEPAGES, self->pool);
	if (self->have_klog)
		lpae_klog_close(&self->klog);
}

TEST_F_TIMEOUT(oom, hog_killed_sibling_survives, 420)
{
	long long avail0 = lpae_meminfo_kb("MemAvailable"), avail1 = 0;
	int ready[2], cmd[2], status, i;
	pid_t sib, h;
	struct timespec t0, t1;
	char c, *log = NULL, want[64];
	const char *bad;

	if (lpae_read_ll("/proc/sys/vm/overcommit_memory") == 2)
		SKIP(return, "strict overcommit: allocations fail before OOM");
	ASSERT_EQ(0, pipe(ready));
	ASSERT_EQ(0, pipe(cmd));
	sib = fork();
	ASSERT_GE(sib, 0);
	if (sib == 0) {
		close(ready[0]);
		close(cmd[1]);
		_exit(sibling(ready[1], cmd[0]));
	}
	close(ready[1]);
	close(cmd[0]);
	ASSERT_EQ(1, read(ready[0], &c, 1));

	self->pool = fence_free_memory(lpae_scaled(FENCE_KEEP_KB,
						   QUICK_FENCE_KEEP_KB));
	clock_gettime(CLOCK_MONOTONIC, &t0);
	h = fork();
	ASSERT_GE(h, 0);
	if (h == 0)
		_exit(hog());
	ASSERT_EQ(h, waitpid(h, &status, 0));
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ksft_print_msg("hog %d ended after %ld s, status %#x (MemAvailable was %lld MiB)\n",
		       h, (long)(t1.tv_sec - t0.tv_sec), status, avail0 >> 10);
	EXPECT_TRUE(WIFSIGNALED(status)) {
		TH_LOG("the hog exited with %d instead of being killed",
		       WEXITSTATUS(status));
	}
	EXPECT_EQ(SIGKILL, WTERMSIG(status));

	/*
	 * The sibling is alive and its memory intact. kill(sib, 0) would
	 * also succeed on a zombie: a sibling the OOM killer took must not
	 * have exited yet.
	 */
	EXPECT_EQ(0, waitpid(sib, &status, WNOHANG)) {
		TH_LOG("the sibling is gone, status %#x", status);
	}
	ASSERT_EQ(1, write(cmd[1], "c", 1));
	ASSERT_EQ(sib, waitpid(sib, &status, 0));
	EXPECT_TRUE(WIFEXITED(status)) {
		TH_LOG("the sibling died too (signal %d)", WTERMSIG(status));
	}
	EXPECT_EQ(0, WEXITSTATUS(status));

	/* The hog's memory comes back, and so does the parked memory. */
	if (self->pool >= 0) {
		ASSERT_EQ(0, lpae_write_ll(NR_HUGEPAGES, self->pool));
		self->pool = -1;
	}
	for (i = 0; i < 10; i++) {
		avail1 = lpae_meminfo_kb("MemAvailable");
		if (avail1 >= avail0 - (avail0 >> 4))
			break;
		sleep(1);
	}
	EXPECT_GE(avail1, avail0 - (avail0 >> 4)) {
		TH_LOG("MemAvailable %lld MiB after, %lld MiB before",
		       avail1 >> 10, avail0 >> 10);
	}

	/*
	 * A SKIP here, after the EXPECTs above, would report their
	 * failures as "ok # SKIP": no kernel log is a failure.
	 */
	ASSERT_TRUE(self->have_klog) {
		TH_LOG("no kernel log access to confirm the kill");
	}
	lpae_klog_read_new(&self->klog, &log);
	ASSERT_TRUE(log != NULL);
	snprintf(want, sizeof(want), "Killed process %d ", h);
	EXPECT_TRUE(strstr(log, want) != NULL) {
		TH_LOG("kernel log has no \"%s\"", want);
	}
	bad = lpae_klog_bad(log);
	EXPECT_TRUE(bad == NULL) {
		TH_LOG("kernel log: %.120s", bad);
	}
	free(log);
	close(ready[0]);
	close(cmd[1]);
}

TEST_HARNESS_MAIN

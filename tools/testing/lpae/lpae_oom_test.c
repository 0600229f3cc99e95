// SPDX-License-Identifier: GPL-2.0
/*
 * Memory pressure: a process that allocates beyond RAM is killed by the
 * OOM killer, while the system and an innocent sibling survive with their
 * data intact and the kernel log shows no crash.
 *
 * One 32-bit process cannot map more than ~3 GiB, far less than the 6 GiB
 * the LPAE guest has, so the hog fills its address space with anonymous
 * memory and then keeps growing a memfd (shmem, not limited by the address
 * space).  Mappings are populated by the kernel (MAP_POPULATE) and then
 * touched with a 4 KiB stride, and the memfd is grown with fallocate(), so
 * that the kernel, not user space, does the filling: under emulation the
 * per-page exception round trips would dominate.
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

static void touch(char *p, size_t len)
{
	size_t off;

	for (off = 0; off < len; off += LPAE_PAGE_SIZE)
		p[off] = 1;
}

/* Never returns normally: the OOM killer is expected to end it. */
static int hog(void)
{
	char *p, *last = NULL;
	off_t size = 0;
	int fd;

	if (lpae_write_str("/proc/self/oom_score_adj", "1000"))
		return 10;
	/* Anonymous memory until the address space runs out... */
	for (;;) {
		p = mmap(NULL, WINDOW, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE |
			 MAP_POPULATE, -1, 0);
		if (p == MAP_FAILED)
			break;
		touch(p, WINDOW);
		last = p;
	}
	/* Give back one window of address space for the shmem phase. */
	if (last)
		munmap(last, WINDOW);
	/* ...then shmem, which needs no address space to keep. */
	fd = memfd_create("lpae-oom-filler", MFD_CLOEXEC);
	if (fd < 0)
		return 11;
	for (;;) {
		if (!fallocate(fd, 0, size, WINDOW)) {
			size += WINDOW;
			continue;
		}
		if (ftruncate(fd, size + WINDOW))
			return 12;
		p = mmap(NULL, WINDOW, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
			 size);
		if (p == MAP_FAILED)
			return 13;
		touch(p, WINDOW);
		munmap(p, WINDOW);
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

FIXTURE(oom) {
	struct lpae_klog klog;
	bool have_klog;
};

FIXTURE_SETUP(oom)
{
	self->have_klog = !lpae_klog_open(&self->klog);
}

FIXTURE_TEARDOWN(oom)
{
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

	/* The sibling is alive and its memory intact. */
	EXPECT_EQ(0, kill(sib, 0));
	ASSERT_EQ(1, write(cmd[1], "c", 1));
	ASSERT_EQ(sib, waitpid(sib, &status, 0));
	EXPECT_TRUE(WIFEXITED(status)) {
		TH_LOG("the sibling died too (signal %d)", WTERMSIG(status));
	}
	EXPECT_EQ(0, WEXITSTATUS(status));

	/* The hog's memory comes back. */
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

	if (!self->have_klog)
		SKIP(return, "no kernel log access to confirm the kill");
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

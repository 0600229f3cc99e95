// SPDX-License-Identifier: GPL-2.0
/*
 * 2 MiB pages: hugetlbfs (MAP_HUGETLB) and transparent huge pages.  With
 * LPAE a 2 MiB page is one level-2 block entry; these tests map, fault,
 * protect, copy-on-write and free such entries and check that the pool
 * and the data come out right.  The classic 2-level kernel has neither
 * feature, so there everything here SKIPs.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "lpae_util.h"

#ifndef MAP_HUGETLB
#define MAP_HUGETLB 0x40000
#endif

#define HPAGE		LPAE_SZ_2M
#define NR_HUGE		8	/* pages added to the pool by the tests */
#define NR_HUGE_PATH	"/proc/sys/vm/nr_hugepages"
#define THP_PATH	"/sys/kernel/mm/transparent_hugepage/enabled"

static long long huge_free(void)
{
	return lpae_meminfo_kb("HugePages_Free");
}

static long long huge_rsvd(void)
{
	return lpae_meminfo_kb("HugePages_Rsvd");
}

/* /proc/kpageflags bits (include/uapi/linux/kernel-page-flags.h) */
#define KPF_COMPOUND_HEAD	15
#define KPF_COMPOUND_TAIL	16
#define KPF_HUGE		17
#define KPF_THP			22
#define FRAMES			(HPAGE / LPAE_PAGE_SIZE)

/* The kernel's page flags of @n frames from @pfn; 0 when read. */
static int page_flags(unsigned long long pfn, size_t n, uint64_t *flags)
{
	int fd = open("/proc/kpageflags", O_RDONLY);
	ssize_t got;

	if (fd < 0)
		return -1;
	got = pread(fd, flags, n * sizeof(*flags), pfn * sizeof(*flags));
	close(fd);
	return got == (ssize_t)(n * sizeof(*flags)) ? 0 : -1;
}

/*
 * Is @p backed by one 2 MiB page of kind @kind (KPF_HUGE or KPF_THP)?
 * pagemap gives the first frame, which must be 2 MiB aligned; but
 * pagemap computes the frames of the rest of a huge page as that frame
 * plus the index, so contiguity comes from the kernel's own page flags:
 * a compound head of that kind, then 511 tail frames. Returns 0 if so.
 */
static int check_block_frames(const char *p, unsigned long long *base,
			      int kind)
{
	static uint64_t flags[FRAMES];
	size_t k;

	*base = LPAE_PM_PFN(lpae_pagemap(p));
	if (!*base)
		return -1;
	if (*base & (FRAMES - 1))
		return 1;
	if (page_flags(*base, FRAMES, flags))
		return -2;
	if (!(flags[0] & (1ULL << KPF_COMPOUND_HEAD)) ||
	    !(flags[0] & (1ULL << kind)))
		return 2;
	for (k = 1; k < FRAMES; k++)
		if (!(flags[k] & (1ULL << KPF_COMPOUND_TAIL)))
			return 3;
	return 0;
}

/*
 * Must some of the huge pages lie above 4 GiB? When the guest has RAM
 * there: user huge pages come from HighMem, whose top is above 4 GiB,
 * and the allocator hands out the top first (every LPAE boot of the
 * harness shows them there).
 */
static bool high_pages_expected(void)
{
	return lpae_ram_end() > LPAE_PA_4G + LPAE_SZ_1G;
}

FIXTURE(hugetlb) {
	long long saved;
	long long free0, rsvd0;
};

FIXTURE_SETUP(hugetlb)
{
	long long want;

	self->saved = -1;
	if (access(NR_HUGE_PATH, F_OK) ||
	    lpae_meminfo_kb("Hugepagesize") < 0)
		SKIP(return, "no hugetlbfs in this kernel");
	ASSERT_EQ(2048, lpae_meminfo_kb("Hugepagesize"));
	self->saved = lpae_read_ll(NR_HUGE_PATH);
	ASSERT_GE(self->saved, 0);
	want = self->saved + NR_HUGE;
	ASSERT_EQ(0, lpae_write_ll(NR_HUGE_PATH, want)) {
		TH_LOG("cannot write %s (not root?)", NR_HUGE_PATH);
	}
	ASSERT_EQ(want, lpae_read_ll(NR_HUGE_PATH)) {
		TH_LOG("the pool only grew to %lld pages",
		       lpae_read_ll(NR_HUGE_PATH));
	}
	self->free0 = huge_free();
	self->rsvd0 = huge_rsvd();
	ASSERT_GE(self->free0, NR_HUGE);
}

FIXTURE_TEARDOWN(hugetlb)
{
	if (self->saved >= 0)
		lpae_write_ll(NR_HUGE_PATH, self->saved);
}

static char *map_huge(size_t len, int shared)
{
	return mmap(NULL, len, PROT_READ | PROT_WRITE,
		    (shared ? MAP_SHARED : MAP_PRIVATE) | MAP_ANONYMOUS |
		    MAP_HUGETLB, -1, 0);
}

/* Reserve at mmap, take from the pool at fault, give back at munmap. */
TEST_F(hugetlb, map_fault_free)
{
	const size_t len = 4 * HPAGE;
	char *p;

	LPAE_SETUP_SKIPPED();
	p = map_huge(len, 0);
	ASSERT_TRUE(p != MAP_FAILED) {
		TH_LOG("MAP_HUGETLB: %s", strerror(errno));
	}
	EXPECT_EQ(0, (uintptr_t)p & (HPAGE - 1));
	EXPECT_EQ(self->rsvd0 + 4, huge_rsvd());
	EXPECT_EQ(self->free0, huge_free());

	lpae_fill(p, len, 0x4e6e);
	EXPECT_EQ(self->free0 - 4, huge_free());
	EXPECT_EQ(self->rsvd0, huge_rsvd());
	EXPECT_EQ(4 * 2048, lpae_smaps_kb(p, "Private_Hugetlb"));
	EXPECT_EQ(-1, lpae_verify(p, len, 0x4e6e));

	ASSERT_EQ(0, munmap(p, len));
	EXPECT_EQ(self->free0, huge_free());
	EXPECT_EQ(self->rsvd0, huge_rsvd());
}

/*
 * A huge page is one 2 MiB-aligned, physically contiguous frame, above
 * 4 GiB when the guest has RAM there.
 */
TEST_F(hugetlb, frames_are_2m_blocks)
{
	unsigned long long base;
	int i, high = 0;
	char *p;

	LPAE_SETUP_SKIPPED();
	if (!lpae_pfns_visible())
		SKIP(return, "pagemap hides PFNs (not root)");
	p = map_huge(4 * HPAGE, 0);
	ASSERT_TRUE(p != MAP_FAILED);
	lpae_fill(p, 4 * HPAGE, 0x2b);
	for (i = 0; i < 4; i++) {
		EXPECT_EQ(0, check_block_frames(p + i * HPAGE, &base, KPF_HUGE));
		ksft_print_msg("huge page %d at PFN %#llx%s\n", i, base,
			       base >= LPAE_PFN_4G ? " (above 4 GiB)" : "");
		high += base >= LPAE_PFN_4G;
	}
	if (high_pages_expected())
		EXPECT_GT(high, 0);
	EXPECT_EQ(-1, lpae_verify(p, 4 * HPAGE, 0x2b));
	munmap(p, 4 * HPAGE);
}

/* The child's store copies the huge page; the pool is whole afterwards. */
TEST_F(hugetlb, cow_child_writes)
{
	const size_t len = 2 * HPAGE;
	int round;
	char *p;

	LPAE_SETUP_SKIPPED();
	p = map_huge(len, 0);
	ASSERT_TRUE(p != MAP_FAILED);
	lpae_fill(p, len, 0xaaa);
	for (round = 0; round < 4; round++) {
		EXPECT_EQ(0, lpae_child_rewrites(p, len, 0xaaa, 0xbbb + round));
		EXPECT_EQ(-1, lpae_verify(p, len, 0xaaa));
		/* The child's copies went back to the pool. */
		EXPECT_EQ(self->free0 - 2, huge_free());
	}
	ASSERT_EQ(0, munmap(p, len));
	EXPECT_EQ(self->free0, huge_free()) {
		TH_LOG("huge pages leaked by COW: %lld",
		       self->free0 - huge_free());
	}
	EXPECT_EQ(self->rsvd0, huge_rsvd());
}

/* The parent's store while the child still maps the page. */
TEST_F(hugetlb, cow_parent_writes)
{
	const size_t len = 2 * HPAGE;
	int go[2], status;
	char c = 0, *p;
	pid_t pid;

	LPAE_SETUP_SKIPPED();
	p = map_huge(len, 0);
	ASSERT_TRUE(p != MAP_FAILED);
	lpae_fill(p, len, 0x123);
	ASSERT_EQ(0, pipe(go));
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		close(go[1]);
		if (read(go[0], &c, 1) != 1)
			_exit(3);
		_exit(lpae_verify(p, len, 0x123) == -1 ? 0 : 1);
	}
	close(go[0]);
	lpae_fill(p, len, 0x456);
	ASSERT_EQ(1, write(go[1], &c, 1));
	close(go[1]);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status)) {
		TH_LOG("the child saw the parent's stores");
	}
	EXPECT_EQ(-1, lpae_verify(p, len, 0x456));
	ASSERT_EQ(0, munmap(p, len));
	EXPECT_EQ(self->free0, huge_free());
	EXPECT_EQ(self->rsvd0, huge_rsvd());
}

/* MAP_SHARED huge pages are shared, not copied. */
TEST_F(hugetlb, shared_across_fork)
{
	char *p;

	LPAE_SETUP_SKIPPED();
	p = map_huge(HPAGE, 1);
	ASSERT_TRUE(p != MAP_FAILED);
	lpae_fill(p, HPAGE, 5);
	EXPECT_EQ(0, lpae_child_rewrites(p, HPAGE, 5, 6));
	EXPECT_EQ(-1, lpae_verify(p, HPAGE, 6));
	EXPECT_EQ(self->free0 - 1, huge_free());
	ASSERT_EQ(0, munmap(p, HPAGE));
	EXPECT_EQ(self->free0, huge_free());
}

/* PROT_NONE and read-only block entries fault; data survives. */
TEST_F(hugetlb, mprotect_block)
{
	char *p;
	uint32_t v;

	LPAE_SETUP_SKIPPED();
	p = map_huge(2 * HPAGE, 0);
	ASSERT_TRUE(p != MAP_FAILED);
	lpae_fill(p, 2 * HPAGE, 0x77);
	ASSERT_EQ(0, mprotect(p, 2 * HPAGE, PROT_NONE));
	EXPECT_EQ(SIGSEGV, lpae_read32(p + HPAGE + 4096, &v, NULL));
	EXPECT_EQ(SIGSEGV, lpae_write32(p + 64, 1, NULL));
	ASSERT_EQ(0, mprotect(p, 2 * HPAGE, PROT_READ));
	EXPECT_EQ(0, lpae_read32(p + HPAGE + 4096, &v, NULL));
	EXPECT_EQ(SIGSEGV, lpae_write32(p + HPAGE + 4096, 1, NULL));
	ASSERT_EQ(0, mprotect(p, 2 * HPAGE, PROT_READ | PROT_WRITE));
	EXPECT_EQ(-1, lpae_verify(p, 2 * HPAGE, 0x77));
	EXPECT_EQ(0, lpae_write32(p + HPAGE + 4096, 1, NULL));
	munmap(p, 2 * HPAGE);
	EXPECT_EQ(self->free0, huge_free());
}

/* Transparent huge pages, on request (madvise). */
FIXTURE(thp) {
	char *map;
	size_t map_len;
	char *buf;	/* 2 MiB aligned, THP_LEN long */
	char saved[64];
};

#define THP_LEN (4 * HPAGE)

FIXTURE_SETUP(thp)
{
	char mode[128];
	uintptr_t a;

	self->saved[0] = '\0';
	if (lpae_read_str(THP_PATH, mode, sizeof(mode)) < 0)
		SKIP(return, "no transparent huge pages in this kernel");
	if (strstr(mode, "[never]")) {
		strcpy(self->saved, "never");
		ASSERT_EQ(0, lpae_write_str(THP_PATH, "madvise"));
	}
	self->map_len = THP_LEN + HPAGE;
	self->map = mmap(NULL, self->map_len, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_TRUE(self->map != MAP_FAILED);
	a = ((uintptr_t)self->map + HPAGE - 1) & ~(HPAGE - 1);
	self->buf = (char *)a;
	/* Only the aligned part is huge-page eligible; keep it one VMA. */
	ASSERT_EQ(0, madvise(self->buf, THP_LEN, MADV_HUGEPAGE));
	lpae_fill(self->buf, THP_LEN, 0x7a9);
}

FIXTURE_TEARDOWN(thp)
{
	if (self->map && self->map != MAP_FAILED)
		munmap(self->map, self->map_len);
	if (self->saved[0])
		lpae_write_str(THP_PATH, self->saved);
}

static long long anon_huge_kb(const void *p)
{
	return lpae_smaps_kb(p, "AnonHugePages");
}

TEST_F(thp, madvise_gets_huge_pages)
{
	unsigned long long base;
	int i, high = 0;

	LPAE_SETUP_SKIPPED();
	EXPECT_EQ(THP_LEN / 1024, anon_huge_kb(self->buf));
	EXPECT_EQ(-1, lpae_verify(self->buf, THP_LEN, 0x7a9));
	if (!lpae_pfns_visible())
		return;
	for (i = 0; i < 4; i++) {
		EXPECT_EQ(0, check_block_frames(self->buf + i * HPAGE, &base,
						KPF_THP));
		ksft_print_msg("THP %d at PFN %#llx\n", i, base);
		high += base >= LPAE_PFN_4G;
	}
	if (high_pages_expected())
		EXPECT_GT(high, 0);
}

/*
 * mprotect() of one 4 KiB page inside a huge page splits that block into
 * a table; the other huge pages stay whole and every byte survives.
 */
TEST_F(thp, mprotect_subrange_splits)
{
	char *ro = self->buf + HPAGE + 2 * LPAE_PAGE_SIZE;
	uint32_t v;

	LPAE_SETUP_SKIPPED();
	ASSERT_EQ(THP_LEN / 1024, anon_huge_kb(self->buf));
	ASSERT_EQ(0, mprotect(ro, LPAE_PAGE_SIZE, PROT_READ));
	EXPECT_EQ(3, lpae_vma_count((uintptr_t)self->buf,
				    (uintptr_t)self->buf + THP_LEN));
	/* Block 1 was split; blocks 0, 2 and 3 remain. */
	EXPECT_EQ(2048, anon_huge_kb(self->buf));
	EXPECT_EQ(0, anon_huge_kb(ro));
	EXPECT_EQ(4096, anon_huge_kb(ro + LPAE_PAGE_SIZE));
	EXPECT_EQ(-1, lpae_verify(self->buf, THP_LEN, 0x7a9));
	EXPECT_EQ(SIGSEGV, lpae_write32(ro + 8, 0, NULL));
	EXPECT_EQ(0, lpae_read32(ro + 8, &v, NULL));
	/* Neighbours of the read-only page still take stores. */
	EXPECT_EQ(0, lpae_write32(ro - 8, ((uint32_t *)(ro - 8))[0], NULL));
	EXPECT_EQ(0, lpae_write32(ro + LPAE_PAGE_SIZE,
				  ((uint32_t *)(ro + LPAE_PAGE_SIZE))[0], NULL));
	ASSERT_EQ(0, mprotect(ro, LPAE_PAGE_SIZE, PROT_READ | PROT_WRITE));
	EXPECT_EQ(0, lpae_write32(ro + 8, ((uint32_t *)(ro + 8))[0], NULL));
	EXPECT_EQ(-1, lpae_verify(self->buf, THP_LEN, 0x7a9));
}

/* A store after fork() copies (and splits) only what it must. */
TEST_F(thp, cow_across_fork)
{
	int status;
	pid_t pid;

	LPAE_SETUP_SKIPPED();
	ASSERT_EQ(THP_LEN / 1024, anon_huge_kb(self->buf));
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		if (lpae_verify(self->buf, THP_LEN, 0x7a9) != -1)
			_exit(1);
		/* One word in block 0, everything in block 2. */
		self->buf[5000] ^= 1;
		lpae_fill(self->buf + 2 * HPAGE, HPAGE, 0xc41d);
		if (lpae_verify(self->buf + 2 * HPAGE, HPAGE, 0xc41d) != -1)
			_exit(2);
		self->buf[5000] ^= 1;
		_exit(lpae_verify(self->buf, HPAGE, 0x7a9) == -1 ? 0 : 3);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
	EXPECT_EQ(-1, lpae_verify(self->buf, THP_LEN, 0x7a9));
	/* And the parent can still write all of it. */
	lpae_fill(self->buf, THP_LEN, 0x9a7);
	EXPECT_EQ(-1, lpae_verify(self->buf, THP_LEN, 0x9a7));
}

/* MADV_DONTNEED of 64 KiB inside a huge page: zeros there, data elsewhere. */
TEST_F(thp, dontneed_partial)
{
	char *hole = self->buf + 3 * HPAGE + 16 * LPAE_PAGE_SIZE;
	const size_t hole_len = 16 * LPAE_PAGE_SIZE;
	size_t i;

	LPAE_SETUP_SKIPPED();
	ASSERT_EQ(THP_LEN / 1024, anon_huge_kb(self->buf));
	ASSERT_EQ(0, madvise(hole, hole_len, MADV_DONTNEED));
	EXPECT_EQ(3 * 2048, anon_huge_kb(self->buf));
	for (i = 0; i < hole_len; i += 512)
		ASSERT_EQ(0, hole[i]);
	EXPECT_EQ(-1, lpae_verify(self->buf, 3 * HPAGE + 16 * LPAE_PAGE_SIZE,
				  0x7a9));
	for (i = 32; i < HPAGE / LPAE_PAGE_SIZE; i++) {
		uint64_t tag = lpae_mix(0x7a9 ^ (3 * 512 + i));
		uint64_t *w = (uint64_t *)(self->buf + 3 * HPAGE +
					   i * LPAE_PAGE_SIZE);

		ASSERT_EQ(tag, w[0]);
		ASSERT_EQ(tag + 511, w[511]);
	}
}

/* munmap() of one page inside a huge page leaves a hole and the rest. */
TEST_F(thp, munmap_partial)
{
	char *hole = self->buf + HPAGE + 100 * LPAE_PAGE_SIZE;
	uint32_t v;

	LPAE_SETUP_SKIPPED();
	ASSERT_EQ(THP_LEN / 1024, anon_huge_kb(self->buf));
	ASSERT_EQ(0, munmap(hole, LPAE_PAGE_SIZE));
	EXPECT_EQ(SIGSEGV, lpae_read32(hole, &v, NULL));
	EXPECT_EQ(-1, lpae_verify(self->buf, HPAGE + 100 * LPAE_PAGE_SIZE,
				  0x7a9));
	EXPECT_EQ(0, lpae_read32(hole + LPAE_PAGE_SIZE, &v, NULL));
	EXPECT_EQ((uint32_t)lpae_mix(0x7a9 ^ (512 + 101)), v);
	EXPECT_EQ(2 * 2048, anon_huge_kb(hole + LPAE_PAGE_SIZE));
}

/*
 * Move the THP_LEN huge pages at @src with mremap() to a 2 MiB aligned
 * place inside a new reservation, returned in @map (THP_LEN + 2 huge
 * pages long). Returns the new address, or NULL.
 */
static char *thp_move(char *src, char **map)
{
	char *dst;

	*map = mmap(NULL, THP_LEN + 2 * HPAGE, PROT_NONE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (*map == MAP_FAILED)
		return NULL;
	dst = (char *)(((uintptr_t)*map + HPAGE - 1) & ~(HPAGE - 1));
	if (mremap(src, THP_LEN, THP_LEN, MREMAP_MAYMOVE | MREMAP_FIXED,
		   dst) != dst)
		return NULL;
	return dst;
}

/* mremap() of whole huge pages moves block entries; data follows. */
TEST_F(thp, mremap_moves_blocks)
{
	char *dst_map, *dst;

	LPAE_SETUP_SKIPPED();
	ASSERT_EQ(THP_LEN / 1024, anon_huge_kb(self->buf));
	dst = thp_move(self->buf, &dst_map);
	ASSERT_TRUE(dst != NULL);
	EXPECT_EQ(THP_LEN / 1024, anon_huge_kb(dst));
	EXPECT_EQ(-1, lpae_verify(dst, THP_LEN, 0x7a9));
	/* The old range is gone. */
	EXPECT_EQ(0, lpae_vma_count((uintptr_t)self->buf,
				    (uintptr_t)self->buf + THP_LEN));
	ASSERT_EQ(0, munmap(dst_map, THP_LEN + 2 * HPAGE));
}

/*
 * PROT_NONE huge pages. mprotect(PROT_NONE) keeps a THP as one block
 * entry with its valid bit clear: still a mapped huge page, so fork,
 * mremap, smaps, munmap and ksmd must each treat it as a leaf. A walker
 * that took it for a table would read the user data as ptes, which the
 * kernel reports as "BUG: Bad page map".
 */
#define KSM_DIR		"/sys/kernel/mm/ksm"
#define PROT_RW		(PROT_READ | PROT_WRITE)

/* The kernel log since @k was opened must be clean; prints what is not. */
static bool klog_clean(struct lpae_klog *k)
{
	char *log = NULL;
	const char *bad;
	bool clean;

	lpae_klog_read_new(k, &log);
	bad = log ? lpae_klog_bad(log) : NULL;
	clean = !bad;
	if (bad)
		ksft_print_msg("kernel log: %.160s\n", bad);
	free(log);
	return clean;
}

TEST_F(thp, prot_none_fork_and_back)
{
	struct lpae_klog k;
	int status;
	pid_t pid;

	LPAE_SETUP_SKIPPED();
	ASSERT_EQ(0, lpae_klog_open(&k));
	ASSERT_EQ(THP_LEN / 1024, anon_huge_kb(self->buf));
	ASSERT_EQ(0, mprotect(self->buf, THP_LEN, PROT_NONE));
	/* Still huge while inaccessible: smaps walks it as a leaf. */
	EXPECT_EQ(THP_LEN / 1024, anon_huge_kb(self->buf));
	EXPECT_EQ(SIGSEGV, lpae_read32(self->buf + HPAGE, NULL, NULL));
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		if (mprotect(self->buf, THP_LEN, PROT_RW))
			_exit(1);
		_exit(lpae_verify(self->buf, THP_LEN, 0x7a9) == -1 ? 0 : 2);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
	ASSERT_EQ(0, mprotect(self->buf, THP_LEN, PROT_RW));
	EXPECT_EQ(-1, lpae_verify(self->buf, THP_LEN, 0x7a9));
	EXPECT_TRUE(klog_clean(&k));
	lpae_klog_close(&k);
}

TEST_F(thp, prot_none_mremap_munmap)
{
	char *dst_map, *dst;
	struct lpae_klog k;

	LPAE_SETUP_SKIPPED();
	ASSERT_EQ(0, lpae_klog_open(&k));
	ASSERT_EQ(THP_LEN / 1024, anon_huge_kb(self->buf));
	ASSERT_EQ(0, mprotect(self->buf, THP_LEN, PROT_NONE));
	dst = thp_move(self->buf, &dst_map);
	ASSERT_TRUE(dst != NULL);
	EXPECT_EQ(THP_LEN / 1024, anon_huge_kb(dst));
	ASSERT_EQ(0, mprotect(dst, THP_LEN, PROT_RW));
	EXPECT_EQ(-1, lpae_verify(dst, THP_LEN, 0x7a9));
	/* Unmap half of it while inaccessible, then the rest. */
	ASSERT_EQ(0, mprotect(dst, THP_LEN, PROT_NONE));
	ASSERT_EQ(0, munmap(dst, 2 * HPAGE));
	EXPECT_EQ(2 * 2048, anon_huge_kb(dst + 2 * HPAGE));
	ASSERT_EQ(0, munmap(dst_map, THP_LEN + 2 * HPAGE));
	EXPECT_TRUE(klog_clean(&k));
	lpae_klog_close(&k);
}

static int ksm_write(const char *name, long long val)
{
	char path[128];

	snprintf(path, sizeof(path), KSM_DIR "/%s", name);
	return lpae_write_ll(path, val);
}

static long long ksm_read(const char *name)
{
	char path[128];

	snprintf(path, sizeof(path), KSM_DIR "/%s", name);
	return lpae_read_ll(path);
}

/* Wait until ksmd has finished @scans more full scans; false on timeout. */
static bool ksm_wait_scans(int scans, int seconds)
{
	long long target = ksm_read("full_scans") + scans;
	int waited;

	for (waited = 0; waited < seconds * 20; waited++) {
		if (ksm_read("full_scans") >= target)
			return true;
		usleep(50000);
	}
	return false;
}

/*
 * ksmd walks every VM_MERGEABLE area, PROT_NONE ones included. The huge
 * pages hold bytes that read as present ptes far beyond RAM, so a walker
 * that descends into the block as if it were a table logs bad page maps.
 */
TEST_F(thp, prot_none_ksmd_skips_block)
{
	struct lpae_klog k;
	bool scanned;

	LPAE_SETUP_SKIPPED();
	ASSERT_EQ(0, access(KSM_DIR "/run", W_OK)) {
		TH_LOG("this kernel has THP but no KSM: the LPAE test configurations enable both");
	}
	ASSERT_EQ(0, lpae_klog_open(&k));
	memset(self->buf, 0x5a, THP_LEN);
	ASSERT_EQ(THP_LEN / 1024, anon_huge_kb(self->buf));
	ASSERT_EQ(0, madvise(self->buf, THP_LEN, MADV_MERGEABLE));
	ASSERT_EQ(0, mprotect(self->buf, THP_LEN, PROT_NONE));
	ASSERT_EQ(0, ksm_write("sleep_millisecs", 0));
	ASSERT_EQ(0, ksm_write("pages_to_scan", 4096));
	ASSERT_EQ(0, ksm_write("run", 1));
	scanned = ksm_wait_scans(2, 20);
	/* 2 unmerges everything and stops ksmd. */
	EXPECT_EQ(0, ksm_write("run", 2));
	EXPECT_TRUE(scanned);
	EXPECT_TRUE(klog_clean(&k));
	ASSERT_EQ(0, mprotect(self->buf, THP_LEN, PROT_RW));
	EXPECT_EQ(0x5a5a5a5a, ((uint32_t *)self->buf)[HPAGE / 4 + 7]);
	EXPECT_EQ(0x5a, self->buf[THP_LEN - 1]);
	EXPECT_EQ(0, ksm_write("run", 0));
	lpae_klog_close(&k);
}

TEST_HARNESS_MAIN

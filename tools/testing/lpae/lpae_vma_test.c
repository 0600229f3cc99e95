// SPDX-License-Identifier: GPL-2.0
/*
 * Address-space churn: mmap, munmap, mremap and mprotect across the
 * boundaries of the LPAE tables (a level-3 table spans 2 MiB, a level-2
 * table 1 GiB), partial unmaps that leave holes, VMAs split and merged, and
 * a long randomized map/unmap/verify loop whose seed is printed so a
 * failure can be replayed (LPAE_SEED overrides it).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "lpae_util.h"

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif

#define PG LPAE_PAGE_SIZE

/* Sparse pattern with an explicit first page index (survives moves). */
static void fill_at(char *p, size_t npages, uint64_t seed, size_t pg0)
{
	size_t i;

	for (i = 0; i < npages; i++) {
		uint64_t *w = (uint64_t *)(p + i * PG);
		uint64_t tag = lpae_mix(seed ^ (pg0 + i));

		w[0] = tag;
		w[PG / 16] = tag + 1;
		w[PG / 8 - 1] = tag + 2;
	}
}

/* Index of the first page that does not hold its pattern, or -1. */
static long check_at(const char *p, size_t npages, uint64_t seed, size_t pg0)
{
	size_t i;

	for (i = 0; i < npages; i++) {
		const uint64_t *w = (const uint64_t *)(p + i * PG);
		uint64_t tag = lpae_mix(seed ^ (pg0 + i));

		if (w[0] != tag || w[PG / 16] != tag + 1 ||
		    w[PG / 8 - 1] != tag + 2)
			return (long)i;
	}
	return -1;
}

static bool faults(const void *p)
{
	uint32_t v;

	return lpae_read32(p, &v, NULL) == SIGSEGV;
}

/* A PROT_NONE reservation of @len aligned to @align. */
static char *reserve(size_t len, size_t align, char **map, size_t *map_len)
{
	uintptr_t a;

	*map_len = len + align;
	*map = mmap(NULL, *map_len, PROT_NONE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (*map == MAP_FAILED)
		return NULL;
	a = ((uintptr_t)*map + align - 1) & ~(align - 1);
	return (char *)a;
}

static char *map_fixed(void *at, size_t len)
{
	return mmap(at, len, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
}

/* Map around a 2 MiB boundary, punch a hole across it, map it again. */
TEST(map_unmap_across_2m)
{
	char *map, *b, *p;
	size_t map_len;

	b = reserve(4 * LPAE_SZ_2M, LPAE_SZ_2M, &map, &map_len);
	ASSERT_TRUE(b != NULL);
	b += LPAE_SZ_2M;	/* a boundary with room on both sides */
	p = map_fixed(b - 16 * PG, 32 * PG);
	ASSERT_TRUE(p == b - 16 * PG);
	fill_at(p, 32, 0x2a, 0);
	ASSERT_EQ(0, munmap(b - 2 * PG, 4 * PG));
	EXPECT_TRUE(faults(b - 2 * PG));
	EXPECT_TRUE(faults(b));
	EXPECT_TRUE(faults(b + PG));
	EXPECT_FALSE(faults(b + 2 * PG));
	EXPECT_EQ(-1, check_at(p, 14, 0x2a, 0));
	EXPECT_EQ(-1, check_at(b + 2 * PG, 14, 0x2a, 18));
	/* Mapping the hole again gives fresh zero pages. */
	ASSERT_TRUE(map_fixed(b - 2 * PG, 4 * PG) == b - 2 * PG);
	EXPECT_EQ(0, ((uint64_t *)b)[0]);
	fill_at(b - 2 * PG, 4, 0x2a, 14);
	EXPECT_EQ(-1, check_at(p, 32, 0x2a, 0));
	ASSERT_EQ(0, munmap(map, map_len));
}

/* A 1 GiB boundary below TASK_SIZE with 4 MiB free around it, or 0. */
static uintptr_t free_gib_boundary(void)
{
	unsigned long ts = lpae_task_size(NULL);
	uintptr_t g;

	for (g = 0x80000000UL; g >= 0x40000000UL; g -= 0x40000000UL) {
		void *p;

		if (ts && g + LPAE_SZ_2M > ts)
			continue;
		p = mmap((void *)(g - LPAE_SZ_2M), 2 * LPAE_SZ_2M, PROT_NONE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE,
			 -1, 0);
		if (p == MAP_FAILED)
			continue;
		if ((uintptr_t)p == g - LPAE_SZ_2M)
			return g;	/* left reserved for the caller */
		munmap(p, 2 * LPAE_SZ_2M);
	}
	return 0;
}

/* Map, punch, protect and fork across a 1 GiB (level-2 table) boundary. */
TEST(map_unmap_across_1g)
{
	int status;
	uintptr_t g;
	char *p, *b;
	pid_t pid;

	g = free_gib_boundary();
	if (!g)
		SKIP(return, "no free 1 GiB boundary in the user address space");
	b = (char *)g;
	p = map_fixed(b - LPAE_SZ_2M, 2 * LPAE_SZ_2M);
	ASSERT_TRUE(p == b - LPAE_SZ_2M);
	fill_at(p, 1024, 0x16, 0);
	ASSERT_EQ(0, munmap(b - PG, 2 * PG));
	EXPECT_TRUE(faults(b - PG));
	EXPECT_TRUE(faults(b));
	EXPECT_EQ(-1, check_at(p, 511, 0x16, 0));
	EXPECT_EQ(-1, check_at(b + PG, 511, 0x16, 513));
	ASSERT_EQ(0, mprotect(b - 3 * PG, 2 * PG, PROT_READ));
	ASSERT_EQ(0, mprotect(b + PG, 2 * PG, PROT_READ));
	EXPECT_EQ(SIGSEGV, lpae_write32(b + PG, 0, NULL));
	EXPECT_EQ(SIGSEGV, lpae_write32(b - 2 * PG, 0, NULL));
	EXPECT_EQ(0, lpae_write32(b + 3 * PG + 16, 0, NULL));
	((uint64_t *)(b + 3 * PG))[2] = 0;
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		if (check_at(p, 511, 0x16, 0) != -1 ||
		    check_at(b + PG, 511, 0x16, 513) != -1)
			_exit(1);
		if (!faults(b))
			_exit(2);
		fill_at(b + 4 * PG, 10, 0x99, 0);
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	/* A child killed by a signal has no exit status to compare. */
	EXPECT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
	EXPECT_EQ(-1, check_at(b + 4 * PG, 508, 0x16, 516));
	munmap(b - LPAE_SZ_2M, 2 * LPAE_SZ_2M);
}

/* mremap() grows a mapping across 2 MiB boundaries; data follows. */
TEST(mremap_grow_across_2m)
{
	char *p, *q;

	p = mmap(NULL, 256 * PG, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_TRUE(p != MAP_FAILED);
	fill_at(p, 256, 0x60, 0);
	q = mremap(p, 256 * PG, 2048 * PG, MREMAP_MAYMOVE);
	ASSERT_TRUE(q != MAP_FAILED);
	EXPECT_EQ(-1, check_at(q, 256, 0x60, 0));
	EXPECT_EQ(0, ((uint64_t *)(q + 300 * PG))[0]);
	fill_at(q + 256 * PG, 1792, 0x60, 256);
	EXPECT_EQ(-1, check_at(q, 2048, 0x60, 0));
	/* Shrink: the tail goes away. */
	q = mremap(q, 2048 * PG, 600 * PG, 0);
	ASSERT_TRUE(q != MAP_FAILED);
	EXPECT_TRUE(faults(q + 600 * PG));
	EXPECT_EQ(-1, check_at(q, 600, 0x60, 0));
	munmap(q, 600 * PG);
}

/* mremap() moves a mapping onto a 1 GiB boundary and back. */
TEST(mremap_move_across_1g)
{
	char *p, *q, *b, *map, *dst;
	size_t map_len;
	uintptr_t g;

	g = free_gib_boundary();
	if (!g)
		SKIP(return, "no free 1 GiB boundary in the user address space");
	b = (char *)g;
	p = mmap(NULL, 768 * PG, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_TRUE(p != MAP_FAILED);
	fill_at(p, 768, 0x61, 0);
	q = mremap(p, 768 * PG, 768 * PG, MREMAP_MAYMOVE | MREMAP_FIXED,
		   b - 256 * PG);
	ASSERT_TRUE(q == b - 256 * PG);
	EXPECT_TRUE(faults(p));
	EXPECT_EQ(-1, check_at(q, 768, 0x61, 0));
	/* Back to a 2 MiB-aligned spot elsewhere. */
	dst = reserve(4 * LPAE_SZ_2M, LPAE_SZ_2M, &map, &map_len);
	ASSERT_TRUE(dst != NULL);
	p = mremap(q, 768 * PG, 768 * PG, MREMAP_MAYMOVE | MREMAP_FIXED, dst);
	ASSERT_TRUE(p == dst);
	EXPECT_TRUE(faults(b));
	EXPECT_EQ(-1, check_at(p, 768, 0x61, 0));
	munmap(map, map_len);
	munmap(b - LPAE_SZ_2M, 2 * LPAE_SZ_2M);
}

/* Holes punched in one mapping: faults there, data and VMAs elsewhere. */
TEST(partial_unmaps)
{
	char *p;
	int i;

	p = mmap(NULL, 16 * PG, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_TRUE(p != MAP_FAILED);
	fill_at(p, 16, 0x33, 0);
	ASSERT_EQ(0, munmap(p + 3 * PG, PG));
	ASSERT_EQ(0, munmap(p + 7 * PG, 2 * PG));
	ASSERT_EQ(0, munmap(p + 15 * PG, PG));
	EXPECT_EQ(3, lpae_vma_count((uintptr_t)p, (uintptr_t)p + 16 * PG));
	for (i = 0; i < 16; i++) {
		bool hole = i == 3 || i == 7 || i == 8 || i == 15;

		EXPECT_EQ(hole, faults(p + i * PG));
		if (!hole)
			EXPECT_EQ(-1, check_at(p + i * PG, 1, 0x33, i));
	}
	munmap(p, 16 * PG);
	EXPECT_EQ(0, lpae_vma_count((uintptr_t)p, (uintptr_t)p + 16 * PG));
}

/* mprotect() of the middle splits one VMA into three; undoing merges. */
TEST(mprotect_splits_into_three)
{
	uintptr_t s, e;
	char perms[5];
	char *p;

	p = mmap(NULL, 48 * PG, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_TRUE(p != MAP_FAILED);
	fill_at(p, 48, 0x3e, 0);
	ASSERT_EQ(1, lpae_vma_count((uintptr_t)p, (uintptr_t)p + 48 * PG));
	ASSERT_EQ(0, mprotect(p + 16 * PG, 16 * PG, PROT_READ));
	EXPECT_EQ(3, lpae_vma_count((uintptr_t)p, (uintptr_t)p + 48 * PG));
	ASSERT_EQ(0, lpae_vma_perms(p + 20 * PG, perms, &s, &e));
	EXPECT_STREQ("r--p", perms);
	EXPECT_EQ((uintptr_t)p + 16 * PG, s);
	EXPECT_EQ((uintptr_t)p + 32 * PG, e);
	ASSERT_EQ(0, lpae_vma_perms(p, perms, &s, &e));
	EXPECT_STREQ("rw-p", perms);
	EXPECT_EQ((uintptr_t)p + 16 * PG, e);
	ASSERT_EQ(0, lpae_vma_perms(p + 40 * PG, perms, &s, &e));
	EXPECT_STREQ("rw-p", perms);
	EXPECT_EQ((uintptr_t)p + 32 * PG, s);
	EXPECT_EQ(SIGSEGV, lpae_write32(p + 16 * PG, 0, NULL));
	EXPECT_EQ(SIGSEGV, lpae_write32(p + 32 * PG - 4, 0, NULL));
	EXPECT_EQ(0, lpae_write32(p + 16 * PG - 4,
				  *(uint32_t *)(p + 16 * PG - 4), NULL));
	EXPECT_EQ(0, lpae_write32(p + 32 * PG, *(uint32_t *)(p + 32 * PG),
				  NULL));
	ASSERT_EQ(0, mprotect(p + 16 * PG, 16 * PG, PROT_READ | PROT_WRITE));
	EXPECT_EQ(1, lpae_vma_count((uintptr_t)p, (uintptr_t)p + 48 * PG));
	EXPECT_EQ(-1, check_at(p, 48, 0x3e, 0));
	munmap(p, 48 * PG);
}

FIXTURE(churn) {
};

FIXTURE_SETUP(churn)
{
}

FIXTURE_TEARDOWN(churn)
{
}

/*
 * A sparse 1 GiB mapping: one page on each side of every 2 MiB boundary
 * (1024 level-3 tables), then the middle half unmapped. A smaller user
 * address space (VMSPLIT_1G) gets the largest power of two up to half
 * of it.
 */
TEST_F_TIMEOUT(churn, sparse_1g_mapping, 120)
{
	unsigned long task = lpae_task_size(NULL);
	size_t len = LPAE_SZ_1G, n;
	char *p;
	size_t i;

	while (task && len > task / 2)
		len /= 2;
	n = len / LPAE_SZ_2M;
	ksft_print_msg("%zu MiB, %zu 2 MiB boundaries\n", len >> 20, n);
	p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	ASSERT_TRUE(p != MAP_FAILED);
	madvise(p, len, MADV_NOHUGEPAGE);
	for (i = 1; i < n; i++)
		fill_at(p + i * LPAE_SZ_2M - PG, 2, 0x1e, 2 * i);
	ASSERT_EQ(0, munmap(p + len / 4, len / 2));
	for (i = 1; i < n; i++) {
		char *b = p + i * LPAE_SZ_2M - PG;
		bool gone = i * LPAE_SZ_2M > len / 4 &&
			    i * LPAE_SZ_2M <= 3 * len / 4;

		if (i * LPAE_SZ_2M == len / 4 || i * LPAE_SZ_2M == 3 * len / 4)
			continue;	/* straddles an edge of the hole */
		if (gone) {
			EXPECT_TRUE(faults(b));
		} else {
			EXPECT_EQ(-1, check_at(b, 2, 0x1e, 2 * i));
		}
	}
	EXPECT_EQ(2, lpae_vma_count((uintptr_t)p, (uintptr_t)p + len));
	munmap(p, len / 4);
	munmap(p + 3 * len / 4, len / 4);
}

#define SLOTS	24
/* Iterations of the random loop: the reference boot, a quick boot. */
#define ITERS		1000
#define QUICK_ITERS	200

struct slot {
	char *p;
	size_t npages;
	size_t pg0;	/* pattern index of the first page */
	uint64_t seed;
};

static size_t rand_pages(uint64_t *rs)
{
	uint32_t r = lpae_rand(rs);

	/* Mostly small, sometimes across a 2 MiB boundary or two. */
	if (r % 8 == 0)
		return 512 + lpae_rand(rs) % 1024;
	return 1 + lpae_rand(rs) % 96;
}

/*
 * 1000 random steps (200 in a quick boot) over 24 slots: map, unmap
 * whole or in part, mprotect and check, grow or shrink with mremap, fork
 * and verify everything in the child.  Every step verifies the slot it
 * touched.
 */
TEST_F_TIMEOUT(churn, random_map_unmap, 180)
{
	const char *env = getenv("LPAE_SEED");
	uint64_t seed = env ? strtoull(env, NULL, 0) : 0x1a2e5eedULL;
	unsigned int ops[8] = { 0 };
	struct slot sl[SLOTS];
	int it, i, status, iters = lpae_scaled(ITERS, QUICK_ITERS);
	uint64_t rs = seed;

	ksft_print_msg("random churn: %d iterations, seed %#llx (set LPAE_SEED to replay)\n",
		       iters, (unsigned long long)seed);
	memset(sl, 0, sizeof(sl));
	for (it = 0; it < iters; it++) {
		struct slot *s = &sl[lpae_rand(&rs) % SLOTS];
		uint32_t op = lpae_rand(&rs) % 8;
		size_t k;
		char *q;
		pid_t pid;

		if (!s->p) {
			s->npages = rand_pages(&rs);
			s->p = mmap(NULL, s->npages * PG, PROT_READ | PROT_WRITE,
				    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
			ASSERT_TRUE(s->p != MAP_FAILED);
			s->seed = lpae_mix(seed + it);
			s->pg0 = 0;
			fill_at(s->p, s->npages, s->seed, 0);
			ops[0]++;
			continue;
		}
		ASSERT_EQ(-1, check_at(s->p, s->npages, s->seed, s->pg0)) {
			TH_LOG("iteration %d: slot %td corrupt before op %u",
			       it, s - sl, op);
		}
		ops[op]++;
		switch (op) {
		case 0:	/* unmap all */
		case 1:
			ASSERT_EQ(0, munmap(s->p, s->npages * PG));
			EXPECT_TRUE(faults(s->p));
			s->p = NULL;
			break;
		case 2:	/* unmap the head */
			if (s->npages < 2)
				break;
			k = 1 + lpae_rand(&rs) % (s->npages - 1);
			ASSERT_EQ(0, munmap(s->p, k * PG));
			EXPECT_TRUE(faults(s->p + k * PG - 1));
			s->p += k * PG;
			s->npages -= k;
			s->pg0 += k;
			break;
		case 3:	/* unmap the tail */
			if (s->npages < 2)
				break;
			k = 1 + lpae_rand(&rs) % (s->npages - 1);
			ASSERT_EQ(0, munmap(s->p + (s->npages - k) * PG, k * PG));
			s->npages -= k;
			break;
		case 4:	/* read-only for a moment */
			k = lpae_rand(&rs) % s->npages;
			ASSERT_EQ(0, mprotect(s->p, s->npages * PG, PROT_READ));
			EXPECT_EQ(SIGSEGV, lpae_write32(s->p + k * PG, 0, NULL));
			ASSERT_EQ(0, mprotect(s->p, s->npages * PG,
					      PROT_READ | PROT_WRITE));
			break;
		case 5:	/* grow, maybe moving */
			k = rand_pages(&rs);
			q = mremap(s->p, s->npages * PG, (s->npages + k) * PG,
				   MREMAP_MAYMOVE);
			ASSERT_TRUE(q != MAP_FAILED);
			s->p = q;
			fill_at(s->p + s->npages * PG, k, s->seed,
				s->pg0 + s->npages);
			s->npages += k;
			break;
		case 6:	/* shrink */
			if (s->npages < 2)
				break;
			k = 1 + lpae_rand(&rs) % (s->npages - 1);
			q = mremap(s->p, s->npages * PG, k * PG, 0);
			ASSERT_TRUE(q == s->p);
			s->npages = k;
			break;
		case 7:	/* a child sees every slot intact */
			if (it % 2) {
				ops[7]--;
				break;
			}
			pid = fork();
			ASSERT_GE(pid, 0);
			if (pid == 0) {
				for (i = 0; i < SLOTS; i++)
					if (sl[i].p &&
					    check_at(sl[i].p, sl[i].npages,
						     sl[i].seed, sl[i].pg0) != -1)
						_exit(1);
				_exit(0);
			}
			ASSERT_EQ(pid, waitpid(pid, &status, 0));
			ASSERT_EQ(0, status);
			break;
		}
		if (s->p)
			ASSERT_EQ(-1, check_at(s->p, s->npages, s->seed, s->pg0)) {
				TH_LOG("iteration %d: slot %td corrupt after op %u",
				       it, s - sl, op);
			}
	}
	for (i = 0; i < SLOTS; i++) {
		if (!sl[i].p)
			continue;
		EXPECT_EQ(-1, check_at(sl[i].p, sl[i].npages, sl[i].seed,
				       sl[i].pg0));
		munmap(sl[i].p, sl[i].npages * PG);
	}
	ksft_print_msg("ops: map %u unmap %u head %u tail %u ro %u grow %u shrink %u fork %u\n",
		       ops[0], ops[1], ops[2], ops[3], ops[4], ops[5], ops[6],
		       ops[7]);
}

TEST_HARNESS_MAIN

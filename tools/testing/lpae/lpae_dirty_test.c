// SPDX-License-Identifier: GPL-2.0
/*
 * Dirty and young tracking, and copy-on-write.
 *
 * The LPAE format has no hardware dirty or access-flag management on this
 * CPU: a clean writable page is mapped read-only and its first store takes
 * a permission fault that marks it dirty; an old page has AF clear and its
 * first access takes an access-flag fault that marks it young.  These
 * tests observe both through /proc/self/smaps and the fault counters, and
 * check that COW after fork() keeps parent and child apart at sizes from
 * one page to 64 MiB, across 2 MiB table boundaries.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "lpae_util.h"

#define NPAGES	64
#define LEN	(NPAGES * LPAE_PAGE_SIZE)
#define KB(pages) ((long long)(pages) * (LPAE_PAGE_SIZE / 1024))
/* Faults our own code, stack and data may take besides the loop's. */
#define FAULT_SLACK 24

/* pagemap bit 56: the page is mapped by this process only. */
#define PM_EXCLUSIVE (1ULL << 56)

FIXTURE(dirty) {
	char *buf;
};

FIXTURE_SETUP(dirty)
{
	self->buf = mmap(NULL, LEN, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_TRUE(self->buf != MAP_FAILED);
	/* Keep THP out of the picture: these are 4 KiB page tests. */
	madvise(self->buf, LEN, MADV_NOHUGEPAGE);
}

FIXTURE_TEARDOWN(dirty)
{
	if (self->buf && self->buf != MAP_FAILED)
		munmap(self->buf, LEN);
}

static void touch_read(const char *p, int npages)
{
	int i;

	for (i = 0; i < npages; i++)
		(void)*(const volatile char *)(p + i * LPAE_PAGE_SIZE);
}

static void touch_write(char *p, int npages, char v)
{
	int i;

	for (i = 0; i < npages; i++)
		*(volatile char *)(p + i * LPAE_PAGE_SIZE + 1) = v;
}

/* Read faults map the zero page (clean); writes make dirty private pages. */
TEST_F(dirty, first_write_sets_dirty)
{
	long f0, f1, f2;

	touch_read(self->buf, NPAGES);
	EXPECT_EQ(0, lpae_smaps_kb(self->buf, "Private_Dirty"));

	f0 = lpae_minflt();
	touch_write(self->buf, 16, 1);
	f1 = lpae_minflt();
	touch_write(self->buf, 16, 2);
	f2 = lpae_minflt();

	EXPECT_EQ(KB(16), lpae_smaps_kb(self->buf, "Private_Dirty"));
	EXPECT_EQ(KB(16), lpae_smaps_kb(self->buf, "Rss"));
	EXPECT_GE(f1 - f0, 16);
	EXPECT_LE(f2 - f1, 2) {
		TH_LOG("already-dirty pages faulted again: %ld faults", f2 - f1);
	}
}

/*
 * Store @base + i into 32-bit word @word of 16 pages, @stride apart,
 * starting at @p; returns the minor faults the stores took.
 */
static long store_16(char *p, size_t stride, int word, uint32_t base)
{
	long before = lpae_minflt();
	int i;

	for (i = 0; i < 16; i++)
		((volatile uint32_t *)(p + i * stride))[word] = base + i;
	return lpae_minflt() - before;
}

/* Load word @word of 16 pages, @stride apart; returns the faults taken. */
static long load_16(const char *p, size_t stride, int word)
{
	long before = lpae_minflt();
	uint32_t sum = 0;
	int i;

	for (i = 0; i < 16; i++)
		sum += ((const volatile uint32_t *)(p + i * stride))[word];
	(void)sum;
	return lpae_minflt() - before;
}

/*
 * MADV_FREE cleans the pages without unmapping them, and leaves them old.
 * A load first makes each young again (an access flag fault), so that
 * the store after it can only fault for the permission: exactly one
 * fault per page, and the page is dirty again; a second store takes
 * none. If the hardware let a clean page be written without a fault, the
 * kernel would never learn of the store and would be free to discard the
 * data. Without the loads an access flag fault on the store would stand
 * in for the missing permission fault.
 */
TEST_F(dirty, clean_page_write_faults_once)
{
	long loads, first, second;
	int i;

	lpae_fill(self->buf, LEN, 0xd1e7);
	EXPECT_EQ(KB(NPAGES), lpae_smaps_kb(self->buf, "Private_Dirty"));
	ASSERT_EQ(0, madvise(self->buf, LEN, MADV_FREE));
	/*
	 * The PTEs are clean now.  (LazyFree may lag: pages still in a
	 * per-CPU LRU batch are not moved to the lazy-free list.)
	 */
	EXPECT_EQ(0, lpae_smaps_kb(self->buf, "Private_Dirty"));
	EXPECT_GT(lpae_smaps_kb(self->buf, "LazyFree"), 0);

	loads = load_16(self->buf, 4 * LPAE_PAGE_SIZE, 1);
	first = store_16(self->buf, 4 * LPAE_PAGE_SIZE, 2, 0xd000);
	second = store_16(self->buf, 4 * LPAE_PAGE_SIZE, 3, 0xe000);
	ksft_print_msg("loads: %ld faults, first stores: %ld, second stores: %ld\n",
		       loads, first, second);
	EXPECT_GE(first, 16) {
		TH_LOG("stores to clean pages did not all fault");
	}
	EXPECT_LE(first, 16 + FAULT_SLACK);
	EXPECT_LE(second, 2);
	EXPECT_EQ(KB(16), lpae_smaps_kb(self->buf, "Private_Dirty"));
	for (i = 0; i < 16; i++) {
		uint32_t *w = (uint32_t *)(self->buf + i * 4 * LPAE_PAGE_SIZE);

		EXPECT_EQ(0xd000 + i, w[2]);
		EXPECT_EQ(0xe000 + i, w[3]);
	}
}

/*
 * A shared file page that a read fault mapped is writable but clean, and
 * young. ARMv7 has no hardware dirty-bit management, so the entry is
 * stored read-only to the hardware (AP[2]) until the first store, which
 * must fault once so that the kernel marks it dirty; the second store
 * must not. Unlike MADV_FREE above, nothing here is old, so an access
 * flag fault cannot stand in for the permission fault. A kernel that
 * stores clean entries writable loses these faults, and with them the
 * dirty state of file pages.
 */
TEST(shared_clean_page_write_faults_once)
{
	const size_t stride = 4 * LPAE_PAGE_SIZE, len = 16 * stride;
	long first, second;
	uint32_t v;
	char *p;
	int fd, i;

	fd = lpae_tmpfile_fill(len, 0x5a);
	ASSERT_GE(fd, 0);
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	ASSERT_TRUE(p != MAP_FAILED);
	for (i = 0; i < 16; i++)	/* read faults: clean, young entries */
		v = *(volatile uint32_t *)(p + i * stride);
	(void)v;

	first = store_16(p, stride, 1, 0xf000);
	second = store_16(p, stride, 2, 0xf100);
	ksft_print_msg("first stores: %ld faults, second stores: %ld\n",
		       first, second);
	EXPECT_GE(first, 16) {
		TH_LOG("stores to clean shared pages did not all fault");
	}
	EXPECT_LE(first, 16 + FAULT_SLACK);
	EXPECT_LE(second, 2);
	for (i = 0; i < 16; i++) {
		uint32_t got[3];

		ASSERT_EQ(sizeof(got), pread(fd, got, sizeof(got), i * stride));
		EXPECT_EQ(0xf000 + i, got[1]);
		EXPECT_EQ(0xf100 + i, got[2]);
	}
	munmap(p, len);
	close(fd);
}

/*
 * Writing 1 to clear_refs makes every page old: the walk clears each
 * entry's young bit, which is the access flag the hardware walks, but it
 * does not invalidate the TLB (fs/proc/task_mmu.c flushes only for the
 * soft-dirty type). Until the entry leaves the TLB the CPU may keep using
 * the copy that has AF set, so an access soon after clear_refs may or may
 * not fault, on hardware as under QEMU. What the kernel guarantees is:
 * every page is unreferenced right after clear_refs; a page nobody
 * touched stays so; data and dirtiness survive; and once the TLB no
 * longer holds the entry, the first access faults and makes it young.
 *
 * old_entries_out_of_tlb() gets the last part deterministically: an
 * mprotect() round trip rewrites each entry with its young bit as it was
 * (clear) and invalidates the range, so the next access walks the table,
 * finds AF clear and must take an access flag fault. Without it, reads
 * of 32 old pages right after clear_refs took 32 faults on QEMU
 * vexpress-a15 but 4 on QEMU virt (Cortex-A7 and A15 alike), and the
 * cases below failed there.
 */
static void old_entries_out_of_tlb(struct __test_metadata *_metadata,
				   void *p, size_t len)
{
	ASSERT_EQ(0, mprotect(p, len, PROT_NONE));
	ASSERT_EQ(0, mprotect(p, len, PROT_READ | PROT_WRITE));
}

/* An old page whose entry left the TLB faults once on a read, and is young. */
TEST_F(dirty, clear_refs_then_access_is_referenced)
{
	long f0, f1;

	lpae_fill(self->buf, LEN, 0x0a11);
	EXPECT_EQ(KB(NPAGES), lpae_smaps_kb(self->buf, "Referenced"));
	ASSERT_EQ(0, lpae_write_str("/proc/self/clear_refs", "1"));
	EXPECT_EQ(0, lpae_smaps_kb(self->buf, "Referenced"));
	old_entries_out_of_tlb(_metadata, self->buf, LEN);
	EXPECT_EQ(0, lpae_smaps_kb(self->buf, "Referenced"));

	f0 = lpae_minflt();
	touch_read(self->buf, NPAGES / 2);
	f1 = lpae_minflt();
	ksft_print_msg("reads of %d old pages took %ld faults\n", NPAGES / 2,
		       f1 - f0);
	EXPECT_EQ(KB(NPAGES / 2), lpae_smaps_kb(self->buf, "Referenced"));
	EXPECT_GE(f1 - f0, NPAGES / 2) {
		TH_LOG("old pages were accessed without an access fault");
	}
	EXPECT_LE(f1 - f0, NPAGES / 2 + FAULT_SLACK);
	/* Ageing touches neither data nor dirtiness. */
	EXPECT_EQ(KB(NPAGES), lpae_smaps_kb(self->buf, "Private_Dirty"));
	EXPECT_EQ(-1, lpae_verify(self->buf, LEN, 0x0a11));
}

/* An old page written to becomes young (and stays dirty, data intact). */
TEST_F(dirty, clear_refs_then_write_is_referenced)
{
	int i;

	lpae_fill(self->buf, LEN, 0x0b22);
	ASSERT_EQ(0, lpae_write_str("/proc/self/clear_refs", "1"));
	EXPECT_EQ(0, lpae_smaps_kb(self->buf, "Referenced"));
	old_entries_out_of_tlb(_metadata, self->buf, LEN);
	for (i = 0; i < NPAGES; i += 2)
		((uint64_t *)(self->buf + i * LPAE_PAGE_SIZE))[5] =
			lpae_mix(0x0b22 ^ i) + 5;	/* same value */
	EXPECT_EQ(KB(NPAGES / 2), lpae_smaps_kb(self->buf, "Referenced"));
	EXPECT_EQ(KB(NPAGES), lpae_smaps_kb(self->buf, "Private_Dirty"));
	EXPECT_EQ(-1, lpae_verify(self->buf, LEN, 0x0b22));
}

/* Repeated ageing rounds: each round every page read faults young once. */
TEST_F(dirty, ageing_rounds)
{
	int round;

	lpae_fill(self->buf, LEN, 0x0c33);
	for (round = 0; round < 8; round++) {
		ASSERT_EQ(0, lpae_write_str("/proc/self/clear_refs", "1"));
		ASSERT_EQ(0, lpae_smaps_kb(self->buf, "Referenced"));
		old_entries_out_of_tlb(_metadata, self->buf, LEN);
		touch_read(self->buf + (round % 2) * LPAE_PAGE_SIZE,
			   NPAGES / 2 - 1);
		ASSERT_EQ(KB(NPAGES / 2 - 1),
			  lpae_smaps_kb(self->buf, "Referenced"));
	}
	EXPECT_EQ(-1, lpae_verify(self->buf, LEN, 0x0c33));
}

/*
 * COW after fork(), one page to 64 MiB (8 MiB in a quick boot), aligned
 * and straddling 2 MiB.
 */
FIXTURE(cow) {
	char *map;
	size_t map_len;
	char *buf;
	size_t len;
};

FIXTURE_VARIANT(cow) {
	size_t len;
	size_t quick_len;	/* in a quick boot, if smaller */
	bool straddle;	/* start one page below a 2 MiB boundary */
};

FIXTURE_VARIANT_ADD(cow, page) { .len = LPAE_PAGE_SIZE };
FIXTURE_VARIANT_ADD(cow, pages_64k) { .len = 16 * LPAE_PAGE_SIZE };
FIXTURE_VARIANT_ADD(cow, straddle_2m) {
	.len = LPAE_SZ_2M + 2 * LPAE_PAGE_SIZE, .straddle = true };
FIXTURE_VARIANT_ADD(cow, large) {
	.len = 64 * LPAE_MIB, .quick_len = 8 * LPAE_MIB };

FIXTURE_SETUP(cow)
{
	uintptr_t a;

	self->len = variant->len;
	if (variant->quick_len)
		self->len = lpae_scaled(variant->len, variant->quick_len);
	self->map_len = self->len + 2 * LPAE_SZ_2M;
	self->map = mmap(NULL, self->map_len, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_TRUE(self->map != MAP_FAILED);
	madvise(self->map, self->map_len, MADV_NOHUGEPAGE);
	a = ((uintptr_t)self->map + LPAE_SZ_2M - 1) & ~(LPAE_SZ_2M - 1);
	if (variant->straddle)
		a = a + LPAE_SZ_2M - LPAE_PAGE_SIZE;
	self->buf = (char *)a;
	lpae_fill(self->buf, self->len, 0xc0a);
}

FIXTURE_TEARDOWN(cow)
{
	if (self->map && self->map != MAP_FAILED)
		munmap(self->map, self->map_len);
}

/* The child overwrites everything; the parent must still see its data. */
TEST_F_TIMEOUT(cow, child_writes, 120)
{
	EXPECT_EQ(0, lpae_child_rewrites(self->buf, self->len, 0xc0a, 0xc1d));
	EXPECT_EQ(-1, lpae_verify(self->buf, self->len, 0xc0a));
}

/* The parent overwrites everything; the waiting child sees the old data. */
TEST_F_TIMEOUT(cow, parent_writes, 120)
{
	int go[2], status;
	pid_t pid;
	char c = 0;

	ASSERT_EQ(0, pipe(go));
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		close(go[1]);
		if (read(go[0], &c, 1) != 1)
			_exit(3);
		if (lpae_verify(self->buf, self->len, 0xc0a) != -1)
			_exit(1);
		lpae_fill(self->buf, self->len, 0x111);
		_exit(lpae_verify(self->buf, self->len, 0x111) == -1 ? 0 : 2);
	}
	close(go[0]);
	lpae_fill(self->buf, self->len, 0xbad);
	ASSERT_EQ(1, write(go[1], &c, 1));
	close(go[1]);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status)) {
		TH_LOG("child saw the parent's stores (status %d)",
		       WEXITSTATUS(status));
	}
	EXPECT_EQ(-1, lpae_verify(self->buf, self->len, 0xbad));
}

/*
 * After fork() both sides map the same frames, shared (not exclusive);
 * the child's store gives it a new, exclusive frame and leaves the
 * parent's where it was.  PFNs are compared only when visible (root).
 */
TEST_F_TIMEOUT(cow, frames_split_on_write, 120)
{
	size_t idx[3] = { 0, self->len / 2, self->len - LPAE_PAGE_SIZE };
	uint64_t before[3];
	int status, i;
	bool pfns = lpae_pfns_visible();
	pid_t pid;

	for (i = 0; i < 3; i++)
		before[i] = lpae_pagemap(self->buf + idx[i]);
	for (i = 0; i < 3; i++)
		ASSERT_TRUE(before[i] & LPAE_PM_PRESENT);

	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		for (i = 0; i < 3; i++) {
			uint64_t e = lpae_pagemap(self->buf + idx[i]);

			if (pfns && LPAE_PM_PFN(e) != LPAE_PM_PFN(before[i]))
				_exit(10 + i);	/* not shared after fork */
			if (e & PM_EXCLUSIVE)
				_exit(20 + i);
		}
		for (i = 0; i < 3; i++)
			self->buf[idx[i] + 100] ^= 0xff;
		for (i = 0; i < 3; i++) {
			uint64_t e = lpae_pagemap(self->buf + idx[i]);

			if (pfns && LPAE_PM_PFN(e) == LPAE_PM_PFN(before[i]))
				_exit(30 + i);	/* wrote into the shared frame */
			if (!(e & PM_EXCLUSIVE))
				_exit(40 + i);
		}
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status)) {
		/*
		 * 1x: frame not shared after fork, 2x: exclusive too early,
		 * 3x: no copy on write, 4x: copy not exclusive.
		 */
		TH_LOG("child check %d failed", WEXITSTATUS(status));
	}
	for (i = 0; i < 3; i++) {
		uint64_t e = lpae_pagemap(self->buf + idx[i]);

		EXPECT_EQ(LPAE_PM_PFN(before[i]), LPAE_PM_PFN(e));
	}
	EXPECT_EQ(-1, lpae_verify(self->buf, self->len, 0xc0a));
}

/* MAP_SHARED anonymous memory is not copied: stores cross fork(). */
TEST(shared_anon_is_not_cow)
{
	const size_t len = LPAE_MIB;
	char *p;

	p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_TRUE(p != MAP_FAILED);
	lpae_fill(p, len, 1);
	EXPECT_EQ(0, lpae_child_rewrites(p, len, 1, 2));
	EXPECT_EQ(-1, lpae_verify(p, len, 2));
	munmap(p, len);
}

TEST_HARNESS_MAIN

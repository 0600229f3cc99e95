// SPDX-License-Identifier: GPL-2.0
/*
 * Memory above 4 GiB.  With LPAE the kernel accepts RAM at 40-bit physical
 * addresses and hands it out as highmem; these tests check that all of the
 * RAM QEMU was given is accounted for, that pages above 4 GiB reach user
 * space, and that data in them survives both user access and the kernel's
 * own temporary mappings (page cache copies, /proc/self/mem).
 *
 * The guest's init exports LPAE_RAM_MB, the RAM the kernel manages in
 * MiB: QEMU's -m, or less when mem= limits it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "lpae_util.h"

#define CHUNK		(128UL << 20)
#define MAX_CHUNKS	20	/* 2.5 GiB: most of a 3 GiB user space */

/* One "System RAM" range from /proc/iomem (top level only). */
struct ram_range {
	unsigned long long start, end;
};

static int iomem_ram(struct ram_range *r, int max)
{
	char line[256];
	int n = 0;
	FILE *f;

	f = fopen("/proc/iomem", "re");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f) && n < max) {
		unsigned long long s, e;

		if (line[0] == ' ' || !strstr(line, ": System RAM"))
			continue;
		if (sscanf(line, "%llx-%llx", &s, &e) != 2)
			continue;
		r[n].start = s;
		r[n].end = e;
		n++;
	}
	fclose(f);
	return n;
}

/* Last PFN + 1 of RAM according to /proc/iomem (0 if hidden). */
static unsigned long long ram_end_pfn(void)
{
	struct ram_range r[16];
	unsigned long long end = 0;
	int i, n = iomem_ram(r, 16);

	for (i = 0; i < n; i++)
		if (r[i].end + 1 > end)
			end = r[i].end + 1;
	return end / LPAE_PAGE_SIZE;
}

/*
 * The kernel shows no RAM above 4 GiB (its RAM ends at @end_pfn): fine
 * only when the harness gave it none. A kernel that loses its high RAM
 * must fail, not skip, the tests that need it.
 */
static bool high_ram_not_expected(unsigned long long end_pfn)
{
	unsigned long long given = lpae_ram_end();

	if (given <= LPAE_PA_4G)
		return true;
	ksft_print_msg("RAM given up to %#llx, the kernel shows it up to PFN %#llx only\n",
		       given, end_pfn);
	return false;
}

FIXTURE(highmem) {
	long ram_mb;
	/* Where that RAM ends (exclusive), when the harness says. */
	unsigned long long ram_end;
	bool root_pfns;
};

FIXTURE_SETUP(highmem)
{
	self->ram_mb = lpae_ram_mb();
	self->ram_end = lpae_ram_end();
	self->root_pfns = lpae_pfns_visible();
}

/*
 * The end of the managed RAM: as the harness gives it (@given), or @start
 * plus the RAM size. They differ by design only for a kernel with 32-bit
 * physical addresses given RAM up to 4 GiB: memblock can hold no end
 * above 0xffffffff, so its last byte, and the page that holds it, are
 * not RAM to that kernel, and the harness says 0xffffffff.
 */
static unsigned long long ram_end(unsigned long long given, long ram_mb,
				  unsigned long long start)
{
	return given ? given : start + ((unsigned long long)ram_mb << 20);
}

FIXTURE_TEARDOWN(highmem)
{
}

/* MemTotal: all managed RAM except what the kernel keeps (image, memmap). */
TEST_F(highmem, memtotal_matches_ram)
{
	long long total = lpae_meminfo_kb("MemTotal");
	long long ram_kb = (long long)self->ram_mb * 1024;
	long long shadow_kb = 0;

	if (!self->ram_mb)
		SKIP(return, "LPAE_RAM_MB not set (not run by the LPAE harness)");
	/*
	 * KASAN (lpae+debug) reserves one shadow byte for each eight bytes
	 * of lowmem, an eighth of lowmem: about a seventh of LowTotal, the
	 * lowmem left after it (and after the image and memmap, so this
	 * errs low).
	 */
	if (lpae_kernel_has_kasan()) {
		long long low = lpae_meminfo_kb("LowTotal");

		shadow_kb = low > 0 ? low / 7 : 0;
	}
	ksft_print_msg("RAM %lld kB, MemTotal %lld kB (%lld%%), KASAN shadow %lld kB\n",
		       ram_kb, total, total * 100 / ram_kb, shadow_kb);
	EXPECT_GE((total + shadow_kb) * 10, ram_kb * 9) {
		TH_LOG("MemTotal %lld kB and KASAN shadow %lld kB: under 90%% of %ld MiB",
		       total, shadow_kb, self->ram_mb);
	}
	EXPECT_LE(total, ram_kb);
}

/*
 * HighTotal: RAM minus the lowmem span.  The span comes from zoneinfo,
 * the RAM size from the harness, so memory the kernel failed to register
 * (for instance everything above 4 GiB) shows up as a shortfall.
 */
TEST_F(highmem, hightotal_is_ram_minus_lowmem)
{
	unsigned long long start, spanned, present, low_end, phys_pfn;
	long long high = lpae_meminfo_kb("HighTotal");
	long long ram_kb = (long long)self->ram_mb * 1024;
	long long expect_kb, slack;

	if (!self->ram_mb)
		SKIP(return, "LPAE_RAM_MB not set (not run by the LPAE harness)");
	ASSERT_EQ(0, lpae_zone_span("Normal", &phys_pfn, &spanned, &present));
	low_end = lpae_lowmem_end_pfn();
	ASSERT_GT(low_end, phys_pfn);
	expect_kb = ram_kb - (long long)(low_end - phys_pfn) * 4;
	if (expect_kb < 0)
		expect_kb = 0;
	if (high < 0)
		high = 0;	/* !CONFIG_HIGHMEM */
	slack = expect_kb / 50;
	ksft_print_msg("lowmem %llu MiB, HighTotal %lld kB, expected %lld kB\n",
		       (low_end - phys_pfn) >> 8, high, expect_kb);
	EXPECT_LE(high, expect_kb);
	EXPECT_GE(high, expect_kb - slack);

	/* The highmem zone ends exactly where the managed RAM does. */
	if (expect_kb && !lpae_zone_span("HighMem", &start, &spanned, &present)) {
		EXPECT_EQ(ram_end(self->ram_end, self->ram_mb,
				  phys_pfn * LPAE_PAGE_SIZE) /
			  LPAE_PAGE_SIZE, start + spanned);
		EXPECT_EQ(low_end, start);
	}
}

/* /proc/iomem: the RAM ranges add up to the managed RAM, beyond 4 GiB. */
TEST_F(highmem, iomem_ram_beyond_4g)
{
	unsigned long long sum = 0, lo = ~0ULL, hi = 0;
	struct ram_range r[16];
	int i, n;

	if (!self->ram_mb)
		SKIP(return, "LPAE_RAM_MB not set (not run by the LPAE harness)");
	n = iomem_ram(r, 16);
	ASSERT_GT(n, 0);
	for (i = 0; i < n; i++) {
		sum += r[i].end - r[i].start + 1;
		if (r[i].start < lo)
			lo = r[i].start;
		if (r[i].end > hi)
			hi = r[i].end;
		ksft_print_msg("System RAM %#llx-%#llx\n", r[i].start, r[i].end);
	}
	if (!hi)
		SKIP(return, "/proc/iomem addresses hidden (not root)");
	EXPECT_EQ(ram_end(self->ram_end, self->ram_mb, lo) - lo, sum);
	EXPECT_EQ(ram_end(self->ram_end, self->ram_mb, lo) - 1, hi);
	/* vexpress RAM starts at 2 GiB: more than 2 GiB must go past 4 GiB. */
	if (lo == 0x80000000ULL && self->ram_mb > 2048)
		EXPECT_GT(hi, 0xffffffffULL) {
			TH_LOG("%ld MiB from %#llx should end above 4 GiB",
			       self->ram_mb, lo);
		}
}

struct chunks {
	char *p[MAX_CHUNKS];
	int n;
	unsigned long long high_pages, max_pfn;
	char *high_va[256];	/* a sample of pages above 4 GiB */
	int nhigh_va;
};

/* Count (and sample) the pages of @c->p[i] whose frame is above 4 GiB. */
static int census(struct chunks *c, int i)
{
	size_t np = CHUNK / LPAE_PAGE_SIZE, k;
	uint64_t *pm = malloc(np * sizeof(*pm));

	if (!pm || lpae_pagemap_range(c->p[i], np, pm)) {
		free(pm);
		return -1;
	}
	for (k = 0; k < np; k++) {
		unsigned long long pfn = LPAE_PM_PFN(pm[k]);

		if (!(pm[k] & LPAE_PM_PRESENT))
			continue;
		if (pfn > c->max_pfn)
			c->max_pfn = pfn;
		if (pfn < LPAE_PFN_4G)
			continue;
		c->high_pages++;
		/* Keep every 64th high page, up to the sample size. */
		if (c->nhigh_va < 256 && !(c->high_pages % 64))
			c->high_va[c->nhigh_va++] = c->p[i] + k * LPAE_PAGE_SIZE;
	}
	free(pm);
	return 0;
}

/*
 * Fill 128 MiB chunks until at least @min_bytes are filled and @min_high
 * pages above 4 GiB were seen, or the budget is spent.
 */
static int fill_until_high(struct chunks *c, size_t min_bytes,
			   unsigned long long min_high)
{
	long long avail = lpae_meminfo_kb("MemAvailable");
	int budget = MAX_CHUNKS;

	if (avail > 0 && (avail >> 17) - 2 < budget)
		budget = (int)(avail >> 17) - 2;	/* keep 256 MiB free */
	memset(c, 0, sizeof(*c));
	while (c->n < budget &&
	       ((size_t)c->n * CHUNK < min_bytes || c->high_pages < min_high)) {
		char *p = mmap(NULL, CHUNK, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (p == MAP_FAILED)
			break;
		c->p[c->n] = p;
		lpae_fill(p, CHUNK, 0x4a11 + c->n);
		if (census(c, c->n))
			return -1;
		c->n++;
	}
	return 0;
}

static void free_chunks(struct chunks *c)
{
	while (c->n > 0)
		munmap(c->p[--c->n], CHUNK);
}

/*
 * At least 1 GiB filled (256 MiB in a quick boot; half the user address
 * space if that is less, with VMSPLIT_1G), pages above 4 GiB among them,
 * all intact.
 */
TEST_F_TIMEOUT(highmem, pattern_fill_above_4g, 240)
{
	unsigned long long end_pfn = ram_end_pfn();
	unsigned long task = lpae_task_size(NULL);
	size_t want = lpae_scaled(LPAE_SZ_1G, 256 * LPAE_MIB);
	struct chunks c;
	int i;

	if (!self->root_pfns)
		SKIP(return, "pagemap hides PFNs (not root)");
	if (end_pfn <= LPAE_PFN_4G) {
		ASSERT_TRUE(high_ram_not_expected(end_pfn));
		SKIP(return, "no RAM above 4 GiB (RAM ends at PFN %#llx)",
		     end_pfn);
	}
	if (task && want > task / 2)
		want = task / 2 / CHUNK * CHUNK;
	ASSERT_EQ(0, fill_until_high(&c, want, 16384));
	ksft_print_msg("filled %d MiB, %llu pages above 4 GiB, highest PFN %#llx\n",
		       c.n * 128, c.high_pages, c.max_pfn);
	EXPECT_GE((size_t)c.n * CHUNK, want);
	EXPECT_GT(c.high_pages, 0);
	EXPECT_LT(c.max_pfn, end_pfn);
	for (i = 0; i < c.n; i++) {
		long bad = lpae_verify(c.p[i], CHUNK, 0x4a11 + i);

		EXPECT_EQ(-1, bad) {
			TH_LOG("chunk %d corrupt at +%#lx (PFN %#llx)", i, bad,
			       lpae_pfn(c.p[i] + bad));
		}
	}
	free_chunks(&c);
}

/*
 * The kernel's view of pages above 4 GiB: /proc/self/mem reads and writes
 * go through a temporary kernel mapping of the page, so a truncated PFN
 * there reads some other frame.
 */
TEST_F_TIMEOUT(highmem, proc_self_mem_above_4g, 240)
{
	char *kbuf = malloc(LPAE_PAGE_SIZE), *orig = malloc(LPAE_PAGE_SIZE);
	struct chunks c;
	int fd, i, differs;

	LPAE_SETUP_SKIPPED();
	if (!self->root_pfns)
		SKIP(return, "pagemap hides PFNs (not root)");
	if (ram_end_pfn() <= LPAE_PFN_4G) {
		ASSERT_TRUE(high_ram_not_expected(ram_end_pfn()));
		SKIP(return, "no RAM above 4 GiB");
	}
	ASSERT_TRUE(kbuf && orig);
	ASSERT_EQ(0, fill_until_high(&c, 0, 64 * 64));
	ASSERT_GT(c.nhigh_va, 0);
	ksft_print_msg("checking %d pages above 4 GiB through /proc/self/mem\n",
		       c.nhigh_va);
	fd = open("/proc/self/mem", O_RDWR | O_CLOEXEC);
	ASSERT_GE(fd, 0);
	for (i = 0; i < c.nhigh_va; i++) {
		char *va = c.high_va[i];
		off_t off = (off_t)(uintptr_t)va;

		EXPECT_GE(lpae_pfn(va), LPAE_PFN_4G);
		/* Read through the kernel, compare with the user view. */
		ASSERT_EQ(LPAE_PAGE_SIZE, pread(fd, orig, LPAE_PAGE_SIZE, off));
		differs = memcmp(orig, va, LPAE_PAGE_SIZE) != 0;
		EXPECT_EQ(0, differs) {
			TH_LOG("kernel read of PFN %#llx differs", lpae_pfn(va));
		}
		if (differs)
			break;
		/* Write through the kernel, read back through user space. */
		memset(kbuf, 0x3c ^ i, LPAE_PAGE_SIZE);
		ASSERT_EQ(LPAE_PAGE_SIZE, pwrite(fd, kbuf, LPAE_PAGE_SIZE, off));
		differs = memcmp(kbuf, va, LPAE_PAGE_SIZE) != 0;
		EXPECT_EQ(0, differs) {
			TH_LOG("user view of PFN %#llx missed a kernel write",
			       lpae_pfn(va));
		}
		if (differs)
			break;
		/* Put the pattern back the same way. */
		ASSERT_EQ(LPAE_PAGE_SIZE, pwrite(fd, orig, LPAE_PAGE_SIZE, off));
	}
	close(fd);
	/* No other page was touched by those kernel writes. */
	for (i = 0; i < c.n; i++)
		EXPECT_EQ(-1, lpae_verify(c.p[i], CHUNK, 0x4a11 + i));
	free_chunks(&c);
	free(kbuf);
	free(orig);
}

/* A tmpfs mount of our own; memfd (also shmem) when mounting is refused. */
struct tmpfs_file {
	char dir[64];
	char path[96];
	bool mounted;
	int fd;
};

static int tmpfs_open(struct tmpfs_file *t, const char *name)
{
	memset(t, 0, sizeof(*t));
	strcpy(t->dir, "/tmp/lpae-tmpfs.XXXXXX");
	if (mkdtemp(t->dir)) {
		if (!mount("lpae", t->dir, "tmpfs", 0, "size=90%"))
			t->mounted = true;
		else
			rmdir(t->dir);
	}
	if (t->mounted) {
		snprintf(t->path, sizeof(t->path), "%s/%s", t->dir, name);
		t->fd = open(t->path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC,
			     0600);
	} else {
		t->fd = memfd_create(name, MFD_CLOEXEC);
	}
	return t->fd;
}

static void tmpfs_close(struct tmpfs_file *t)
{
	if (t->fd >= 0)
		close(t->fd);
	if (t->mounted) {
		unlink(t->path);
		umount(t->dir);
		rmdir(t->dir);
	}
	t->fd = -1;
	t->mounted = false;
}

/* Pages of a mapped file that lie in highmem / above 4 GiB. */
static void file_census(const char *p, size_t len, unsigned long long low_end,
			unsigned long long *high, unsigned long long *above4g)
{
	size_t np = 32768, off;
	uint64_t *pm = malloc(np * sizeof(*pm));

	*high = *above4g = 0;
	if (!pm)
		return;
	for (off = 0; off < len; off += np * LPAE_PAGE_SIZE) {
		size_t n = (len - off) / LPAE_PAGE_SIZE, k;

		if (n > np)
			n = np;
		if (lpae_pagemap_range(p + off, n, pm))
			break;
		for (k = 0; k < n; k++) {
			unsigned long long pfn = LPAE_PM_PFN(pm[k]);

			if (!(pm[k] & LPAE_PM_PRESENT) || !pfn)
				continue;
			*high += pfn >= low_end;
			*above4g += pfn >= LPAE_PFN_4G;
		}
	}
	free(pm);
}

/*
 * A tmpfs file larger than all of lowmem: it cannot fit there, so its
 * pages are in highmem, and every byte must read back as written.
 */
TEST_F_TIMEOUT(highmem, tmpfs_file_larger_than_lowmem, 300)
{
	long long low_kb = lpae_meminfo_kb("LowTotal");
	long long avail_kb = lpae_meminfo_kb("MemAvailable");
	unsigned long long high, above4g, low_end = lpae_lowmem_end_pfn();
	const size_t blk = LPAE_MIB, win = 256 * LPAE_MIB;
	uint64_t sum_w = 0, sum_r = 0;
	struct tmpfs_file t;
	size_t size, off, woff;
	char *buf, *map;

	if (lpae_meminfo_kb("HighTotal") <= 0)
		SKIP(return, "no highmem");
	if (lpae_quick())
		SKIP(return, "quick boot: the reference boot writes this file");
	ASSERT_GT(low_kb, 0);
	size = ((size_t)(low_kb >> 10) + 64) * LPAE_MIB;
	if (avail_kb < (long long)(size >> 10) + (128 << 10))
		SKIP(return, "%lld MiB available, the file needs %zu MiB",
		     avail_kb >> 10, size >> 20);
	buf = malloc(blk);
	ASSERT_TRUE(buf != NULL);
	ASSERT_GE(tmpfs_open(&t, "big"), 0);
	ksft_print_msg("%s: %zu MiB file, LowTotal %lld MiB\n",
		       t.mounted ? "tmpfs" : "memfd", size >> 20, low_kb >> 10);

	for (off = 0; off < size; off += blk) {
		size_t i;

		lpae_fill(buf, blk, 0xf11e ^ off);
		for (i = 0; i < blk / 8; i += 61)
			sum_w += ((uint64_t *)buf)[i];
		ASSERT_EQ(blk, pwrite(t.fd, buf, blk, off)) {
			TH_LOG("write at %zu MiB: %s", off >> 20,
			       strerror(errno));
			tmpfs_close(&t);
		}
	}
	for (off = 0; off < size; off += blk) {
		size_t i;
		long bad;

		memset(buf, 0, blk);
		ASSERT_EQ(blk, pread(t.fd, buf, blk, off));
		for (i = 0; i < blk / 8; i += 61)
			sum_r += ((uint64_t *)buf)[i];
		bad = lpae_verify(buf, blk, 0xf11e ^ off);
		EXPECT_EQ(-1, bad) {
			TH_LOG("file offset %#zx reads back wrong", off + (size_t)bad);
		}
		if (bad != -1)
			break;
	}
	EXPECT_EQ(sum_w, sum_r);

	/*
	 * The same pages seen through a shared mapping, a window at a time:
	 * the file is larger than a 1G/3G split's user address space.
	 */
	high = 0;
	above4g = 0;
	for (woff = 0; woff < size; woff += win) {
		size_t len = size - woff < win ? size - woff : win;
		unsigned long long h, a;
		long bad;

		map = mmap(NULL, len, PROT_READ, MAP_SHARED, t.fd, woff);
		ASSERT_TRUE(map != MAP_FAILED);
		for (off = 0, bad = -1; off < len && bad == -1; off += blk)
			bad = lpae_verify_sparse(map + off, blk,
						 0xf11e ^ (woff + off));
		EXPECT_EQ(-1, bad) {
			TH_LOG("mapped file offset %#zx wrong",
			       woff + off - blk + (size_t)bad);
		}
		if (self->root_pfns) {
			file_census(map, len, low_end, &h, &a);
			high += h;
			above4g += a;
		}
		munmap(map, len);
	}
	if (self->root_pfns) {
		ksft_print_msg("file pages: %llu in highmem, %llu above 4 GiB\n",
			       high, above4g);
		EXPECT_GT(high, 0);
	}
	tmpfs_close(&t);
	free(buf);
}

/*
 * read()/write() and a shared mapping of the same highmem page-cache
 * pages must agree, at offsets that straddle page boundaries.
 */
TEST_F_TIMEOUT(highmem, pagecache_rw_highmem, 120)
{
	const size_t size = 32 * LPAE_MIB;
	unsigned long long high, above4g;
	struct tmpfs_file t;
	char *map, *buf;
	size_t off;
	int i;

	buf = malloc(LPAE_MIB);
	ASSERT_TRUE(buf != NULL);
	ASSERT_GE(tmpfs_open(&t, "pc"), 0);
	for (off = 0; off < size; off += LPAE_MIB) {
		lpae_fill(buf, LPAE_MIB, 0xcace ^ off);
		ASSERT_EQ(LPAE_MIB, pwrite(t.fd, buf, LPAE_MIB, off));
	}
	map = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, t.fd, 0);
	ASSERT_TRUE(map != MAP_FAILED);
	for (off = 0; off < size; off += LPAE_MIB)
		ASSERT_EQ(-1, lpae_verify(map + off, LPAE_MIB, 0xcace ^ off));

	if (self->root_pfns && lpae_meminfo_kb("HighTotal") > 0) {
		file_census(map, size, lpae_lowmem_end_pfn(), &high, &above4g);
		ksft_print_msg("page cache: %llu of %zu pages in highmem, %llu above 4 GiB\n",
			       high, size / LPAE_PAGE_SIZE, above4g);
		EXPECT_GT(high, 0);
	}

	/* Stores through the mapping, read with pread across page ends. */
	for (i = 0; i < 64; i++) {
		size_t at = (size_t)((i * 509 + 7) % 6000 + 1) * LPAE_PAGE_SIZE - 37;
		char got[100], want[100];

		memset(want, 'A' + i % 26, sizeof(want));
		memcpy(map + at, want, sizeof(want));
		ASSERT_EQ(sizeof(got), pread(t.fd, got, sizeof(got), at));
		EXPECT_EQ(0, memcmp(got, want, sizeof(want)));
	}
	/* pwrite across page ends, read through the mapping. */
	for (i = 0; i < 64; i++) {
		size_t at = (size_t)((i * 503 + 3) % 6000 + 1) * LPAE_PAGE_SIZE - 1000;
		char want[3000];

		memset(want, 'a' + i % 26, sizeof(want));
		ASSERT_EQ(sizeof(want), pwrite(t.fd, want, sizeof(want), at));
		EXPECT_EQ(0, memcmp(map + at, want, sizeof(want)));
	}
	/* Data away from the edits (beyond 24 MiB) kept its pattern. */
	for (off = 24 * LPAE_MIB; off < size; off += LPAE_MIB)
		EXPECT_EQ(-1, lpae_verify(map + off, LPAE_MIB, 0xcace ^ off));
	munmap(map, size);
	tmpfs_close(&t);
	free(buf);
}

TEST_HARNESS_MAIN

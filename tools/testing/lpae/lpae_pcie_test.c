// SPDX-License-Identifier: GPL-2.0
/*
 * PCIe above 4 GiB, seen from user space.
 *
 * QEMU's virt machine with highmem=on puts the ECAM of its generic PCIe
 * host at 0x40_1000_0000 and a 512 GiB 64-bit memory window at
 * 0x80_0000_0000, so the host bridge driver itself needs a 40-bit
 * ioremap(), and every 64-bit BAR the kernel assigns lands far above
 * 4 GiB. The cases compare /proc/iomem with the device tree, then move
 * data through the virtio-blk disk that run_qemu.py attaches on virt:
 * written with O_DIRECT from user pages whose frames lie above 4 GiB,
 * read back with O_DIRECT into other such pages, and compared, so that
 * the device itself reads and writes those frames.
 *
 * Without a generic ECAM host in the device tree (vexpress) every case
 * skips. With RAM only below 4 GiB (the classic kernel on virt) the disk
 * case uses whatever pages it gets.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "lpae_util.h"

#define DT		"/proc/device-tree"
#define MAX_IOMEM	512
/* Pages per pwritev()/preadv(): 1 MiB. */
#define BATCH		256
/* The serial of the disk run_qemu.py attaches for this test to write. */
#define SCRATCH_SERIAL	"lpae-scratch"
/* A disk page's pattern seed: its index on the disk, tagged. */
#define DISK_SEED(i)	(0xd15c0000ULL ^ ((uint64_t)(i) << 20))

struct pcie_host {
	char node[300];
	uint64_t ecam, ecam_len;
	uint64_t win64, win64_len;	/* 0: no 64-bit window above 4 GiB */
};

struct iomem_line {
	int depth;
	unsigned long long start, end;
	char name[64];
	char text[256];
};

static uint64_t be_cells(const unsigned char *p, int cells)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < cells * 4; i++)
		v = v << 8 | p[i];
	return v;
}

static int read_file(const char *path, void *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, len);
	close(fd);
	return n;
}

/* The first line of a sysfs file, without its newline; "?" if unreadable. */
static const char *read_line(const char *path, char *buf, size_t len)
{
	int n = read_file(path, buf, len - 1);

	if (n <= 0)
		return strcpy(buf, "?");
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return buf;
}

static int root_cells(const char *name, int dflt)
{
	unsigned char b[4];
	char path[64];

	snprintf(path, sizeof(path), DT "/%s", name);
	return read_file(path, b, 4) == 4 ? (int)be_cells(b, 1) : dflt;
}

/* Does the NUL-separated list @list of @len bytes hold @want? */
static bool in_strlist(const char *list, int len, const char *want)
{
	int i;

	for (i = 0; i < len; i += strlen(list + i) + 1)
		if (!strcmp(list + i, want))
			return true;
	return false;
}

/* The first generic ECAM host of the device tree; false if none. */
static bool find_host(struct pcie_host *h)
{
	int ac = root_cells("#address-cells", 2);
	int sc = root_cells("#size-cells", 1);
	unsigned char buf[1024];
	char compat[256], path[600];
	struct dirent *d;
	int n, i, ent;
	bool found = false;
	DIR *dir;

	memset(h, 0, sizeof(*h));
	dir = opendir(DT);
	if (!dir)
		return false;
	while (!found && (d = readdir(dir))) {
		if (strncmp(d->d_name, "pcie@", 5) && strncmp(d->d_name, "pci@", 4))
			continue;
		snprintf(path, sizeof(path), DT "/%s/compatible", d->d_name);
		n = read_file(path, compat, sizeof(compat) - 1);
		if (n <= 0)
			continue;
		compat[n] = '\0';
		if (!in_strlist(compat, n, "pci-host-ecam-generic"))
			continue;
		snprintf(h->node, sizeof(h->node), "%s", d->d_name);
		snprintf(path, sizeof(path), DT "/%s/reg", d->d_name);
		if (read_file(path, buf, sizeof(buf)) >= (ac + sc) * 4) {
			h->ecam = be_cells(buf, ac);
			h->ecam_len = be_cells(buf + ac * 4, sc);
		}
		/* ranges: PCI address (3 cells), CPU address, size */
		snprintf(path, sizeof(path), DT "/%s/ranges", d->d_name);
		n = read_file(path, buf, sizeof(buf));
		ent = (3 + ac + 2) * 4;
		for (i = 0; n > 0 && i + ent <= n; i += ent) {
			uint64_t cpu = be_cells(buf + i + 12, ac);
			uint64_t len = be_cells(buf + i + 12 + ac * 4, 2);

			/* phys.hi space code 3: 64-bit memory */
			if ((buf[i] & 0x03) == 0x03 && cpu >= LPAE_PA_4G) {
				h->win64 = cpu;
				h->win64_len = len;
			}
		}
		found = true;
	}
	closedir(dir);
	return found;
}

/* /proc/iomem as lines with their nesting depth; the count or -1. */
static int read_iomem(struct iomem_line *l, int max)
{
	char line[256], *dash, *colon;
	FILE *f = fopen("/proc/iomem", "re");
	int n = 0;

	if (!f)
		return -1;
	while (n < max && fgets(line, sizeof(line), f)) {
		size_t sp = strspn(line, " ");

		dash = strchr(line, '-');
		colon = strstr(line, " : ");
		if (!dash || !colon)
			continue;
		line[strcspn(line, "\n")] = '\0';
		l[n].depth = sp / 2;
		l[n].start = strtoull(line + sp, NULL, 16);
		l[n].end = strtoull(dash + 1, NULL, 16);
		snprintf(l[n].name, sizeof(l[n].name), "%s", colon + 3);
		snprintf(l[n].text, sizeof(l[n].text), "%s", line);
		n++;
	}
	fclose(f);
	return n;
}

FIXTURE(pcie) {
	struct pcie_host host;
	struct iomem_line iomem[MAX_IOMEM];
	int n;
};

FIXTURE_SETUP(pcie)
{
	if (!find_host(&self->host))
		SKIP(return, "no generic ECAM PCIe host in the device tree (not QEMU virt)");
	self->n = read_iomem(self->iomem, MAX_IOMEM);
	ASSERT_GT(self->n, 0);
	/* Addresses read as 0 unless the reader has CAP_SYS_ADMIN. */
	if (!self->iomem[0].end)
		SKIP(return, "/proc/iomem hides addresses (not root)");
}

FIXTURE_TEARDOWN(pcie)
{
}

/*
 * The kernel claimed the ECAM where the device tree puts it (above 4 GiB
 * with highmem=on) and enumerated devices through it: every config space
 * read of the scan went through that mapping.
 */
TEST_F(pcie, ecam_where_the_device_tree_says)
{
	int i, found = -1, devices = 0;
	struct dirent *d;
	DIR *dir;

	LPAE_SETUP_SKIPPED();
	ksft_print_msg("device tree: %s, ECAM %#llx+%#llx\n", self->host.node,
		       (unsigned long long)self->host.ecam,
		       (unsigned long long)self->host.ecam_len);
	for (i = 0; i < self->n; i++)
		if (!strcmp(self->iomem[i].name, "PCI ECAM") &&
		    self->iomem[i].start == self->host.ecam)
			found = i;
	ASSERT_GE(found, 0) {
		TH_LOG("no \"PCI ECAM\" at %#llx in /proc/iomem",
		       (unsigned long long)self->host.ecam);
	}
	ksft_print_msg("iomem: %s%s\n", self->iomem[found].text,
		       self->iomem[found].start >= LPAE_PA_4G ?
		       " (above 4 GiB)" : "");
	EXPECT_EQ(self->host.ecam + self->host.ecam_len - 1,
		  self->iomem[found].end);

	dir = opendir("/sys/bus/pci/devices");
	ASSERT_TRUE(dir != NULL);
	while ((d = readdir(dir)))
		devices += d->d_name[0] != '.';
	closedir(dir);
	ksft_print_msg("%d PCI functions enumerated\n", devices);
	/* QEMU's host bridge and the disk at least */
	EXPECT_GE(devices, 2);
}

/*
 * With a 64-bit window above 4 GiB in the device tree, the kernel assigns
 * the 64-bit BARs there, and virtio-pci claims its region in one of them:
 * a driver that maps a BAR above 4 GiB and runs its device through it.
 */
TEST_F(pcie, bar_above_4g_claimed_by_a_driver)
{
	int i, win = -1, bars = 0, claimed = 0;

	LPAE_SETUP_SKIPPED();
	if (!self->host.win64)
		SKIP(return, "no 64-bit window above 4 GiB (highmem=off)");
	for (i = 0; i < self->n; i++)
		if (self->iomem[i].depth == 0 &&
		    self->iomem[i].start == self->host.win64)
			win = i;
	ASSERT_GE(win, 0) {
		TH_LOG("the 64-bit window %#llx is not in /proc/iomem",
		       (unsigned long long)self->host.win64);
	}
	ksft_print_msg("iomem: %s\n", self->iomem[win].text);
	EXPECT_EQ(self->host.win64 + self->host.win64_len - 1,
		  self->iomem[win].end);
	for (i = win + 1; i < self->n && self->iomem[i].depth > 0; i++) {
		ksft_print_msg("iomem: %s\n", self->iomem[i].text);
		if (self->iomem[i].start < LPAE_PA_4G)
			continue;
		bars += self->iomem[i].depth == 1;
		claimed += !strcmp(self->iomem[i].name, "virtio-pci-modern");
	}
	EXPECT_GE(bars, 1) {
		TH_LOG("no BAR assigned in the window above 4 GiB");
	}
	EXPECT_GE(claimed, 1) {
		TH_LOG("virtio-pci claimed no region above 4 GiB");
	}
}

/*
 * The scratch disk: the virtio block device behind PCI whose serial is
 * SCRATCH_SERIAL (run_qemu.py sets it). Its name, "" if none. The serial,
 * not the first vd* disk, because a boot of the Debian image also has its
 * root file system and the tests on virtio disks, which this test must
 * never write.
 */
static void find_disk(char *name, size_t len, char *pci, size_t pci_len)
{
	char path[300], link[PATH_MAX], serial[64], *p, *slash;
	struct dirent *d;
	ssize_t n;
	DIR *dir;

	name[0] = '\0';
	pci[0] = '\0';
	dir = opendir("/sys/block");
	if (!dir)
		return;
	while ((d = readdir(dir))) {
		if (strncmp(d->d_name, "vd", 2))
			continue;
		snprintf(path, sizeof(path), "/sys/block/%s/serial", d->d_name);
		if (strcmp(read_line(path, serial, sizeof(serial)), SCRATCH_SERIAL))
			continue;
		snprintf(path, sizeof(path), "/sys/block/%s", d->d_name);
		n = readlink(path, link, sizeof(link) - 1);
		if (n <= 0)
			continue;
		link[n] = '\0';
		/* .../pci0000:00/0000:00:01.0/virtio1/block/vda */
		p = strstr(link, "/pci");
		if (!p)
			continue;
		p = strchr(p + 1, '/');
		slash = p ? strchr(p + 1, '/') : NULL;
		if (!slash)
			continue;
		snprintf(pci, pci_len, "%.*s", (int)(slash - p - 1), p + 1);
		snprintf(name, len, "%.*s", (int)len - 1, d->d_name);
		break;
	}
	closedir(dir);
}

/* Feature bit @bit of virtio device behind block device @disk: 0, 1, -1. */
static int virtio_feature(const char *disk, int bit)
{
	char path[128], bits[256];
	int n;

	snprintf(path, sizeof(path), "/sys/block/%s/device/features", disk);
	n = read_file(path, bits, sizeof(bits));
	return n > bit ? bits[bit] == '1' : -1;
}

/*
 * Fault in pages until @n of them have frames that qualify (above 4 GiB
 * when @high); their addresses go to @pages, frames to @pfns. Returns how
 * many were found, and in @used how much was faulted in for them. The
 * mappings are never unmapped: the pages that do not qualify stay taken,
 * so the allocator moves on, and the process ends soon. Which frames a
 * process gets is up to the allocator: after other tests have freed
 * memory, most of a first few hundred MiB may come from below 4 GiB.
 */
static int collect_pages(int n, bool high, char **pages, uint64_t *pfns,
			 size_t budget, size_t *used)
{
	const size_t chunk = 16 * LPAE_MIB, np = chunk / LPAE_PAGE_SIZE;
	uint64_t *pm = calloc(np, sizeof(*pm));
	size_t i;
	int got = 0;

	for (*used = 0; pm && got < n && *used < budget; *used += chunk) {
		char *c = mmap(NULL, chunk, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (c == MAP_FAILED)
			break;
		/* 4 KiB pages that stay where they are: no THP collapse */
		madvise(c, chunk, MADV_NOHUGEPAGE);
		for (i = 0; i < np; i++)
			c[i * LPAE_PAGE_SIZE] = 1;
		if (lpae_pagemap_range(c, np, pm))
			break;
		for (i = 0; i < np && got < n; i++) {
			uint64_t pfn = LPAE_PM_PFN(pm[i]);

			if (!(pm[i] & LPAE_PM_PRESENT) || !pfn ||
			    (high && pfn < LPAE_PFN_4G))
				continue;
			pages[got] = c + i * LPAE_PAGE_SIZE;
			pfns[got++] = pfn;
		}
	}
	free(pm);
	return got;
}

/* Do the pages still have the frames recorded? Returns the first that moved. */
static int first_moved(char **pages, const uint64_t *pfns, int n)
{
	int i;

	for (i = 0; i < n; i++)
		if (lpae_pfn(pages[i]) != pfns[i])
			return i;
	return -1;
}

/* pwritev() or preadv() of pages [@first, @first + @cnt) of @pages. */
static ssize_t disk_io(int fd, bool wr, char **pages, int first, int cnt,
		       off_t off)
{
	struct iovec iov[BATCH];
	int i;

	for (i = 0; i < cnt; i++) {
		iov[i].iov_base = pages[first + i];
		iov[i].iov_len = LPAE_PAGE_SIZE;
	}
	return wr ? pwritev(fd, iov, cnt, off) : preadv(fd, iov, cnt, off);
}

/*
 * O_DIRECT hands the user pages themselves to the block layer, so the
 * device reads the written data from those frames and writes the read
 * data into the others: no copy through the page cache, which would put
 * the data in the kernel's own pages first. The read pages get the disk
 * pages in reverse order, so a device that ignored the addresses it was
 * given could not pass.
 */
FIXTURE(disk) {
	int unused;
};

FIXTURE_SETUP(disk)
{
}

FIXTURE_TEARDOWN(disk)
{
}

/* Finding the pages may mean faulting in a GiB or two under TCG. */
TEST_F_TIMEOUT(disk, odirect_from_and_into_pages_above_4g, 180)
{
	char disk[32], pci[32], dev[48], path[128], sz[32];
	unsigned long long ram_end = lpae_ram_end(), hi = 0, lo = ~0ULL;
	long mib = lpae_scaled(64, 32), disk_mib;
	char **wpages, **rpages;
	uint64_t *wpfn, *rpfn;
	int n, i, fd, got, bad = 0, moved;
	size_t budget, used;
	bool high;
	ssize_t r;

	if (!find_host(&(struct pcie_host){ 0 }))
		SKIP(return, "no generic ECAM PCIe host (not QEMU virt)");
	find_disk(disk, sizeof(disk), pci, sizeof(pci));
	ASSERT_NE(0, disk[0]) {
		TH_LOG("no virtio disk with serial %s on PCI (run_qemu.py attaches one on virt)",
		       SCRATCH_SERIAL);
	}
	if (!lpae_pfns_visible())
		SKIP(return, "pagemap hides frame numbers (not root)");
	snprintf(path, sizeof(path), "/sys/block/%s/size", disk);
	disk_mib = strtoll(read_line(path, sz, sizeof(sz)), NULL, 10) / 2048;
	if (mib > disk_mib)
		mib = disk_mib;
	ASSERT_GT(mib, 0);
	n = mib * (LPAE_MIB / LPAE_PAGE_SIZE);
	/* Pages above 4 GiB must exist when the harness gave RAM there. */
	high = ram_end > LPAE_PA_4G;
	ksft_print_msg("disk %s on PCI %s, %ld MiB, RAM ends at %#llx: %s\n",
		       disk, pci, disk_mib, ram_end,
		       high ? "pages above 4 GiB only" : "any pages (no RAM above 4 GiB)");
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/dma_mask_bits", pci);
	ksft_print_msg("PCI dma_mask_bits %s; virtio ACCESS_PLATFORM (bit 33) = %d: %s\n",
		       read_line(path, sz, sizeof(sz)), virtio_feature(disk, 33),
		       virtio_feature(disk, 33) == 0 ?
		       "the ring carries physical addresses, no DMA API, no bounce" :
		       "the ring carries DMA API addresses");

	/* Two sets of pages: one to write from, one to read into. */
	wpages = calloc(2 * n, sizeof(*wpages));
	wpfn = calloc(2 * n, sizeof(*wpfn));
	ASSERT_TRUE(wpages && wpfn);
	rpages = wpages + n;
	rpfn = wpfn + n;
	/*
	 * At most 3/4 of free RAM, and 2.5 GiB of the 3 GiB of user address
	 * space: after lpae_oom_test on an 8 GiB virt guest the first 2 GiB
	 * faulted in came almost all from the highmem below 4 GiB.
	 */
	budget = lpae_meminfo_kb("MemFree") / 1024 / 4 * 3 * LPAE_MIB;
	if (budget > 2560 * LPAE_MIB)
		budget = 2560 * LPAE_MIB;
	got = collect_pages(2 * n, high, wpages, wpfn, budget, &used);
	ksft_print_msg("%d pages found in %zu MiB faulted in\n", got, used >> 20);
	ASSERT_EQ(2 * n, got) {
		TH_LOG("found %d of %d pages within %zu MiB", got, 2 * n,
		       budget >> 20);
	}

	snprintf(dev, sizeof(dev), "/dev/%s", disk);
	fd = open(dev, O_RDWR | O_DIRECT | O_CLOEXEC);
	ASSERT_GE(fd, 0) {
		TH_LOG("open %s O_DIRECT: %s", dev, strerror(errno));
	}
	for (i = 0; i < n; i++)
		lpae_fill(wpages[i], LPAE_PAGE_SIZE, DISK_SEED(i));
	for (i = 0; i < n; i += BATCH) {
		r = disk_io(fd, true, wpages, i, BATCH, (off_t)i * LPAE_PAGE_SIZE);
		ASSERT_EQ(BATCH * (ssize_t)LPAE_PAGE_SIZE, r) {
			TH_LOG("pwritev at page %d: %s", i, strerror(errno));
		}
	}
	ASSERT_EQ(0, fdatasync(fd));

	/* Reversed: read page i receives disk page n - 1 - i. */
	for (i = 0; i < n / 2; i++) {
		char *t = rpages[i];
		uint64_t p = rpfn[i];

		rpages[i] = rpages[n - 1 - i];
		rpages[n - 1 - i] = t;
		rpfn[i] = rpfn[n - 1 - i];
		rpfn[n - 1 - i] = p;
	}
	for (i = 0; i < n; i++)
		memset(rpages[i], 0xee, LPAE_PAGE_SIZE);
	for (i = 0; i < n; i += BATCH) {
		r = disk_io(fd, false, rpages, i, BATCH, (off_t)i * LPAE_PAGE_SIZE);
		ASSERT_EQ(BATCH * (ssize_t)LPAE_PAGE_SIZE, r) {
			TH_LOG("preadv at page %d: %s", i, strerror(errno));
		}
	}
	close(fd);

	for (i = 0; i < n; i++) {
		if (lpae_verify(rpages[i], LPAE_PAGE_SIZE, DISK_SEED(i)) != -1) {
			if (bad++ < 4)
				TH_LOG("disk page %d read into pfn %#llx differs",
				       i, (unsigned long long)rpfn[i]);
			continue;
		}
		hi = rpfn[i] > hi ? rpfn[i] : hi;
		hi = wpfn[i] > hi ? wpfn[i] : hi;
		lo = rpfn[i] < lo ? rpfn[i] : lo;
		lo = wpfn[i] < lo ? wpfn[i] : lo;
	}
	EXPECT_EQ(0, bad);
	/* The frames the test reported are the ones the device used. */
	moved = first_moved(wpages, wpfn, n);
	EXPECT_EQ(-1, moved);
	moved = first_moved(rpages, rpfn, n);
	EXPECT_EQ(-1, moved);
	ksft_print_msg("%ld MiB from %d pages, read back into %d others: %d differ\n",
		       mib, n, n, bad);
	ksft_print_msg("frames %#llx..%#llx, highest %#llx (phys %#llx)\n",
		       lo, hi, hi, hi * LPAE_PAGE_SIZE);
	/* One line for the harness's summary (report.py) */
	printf("LPAE-DISK: verified=%ldMiB highest_pfn=%#llx phys=%#llx %s\n",
	       bad ? 0 : mib, hi, hi * LPAE_PAGE_SIZE,
	       lo >= LPAE_PFN_4G ? "all pages above 4 GiB" : "pages below 4 GiB too");
	fflush(stdout);
}

TEST_HARNESS_MAIN

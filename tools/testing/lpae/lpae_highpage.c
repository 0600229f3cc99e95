// SPDX-License-Identifier: GPL-2.0
/*
 * lpae_highpage: find one user page whose physical frame lies at or above
 * 4 GiB, write a pattern to it and read it back. Used by the harness for
 * its run summary ("a page above 4 GiB was written and read back").
 * Prints one line "pfn=0x... phys=0x... verified=yes|no", "none found
 * after N MiB" or, without RAM above 4 GiB in /proc/iomem (where it does
 * not search at all), "no RAM above 4 GiB"; exits 0 only when such a page
 * was verified.
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define PAGE		4096UL
#define CHUNK		(64UL << 20)
#define MAX_CHUNKS	48		/* 3 GiB of address space at most */
#define PFN_4G		0x100000ULL
#define PM_PRESENT	(1ULL << 63)
#define PM_PFN_MASK	((1ULL << 55) - 1)

static int pagemap_pfn(int fd, const void *va, uint64_t *pfn)
{
	uint64_t ent;
	off_t off = (off_t)((uintptr_t)va / PAGE) * sizeof(ent);

	if (pread(fd, &ent, sizeof(ent), off) != sizeof(ent))
		return -1;
	if (!(ent & PM_PRESENT) || !(ent & PM_PFN_MASK))
		return -1;
	*pfn = ent & PM_PFN_MASK;
	return 0;
}

/* Does /proc/iomem list System RAM ending above 4 GiB? */
static int ram_above_4g(void)
{
	unsigned long long end = 0;
	char line[160], *dash;
	FILE *f = fopen("/proc/iomem", "re");

	if (!f)
		return 1;	/* cannot tell: search */
	while (fgets(line, sizeof(line), f)) {
		dash = strchr(line, '-');
		if (line[0] == ' ' || !dash || !strstr(line, ": System RAM"))
			continue;
		end = strtoull(dash + 1, NULL, 16);
		if (end >= PFN_4G * PAGE)
			break;
	}
	fclose(f);
	return end >= PFN_4G * PAGE;
}

/* Write a pattern derived from the frame number and check it reads back. */
static int verify_page(volatile uint32_t *p, uint64_t pfn)
{
	size_t i, n = PAGE / sizeof(*p);

	for (i = 0; i < n; i++)
		p[i] = (uint32_t)(pfn * 2654435761u) ^ (uint32_t)i;
	for (i = 0; i < n; i++)
		if (p[i] != ((uint32_t)(pfn * 2654435761u) ^ (uint32_t)i))
			return 0;
	return 1;
}

int main(void)
{
	int fd = open("/proc/self/pagemap", O_RDONLY);
	unsigned int c;
	size_t off;
	int ok;

	if (fd < 0) {
		perror("pagemap");
		return 2;
	}
	if (!ram_above_4g()) {
		printf("no RAM above 4 GiB\n");
		return 1;
	}
	for (c = 0; c < MAX_CHUNKS; c++) {
		char *buf = mmap(NULL, CHUNK, PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (buf == MAP_FAILED)
			break;
		for (off = 0; off < CHUNK; off += PAGE) {
			uint64_t pfn;

			buf[off] = 1;
			if (pagemap_pfn(fd, buf + off, &pfn) || pfn < PFN_4G)
				continue;
			ok = verify_page((uint32_t *)(buf + off), pfn);
			printf("pfn=0x%llx phys=0x%llx verified=%s\n",
			       (unsigned long long)pfn,
			       (unsigned long long)(pfn * PAGE),
			       ok ? "yes" : "no");
			return ok ? 0 : 1;
		}
	}
	printf("none found after %u MiB\n", c * (unsigned int)(CHUNK >> 20));
	return 1;
}

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the LPAE memory-management selftests.
 *
 * Everything here reads the kernel's user-visible interfaces (procfs,
 * pagemap, signals); nothing assumes a particular page-table format, so the
 * same binaries run on the classic 2-level kernel and on the LPAE kernel.
 */
#ifndef LPAE_UTIL_H
#define LPAE_UTIL_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define LPAE_PAGE_SIZE		4096UL
#define LPAE_SZ_2M		(2UL << 20)
#define LPAE_SZ_1G		(1UL << 30)
#define LPAE_MIB		(1UL << 20)
/* First page frame number at or above 4 GiB (40-bit PAs need LPAE). */
#define LPAE_PFN_4G		0x100000ULL
/* The physical address 4 GiB. */
#define LPAE_PA_4G		(LPAE_PFN_4G * LPAE_PAGE_SIZE)

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))
#endif

/* Memory. */
long long lpae_meminfo_kb(const char *key);
long long lpae_vmstat(const char *key);
long long lpae_smaps_kb(const void *addr, const char *key);
int lpae_vma_count(uintptr_t start, uintptr_t end);
int lpae_vma_perms(const void *addr, char perms[5], uintptr_t *start,
		   uintptr_t *end);
long lpae_ram_mb(void);
bool lpae_kernel_has_kasan(void);
/*
 * The physical end of the RAM the harness gave the guest (lpae_ram_end=
 * on the kernel command line, LPAE_RAM_END from /init); 0 when unknown.
 * Tests that need RAM above 4 GiB decide from this whether there must
 * be some, so that a kernel that loses its high RAM fails them.
 */
unsigned long long lpae_ram_end(void);
/*
 * The size of a stress case: @full in the reference boot, @quick when the
 * boot runs the suite quickly (lpae_quick=1 on the kernel command line,
 * which /init passes on as LPAE_QUICK=1). make test runs the stress sizes
 * once, in the 6 GiB reference boot, and the quick sizes everywhere else.
 */
bool lpae_quick(void);
long lpae_scaled(long full, long quick);
int lpae_zone_span(const char *zone, unsigned long long *start_pfn,
		   unsigned long long *spanned, unsigned long long *present);

/* pagemap: 0 when the page is absent or PFNs are hidden (not root). */
uint64_t lpae_pagemap(const void *addr);
unsigned long long lpae_pfn(const void *addr);
bool lpae_pfns_visible(void);
int lpae_pagemap_range(const void *addr, size_t npages, uint64_t *out);
#define LPAE_PM_PRESENT		(1ULL << 63)
#define LPAE_PM_PFN(e)		((e) & ((1ULL << 55) - 1))
/* Highest PFN + 1 of any zone below HighMem (0 when unknown). */
unsigned long long lpae_lowmem_end_pfn(void);

/* Patterns: one 64-bit tag per page, words are tag + index. */
uint64_t lpae_mix(uint64_t x);
void lpae_fill(void *buf, size_t len, uint64_t seed);
/* Returns the byte offset of the first bad word, or -1 when intact. */
long lpae_verify(const void *buf, size_t len, uint64_t seed);
/* Sparse variants touch three words per page (first, middle, last). */
void lpae_fill_sparse(void *buf, size_t len, uint64_t seed);
long lpae_verify_sparse(const void *buf, size_t len, uint64_t seed);
/*
 * Fork a child that finds @len bytes at @p filled with pattern @old,
 * overwrites them with pattern @new and reads that back. Returns the
 * child's exit status: 0 when it did, 1 when @old was not there, 2 when
 * @new did not stick; -1 when fork() or waitpid() failed.
 */
int lpae_child_rewrites(void *p, size_t len, uint64_t old, uint64_t new);
/* A memfd (tmpfs) file of @len bytes, each @byte; its fd or -1. */
int lpae_tmpfile_fill(size_t len, int byte);

/* Faults: run an access and report the signal it raised (0 if none). */
struct lpae_fault {
	int signo;
	int code;
	void *addr;
};

int lpae_read32(const volatile void *addr, uint32_t *val,
		struct lpae_fault *f);
int lpae_write32(volatile void *addr, uint32_t val, struct lpae_fault *f);
int lpae_call(const void *code, int *ret, struct lpae_fault *f);
/* Writes a function returning @value at @page; returns its entry. */
void *lpae_emit_ret(void *page, int value);
bool lpae_can_emit_code(void);

/* Address-space geometry. */
unsigned long lpae_task_size(const char **how);
unsigned long lpae_kernel_text(void);

/* Procfs and sysctl. */
int lpae_read_str(const char *path, char *buf, size_t len);
int lpae_write_str(const char *path, const char *val);
long long lpae_read_ll(const char *path);
int lpae_write_ll(const char *path, long long val);

/* Kernel log: a cursor past the current end, then a scan for words. */
struct lpae_klog {
	int fd;		/* /dev/kmsg, or -1 with a syslog(2) snapshot */
	char *snap;
	size_t snap_len;
};

int lpae_klog_open(struct lpae_klog *k);
/* Appends new records to a malloc()ed buffer, returns its length. */
size_t lpae_klog_read_new(struct lpae_klog *k, char **out);
void lpae_klog_close(struct lpae_klog *k);
const char *lpae_klog_bad(const char *log);

/* Processes. */
int lpae_pin_cpu(int cpu);
int lpae_online_cpus(void);
long lpae_minflt(void);
uint32_t lpae_rand(uint64_t *state);

/*
 * kselftest_harness.h in 6.1 runs a TEST_F body even when its
 * FIXTURE_SETUP called SKIP(); the first line of such a body is this.
 */
#define LPAE_SETUP_SKIPPED() do { if (_metadata->skip) return; } while (0)

#endif /* LPAE_UTIL_H */

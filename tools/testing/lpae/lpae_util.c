// SPDX-License-Identifier: GPL-2.0
/*
 * Helpers shared by the LPAE memory-management selftests: procfs parsing,
 * pagemap look-ups, data patterns, fault probing and kernel log scanning.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/klog.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lpae_util.h"

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif

/*
 * Test bodies run in a forked child that leaves with _exit(): without line
 * buffering, ksft_print_msg() output sent to a pipe would be lost.
 */
static void __attribute__((constructor)) lpae_line_buffered(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
}

/* Value of "key:" in a "key: value [kB]" file such as /proc/meminfo. */
static long long keyed_value(const char *path, const char *key)
{
	size_t klen = strlen(key);
	long long val = -1;
	char line[256];
	FILE *f;

	f = fopen(path, "re");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, key, klen) ||
		    (line[klen] != ':' && line[klen] != ' '))
			continue;
		val = strtoll(line + klen + 1, NULL, 10);
		break;
	}
	fclose(f);
	return val;
}

long long lpae_meminfo_kb(const char *key)
{
	return keyed_value("/proc/meminfo", key);
}

long long lpae_vmstat(const char *key)
{
	return keyed_value("/proc/vmstat", key);
}

/* A maps/smaps header line: "start-end perms offset dev inode [name]". */
static int vma_header(const char *line, uintptr_t *start, uintptr_t *end,
		      char perms[5])
{
	unsigned long s, e;
	char p[5];

	if (!isxdigit((unsigned char)line[0]))
		return 0;
	if (sscanf(line, "%lx-%lx %4s", &s, &e, p) != 3)
		return 0;
	*start = s;
	*end = e;
	if (perms)
		memcpy(perms, p, 5);
	return 1;
}

long long lpae_smaps_kb(const void *addr, const char *key)
{
	uintptr_t a = (uintptr_t)addr, s, e;
	size_t klen = strlen(key);
	long long val = -1;
	bool in = false;
	char line[512];
	FILE *f;

	f = fopen("/proc/self/smaps", "re");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (vma_header(line, &s, &e, NULL)) {
			if (in)
				break;
			in = s <= a && a < e;
			continue;
		}
		if (in && !strncmp(line, key, klen) && line[klen] == ':') {
			val = strtoll(line + klen + 1, NULL, 10);
			break;
		}
	}
	fclose(f);
	return val;
}

int lpae_vma_count(uintptr_t start, uintptr_t end)
{
	char line[512];
	uintptr_t s, e;
	int n = 0;
	FILE *f;

	f = fopen("/proc/self/maps", "re");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (vma_header(line, &s, &e, NULL) && s < end && e > start)
			n++;
	fclose(f);
	return n;
}

int lpae_vma_perms(const void *addr, char perms[5], uintptr_t *start,
		   uintptr_t *end)
{
	uintptr_t a = (uintptr_t)addr, s, e;
	char line[512], p[5];
	int found = -1;
	FILE *f;

	f = fopen("/proc/self/maps", "re");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (vma_header(line, &s, &e, p) && s <= a && a < e) {
			memcpy(perms, p, 5);
			*start = s;
			*end = e;
			found = 0;
			break;
		}
	}
	fclose(f);
	return found;
}

long lpae_ram_mb(void)
{
	const char *s = getenv("LPAE_RAM_MB");

	return s ? strtol(s, NULL, 0) : 0;
}

unsigned long long lpae_ram_end(void)
{
	const char *s = getenv("LPAE_RAM_END");

	return s ? strtoull(s, NULL, 0) : 0;
}

bool lpae_quick(void)
{
	const char *s = getenv("LPAE_QUICK");

	return s && strcmp(s, "0");
}

long lpae_scaled(long full, long quick)
{
	return lpae_quick() ? quick : full;
}

int lpae_zone_span(const char *zone, unsigned long long *start_pfn,
		   unsigned long long *spanned, unsigned long long *present)
{
	char line[256], name[32];
	bool in = false;
	int found = 0;
	FILE *f;

	f = fopen("/proc/zoneinfo", "re");
	if (!f)
		return -1;
	*start_pfn = *spanned = *present = 0;
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, "Node", 4)) {
			in = sscanf(line, "Node %*d, zone %31s", name) == 1 &&
			     !strcmp(name, zone);
			found |= in;
			continue;
		}
		if (!in)
			continue;
		if (sscanf(line, " spanned %llu", spanned) == 1)
			continue;
		if (sscanf(line, " present %llu", present) == 1)
			continue;
		if (sscanf(line, " start_pfn: %llu", start_pfn) == 1)
			continue;
	}
	fclose(f);
	return found ? 0 : -1;
}

uint64_t lpae_pagemap(const void *addr)
{
	uint64_t ent = 0;
	off_t off;
	int fd;

	fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	off = (off_t)((uintptr_t)addr / LPAE_PAGE_SIZE) * sizeof(ent);
	if (pread(fd, &ent, sizeof(ent), off) != sizeof(ent))
		ent = 0;
	close(fd);
	return ent;
}

unsigned long long lpae_pfn(const void *addr)
{
	uint64_t ent = lpae_pagemap(addr);

	/* Bit 63: present; bits 0-54: PFN (zero unless CAP_SYS_ADMIN). */
	if (!(ent >> 63))
		return 0;
	return ent & ((1ULL << 55) - 1);
}

int lpae_pagemap_range(const void *addr, size_t npages, uint64_t *out)
{
	size_t want = npages * sizeof(*out);
	ssize_t n;
	off_t off;
	int fd;

	fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	off = (off_t)((uintptr_t)addr / LPAE_PAGE_SIZE) * sizeof(*out);
	n = pread(fd, out, want, off);
	close(fd);
	return n == (ssize_t)want ? 0 : -1;
}

unsigned long long lpae_lowmem_end_pfn(void)
{
	static const char *const zones[] = { "DMA", "DMA32", "Normal" };
	unsigned long long start, spanned, present, end = 0;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(zones); i++) {
		if (lpae_zone_span(zones[i], &start, &spanned, &present))
			continue;
		if (spanned && start + spanned > end)
			end = start + spanned;
	}
	return end;
}

bool lpae_pfns_visible(void)
{
	unsigned long long pfn;
	volatile char *p;

	p = mmap(NULL, LPAE_PAGE_SIZE, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return false;
	p[0] = 1;
	pfn = lpae_pfn((void *)p);
	munmap((void *)p, LPAE_PAGE_SIZE);
	return pfn != 0;
}

/* splitmix64 finaliser: distinct, well-spread tags for every page. */
uint64_t lpae_mix(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

#define WORDS_PER_PAGE (LPAE_PAGE_SIZE / sizeof(uint64_t))

void lpae_fill(void *buf, size_t len, uint64_t seed)
{
	uint64_t *w = buf;
	size_t pg, i;

	for (pg = 0; pg < len / LPAE_PAGE_SIZE; pg++, w += WORDS_PER_PAGE) {
		uint64_t tag = lpae_mix(seed ^ pg);

		for (i = 0; i < WORDS_PER_PAGE; i++)
			w[i] = tag + i;
	}
}

long lpae_verify(const void *buf, size_t len, uint64_t seed)
{
	const uint64_t *w = buf;
	size_t pg, i;

	for (pg = 0; pg < len / LPAE_PAGE_SIZE; pg++, w += WORDS_PER_PAGE) {
		uint64_t tag = lpae_mix(seed ^ pg);

		for (i = 0; i < WORDS_PER_PAGE; i++)
			if (w[i] != tag + i)
				return (long)(pg * LPAE_PAGE_SIZE + i * 8);
	}
	return -1;
}

int lpae_child_rewrites(void *p, size_t len, uint64_t old, uint64_t new)
{
	int status;
	pid_t pid;

	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		if (lpae_verify(p, len, old) != -1)
			_exit(1);
		lpae_fill(p, len, new);
		_exit(lpae_verify(p, len, new) == -1 ? 0 : 2);
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

int lpae_tmpfile_fill(size_t len, int byte)
{
	char buf[LPAE_PAGE_SIZE];
	size_t off;
	int fd;

	fd = memfd_create("lpae", MFD_CLOEXEC);
	if (fd < 0)
		return -1;
	memset(buf, byte, sizeof(buf));
	for (off = 0; off < len; off += sizeof(buf)) {
		if (pwrite(fd, buf, sizeof(buf), off) != sizeof(buf)) {
			close(fd);
			return -1;
		}
	}
	return fd;
}

static const size_t sparse_idx[] = {
	0, WORDS_PER_PAGE / 2, WORDS_PER_PAGE - 1
};

void lpae_fill_sparse(void *buf, size_t len, uint64_t seed)
{
	uint64_t *w = buf;
	size_t pg, i;

	for (pg = 0; pg < len / LPAE_PAGE_SIZE; pg++, w += WORDS_PER_PAGE) {
		uint64_t tag = lpae_mix(seed ^ pg);

		for (i = 0; i < 3; i++)
			w[sparse_idx[i]] = tag + sparse_idx[i];
	}
}

long lpae_verify_sparse(const void *buf, size_t len, uint64_t seed)
{
	const uint64_t *w = buf;
	size_t pg, i;

	for (pg = 0; pg < len / LPAE_PAGE_SIZE; pg++, w += WORDS_PER_PAGE) {
		uint64_t tag = lpae_mix(seed ^ pg);

		for (i = 0; i < 3; i++)
			if (w[sparse_idx[i]] != tag + sparse_idx[i])
				return (long)(pg * LPAE_PAGE_SIZE +
					      sparse_idx[i] * 8);
	}
	return -1;
}

/*
 * Fault probing.  The handler stays installed for the life of the process;
 * outside a probe it restores the default action and returns, so the
 * faulting access repeats and kills the process as usual.
 */
static __thread sigjmp_buf *volatile probe_env;
static __thread struct lpae_fault probe_last;

static void probe_handler(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	if (!probe_env) {
		signal(sig, SIG_DFL);
		return;
	}
	probe_last.signo = sig;
	probe_last.code = si->si_code;
	probe_last.addr = si->si_addr;
	siglongjmp(*probe_env, 1);
}

static void probe_install(void)
{
	static const int sigs[] = { SIGSEGV, SIGBUS, SIGILL };
	struct sigaction sa;
	size_t i;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = probe_handler;
	sa.sa_flags = SA_SIGINFO | SA_NODEFER;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < ARRAY_SIZE(sigs); i++)
		sigaction(sigs[i], &sa, NULL);
}

static int probe_done(struct lpae_fault *f)
{
	probe_env = NULL;
	if (f)
		*f = probe_last;
	return probe_last.signo;
}

int lpae_read32(const volatile void *addr, uint32_t *val,
		struct lpae_fault *f)
{
	sigjmp_buf env;

	probe_install();
	memset(&probe_last, 0, sizeof(probe_last));
	if (!sigsetjmp(env, 1)) {
		uint32_t v;

		probe_env = &env;
		v = *(const volatile uint32_t *)addr;
		probe_env = NULL;
		if (val)
			*val = v;
	}
	return probe_done(f);
}

int lpae_write32(volatile void *addr, uint32_t val, struct lpae_fault *f)
{
	sigjmp_buf env;

	probe_install();
	memset(&probe_last, 0, sizeof(probe_last));
	if (!sigsetjmp(env, 1)) {
		probe_env = &env;
		*(volatile uint32_t *)addr = val;
		probe_env = NULL;
	}
	return probe_done(f);
}

int lpae_call(const void *code, int *ret, struct lpae_fault *f)
{
	int (*fn)(void) = (int (*)(void))(uintptr_t)code;
	sigjmp_buf env;

	probe_install();
	memset(&probe_last, 0, sizeof(probe_last));
	if (!sigsetjmp(env, 1)) {
		int r;

		probe_env = &env;
		r = fn();
		probe_env = NULL;
		if (ret)
			*ret = r;
	}
	return probe_done(f);
}

bool lpae_can_emit_code(void)
{
#if defined(__arm__) || defined(__x86_64__) || defined(__i386__)
	return true;
#else
	return false;
#endif
}

void *lpae_emit_ret(void *page, int value)
{
#if defined(__arm__)
	/* A32: "mov r0, #value; bx lr".  Entered with blx, bit 0 clear. */
	uint32_t *w = page;

	w[0] = 0xe3a00000u | ((uint32_t)value & 0xff);
	w[1] = 0xe12fff1eu;
	__builtin___clear_cache((char *)page, (char *)page + 8);
	return page;
#elif defined(__x86_64__) || defined(__i386__)
	/* "mov eax, imm32; ret" */
	unsigned char *b = page;

	b[0] = 0xb8;
	memcpy(b + 1, &value, 4);
	b[5] = 0xc3;
	return page;
#else
	(void)page;
	(void)value;
	return NULL;
#endif
}

/* Start of the kernel image (_stext) from /proc/kallsyms (0 if hidden). */
unsigned long lpae_kernel_text(void)
{
	static unsigned long cached = 1;
	char line[256], type, name[128];
	unsigned long addr;
	FILE *f;

	if (cached != 1)
		return cached;
	cached = 0;
	f = fopen("/proc/kallsyms", "re");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%lx %c %127s", &addr, &type, name) != 3)
			continue;
		if (!strcmp(name, "_stext") || !strcmp(name, "_text")) {
			cached = addr;
			break;
		}
	}
	fclose(f);
	return cached;
}

/**
 * lpae_kernel_has_kasan() - is the running kernel built with KASAN?
 *
 * kasan_early_init() exists only then (arch/arm/mm/kasan_init.c).
 *
 * Return: true if /proc/kallsyms lists it; false also when kallsyms
 * hides the names.
 */
bool lpae_kernel_has_kasan(void)
{
	char line[256], type, name[128];
	unsigned long addr;
	bool found = false;
	FILE *f;

	f = fopen("/proc/kallsyms", "re");
	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f))
		found = sscanf(line, "%lx %c %127s", &addr, &type, name) == 3 &&
			!strcmp(name, "kasan_early_init");
	fclose(f);
	return found;
}

/* Can a page be placed at @addr?  (EEXIST: yes, something is there.) */
static bool user_page_ok(unsigned long addr)
{
	void *p;

	p = mmap((void *)addr, LPAE_PAGE_SIZE, PROT_NONE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	if (p == MAP_FAILED)
		return errno == EEXIST;
	munmap(p, LPAE_PAGE_SIZE);
	return (unsigned long)p == addr;
}

/*
 * The end of the user address space.  ARM places TASK_SIZE 16 MiB below
 * PAGE_OFFSET (the modules area sits in between), and the kernel image
 * starts a little (at most 2 MiB) above PAGE_OFFSET, which is 256 MiB
 * aligned, so _stext from kallsyms gives it without asking the mm itself.
 * KASAN (lpae+debug) moves TASK_SIZE down to the start of its shadow,
 * which lies below the modules area: the shadow of the 4 GiB ends at
 * PAGE_OFFSET - 16 MiB, and Kconfig's KASAN_SHADOW_OFFSET for each
 * PAGE_OFFSET is PAGE_OFFSET - 0x21000000, so the shadow starts at
 * ((PAGE_OFFSET - 16 MiB) >> 3) + PAGE_OFFSET - 0x21000000.  Without
 * kallsyms, find the boundary by probing: mmap() at a fixed address
 * succeeds (or reports EEXIST) exactly below it.
 */
unsigned long lpae_task_size(const char **how)
{
#if defined(__arm__)
	unsigned long text = lpae_kernel_text(), lo, hi;

	if (text) {
		unsigned long page_offset = text & ~0x0fffffffUL;
		unsigned long modules = page_offset - (16UL << 20);

		if (lpae_kernel_has_kasan()) {
			if (how)
				*how = "kallsyms _stext, below the KASAN shadow";
			return (modules >> 3) + page_offset - 0x21000000UL;
		}
		if (how)
			*how = "kallsyms _stext";
		return modules;
	}
	if (how)
		*how = "mmap probe";
	lo = 0x10000000UL / LPAE_PAGE_SIZE;	/* surely user */
	hi = 0xfffff000UL / LPAE_PAGE_SIZE;	/* surely not */
	while (hi - lo > 1) {
		unsigned long mid = lo + (hi - lo) / 2;

		if (user_page_ok(mid * LPAE_PAGE_SIZE))
			lo = mid;
		else
			hi = mid;
	}
	return hi * LPAE_PAGE_SIZE;
#else
	(void)user_page_ok;
	if (how)
		*how = "unsupported architecture";
	return 0;
#endif
}

int lpae_read_str(const char *path, char *buf, size_t len)
{
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = '\0';
	return (int)n;
}

int lpae_write_str(const char *path, const char *val)
{
	ssize_t n;
	int fd;

	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = write(fd, val, strlen(val));
	close(fd);
	return n == (ssize_t)strlen(val) ? 0 : -1;
}

long long lpae_read_ll(const char *path)
{
	char buf[64];

	if (lpae_read_str(path, buf, sizeof(buf)) < 0)
		return -1;
	return strtoll(buf, NULL, 0);
}

int lpae_write_ll(const char *path, long long val)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%lld\n", val);
	return lpae_write_str(path, buf);
}

int lpae_klog_open(struct lpae_klog *k)
{
	int len;

	memset(k, 0, sizeof(*k));
	k->fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (k->fd >= 0) {
		lseek(k->fd, 0, SEEK_END);
		return 0;
	}
	/* No /dev/kmsg: remember the ring buffer and diff it later. */
	len = klogctl(10 /* SYSLOG_ACTION_SIZE_BUFFER */, NULL, 0);
	if (len <= 0)
		return -1;
	k->snap = malloc(len + 1);
	if (!k->snap)
		return -1;
	len = klogctl(3 /* SYSLOG_ACTION_READ_ALL */, k->snap, len);
	if (len < 0)
		return -1;
	k->snap[len] = '\0';
	k->snap_len = len;
	return 0;
}

size_t lpae_klog_read_new(struct lpae_klog *k, char **out)
{
	size_t cap = 1 << 16, used = 0;
	char *buf = malloc(cap + 1);

	*out = buf;
	if (!buf)
		return 0;
	if (k->fd >= 0) {
		for (;;) {
			ssize_t n;

			if (cap - used < 8192) {
				char *nb = realloc(buf, cap * 2 + 1);

				if (!nb)
					break;
				buf = nb;
				cap *= 2;
			}
			n = read(k->fd, buf + used, cap - used);
			if (n < 0 && errno == EPIPE)
				continue;	/* records lost to wrap-around */
			if (n <= 0)
				break;
			used += n;
		}
	} else {
		int len = klogctl(10, NULL, 0);
		const char *tail, *hit;
		size_t tl;
		char *all;

		all = len > 0 ? malloc(len + 1) : NULL;
		if (all) {
			len = klogctl(3, all, len);
			all[len > 0 ? len : 0] = '\0';
			/* Everything after the last line we saw before. */
			tl = k->snap_len < 256 ? k->snap_len : 256;
			tail = k->snap + k->snap_len - tl;
			hit = tl ? strstr(all, tail) : NULL;
			hit = hit ? hit + tl : all;
			used = strlen(hit);
			if (used > cap) {
				char *nb = realloc(buf, used + 1);

				if (nb) {
					buf = nb;
					cap = used;
				} else {
					used = cap;
				}
			}
			memcpy(buf, hit, used);
			free(all);
		}
	}
	buf[used] = '\0';
	*out = buf;
	return used;
}

void lpae_klog_close(struct lpae_klog *k)
{
	if (k->fd >= 0)
		close(k->fd);
	free(k->snap);
	k->fd = -1;
	k->snap = NULL;
}

/* The first sign of a kernel crash or warning in @log, or NULL. */
const char *lpae_klog_bad(const char *log)
{
	static const char *const words[] = {
		"Oops", "BUG:", "WARNING:", "Internal error",
		"Unable to handle kernel", "kernel BUG", "Bad page",
	};
	const char *hit = NULL, *p;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(words); i++) {
		p = strstr(log, words[i]);
		if (p && (!hit || p < hit))
			hit = p;
	}
	return hit;
}

int lpae_pin_cpu(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(0, sizeof(set), &set);
}

int lpae_online_cpus(void)
{
	return (int)sysconf(_SC_NPROCESSORS_ONLN);
}

long lpae_minflt(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_minflt;
}

/* xorshift64*: reproducible from the printed seed. */
uint32_t lpae_rand(uint64_t *state)
{
	uint64_t x = *state;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*state = x;
	return (uint32_t)((x * 0x2545f4914f6cdd1dULL) >> 32);
}

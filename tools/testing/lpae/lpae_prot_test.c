// SPDX-License-Identifier: GPL-2.0
/*
 * Access permissions as user space sees them: PROT_NONE, read-only,
 * execute-never, the kernel half of the address space and the TASK_SIZE
 * boundary.  Each check provokes the fault and looks at the signal it
 * produced, then proves the data behind the mapping survived.
 *
 * Must be linked with -z noexecstack: without a PT_GNU_STACK header the ARM
 * kernel turns on READ_IMPLIES_EXEC and every readable mapping becomes
 * executable, which the exec tests below would (rightly) report.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/personality.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "lpae_util.h"

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif

#define NPAGES 16
#define LEN (NPAGES * LPAE_PAGE_SIZE)

FIXTURE(prot) {
	char *buf;
};

FIXTURE_SETUP(prot)
{
	self->buf = mmap(NULL, LEN, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_TRUE(self->buf != MAP_FAILED);
	lpae_fill(self->buf, LEN, 0x5eed);
}

FIXTURE_TEARDOWN(prot)
{
	if (self->buf && self->buf != MAP_FAILED)
		munmap(self->buf, LEN);
}

/* PROT_NONE: reads and writes fault, the data comes back with the access. */
TEST_F(prot, prot_none_faults_then_restores)
{
	char *mid = self->buf + 5 * LPAE_PAGE_SIZE;
	struct lpae_fault f;
	uint32_t v;

	ASSERT_EQ(0, mprotect(self->buf, LEN, PROT_NONE));
	EXPECT_EQ(SIGSEGV, lpae_read32(mid + 12, &v, &f));
	EXPECT_EQ(SEGV_ACCERR, f.code);
	EXPECT_EQ((uintptr_t)(mid + 12), (uintptr_t)f.addr);
	EXPECT_EQ(SIGSEGV, lpae_write32(mid, 0xdeadbeef, &f));
	EXPECT_EQ(SIGSEGV, lpae_read32(self->buf + LEN - 4, &v, NULL));

	ASSERT_EQ(0, mprotect(self->buf, LEN, PROT_READ | PROT_WRITE));
	EXPECT_EQ(-1, lpae_verify(self->buf, LEN, 0x5eed));
	EXPECT_EQ(0, lpae_write32(mid, 0xdeadbeef, NULL));
	EXPECT_EQ(0xdeadbeef, *(uint32_t *)mid);
}

/* PROT_NONE on one page in the middle leaves its neighbours usable. */
TEST_F(prot, prot_none_single_page_guard)
{
	char *guard = self->buf + 7 * LPAE_PAGE_SIZE;
	uint32_t v;

	ASSERT_EQ(0, mprotect(guard, LPAE_PAGE_SIZE, PROT_NONE));
	EXPECT_EQ(SIGSEGV, lpae_read32(guard, &v, NULL));
	EXPECT_EQ(SIGSEGV, lpae_read32(guard + LPAE_PAGE_SIZE - 4, &v, NULL));
	EXPECT_EQ(0, lpae_read32(guard - 4, &v, NULL));
	/* Rewrite the neighbour with its own value: stores must work. */
	EXPECT_EQ(0, lpae_read32(guard + LPAE_PAGE_SIZE, &v, NULL));
	EXPECT_EQ(0, lpae_write32(guard + LPAE_PAGE_SIZE, v, NULL));
	ASSERT_EQ(0, mprotect(guard, LPAE_PAGE_SIZE, PROT_READ | PROT_WRITE));
	EXPECT_EQ(-1, lpae_verify(self->buf, LEN, 0x5eed));
}

/* A PROT_NONE page is inherited as PROT_NONE, with its data, by a child. */
TEST_F(prot, prot_none_survives_fork)
{
	int status;
	pid_t pid;

	ASSERT_EQ(0, mprotect(self->buf, LEN, PROT_NONE));
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		uint32_t v;

		if (lpae_read32(self->buf, &v, NULL) != SIGSEGV)
			_exit(1);
		if (mprotect(self->buf, LEN, PROT_READ))
			_exit(2);
		_exit(lpae_verify(self->buf, LEN, 0x5eed) == -1 ? 0 : 3);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
}

/* Writes to a read-only mapping fault with SEGV_ACCERR; reads work. */
TEST_F(prot, write_to_readonly_faults)
{
	char *p = self->buf + 3 * LPAE_PAGE_SIZE + 64;
	struct lpae_fault f;
	uint32_t v;

	ASSERT_EQ(0, mprotect(self->buf, LEN, PROT_READ));
	EXPECT_EQ(SIGSEGV, lpae_write32(p, 0x12345678, &f));
	EXPECT_EQ(SEGV_ACCERR, f.code);
	EXPECT_EQ((uintptr_t)p, (uintptr_t)f.addr);
	EXPECT_EQ(0, lpae_read32(p, &v, NULL));
	EXPECT_EQ(-1, lpae_verify(self->buf, LEN, 0x5eed));
	ASSERT_EQ(0, mprotect(self->buf, LEN, PROT_READ | PROT_WRITE));
	EXPECT_EQ(0, lpae_write32(p, 0x12345678, NULL));
}

/* A never-written page mapped read-only faults on write, reads zero. */
TEST(readonly_zero_page_write_faults)
{
	char *p = mmap(NULL, LPAE_PAGE_SIZE, PROT_READ,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uint32_t v = 1;

	ASSERT_TRUE(p != MAP_FAILED);
	EXPECT_EQ(0, lpae_read32(p + 8, &v, NULL));
	EXPECT_EQ(0, v);
	EXPECT_EQ(SIGSEGV, lpae_write32(p + 8, 7, NULL));
	munmap(p, LPAE_PAGE_SIZE);
}

/* Read-only shared file mapping: the file's data, but no stores. */
TEST(readonly_shared_file_write_faults)
{
	char tmpl[] = "/tmp/lpae-ro.XXXXXX";
	char data[LPAE_PAGE_SIZE];
	uint32_t v;
	char *p;
	int fd;

	fd = memfd_create("lpae-ro", MFD_CLOEXEC);
	if (fd < 0)
		fd = mkstemp(tmpl);
	ASSERT_GE(fd, 0);
	memset(data, 0xa5, sizeof(data));
	ASSERT_EQ(sizeof(data), write(fd, data, sizeof(data)));
	p = mmap(NULL, LPAE_PAGE_SIZE, PROT_READ, MAP_SHARED, fd, 0);
	ASSERT_TRUE(p != MAP_FAILED);
	EXPECT_EQ(0, lpae_read32(p + 100, &v, NULL));
	EXPECT_EQ(0xa5a5a5a5, v);
	EXPECT_EQ(SIGSEGV, lpae_write32(p + 100, 0, NULL));
	munmap(p, LPAE_PAGE_SIZE);
	close(fd);
}

FIXTURE(xn) {
	char *page;
};

FIXTURE_SETUP(xn)
{
	if (!lpae_can_emit_code())
		SKIP(return, "no code generator for this architecture");
	self->page = mmap(NULL, 2 * LPAE_PAGE_SIZE, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_TRUE(self->page != MAP_FAILED);
}

FIXTURE_TEARDOWN(xn)
{
	if (self->page && self->page != MAP_FAILED)
		munmap(self->page, 2 * LPAE_PAGE_SIZE);
}

/* The process must not have READ_IMPLIES_EXEC, or XN means nothing. */
TEST_F(xn, no_read_implies_exec)
{
	LPAE_SETUP_SKIPPED();
	int pers = personality(0xffffffff);

	ASSERT_GE(pers, 0);
	EXPECT_EQ(0, pers & READ_IMPLIES_EXEC) {
		TH_LOG("READ_IMPLIES_EXEC set: was the binary linked with -z noexecstack?");
	}
}

/* Code in a read/write (not executable) page: prefetch abort, SIGSEGV. */
TEST_F(xn, exec_from_rw_page_faults)
{
	LPAE_SETUP_SKIPPED();
	struct lpae_fault f;
	void *fn;
	int r = -1;

	fn = lpae_emit_ret(self->page, 42);
	ASSERT_TRUE(fn != NULL);
	EXPECT_EQ(SIGSEGV, lpae_call(fn, &r, &f)) {
		TH_LOG("executing from a non-exec page returned %d", r);
	}
	EXPECT_EQ((uintptr_t)fn, (uintptr_t)f.addr);
}

/* Same for a read-only page: readable is not executable. */
TEST_F(xn, exec_from_readonly_page_faults)
{
	LPAE_SETUP_SKIPPED();
	void *fn;
	int r = -1;

	fn = lpae_emit_ret(self->page, 42);
	ASSERT_EQ(0, mprotect(self->page, LPAE_PAGE_SIZE, PROT_READ));
	EXPECT_EQ(SIGSEGV, lpae_call(fn, &r, NULL)) {
		TH_LOG("executing from a read-only page returned %d", r);
	}
}

/*
 * Write a function returning @value into @page, switch the page to RX
 * and call it. Returns what lpae_call() does (0, or the signal), -1 if
 * mprotect() failed; *@fn is the function's address.
 */
static int call_as_rx(void *page, int value, void **fn, int *r)
{
	*fn = lpae_emit_ret(page, value);
	if (mprotect(page, LPAE_PAGE_SIZE, PROT_READ | PROT_EXEC))
		return -1;
	return lpae_call(*fn, r, NULL);
}

/* Written as RW, then switched to RX: runs and returns its value. */
TEST_F(xn, exec_from_rx_page_works)
{
	LPAE_SETUP_SKIPPED();
	void *fn;
	int r = -1;

	EXPECT_EQ(0, call_as_rx(self->page, 42, &fn, &r));
	EXPECT_EQ(42, r);
	/* ...and the RX page is not writable. */
	EXPECT_EQ(SIGSEGV, lpae_write32(self->page, 0, NULL));
}

/* An RWX page runs code written into it, twice with different code. */
TEST_F(xn, exec_from_rwx_page_works)
{
	LPAE_SETUP_SKIPPED();
	void *fn;
	int r = -1;

	ASSERT_EQ(0, mprotect(self->page, LPAE_PAGE_SIZE,
			      PROT_READ | PROT_WRITE | PROT_EXEC));
	fn = lpae_emit_ret(self->page, 42);
	EXPECT_EQ(0, lpae_call(fn, &r, NULL));
	EXPECT_EQ(42, r);
	fn = lpae_emit_ret(self->page, 7);
	EXPECT_EQ(0, lpae_call(fn, &r, NULL));
	EXPECT_EQ(7, r);
}

/* Dropping PROT_EXEC takes effect at once (no stale executable entry). */
TEST_F(xn, exec_revoked_by_mprotect)
{
	LPAE_SETUP_SKIPPED();
	void *fn;
	int r = -1;

	ASSERT_EQ(0, call_as_rx(self->page, 42, &fn, &r));
	ASSERT_EQ(42, r);
	ASSERT_EQ(0, mprotect(self->page, LPAE_PAGE_SIZE, PROT_READ));
	r = -1;
	EXPECT_EQ(SIGSEGV, lpae_call(fn, &r, NULL)) {
		TH_LOG("code still ran after PROT_EXEC was removed (%d)", r);
	}
}

/* The stack is not executable when linked with -z noexecstack. */
TEST_F(xn, exec_from_stack_faults)
{
	LPAE_SETUP_SKIPPED();
	uint64_t code[4];	/* 8-byte aligned, like any uint64_t */
	void *fn;
	int r = -1;

	fn = lpae_emit_ret(code, 42);
	ASSERT_TRUE(fn != NULL);
	EXPECT_EQ(SIGSEGV, lpae_call(fn, &r, NULL)) {
		TH_LOG("code on the stack ran (%d)", r);
	}
}

/* The first page past an executable mapping is not executable. */
TEST_F(xn, exec_next_page_faults)
{
	LPAE_SETUP_SKIPPED();
	char *second = self->page + LPAE_PAGE_SIZE;
	void *fn;
	int r = -1;

	lpae_emit_ret(self->page, 1);
	fn = lpae_emit_ret(second, 42);
	ASSERT_EQ(0, mprotect(self->page, LPAE_PAGE_SIZE,
			      PROT_READ | PROT_EXEC));
	EXPECT_EQ(0, lpae_call(self->page, &r, NULL));
	EXPECT_EQ(1, r);
	EXPECT_EQ(SIGSEGV, lpae_call(fn, &r, NULL));
}

/* Kernel addresses: the image, the linear map and vmalloc space. */
FIXTURE(kernel) {
	unsigned long task_size;
	unsigned long page_offset;
	const char *how;
};

FIXTURE_SETUP(kernel)
{
	self->task_size = lpae_task_size(&self->how);
	if (!self->task_size)
		SKIP(return, "TASK_SIZE unknown on this architecture");
	/*
	 * ARM: 16 MiB of modules between TASK_SIZE and PAGE_OFFSET, and
	 * with KASAN its shadow below them too: PAGE_OFFSET from the image
	 * when kallsyms shows it.
	 */
	if (lpae_kernel_text())
		self->page_offset = lpae_kernel_text() & ~0x0fffffffUL;
	else
		self->page_offset = self->task_size + (16UL << 20);
	ksft_print_msg("TASK_SIZE %#lx (from %s), PAGE_OFFSET %#lx\n",
		       self->task_size, self->how, self->page_offset);
}

FIXTURE_TEARDOWN(kernel)
{
}

TEST_F(kernel, read_kernel_addresses_faults)
{
	LPAE_SETUP_SKIPPED();
	unsigned long text = lpae_kernel_text();
	const unsigned long addrs[] = {
		text ? text : self->page_offset + 0x8000,	/* image */
		self->page_offset,				/* linear map */
		self->page_offset + (64UL << 20),		/* linear map */
		self->page_offset + (512UL << 20) + 0x100,	/* lowmem/vmalloc */
		self->task_size,				/* modules */
	};
	struct lpae_fault f;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(addrs); i++) {
		uint32_t v = 0;

		EXPECT_EQ(SIGSEGV, lpae_read32((void *)addrs[i], &v, &f)) {
			TH_LOG("read of kernel address %#lx gave %#x",
			       addrs[i], v);
		}
		EXPECT_EQ(addrs[i], (unsigned long)f.addr);
	}
}

TEST_F(kernel, write_kernel_addresses_faults)
{
	LPAE_SETUP_SKIPPED();
	unsigned long text = lpae_kernel_text();
	/*
	 * Write only where a broken mapping would do the least harm: the
	 * first word of the image (boot-only entry code) and the modules
	 * area.  A successful read above is what usually breaks first.
	 */
	const unsigned long addrs[] = {
		text ? text : self->page_offset + 0x8000,
		self->task_size,
	};
	struct lpae_fault f;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(addrs); i++) {
		EXPECT_EQ(SIGSEGV, lpae_write32((void *)addrs[i], 0, &f)) {
			TH_LOG("write to kernel address %#lx succeeded",
			       addrs[i]);
		}
		EXPECT_EQ(addrs[i], (unsigned long)f.addr);
	}
}

/* The last user page can be mapped and used; TASK_SIZE itself cannot. */
TEST_F(kernel, map_fixed_at_task_size_boundary)
{
	LPAE_SETUP_SKIPPED();
	unsigned long top = self->task_size - LPAE_PAGE_SIZE;
	uint32_t *p, *q;

	p = mmap((void *)top, LPAE_PAGE_SIZE, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	if (p == MAP_FAILED && errno == EEXIST)
		SKIP(return, "something already lives at %#lx", top);
	ASSERT_TRUE(p != MAP_FAILED) {
		TH_LOG("mmap at TASK_SIZE - PAGE_SIZE (%#lx): %s", top,
		       strerror(errno));
	}
	ASSERT_EQ(top, (unsigned long)p);
	p[1023] = 0xc0ffee;
	EXPECT_EQ(0xc0ffee, p[1023]);

	q = mmap((void *)self->task_size, LPAE_PAGE_SIZE,
		 PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS |
		 MAP_FIXED, -1, 0);
	EXPECT_TRUE(q == MAP_FAILED) {
		TH_LOG("MAP_FIXED at TASK_SIZE %#lx succeeded", self->task_size);
	}
	EXPECT_EQ(ENOMEM, errno);

	/* A mapping that would straddle TASK_SIZE is refused too. */
	q = mmap((void *)top, 2 * LPAE_PAGE_SIZE, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	EXPECT_TRUE(q == MAP_FAILED);
	/* ...and left the existing page alone. */
	EXPECT_EQ(0xc0ffee, p[1023]);
	munmap(p, LPAE_PAGE_SIZE);
}

/* The top user page survives fork and is private to each side. */
TEST_F(kernel, top_user_page_fork_cow)
{
	LPAE_SETUP_SKIPPED();
	unsigned long top = self->task_size - LPAE_PAGE_SIZE;
	volatile uint32_t *p;
	int status;
	pid_t pid;

	p = mmap((void *)top, LPAE_PAGE_SIZE, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	if (p == MAP_FAILED && errno == EEXIST)
		SKIP(return, "something already lives at %#lx", top);
	ASSERT_TRUE(p != MAP_FAILED);
	p[0] = 1;
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		if (p[0] != 1)
			_exit(1);
		p[0] = 2;
		/*
		 * Unmap and map again: the top-level table is shared with
		 * kernel mappings above TASK_SIZE and must survive this.
		 */
		munmap((void *)p, LPAE_PAGE_SIZE);
		p = mmap((void *)top, LPAE_PAGE_SIZE, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
		if (p == MAP_FAILED || p[0] != 0)
			_exit(2);
		p[0] = 3;
		_exit(p[0] == 3 ? 0 : 3);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
	EXPECT_EQ(1, p[0]);
	munmap((void *)p, LPAE_PAGE_SIZE);
}

TEST_HARNESS_MAIN

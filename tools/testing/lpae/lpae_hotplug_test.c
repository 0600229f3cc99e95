// SPDX-License-Identifier: GPL-2.0
/*
 * CPU hotplug. A CPU that comes back online boots through the identity
 * map again and reloads TTBCR, TTBR1 and MAIR in the processor code
 * (proc-v7-3level.S), then takes an ASID-tagged TTBR0 at its first
 * context switch. Each returning CPU must see every process's own data
 * at one virtual address, in pages mapped before it went away and in
 * pages mapped after.
 *
 * Hotplug needs a platform that can take a CPU down (PSCI on QEMU virt):
 * boots that mean to test it pass lpae_hotplug=1 (LPAE_HOTPLUG=1 from
 * /init), and there a CPU that cannot go offline fails the test; other
 * boots skip it. The boot then runs lpae_process_test, whose ASID and
 * TLB shootdown cases use the CPUs that came back.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "lpae_util.h"

#define CYCLES		10
#define CHILDREN	8
#define PAGES		4
#define PG		LPAE_PAGE_SIZE

static bool hotplug_wanted(void)
{
	const char *v = getenv("LPAE_HOTPLUG");

	return v && strcmp(v, "0");
}

static int cpu_online_path(int cpu, char *path, size_t len)
{
	snprintf(path, len, "/sys/devices/system/cpu/cpu%d/online", cpu);
	return access(path, W_OK);
}

static int set_online(int cpu, int on)
{
	char path[64];

	if (cpu_online_path(cpu, path, sizeof(path)))
		return -1;
	if (lpae_write_ll(path, on))
		return -1;
	return lpae_read_ll(path) == on ? 0 : -1;
}

/*
 * On @cpu, CHILDREN processes each write their own pattern behind the
 * same virtual address (a fresh page, and the page inherited from the
 * parent, copied on write), yield to each other, and check it. Returns
 * the number of children that saw something else.
 */
static int check_on_cpu(int cpu, char *inherited, uint64_t parent_seed)
{
	pid_t pids[CHILDREN];
	int i, status, bad = 0;

	for (i = 0; i < CHILDREN; i++) {
		pids[i] = fork();
		if (pids[i] < 0)
			return CHILDREN;
		if (pids[i] == 0) {
			uint64_t seed = 0x40 + i;
			char *p;
			int r;

			if (lpae_pin_cpu(cpu))
				_exit(1);
			if (lpae_verify(inherited, PAGES * PG, parent_seed) != -1)
				_exit(2);
			p = mmap(NULL, PAGES * PG, PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
			if (p == MAP_FAILED)
				_exit(3);
			lpae_fill(p, PAGES * PG, seed);
			lpae_fill(inherited, PAGES * PG, seed ^ 0x99);
			for (r = 0; r < 20; r++) {
				sched_yield();
				if (lpae_verify(p, PAGES * PG, seed) != -1 ||
				    lpae_verify(inherited, PAGES * PG,
						seed ^ 0x99) != -1)
					_exit(4);
			}
			_exit(0);
		}
	}
	for (i = 0; i < CHILDREN; i++) {
		if (waitpid(pids[i], &status, 0) != pids[i] ||
		    !WIFEXITED(status) || WEXITSTATUS(status))
			bad++;
	}
	return bad;
}

TEST(secondary_cpus_offline_online)
{
	int ncpus = lpae_online_cpus();
	int cycle, cpu, bad = 0;
	char path[64], *inherited;

	if (!hotplug_wanted())
		SKIP(return, "hotplug boots only (lpae_hotplug=1)");
	ASSERT_GE(ncpus, 2) {
		TH_LOG("a hotplug boot needs two CPUs or more");
	}
	ASSERT_EQ(0, cpu_online_path(1, path, sizeof(path))) {
		TH_LOG("%s: %s", path, strerror(errno));
	}
	inherited = mmap(NULL, PAGES * PG, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_TRUE(inherited != MAP_FAILED);
	lpae_fill(inherited, PAGES * PG, 0x17);
	ASSERT_EQ(0, lpae_pin_cpu(0));

	for (cycle = 0; cycle < CYCLES; cycle++) {
		for (cpu = 1; cpu < ncpus; cpu++) {
			ASSERT_EQ(0, set_online(cpu, 0)) {
				TH_LOG("cycle %d: cpu%d did not go offline",
				       cycle, cpu);
			}
			ASSERT_EQ(0, set_online(cpu, 1)) {
				TH_LOG("cycle %d: cpu%d did not come back",
				       cycle, cpu);
			}
			bad += check_on_cpu(cpu, inherited, 0x17);
		}
	}
	EXPECT_EQ(0, bad);
	EXPECT_EQ(ncpus, lpae_online_cpus());
	/* The parent's own pages never changed behind its back. */
	EXPECT_EQ(-1, lpae_verify(inherited, PAGES * PG, 0x17));
	ksft_print_msg("%d cycles of %d CPU(s), %d processes checked on the returning CPUs\n",
		       CYCLES, ncpus - 1, CYCLES * (ncpus - 1) * CHILDREN);
	munmap(inherited, PAGES * PG);
}

TEST_HARNESS_MAIN

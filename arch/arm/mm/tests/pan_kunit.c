// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests for privileged access never on LPAE (CONFIG_CPU_TTBR0_PAN):
 * the translation registers in the kernel state and in the uaccess
 * state, and a plain kernel load from a user address, which must fault
 * outside the uaccess helpers and succeed inside them; and one trip
 * through cpu_suspend() and the real cpu_resume path, after which the
 * same registers and the same faults must be back.
 *
 * The register fields are spelt out here from the architecture (ARM DDI
 * 0406C, B4.1 "TTBCR", "TTBR0", "TTBR1"; B3.6.4 "Selecting between TTBR0
 * and TTBR1"), not taken from the header under test.
 */
#include <kunit/test.h>
#include <linux/bitfield.h>
#include <linux/bits.h>
#include <linux/cpu.h>
#include <linux/cpumask.h>
#include <linux/err.h>
#include <linux/irqflags.h>
#include <linux/mm.h>
#include <linux/mman.h>
#include <linux/preempt.h>
#include <linux/sizes.h>
#include <linux/uaccess.h>

#include <asm/idmap.h>
#include <asm/memory.h>
#include <asm/mmu.h>
#include <asm/suspend.h>

#include "../../kernel/reboot.h"
#include "lpae_live.h"

#define P_TTBCR_T0SZ	GENMASK(2, 0)
#define P_TTBCR_EPD0	BIT(7)
#define P_TTBCR_T1SZ	GENMASK(18, 16)
#define P_TTBCR_A1	BIT(22)
#define P_TTBCR_EPD1	BIT(23)
#define P_TTBR_ASID	GENMASK_ULL(55, 48)
#define P_TTBR_BADDR	GENMASK_ULL(39, 0)

/* T0SZ = 7: TTBR0 would translate only the bottom 2^25 bytes */
#define P_TTBR0_REGION	SZ_32M

#define P_PATTERN	0x5a17c0deU

struct pan_regs {
	u32 ttbcr;
	u64 ttbr0;
	u64 ttbr1;
};

static void pan_read_regs(struct pan_regs *r)
{
	asm volatile("mrc p15, 0, %0, c2, c0, 2" : "=r" (r->ttbcr));
	asm volatile("mrrc p15, 0, %Q0, %R0, c2" : "=r" (r->ttbr0));
	asm volatile("mrrc p15, 1, %Q0, %R0, c2" : "=r" (r->ttbr1));
}

/* The ASID in use: TTBR1's with TTBCR.A1 set, else TTBR0's */
static unsigned int pan_current_asid(const struct pan_regs *r)
{
	u64 ttbr = (r->ttbcr & P_TTBCR_A1) ? r->ttbr1 : r->ttbr0;

	return FIELD_GET(P_TTBR_ASID, ttbr);
}

static void pan_log_regs(struct kunit *test, const char *state,
			 const struct pan_regs *r)
{
	kunit_info(test,
		   "%s: TTBCR=%#010x (T0SZ=%lu EPD0=%d A1=%d T1SZ=%lu) TTBR0=%#018llx (ASID %llu) TTBR1=%#018llx (ASID %llu), current ASID %u\n",
		   state, r->ttbcr, FIELD_GET(P_TTBCR_T0SZ, r->ttbcr),
		   !!(r->ttbcr & P_TTBCR_EPD0), !!(r->ttbcr & P_TTBCR_A1),
		   FIELD_GET(P_TTBCR_T1SZ, r->ttbcr),
		   r->ttbr0, FIELD_GET(P_TTBR_ASID, r->ttbr0),
		   r->ttbr1, FIELD_GET(P_TTBR_ASID, r->ttbr1),
		   pan_current_asid(r));
}

/*
 * One load from @addr with an exception table entry of its own: a fault
 * resumes after it with -EFAULT, the way the uaccess helpers recover, so
 * a blocked load does not end the suite. The load itself is an ordinary
 * privileged LDR, not one of the helpers.
 */
static int pan_plain_load(const u32 *addr, u32 *val)
{
	int err = 0;
	u32 v = 0;

	asm volatile("1:	ldr	%1, [%2]\n"
		     "2:\n"
		     "	.pushsection .text.fixup, \"ax\"\n"
		     "	.align	2\n"
		     "3:	mov	%0, %3\n"
		     "	b	2b\n"
		     "	.popsection\n"
		     "	.pushsection __ex_table, \"a\"\n"
		     "	.align	3\n"
		     "	.long	1b, 3b\n"
		     "	.popsection\n"
		     : "+r" (err), "+r" (v)
		     : "r" (addr), "i" (-EFAULT)
		     : "memory");
	*val = v;
	return err;
}

/* A plain load from user address @addr must be blocked; @when says where. */
static void pan_expect_blocked(struct kunit *test, unsigned long addr,
			       const char *when)
{
	u32 val = 0;
	int err = pan_plain_load((const u32 *)addr, &val);

	KUNIT_EXPECT_EQ_MSG(test, err, -EFAULT, "kernel load %s read %#x",
			    when, val);
}

/*
 * Kernel state (outside uaccess) and uaccess state, read back on one CPU
 * with a user address space of this kthread's own in TTBR0:
 *  - kernel: EPD0 set, T0SZ = 7, T1SZ = 0, A1 set, so the current ASID
 *    is TTBR1's, which must be the reserved 0; TTBR1 holds the whole of
 *    swapper_pg_dir;
 *  - uaccess: none of those bits, TTBR0 walked with the user ASID;
 *  - uaccess_restore() puts the kernel state back exactly.
 */
static void pan_state_registers(struct kunit *test)
{
	struct pan_regs kern, uacc, after;
	struct mm_struct *mm;
	unsigned int ua_flags, asid;

	mm = lpae_test_mm_get();
	KUNIT_ASSERT_NOT_NULL(test, mm);

	preempt_disable();
	pan_read_regs(&kern);
	ua_flags = uaccess_save_and_enable();
	pan_read_regs(&uacc);
	uaccess_restore(ua_flags);
	pan_read_regs(&after);
	asid = ASID(mm);
	preempt_enable();

	pan_log_regs(test, "kernel", &kern);
	pan_log_regs(test, "uaccess", &uacc);

	KUNIT_EXPECT_EQ(test, FIELD_GET(P_TTBCR_T0SZ, kern.ttbcr), 7);
	KUNIT_EXPECT_EQ(test, FIELD_GET(P_TTBCR_T1SZ, kern.ttbcr), 0);
	KUNIT_EXPECT_TRUE(test, kern.ttbcr & P_TTBCR_EPD0);
	KUNIT_EXPECT_FALSE(test, kern.ttbcr & P_TTBCR_EPD1);
	KUNIT_EXPECT_TRUE(test, kern.ttbcr & P_TTBCR_A1);
	KUNIT_EXPECT_EQ(test, pan_current_asid(&kern), 0);
	KUNIT_EXPECT_EQ(test, kern.ttbr1 & P_TTBR_BADDR,
			(u64)virt_to_phys(swapper_pg_dir));
	KUNIT_EXPECT_EQ(test, FIELD_GET(P_TTBR_ASID, kern.ttbr1), 0);

	KUNIT_EXPECT_EQ(test, FIELD_GET(P_TTBCR_T0SZ, uacc.ttbcr), 0);
	KUNIT_EXPECT_EQ(test, FIELD_GET(P_TTBCR_T1SZ, uacc.ttbcr), 0);
	KUNIT_EXPECT_FALSE(test, uacc.ttbcr & (P_TTBCR_EPD0 | P_TTBCR_EPD1 |
					       P_TTBCR_A1));
	KUNIT_EXPECT_EQ(test, uacc.ttbr0 & P_TTBR_BADDR,
			(u64)virt_to_phys(mm->pgd));
	KUNIT_EXPECT_NE(test, asid, 0);
	KUNIT_EXPECT_EQ(test, pan_current_asid(&uacc), asid);

	KUNIT_EXPECT_EQ(test, after.ttbcr, kern.ttbcr);

	lpae_test_mm_put(mm);
}

struct pan_load_case {
	const char *name;
	unsigned long hint;	/* MAP_FIXED_NOREPLACE address, or 0 */
};

/*
 * Below 32 MiB a user address is in the TTBR0 region even in the kernel
 * state (stopped by EPD0); above, it is in the TTBR1 region, where
 * swapper_pg_dir maps nothing for it.
 */
static const struct pan_load_case pan_load_cases[] = {
	{ "low (TTBR0 region, EPD0)",	SZ_16M },
	{ "mmap default (TTBR1 region)", 0 },
};

static void pan_load_case_desc(const struct pan_load_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(pan_load, pan_load_cases, pan_load_case_desc);

/*
 * A user word, written through put_user() (so its translation is in the
 * TLB with the user ASID), then loaded with a plain LDR: outside uaccess
 * it must fault, inside uaccess_save_and_enable() it must read the word,
 * and once closed again it must fault again, with the entry the open
 * load used still cached.
 */
static void pan_user_load(struct kunit *test)
{
	const struct pan_load_case *c = test->param_value;
	unsigned long flags = MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE;
	struct mm_struct *mm;
	unsigned long addr;
	unsigned int ua_flags;
	u32 val;
	int err;

	mm = lpae_test_mm_get();
	KUNIT_ASSERT_NOT_NULL(test, mm);
	if (c->hint)
		flags |= MAP_FIXED_NOREPLACE;
	addr = vm_mmap(NULL, c->hint, PAGE_SIZE, PROT_READ | PROT_WRITE,
		       flags, 0);
	if (IS_ERR_VALUE(addr)) {
		lpae_test_mm_put(mm);
		KUNIT_FAIL(test, "vm_mmap: %ld", (long)addr);
		return;
	}
	kunit_info(test, "user word at %#lx\n", addr);
	KUNIT_EXPECT_EQ(test, addr < P_TTBR0_REGION, c->hint != 0);

	KUNIT_EXPECT_EQ(test, put_user(P_PATTERN, (u32 __user *)addr), 0);

	pan_expect_blocked(test, addr, "outside uaccess");

	ua_flags = uaccess_save_and_enable();
	err = pan_plain_load((const u32 *)addr, &val);
	uaccess_restore(ua_flags);
	KUNIT_EXPECT_EQ(test, err, 0);
	KUNIT_EXPECT_EQ(test, val, P_PATTERN);

	pan_expect_blocked(test, addr, "after uaccess");

	vm_munmap(addr, PAGE_SIZE);
	lpae_test_mm_put(mm);
}

/*
 * The registers a CPU loses when it is powered down, which cpu_suspend()
 * saves (cpu_v7_do_suspend, proc-v7.S) and cpu_resume puts back
 * (cpu_v7_do_resume), as the architecture names them (ARM DDI 0406C):
 * B4.1.153 TTBCR, B4.1.154 TTBR0, B4.1.155 TTBR1, B4.1.104 MAIR0 and
 * MAIR1, B4.1.130 SCTLR, B4.1.36 CONTEXTIDR, B4.1.150 TPIDRURO and
 * B4.1.43 DACR.
 */
struct pan_cpu_regs {
	struct pan_regs tt;
	u32 mair0;
	u32 mair1;
	u32 sctlr;
	u32 contextidr;
	u32 tpidruro;
	u32 dacr;
};

static void pan_read_cpu_regs(struct pan_cpu_regs *r)
{
	pan_read_regs(&r->tt);
	asm volatile("mrc p15, 0, %0, c10, c2, 0" : "=r" (r->mair0));
	asm volatile("mrc p15, 0, %0, c10, c2, 1" : "=r" (r->mair1));
	asm volatile("mrc p15, 0, %0, c1, c0, 0" : "=r" (r->sctlr));
	asm volatile("mrc p15, 0, %0, c13, c0, 1" : "=r" (r->contextidr));
	asm volatile("mrc p15, 0, %0, c13, c0, 3" : "=r" (r->tpidruro));
	asm volatile("mrc p15, 0, %0, c3, c0, 0" : "=r" (r->dacr));
}

static void pan_log_cpu_regs(struct kunit *test, const char *state,
			     const struct pan_cpu_regs *r)
{
	pan_log_regs(test, state, &r->tt);
	kunit_info(test,
		   "%s: MAIR0=%#010x MAIR1=%#010x SCTLR=%#010x CONTEXTIDR=%#010x TPIDRURO=%#010x DACR=%#010x\n",
		   state, r->mair0, r->mair1, r->sctlr, r->contextidr,
		   r->tpidruro, r->dacr);
}

/*
 * The suspend finisher: instead of asking firmware to power the CPU
 * down, restart it the way hibernation restores an image. _soft_restart()
 * switches to the identity map (setup_mm_for_reboot(), which opens TTBR0
 * walks for it), turns the MMU and the caches off and jumps to the
 * physical address of lpae_resume_from_reset (pan_resume.S), which
 * scrambles the registers and enters cpu_resume. The L2 cache stays on:
 * the CPU is not really powered down. Returns only if that failed.
 */
static int pan_resume_finisher(unsigned long arg)
{
	_soft_restart(virt_to_idmap(lpae_resume_from_reset), false);
	return -EIO;
}

/*
 * Take every CPU but the boot CPU offline, so that the one that goes
 * through the MMU-off resume path is the only one running, as in
 * hibernation. Returns 0 or the error of the CPU that refused, with
 * the CPUs taken down so far in @down either way.
 */
static int pan_offline_others(struct cpumask *down)
{
	unsigned int cpu, keep = cpumask_first(cpu_online_mask);
	int err;

	cpumask_clear(down);
	for_each_online_cpu(cpu) {
		if (cpu == keep)
			continue;
		err = remove_cpu(cpu);
		if (err)
			return err;
		cpumask_set_cpu(cpu, down);
	}
	return 0;
}

static void pan_online_again(struct kunit *test, const struct cpumask *down)
{
	unsigned int cpu;

	for_each_cpu(cpu, down)
		KUNIT_EXPECT_EQ_MSG(test, add_cpu(cpu), 0,
				    "CPU%u did not come back online", cpu);
}

/*
 * One trip through the real resume path: cpu_suspend() saves the CPU's
 * context, the finisher restarts the CPU with the MMU off through the
 * identity map (PAN open for it), lpae_resume_from_reset scrambles the
 * registers as a power-down would, and cpu_resume restores them and
 * returns 0 from cpu_suspend(), which switches back to the mm of this
 * kthread. Afterwards every register must hold its value from before,
 * with user access closed (TTBCR.EPD0 and A1 set, ASID 0 current), the
 * uaccess helpers must still reach a user page and a plain load from it
 * must still fault.
 */
static void pan_resume_round_trip(struct kunit *test)
{
	unsigned long flags = MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE;
	struct pan_cpu_regs before, after;
	struct mm_struct *mm;
	cpumask_var_t down;
	unsigned long addr, irqs;
	unsigned int cpu;
	u32 val;
	int ret, err;

	if (!IS_ENABLED(CONFIG_ARM_CPU_SUSPEND))
		kunit_skip(test, "no cpu_suspend() (CONFIG_ARM_CPU_SUSPEND off)");
	KUNIT_ASSERT_TRUE(test, zalloc_cpumask_var(&down, GFP_KERNEL));

	err = pan_offline_others(down);
	if (err) {
		pan_online_again(test, down);
		free_cpumask_var(down);
		kunit_skip(test, "a CPU cannot go offline (%d) to leave this one alone",
			   err);
	}
	kunit_info(test, "%u CPU(s) taken offline, %u online\n",
		   cpumask_weight(down), num_online_cpus());

	mm = lpae_test_mm_get();
	if (!mm) {
		pan_online_again(test, down);
		free_cpumask_var(down);
		KUNIT_ASSERT_NOT_NULL(test, mm);
	}
	addr = vm_mmap(NULL, 0, PAGE_SIZE, PROT_READ | PROT_WRITE, flags, 0);
	KUNIT_EXPECT_FALSE(test, IS_ERR_VALUE(addr));
	if (IS_ERR_VALUE(addr))
		goto out;
	KUNIT_EXPECT_EQ(test, put_user(P_PATTERN, (u32 __user *)addr), 0);

	/*
	 * cpu_resume comes back with IRQs and FIQs masked whatever they
	 * were; local_irq_restore() writes the CPSR control field back.
	 */
	local_irq_save(irqs);
	cpu = smp_processor_id();
	pan_read_cpu_regs(&before);
	ret = cpu_suspend(0, pan_resume_finisher);
	pan_read_cpu_regs(&after);
	/* Repair what a broken resume path left, for the cases after this */
	if (after.tt.ttbcr != before.tt.ttbcr)
		asm volatile("mcr p15, 0, %0, c2, c0, 2\n"
			     "isb" : : "r" (before.tt.ttbcr));
	local_irq_restore(irqs);

	kunit_info(test, "CPU%u: cpu_suspend() returned %d\n", cpu, ret);
	pan_log_cpu_regs(test, "before suspend", &before);
	pan_log_cpu_regs(test, "after resume", &after);

	KUNIT_EXPECT_EQ(test, ret, 0);
	KUNIT_EXPECT_EQ(test, after.tt.ttbcr, before.tt.ttbcr);
	KUNIT_EXPECT_EQ(test, after.tt.ttbr0, before.tt.ttbr0);
	KUNIT_EXPECT_EQ(test, after.tt.ttbr1, before.tt.ttbr1);
	KUNIT_EXPECT_EQ(test, after.mair0, before.mair0);
	KUNIT_EXPECT_EQ(test, after.mair1, before.mair1);
	KUNIT_EXPECT_EQ(test, after.sctlr, before.sctlr);
	KUNIT_EXPECT_EQ(test, after.contextidr, before.contextidr);
	KUNIT_EXPECT_EQ(test, after.tpidruro, before.tpidruro);
	KUNIT_EXPECT_EQ(test, after.dacr, before.dacr);

	/* The kernel state, straight after the resume */
	KUNIT_EXPECT_TRUE(test, after.tt.ttbcr & P_TTBCR_EPD0);
	KUNIT_EXPECT_TRUE(test, after.tt.ttbcr & P_TTBCR_A1);
	KUNIT_EXPECT_EQ(test, FIELD_GET(P_TTBCR_T0SZ, after.tt.ttbcr), 7);
	KUNIT_EXPECT_EQ(test, pan_current_asid(&after.tt), 0);
	KUNIT_EXPECT_EQ(test, after.tt.ttbr0 & P_TTBR_BADDR,
			(u64)virt_to_phys(mm->pgd));
	KUNIT_EXPECT_EQ(test, FIELD_GET(P_TTBR_ASID, after.tt.ttbr0),
			(u64)ASID(mm));

	val = 0;
	err = get_user(val, (u32 __user *)addr);
	KUNIT_EXPECT_EQ(test, err, 0);
	KUNIT_EXPECT_EQ(test, val, P_PATTERN);
	pan_expect_blocked(test, addr, "after resume");

	vm_munmap(addr, PAGE_SIZE);
out:
	lpae_test_mm_put(mm);
	pan_online_again(test, down);
	free_cpumask_var(down);
}

static int pan_test_init(struct kunit *test)
{
	if (!IS_ENABLED(CONFIG_CPU_TTBR0_PAN))
		kunit_skip(test, "CONFIG_CPU_TTBR0_PAN is off");
	return 0;
}

static struct kunit_case pan_cases[] = {
	KUNIT_CASE(pan_state_registers),
	KUNIT_CASE_PARAM(pan_user_load, pan_load_gen_params),
	KUNIT_CASE(pan_resume_round_trip),
	{}
};

static struct kunit_suite pan_suite = {
	.name = "arm_lpae_pan",
	.init = pan_test_init,
	.test_cases = pan_cases,
};

kunit_test_suite(pan_suite);

MODULE_DESCRIPTION("KUnit tests for privileged access never on LPAE");
MODULE_LICENSE("GPL");

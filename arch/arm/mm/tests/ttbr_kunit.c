// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests for what proc-v7-3level.S programs: TTBCR, TTBR0, TTBR1,
 * MAIR0 and MAIR1 as read back on every online CPU, and the entries
 * cpu_v7_set_pte_ext() stores.
 *
 * The expected values are worked out here from the kernel's memory
 * layout and the architecture (ARM DDI 0406C, B4.1 "TTBCR", "TTBR0",
 * "TTBR1", "MAIR0 and MAIR1"; B3.6 "Long-descriptor translation table
 * format"), not taken from the constants the code under test uses, so a
 * wrong constant there shows up as a failure here.
 */
#include <kunit/test.h>
#include <linux/bitfield.h>
#include <linux/bits.h>
#include <linux/cpu.h>
#include <linux/cpumask.h>
#include <linux/io.h>
#include <linux/kthread.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/pgtable.h>
#include <linux/sched/mm.h>
#include <linux/sizes.h>
#include <linux/smp.h>

#include <asm/mmu.h>
#include <asm/proc-fns.h>
#include <asm/smp_plat.h>

/* TTBCR with EAE = 1 */
#define T_TTBCR_T0SZ		GENMASK(2, 0)
#define T_TTBCR_EPD0		BIT(7)
#define T_TTBCR_IRGN0		GENMASK(9, 8)
#define T_TTBCR_ORGN0		GENMASK(11, 10)
#define T_TTBCR_SH0		GENMASK(13, 12)
#define T_TTBCR_T1SZ		GENMASK(18, 16)
#define T_TTBCR_A1		BIT(22)
#define T_TTBCR_EPD1		BIT(23)
#define T_TTBCR_IRGN1		GENMASK(25, 24)
#define T_TTBCR_ORGN1		GENMASK(27, 26)
#define T_TTBCR_SH1		GENMASK(29, 28)
#define T_TTBCR_EAE		BIT(31)

#define T_RGN_WBWA		1
#define T_RGN_WB		3
#define T_SH_NON		0
#define T_SH_INNER		3

/* 64-bit TTBRn */
#define T_TTBR_ASID		GENMASK_ULL(55, 48)
#define T_TTBR_BADDR		GENMASK_ULL(39, 0)

/* Descriptor bits the walker reads */
#define T_DESC_VALID		BIT_ULL(0)
#define T_DESC_TABLE		BIT_ULL(1)
#define T_DESC_AP2		BIT_ULL(7)
#define T_DESC_XN		BIT_ULL(54)
#define T_DESC_OA		GENMASK_ULL(39, 12)

struct lpae_cpu_regs {
	int cpu;
	u32 ttbcr;
	u32 mair0;
	u32 mair1;
	u64 ttbr0;
	u64 ttbr1;
	phys_addr_t active_pgd;	/* virt_to_phys(current->active_mm->pgd) */
	unsigned int active_asid;
};

static void lpae_read_regs_local(struct lpae_cpu_regs *r)
{
	struct mm_struct *mm = current->active_mm;

	r->cpu = smp_processor_id();
	asm volatile("mrc p15, 0, %0, c2, c0, 2" : "=r" (r->ttbcr));
	asm volatile("mrrc p15, 0, %Q0, %R0, c2" : "=r" (r->ttbr0));
	asm volatile("mrrc p15, 1, %Q0, %R0, c2" : "=r" (r->ttbr1));
	asm volatile("mrc p15, 0, %0, c10, c2, 0" : "=r" (r->mair0));
	asm volatile("mrc p15, 0, %0, c10, c2, 1" : "=r" (r->mair1));
	r->active_pgd = virt_to_phys(mm->pgd);
	r->active_asid = ASID(mm);
}

static void lpae_read_regs_ipi(void *info)
{
	lpae_read_regs_local(info);
}

static void lpae_log_regs(struct kunit *test, const struct lpae_cpu_regs *r)
{
	kunit_info(test,
		   "cpu%d: TTBCR=%#010x TTBR0=%#018llx TTBR1=%#018llx MAIR0=%#010x MAIR1=%#010x\n",
		   r->cpu, r->ttbcr, r->ttbr0, r->ttbr1, r->mair0, r->mair1);
}

/*
 * Read the registers of every online CPU, in an IPI so that current is
 * what that CPU runs and its TTBR0 belongs to current->active_mm.
 * Return the number of CPUs read into the test-managed array *@regs.
 */
static int lpae_read_all_cpus(struct kunit *test, struct lpae_cpu_regs **regs)
{
	struct lpae_cpu_regs *r;
	int cpu, n = 0;

	r = kunit_kcalloc(test, nr_cpu_ids, sizeof(*r), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, r);

	cpus_read_lock();
	for_each_online_cpu(cpu) {
		int ret = smp_call_function_single(cpu, lpae_read_regs_ipi,
						   &r[n], 1);

		KUNIT_EXPECT_EQ_MSG(test, ret, 0, "cpu%d", cpu);
		if (!ret)
			lpae_log_regs(test, &r[n++]);
	}
	cpus_read_unlock();

	KUNIT_ASSERT_GE(test, n, 1);
	*regs = r;
	return n;
}

/* TTBR1 takes the kernel half only if RAM starts at or below PAGE_OFFSET */
static bool lpae_split_in_use(void)
{
	return virt_to_phys(swapper_pg_dir) <=
		(phys_addr_t)(unsigned long)swapper_pg_dir;
}

/*
 * T1SZ for [PAGE_OFFSET, 4 GiB): TTBR1 translates the top 2^(32 - T1SZ)
 * bytes, so the kernel half must be a power of two; if it is not (the
 * 1G/3G split) TTBR1 is not used and T1SZ is 0.
 */
static unsigned int lpae_expected_t1sz(void)
{
	u64 kernel_half = SZ_4G - (u64)PAGE_OFFSET;

	if (!lpae_split_in_use() || !is_power_of_2(kernel_half))
		return 0;
	return 32 - ilog2(kernel_half);
}

static void check_ttbcr(struct kunit *test, const struct lpae_cpu_regs *r)
{
	int cpu = r->cpu;
	u32 rgn = is_smp() ? T_RGN_WBWA : T_RGN_WB;
	u32 sh = is_smp() ? T_SH_INNER : T_SH_NON;
	u32 v = r->ttbcr;

	KUNIT_EXPECT_EQ_MSG(test, FIELD_GET(T_TTBCR_EAE, v), 1, "cpu%d", cpu);
	if (IS_ENABLED(CONFIG_CPU_TTBR0_PAN)) {
		/*
		 * Read in an IPI, so outside uaccess: TTBR0 walks off and
		 * limited to the bottom 32 MiB, TTBR1 walked from level 1
		 * for the rest and holding the current (reserved) ASID.
		 */
		KUNIT_EXPECT_EQ_MSG(test, FIELD_GET(T_TTBCR_T0SZ, v), 7,
				    "cpu%d", cpu);
		KUNIT_EXPECT_EQ_MSG(test, FIELD_GET(T_TTBCR_T1SZ, v), 0,
				    "cpu%d", cpu);
		KUNIT_EXPECT_EQ_MSG(test, v & (T_TTBCR_EPD0 | T_TTBCR_EPD1 |
					       T_TTBCR_A1),
				    T_TTBCR_EPD0 | T_TTBCR_A1, "cpu%d", cpu);
	} else {
		KUNIT_EXPECT_EQ_MSG(test, FIELD_GET(T_TTBCR_T0SZ, v), 0,
				    "cpu%d", cpu);
		KUNIT_EXPECT_EQ_MSG(test, FIELD_GET(T_TTBCR_T1SZ, v),
				    lpae_expected_t1sz(), "cpu%d", cpu);
		/* Both halves are walked; TTBR0 holds the current ASID */
		KUNIT_EXPECT_EQ_MSG(test, v & (T_TTBCR_EPD0 | T_TTBCR_EPD1 |
					       T_TTBCR_A1),
				    0, "cpu%d", cpu);
	}
	KUNIT_EXPECT_EQ_MSG(test, FIELD_GET(T_TTBCR_IRGN0, v), rgn, "cpu%d", cpu);
	KUNIT_EXPECT_EQ_MSG(test, FIELD_GET(T_TTBCR_ORGN0, v), rgn, "cpu%d", cpu);
	KUNIT_EXPECT_EQ_MSG(test, FIELD_GET(T_TTBCR_SH0, v), sh, "cpu%d", cpu);
	KUNIT_EXPECT_EQ_MSG(test, FIELD_GET(T_TTBCR_IRGN1, v), rgn, "cpu%d", cpu);
	KUNIT_EXPECT_EQ_MSG(test, FIELD_GET(T_TTBCR_ORGN1, v), rgn, "cpu%d", cpu);
	KUNIT_EXPECT_EQ_MSG(test, FIELD_GET(T_TTBCR_SH1, v), sh, "cpu%d", cpu);
}

static void lpae_ttbcr_test(struct kunit *test)
{
	struct lpae_cpu_regs *r;
	int i, n;

	kunit_info(test, "PAGE_OFFSET=%#lx swapper_pg_dir at %pa, split %s, %s\n",
		   PAGE_OFFSET, &(phys_addr_t){ virt_to_phys(swapper_pg_dir) },
		   lpae_split_in_use() ? "in use" : "not in use",
		   is_smp() ? "SMP" : "UP");
	n = lpae_read_all_cpus(test, &r);
	for (i = 0; i < n; i++)
		check_ttbcr(test, &r[i]);
}

/*
 * The table the TTBR1 walk starts at: a level 1 table (T1SZ 0 or 1) is
 * the run of swapper_pg_dir entries from PAGE_OFFSET up; for larger T1SZ
 * the walk starts at level 2, in the table swapper_pg_dir points at for
 * PAGE_OFFSET. Without the split TTBR1 still holds swapper_pg_dir.
 */
static phys_addr_t lpae_expected_ttbr1(void)
{
	unsigned int t1sz = lpae_expected_t1sz();
	pgd_t *kernel = swapper_pg_dir + pgd_index(PAGE_OFFSET);

	/* CPU_TTBR0_PAN: the whole of swapper_pg_dir, from level 1 */
	if (!lpae_split_in_use() || IS_ENABLED(CONFIG_CPU_TTBR0_PAN))
		return virt_to_phys(swapper_pg_dir);
	if (t1sz <= 1)
		return virt_to_phys(kernel);
	return pgd_val(*kernel) & T_DESC_OA;
}

static void check_ttbr1(struct kunit *test, const struct lpae_cpu_regs *r)
{
	int cpu = r->cpu;
	unsigned int t1sz = FIELD_GET(T_TTBCR_T1SZ, r->ttbcr);
	u64 base = r->ttbr1 & T_TTBR_BADDR;
	/* B4.1 "TTBR1": 2^(5 - T1SZ) at level 1, 2^(14 - T1SZ) at level 2 */
	u64 align = t1sz <= 1 ? BIT_ULL(5 - t1sz) : BIT_ULL(14 - t1sz);

	KUNIT_EXPECT_EQ_MSG(test, base, (u64)lpae_expected_ttbr1(), "cpu%d", cpu);
	KUNIT_EXPECT_EQ_MSG(test, FIELD_GET(T_TTBR_ASID, r->ttbr1), 0, "cpu%d", cpu);
	KUNIT_EXPECT_TRUE_MSG(test, IS_ALIGNED(base, align),
			      "cpu%d: TTBR1 %#llx not aligned to %llu", cpu,
			      base, align);
}

static void lpae_ttbr1_test(struct kunit *test)
{
	struct lpae_cpu_regs *r;
	int i, n;

	kunit_info(test, "expected TTBR1 base %pa\n",
		   &(phys_addr_t){ lpae_expected_ttbr1() });
	n = lpae_read_all_cpus(test, &r);
	for (i = 0; i < n; i++)
		check_ttbr1(test, &r[i]);
}

static void check_ttbr0(struct kunit *test, const struct lpae_cpu_regs *r)
{
	int cpu = r->cpu;
	u64 base = r->ttbr0 & T_TTBR_BADDR;

	KUNIT_EXPECT_EQ_MSG(test, base, (u64)r->active_pgd, "cpu%d", cpu);
	KUNIT_EXPECT_EQ_MSG(test, FIELD_GET(T_TTBR_ASID, r->ttbr0),
			    (u64)r->active_asid, "cpu%d", cpu);
	/* T0SZ = 0: a 4-entry level 1 table, 32-byte aligned */
	KUNIT_EXPECT_TRUE_MSG(test, IS_ALIGNED(base, 32), "cpu%d", cpu);
}

/* Each CPU's TTBR0 holds the tables and ASID of its current->active_mm */
static void lpae_ttbr0_active_mm_test(struct kunit *test)
{
	struct lpae_cpu_regs *r;
	int i, n;

	n = lpae_read_all_cpus(test, &r);
	for (i = 0; i < n; i++)
		check_ttbr0(test, &r[i]);
}

/*
 * Switch this kthread to a new user address space: TTBR0 must then hold
 * its PGD and a non-zero ASID (ASID 0 is reserved for the kernel).
 */
static void lpae_ttbr0_user_mm_test(struct kunit *test)
{
	struct lpae_cpu_regs r = { };
	struct mm_struct *mm;

	mm = mm_alloc();
	KUNIT_ASSERT_NOT_NULL(test, mm);

	kthread_use_mm(mm);
	preempt_disable();
	lpae_read_regs_local(&r);
	preempt_enable();
	kthread_unuse_mm(mm);

	lpae_log_regs(test, &r);
	KUNIT_EXPECT_EQ(test, (u64)r.active_pgd, (u64)virt_to_phys(mm->pgd));
	KUNIT_EXPECT_EQ(test, r.ttbr0 & T_TTBR_BADDR, (u64)virt_to_phys(mm->pgd));
	KUNIT_EXPECT_EQ(test, FIELD_GET(T_TTBR_ASID, r.ttbr0), (u64)ASID(mm));
	KUNIT_EXPECT_NE(test, FIELD_GET(T_TTBR_ASID, r.ttbr0), 0);

	mmput(mm);
}

/*
 * MAIR attribute bytes (B4.1 "MAIR0 and MAIR1"): 0x00 Strongly-ordered,
 * 0x04 Device, otherwise Normal with outer [7:4] and inner [3:0] each
 * 0b0100 non-cacheable, 0b10RW write-through, 0b11RW write-back.
 */
struct mt_expect {
	const char *name;
	pteval_t mt;
	u8 attr;
};

static const struct mt_expect lpae_memory_types[] = {
	{ "UNCACHED",		L_PTE_MT_UNCACHED,	0x00 },
	{ "BUFFERABLE",		L_PTE_MT_BUFFERABLE,	0x44 },
	{ "WRITETHROUGH",	L_PTE_MT_WRITETHROUGH,	0xaa },
	{ "WRITEBACK",		L_PTE_MT_WRITEBACK,	0xee },
	{ "WRITEALLOC",		L_PTE_MT_WRITEALLOC,	0xff },
	{ "DEV_SHARED",		L_PTE_MT_DEV_SHARED,	0x04 },
	{ "DEV_NONSHARED",	L_PTE_MT_DEV_NONSHARED,	0x04 },
	{ "DEV_WC",		L_PTE_MT_DEV_WC,	0x44 },
	{ "DEV_CACHED",		L_PTE_MT_DEV_CACHED,	0xee },
};

static u8 mair_attr(const struct lpae_cpu_regs *r, pteval_t mt)
{
	/* AttrIndx is descriptor bits [4:2] */
	unsigned int idx = (mt >> 2) & 7;
	u32 mair = idx < 4 ? r->mair0 : r->mair1;

	return (mair >> (8 * (idx & 3))) & 0xff;
}

static void check_mair(struct kunit *test, const struct lpae_cpu_regs *r)
{
	int cpu = r->cpu;
	const struct mt_expect *e;

	for (e = lpae_memory_types;
	     e < lpae_memory_types + ARRAY_SIZE(lpae_memory_types); e++)
		KUNIT_EXPECT_EQ_MSG(test, mair_attr(r, e->mt), e->attr,
				    "cpu%d: L_PTE_MT_%s", cpu, e->name);
}

static void lpae_mair_test(struct kunit *test)
{
	struct lpae_cpu_regs *r;
	int i, n;

	/* Sections use the same indexes as pages */
	KUNIT_EXPECT_EQ(test, (u64)PMD_SECT_UNCACHED, (u64)L_PTE_MT_UNCACHED);
	KUNIT_EXPECT_EQ(test, (u64)PMD_SECT_BUFFERED, (u64)L_PTE_MT_BUFFERABLE);
	KUNIT_EXPECT_EQ(test, (u64)PMD_SECT_WT, (u64)L_PTE_MT_WRITETHROUGH);
	KUNIT_EXPECT_EQ(test, (u64)PMD_SECT_WB, (u64)L_PTE_MT_WRITEBACK);
	KUNIT_EXPECT_EQ(test, (u64)PMD_SECT_WBWA, (u64)L_PTE_MT_WRITEALLOC);
	n = lpae_read_all_cpus(test, &r);
	for (i = 0; i < n; i++)
		check_mair(test, &r[i]);
}

/*
 * set_pte_ext(), i.e. cpu_v7_set_pte_ext(), on a scratch entry: hardware
 * valid only for present, non-PROT_NONE entries; AP[2] for read-only or
 * clean ones and clear for all other valid ones;
 * everything else, the output address bits above 4 GiB included, stored
 * as given in one 64-bit value.
 */
struct set_pte_case {
	const char *name;
	pteval_t in;
	pteval_t out;
};

#define T_PA_HIGH	(0xab12345000ULL)	/* above 4 GiB: word pairing */
#define T_PRESENT	(L_PTE_PRESENT | L_PTE_YOUNG | T_PA_HIGH)

static const struct set_pte_case set_pte_cases[] = {
	{ "dirty writable",
	  T_PRESENT | L_PTE_DIRTY,
	  T_PRESENT | L_PTE_DIRTY },
	/*
	 * The Linux and the hardware entry are one word: an entry read
	 * back after a clean store carries AP[2], and pte_mkdirty() keeps
	 * it. The store must clear it again, or every write faults.
	 */
	{ "dirtied after a clean store",
	  T_PRESENT | L_PTE_DIRTY | T_DESC_AP2,
	  T_PRESENT | L_PTE_DIRTY },
	{ "made writable after a read-only store",
	  T_PRESENT | L_PTE_DIRTY | L_PTE_USER | T_DESC_AP2,
	  T_PRESENT | L_PTE_DIRTY | L_PTE_USER },
	{ "clean writable",
	  T_PRESENT,
	  T_PRESENT | T_DESC_AP2 },
	{ "dirty read-only",
	  T_PRESENT | L_PTE_DIRTY | L_PTE_RDONLY,
	  T_PRESENT | L_PTE_DIRTY | L_PTE_RDONLY | T_DESC_AP2 },
	{ "execute-never kept",
	  T_PRESENT | L_PTE_DIRTY | L_PTE_XN | L_PTE_USER,
	  T_PRESENT | L_PTE_DIRTY | L_PTE_XN | L_PTE_USER },
	{ "PROT_NONE",
	  T_PRESENT | L_PTE_NONE | L_PTE_RDONLY,
	  (T_PRESENT | L_PTE_NONE | L_PTE_RDONLY) & ~T_DESC_VALID },
	{ "not present (swap entry)",
	  0x1234567cULL,
	  0x1234567cULL },
	{ "dirty block (bit 1 clear)",
	  (T_PRESENT | L_PTE_DIRTY) & ~T_DESC_TABLE,
	  (T_PRESENT | L_PTE_DIRTY) & ~T_DESC_TABLE },
};

static void lpae_set_pte_ext_test(struct kunit *test)
{
	const struct set_pte_case *c;
	pte_t *ptep;

	ptep = kunit_kzalloc(test, sizeof(*ptep), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ptep);

	for (c = set_pte_cases; c < set_pte_cases + ARRAY_SIZE(set_pte_cases);
	     c++) {
		u64 stored;

		*ptep = __pte(~0ULL);
		set_pte_ext(ptep, __pte(c->in), 0);
		stored = pte_val(READ_ONCE(*ptep));
		KUNIT_EXPECT_EQ_MSG(test, stored, (u64)c->out,
				    "%s: in %#llx", c->name, (u64)c->in);
	}
	/* The hardware XN bit is the Linux one */
	KUNIT_EXPECT_EQ(test, (u64)L_PTE_XN, T_DESC_XN);
}

static struct kunit_case lpae_ttbr_cases[] = {
	KUNIT_CASE(lpae_ttbcr_test),
	KUNIT_CASE(lpae_ttbr1_test),
	KUNIT_CASE(lpae_ttbr0_active_mm_test),
	KUNIT_CASE(lpae_ttbr0_user_mm_test),
	KUNIT_CASE(lpae_mair_test),
	KUNIT_CASE(lpae_set_pte_ext_test),
	{}
};

static struct kunit_suite lpae_ttbr_suite = {
	.name = "arm_lpae_ttbr",
	.test_cases = lpae_ttbr_cases,
};

kunit_test_suite(lpae_ttbr_suite);

MODULE_DESCRIPTION("KUnit tests for the ARM LPAE translation registers");
MODULE_LICENSE("GPL");

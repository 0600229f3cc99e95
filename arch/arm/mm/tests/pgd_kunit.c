// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests for pgd_alloc() and pgd_free() (arch/arm/mm/pgd.c), for
 * both the LPAE and the classic 2-level table format: alignment the
 * hardware accepts in TTBR0, distinct tables, kernel entries shared with
 * init_mm, and every table the PGD owns freed with it.
 */
#include <kunit/test.h>
#include <linux/uaccess.h>
#include <linux/mm.h>
#include <linux/pgalloc.h>
#include <linux/pgtable.h>
#include <linux/sched/mm.h>
#include <linux/sizes.h>
#include <linux/sort.h>

#include <asm/cp15.h>

#define PGD_TEST_COUNT	1000

#ifdef CONFIG_ARM_LPAE
/*
 * B4.1 "TTBR0" (64-bit): with TTBCR.T0SZ <= 1 the walk starts at level 1
 * and the base must be aligned to 2^(5 - T0SZ). T0SZ is read from the
 * hardware, so the rule checked is the one actually in force.
 */
static unsigned long pgd_ttbr0_align(void)
{
	unsigned int ua_flags;
	u32 ttbcr;

	/* With CPU_TTBR0_PAN, TTBR0 is only walked with user access open */
	ua_flags = uaccess_save_and_enable();
	asm volatile("mrc p15, 0, %0, c2, c0, 2" : "=r" (ttbcr));
	uaccess_restore(ua_flags);
	return 1UL << (5 - (ttbcr & 7));
}

/* PGDs come from a cache aligned to a cache line */
#define PGD_TEST_VIRT_ALIGN	64
#else
/* B4.1 "TTBR0" (32-bit), TTBCR.N = 0: a 16 KiB aligned base */
static unsigned long pgd_ttbr0_align(void)
{
	return SZ_16K;
}

#define PGD_TEST_VIRT_ALIGN	SZ_16K
#endif

static struct mm_struct *pgd_test_mm(struct kunit *test)
{
	struct mm_struct *mm = mm_alloc();

	KUNIT_ASSERT_NOT_NULL(test, mm);
	return mm;
}

static void pgd_check_aligned(struct kunit *test, pgd_t *pgd)
{
	phys_addr_t pa = virt_to_phys(pgd);

	KUNIT_EXPECT_TRUE_MSG(test, IS_ALIGNED((unsigned long)pgd,
					       PGD_TEST_VIRT_ALIGN),
			      "PGD %p not %u-byte aligned", pgd,
			      PGD_TEST_VIRT_ALIGN);
	KUNIT_EXPECT_TRUE_MSG(test, IS_ALIGNED(pa, pgd_ttbr0_align()),
			      "PGD at %pa breaks the TTBR0 alignment of %lu",
			      &pa, pgd_ttbr0_align());
}

static void pgd_alignment_test(struct kunit *test)
{
	struct mm_struct *mm = pgd_test_mm(test);
	pgd_t *pgd = pgd_alloc(mm);
	phys_addr_t pa;

	KUNIT_ASSERT_NOT_NULL(test, pgd);
	pa = virt_to_phys(pgd);
	kunit_info(test, "PGD %p at %pa, %u bytes, TTBR0 alignment %lu\n",
		   pgd, &pa, (unsigned int)PGD_SIZE, pgd_ttbr0_align());
	pgd_check_aligned(test, pgd);
	pgd_check_aligned(test, mm->pgd);
#ifdef CONFIG_ARM_LPAE
	/* From a slab cache, not whole pages */
	KUNIT_EXPECT_TRUE(test, PageSlab(virt_to_head_page(pgd)));
	KUNIT_EXPECT_EQ(test, (unsigned int)PGD_SIZE, 32U);
#else
	KUNIT_EXPECT_EQ(test, (unsigned int)PGD_SIZE, (unsigned int)SZ_16K);
#endif
	pgd_free(mm, pgd);
	mmput(mm);
}

static int pgd_cmp(const void *a, const void *b)
{
	unsigned long x = *(const unsigned long *)a;
	unsigned long y = *(const unsigned long *)b;

	return x < y ? -1 : x > y;
}

/* Many PGDs at once: all aligned, none overlapping, none leaked */
static void pgd_many_test(struct kunit *test)
{
	struct mm_struct *mm = pgd_test_mm(test);
	unsigned long before = mm_pgtables_bytes(mm);
	unsigned long *addr;
	pgd_t **pgds;
	int i, n;

	pgds = kunit_kcalloc(test, PGD_TEST_COUNT, sizeof(*pgds), GFP_KERNEL);
	addr = kunit_kcalloc(test, PGD_TEST_COUNT, sizeof(*addr), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, pgds);
	KUNIT_ASSERT_NOT_NULL(test, addr);

	for (n = 0; n < PGD_TEST_COUNT; n++) {
		pgds[n] = pgd_alloc(mm);
		if (!pgds[n])
			break;
		addr[n] = (unsigned long)pgds[n];
	}
	KUNIT_EXPECT_EQ(test, n, PGD_TEST_COUNT);

	for (i = 0; i < n; i++)
		pgd_check_aligned(test, pgds[i]);

	sort(addr, n, sizeof(*addr), pgd_cmp, NULL);
	for (i = 1; i < n; i++)
		KUNIT_EXPECT_GE_MSG(test, addr[i] - addr[i - 1],
				    (unsigned long)PGD_SIZE,
				    "PGDs %#lx and %#lx overlap", addr[i - 1],
				    addr[i]);

	for (i = 0; i < n; i++)
		pgd_free(mm, pgds[i]);
	KUNIT_EXPECT_EQ(test, mm_pgtables_bytes(mm), before);
	mmput(mm);
}

/*
 * A new PGD: the kernel entries are init_mm's (for LPAE the shared
 * swapper_pg_dir tables, marked L_PGD_SWAPPER), the user entries are
 * empty, except for LPAE's private modules table and the low vectors.
 */
static void pgd_kernel_entries_test(struct kunit *test)
{
	struct mm_struct *mm = pgd_test_mm(test);
	pgd_t *pgd = pgd_alloc(mm);
	unsigned int i;

	KUNIT_ASSERT_NOT_NULL(test, pgd);
	KUNIT_EXPECT_PTR_EQ(test, init_mm.pgd, (pgd_t *)swapper_pg_dir);
	kunit_info(test, "%u user and %u kernel entries\n",
		   (unsigned int)USER_PTRS_PER_PGD,
		   (unsigned int)(PTRS_PER_PGD - USER_PTRS_PER_PGD));

	for (i = USER_PTRS_PER_PGD; i < PTRS_PER_PGD; i++) {
		KUNIT_EXPECT_EQ_MSG(test, (u64)pgd_val(pgd[i]),
				    (u64)pgd_val(swapper_pg_dir[i]),
				    "kernel entry %u", i);
#ifdef CONFIG_ARM_LPAE
		KUNIT_EXPECT_TRUE_MSG(test, pgd_val(pgd[i]) & L_PGD_SWAPPER,
				      "kernel entry %u not shared", i);
#endif
	}

	for (i = 0; i < USER_PTRS_PER_PGD; i++) {
#ifdef CONFIG_ARM_LPAE
		if (i == pgd_index(MODULES_VADDR)) {
			pgdval_t v = pgd_val(pgd[i]);

			kunit_info(test, "modules entry %u: %#llx\n", i,
				   (u64)v);
			KUNIT_EXPECT_EQ(test, (u64)(v & PMD_TYPE_MASK),
					(u64)PMD_TYPE_TABLE);
			KUNIT_EXPECT_FALSE(test, v & L_PGD_SWAPPER);
			KUNIT_EXPECT_NE(test, (u64)v,
					(u64)pgd_val(swapper_pg_dir[i]));
			continue;
		}
#endif
		if (i == pgd_index(0) && !vectors_high())
			continue;
		KUNIT_EXPECT_EQ_MSG(test, (u64)pgd_val(pgd[i]), 0ULL,
				    "user entry %u", i);
	}

	pgd_free(mm, pgd);
	mmput(mm);
}

/* Pages of the tables a PGD owns, each pinned once by the test */
struct pgd_owned {
	struct page *page[4];
	int n;
};

static void pgd_pin(struct kunit *test, struct pgd_owned *o, struct page *p)
{
	int i;

	for (i = 0; i < o->n; i++)
		if (o->page[i] == p)
			return;
	KUNIT_ASSERT_LT(test, o->n, (int)ARRAY_SIZE(o->page));
	get_page(p);
	o->page[o->n++] = p;
}

/*
 * pgd_free() must free the tables the PGD owns: the page table at VA 0
 * (free_pgtables() never frees it), and with LPAE the level 2 tables of
 * user slots, the modules table, and a private copy of a kernel table
 * like the one the identity map code installs. Each page is pinned, so
 * after pgd_free() the pin must be the only reference left.
 */
static void pgd_free_owned_test(struct kunit *test)
{
	struct mm_struct *mm = pgd_test_mm(test);
	unsigned long before = mm_pgtables_bytes(mm);
	struct pgd_owned owned = { };
	pud_t *pud;
	pmd_t *pmd;
	pgd_t *pgd;
	int i;

	pgd = pgd_alloc(mm);
	KUNIT_ASSERT_NOT_NULL(test, pgd);

	pud = pud_offset(p4d_offset(pgd + pgd_index(0), 0), 0);
	pmd = pmd_alloc(mm, pud, 0);
	KUNIT_ASSERT_NOT_NULL(test, pmd);
	KUNIT_ASSERT_EQ(test, pte_alloc(mm, pmd), 0);
	pgd_pin(test, &owned, pmd_pgtable(*pmd));

#ifdef CONFIG_ARM_LPAE
	pgd_pin(test, &owned, virt_to_page(pud_pgtable(*pud)));

	pud = pud_offset(p4d_offset(pgd + pgd_index(MODULES_VADDR), 0), 0);
	KUNIT_ASSERT_TRUE(test, pud_present(*pud));
	pgd_pin(test, &owned, virt_to_page(pud_pgtable(*pud)));

	/* A private copy of the last kernel table, as mm/idmap.c makes */
	pud = pud_offset(p4d_offset(pgd + PTRS_PER_PGD - 1, 0), 0);
	KUNIT_ASSERT_TRUE(test, pgd_val(pgd[PTRS_PER_PGD - 1]) & L_PGD_SWAPPER);
	pmd = pmd_alloc_one(mm, 0);
	KUNIT_ASSERT_NOT_NULL(test, pmd);
	memcpy(pmd, pud_pgtable(*pud), PTRS_PER_PMD * sizeof(pmd_t));
	pud_populate(mm, pud, pmd);
	mm_inc_nr_pmds(mm);
	pgd_pin(test, &owned, virt_to_page(pmd));
#endif
	kunit_info(test, "%d tables owned by the PGD\n", owned.n);

	pgd_free(mm, pgd);

	for (i = 0; i < owned.n; i++) {
		KUNIT_EXPECT_EQ_MSG(test, page_ref_count(owned.page[i]), 1,
				    "table %d not freed", i);
		put_page(owned.page[i]);
	}
	KUNIT_EXPECT_EQ(test, mm_pgtables_bytes(mm), before);
	mmput(mm);
}

static struct kunit_case pgd_cases[] = {
	KUNIT_CASE(pgd_alignment_test),
	KUNIT_CASE(pgd_many_test),
	KUNIT_CASE(pgd_kernel_entries_test),
	KUNIT_CASE(pgd_free_owned_test),
	{}
};

static struct kunit_suite pgd_suite = {
	.name = "arm_pgd",
	.test_cases = pgd_cases,
};

kunit_test_suite(pgd_suite);

MODULE_DESCRIPTION("KUnit tests for ARM PGD allocation");
MODULE_LICENSE("GPL");

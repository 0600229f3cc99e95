// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests for the boot-time mappings of arch/arm/mm/mmu.c, for both
 * the LPAE and the classic 2-level table format:
 *  - the device tree window: the physical range mapped at FDT_FIXED_BASE
 *    must hold the blob wherever the boot loader put it, including the
 *    last sections below 4 GiB, which no QEMU boot loader uses;
 *  - the lowmem linear map as the boot left it in swapper_pg_dir: every
 *    lowmem address translates to its linear physical address, so no
 *    entry of head.S (its identity map) or a refused replacement
 *    survived paging_init();
 *  - replacing live entries: the mapper must end with the requested
 *    translation when it meets an entry that maps something else.
 */
#include <kunit/test.h>
#include <linux/mm.h>
#include <linux/pgalloc.h>
#include <linux/pgtable.h>
#include <linux/sched/mm.h>
#include <linux/sizes.h>

#include <asm/mach/map.h>
#include <asm/setup.h>

/* A blob at @fdt must lie inside its window, and the window in range. */
static void fdt_window_check(struct kunit *test, u64 fdt)
{
	u64 start, len;

	len = arm_fdt_window(fdt, &start);
	kunit_info(test, "fdt %#llx: window %#llx + %#llx\n", fdt, start, len);
	KUNIT_EXPECT_GT(test, len, 0ULL);
	KUNIT_EXPECT_LE(test, start, fdt);
	KUNIT_EXPECT_GT(test, start + len, fdt);
	KUNIT_EXPECT_EQ(test, start & (SECTION_SIZE - 1), 0ULL);
	KUNIT_EXPECT_LE(test, start + len - 1, (u64)PHYS_ADDR_MAX);
	KUNIT_EXPECT_LE(test, len, (u64)FDT_FIXED_SIZE);
	/* Room for the blob's header (struct fdt_header, 40 bytes). */
	KUNIT_EXPECT_GE(test, start + len - fdt, 40ULL);
}

static void fdt_window_low(struct kunit *test)
{
	u64 start;

	fdt_window_check(test, 0x80001000);
	KUNIT_EXPECT_EQ(test, arm_fdt_window(0x80001000, &start),
			(u64)FDT_FIXED_SIZE);
	KUNIT_EXPECT_EQ(test, start, 0x80000000ULL);
	/* A blob straddling a section boundary gets both sections. */
	KUNIT_EXPECT_EQ(test, arm_fdt_window(SECTION_SIZE - 64, &start),
			(u64)FDT_FIXED_SIZE);
	KUNIT_EXPECT_EQ(test, start, 0ULL);
}

/*
 * The top sections below 4 GiB: the window reaches 4 GiB or beyond, so
 * a 32-bit end wraps to 0 and nothing would be mapped. With LPAE the
 * whole window is addressable; a classic kernel gets what lies below
 * 4 GiB.
 */
static void fdt_window_below_4g(struct kunit *test)
{
	static const u64 fdts[] = {
		SZ_4G - FDT_FIXED_SIZE, SZ_4G - FDT_FIXED_SIZE + 0x1000,
		SZ_4G - SECTION_SIZE, SZ_4G - 0x2000, SZ_4G - 64,
	};
	unsigned int i;
	u64 start, len;

	for (i = 0; i < ARRAY_SIZE(fdts); i++)
		fdt_window_check(test, fdts[i]);

	len = arm_fdt_window(SZ_4G - 0x2000, &start);
	KUNIT_EXPECT_EQ(test, start, SZ_4G - SECTION_SIZE);
	if (IS_ENABLED(CONFIG_PHYS_ADDR_T_64BIT))
		KUNIT_EXPECT_EQ(test, len, (u64)FDT_FIXED_SIZE);
	else
		KUNIT_EXPECT_EQ(test, len, (u64)SECTION_SIZE);
}

/* The pmd slot of @mm for @va (the first of a classic pair). */
static pmd_t *mm_pmd(struct mm_struct *mm, unsigned long va)
{
	pgd_t *pgd = pgd_offset(mm, va);

	return pmd_offset(pud_offset(p4d_offset(pgd, va), va), va);
}

/*
 * The output address of the entry of @mm that maps @va, found by a
 * software walk; @step is set to the size the entry maps. Returns false
 * if nothing maps @va.
 */
static bool output_address(struct mm_struct *mm, unsigned long va,
			   phys_addr_t *pa, unsigned long *step)
{
	pmd_t *pmdp = mm_pmd(mm, va);
	pmdval_t val;
	pte_t *ptep;

#ifndef CONFIG_ARM_LPAE
	/* A pmd_t addresses a pair of 1 MiB level 1 entries. */
	if (va & SECTION_SIZE)
		pmdp++;
#endif
	val = pmd_val(*pmdp);
	if ((val & PMD_TYPE_MASK) == PMD_TYPE_SECT) {
#ifdef CONFIG_ARM_LPAE
		*pa = (val & LPAE_L2_BLOCK_OA_MASK) | (va & ~SECTION_MASK);
#else
		*pa = (val & SECTION_MASK) | (va & ~SECTION_MASK);
#endif
		*step = SECTION_SIZE - (va & ~SECTION_MASK);
		return true;
	}
	if ((val & PMD_TYPE_MASK) != PMD_TYPE_TABLE)
		return false;
	ptep = pte_offset_kernel(mm_pmd(mm, va), va);
	if (!pte_present(*ptep))
		return false;
	*pa = PFN_PHYS(pte_pfn(*ptep)) | (va & ~PAGE_MASK);
	*step = PAGE_SIZE - (va & ~PAGE_MASK);
	return true;
}

/*
 * Every lowmem address must translate to __pa() of itself. An entry
 * that head.S left behind, or that the mapper refused to replace, shows
 * here as an address mapped to the wrong place (or not at all).
 */
static void lowmem_linear_map_exact(struct kunit *test)
{
	unsigned long va = PAGE_OFFSET, end = (unsigned long)high_memory;
	unsigned long step, checked = 0, wrong = 0;
	phys_addr_t pa;

	while (va < end && va >= PAGE_OFFSET) {
		if (!output_address(&init_mm, va, &pa, &step)) {
			KUNIT_FAIL(test, "lowmem %#lx is not mapped", va);
			wrong++;
			step = PAGE_SIZE;
		} else if (pa != __pa(va)) {
			if (wrong++ < 8)
				KUNIT_FAIL(test, "lowmem %#lx maps %pa, not %#llx",
					   va, &pa, (u64)__pa(va));
		}
		checked++;
		va += step;
	}
	kunit_info(test, "%lu entries over %lu MiB of lowmem, %lu wrong\n",
		   checked, (end - PAGE_OFFSET) >> 20, wrong);
	KUNIT_EXPECT_EQ(test, wrong, 0UL);
	KUNIT_EXPECT_GT(test, checked, 0UL);
}

/*
 * Replacing live entries. create_mapping_late() maps into an mm that is
 * not live, through the same mapper as the boot mappings: a request
 * that meets a live entry mapping something else must end with the new
 * translation in place, never keep the old one.
 */
#define REPLACE_VA	0x20000000UL

static struct mm_struct *replace_mm(struct kunit *test)
{
	struct mm_struct *mm = mm_alloc();

	KUNIT_ASSERT_NOT_NULL(test, mm);
	return mm;
}

/* Free the table create_mapping_late() may have put under REPLACE_VA. */
static void replace_mm_put(struct mm_struct *mm)
{
	pmd_t *pmd = mm_pmd(mm, REPLACE_VA);

	if ((pmd_val(*pmd) & PMD_TYPE_MASK) == PMD_TYPE_TABLE) {
		pgtable_t pte = pmd_pgtable(*pmd);

		pmd_clear(pmd);
		pte_free(mm, pte);
	} else if (!pmd_none(*pmd)) {
		pmd_clear(pmd);
	}
	mmput(mm);
}

static void __init map_late(struct mm_struct *mm, unsigned long va,
			    phys_addr_t pa, unsigned long len)
{
	struct map_desc md = {
		.virtual = va,
		.pfn = __phys_to_pfn(pa),
		.length = len,
		.type = MT_MEMORY_RW,
	};

	create_mapping_late(mm, &md, true);
}

/* Every page of [va, va + len) of @mm must map @pa onwards. */
static void expect_maps(struct kunit *test, struct mm_struct *mm,
			unsigned long va, phys_addr_t pa, unsigned long len)
{
	unsigned long off, step;
	phys_addr_t got;

	for (off = 0; off < len; off += PAGE_SIZE) {
		bool mapped = output_address(mm, va + off, &got, &step);

		KUNIT_ASSERT_TRUE_MSG(test, mapped, "%#lx unmapped", va + off);
		KUNIT_ASSERT_EQ_MSG(test, (u64)got, (u64)(pa + off),
				    "%#lx maps the old output address",
				    va + off);
	}
}

static phys_addr_t replace_pa(unsigned int n)
{
	return PHYS_OFFSET + SZ_64M + n * SZ_8M;
}

static void __init replace_live_section(struct kunit *test)
{
	struct mm_struct *mm = replace_mm(test);

	map_late(mm, REPLACE_VA, replace_pa(0), SZ_2M);
	expect_maps(test, mm, REPLACE_VA, replace_pa(0), SZ_2M);
	map_late(mm, REPLACE_VA, replace_pa(1), SZ_2M);
	expect_maps(test, mm, REPLACE_VA, replace_pa(1), SZ_2M);
	replace_mm_put(mm);
}

static void __init replace_live_page(struct kunit *test)
{
	struct mm_struct *mm = replace_mm(test);

	map_late(mm, REPLACE_VA + PAGE_SIZE, replace_pa(0), 2 * PAGE_SIZE);
	map_late(mm, REPLACE_VA + PAGE_SIZE, replace_pa(1), 2 * PAGE_SIZE);
	expect_maps(test, mm, REPLACE_VA + PAGE_SIZE, replace_pa(1),
		    2 * PAGE_SIZE);
	replace_mm_put(mm);
}

/* A section requested over a live table goes into the table as pages. */
static void __init replace_table_with_section(struct kunit *test)
{
	struct mm_struct *mm = replace_mm(test);

	map_late(mm, REPLACE_VA + 5 * PAGE_SIZE, replace_pa(0), PAGE_SIZE);
	map_late(mm, REPLACE_VA, replace_pa(1), SZ_2M);
	expect_maps(test, mm, REPLACE_VA, replace_pa(1), SZ_2M);
	replace_mm_put(mm);
}

#ifdef CONFIG_ARM_LPAE
/*
 * Output addresses at the top of the 40-bit range keep every bit through
 * create_mapping_late(), as a section and as pages: nothing in the
 * mapper may hold a physical address in 32 bits. Nothing is there; the
 * mm is never live.
 */
static void __init map_late_40bit_output(struct kunit *test)
{
	struct mm_struct *mm = replace_mm(test);
	phys_addr_t top = (phys_addr_t)(BIT_ULL(40) - SZ_2M);

	map_late(mm, REPLACE_VA, top, SZ_2M);
	expect_maps(test, mm, REPLACE_VA, top, SZ_2M);
	replace_mm_put(mm);

	mm = replace_mm(test);
	map_late(mm, REPLACE_VA + PAGE_SIZE, top + SZ_1M, 2 * PAGE_SIZE);
	expect_maps(test, mm, REPLACE_VA + PAGE_SIZE, top + SZ_1M,
		    2 * PAGE_SIZE);
	replace_mm_put(mm);
}
#endif

static struct kunit_case __refdata replace_cases[] = {
	KUNIT_CASE(replace_live_section),
	KUNIT_CASE(replace_live_page),
	KUNIT_CASE(replace_table_with_section),
#ifdef CONFIG_ARM_LPAE
	KUNIT_CASE(map_late_40bit_output),
#endif
	{}
};

static struct kunit_suite replace_suite = {
	.name = "arm_mmu_replace",
	.test_cases = replace_cases,
};

kunit_test_init_section_suite(replace_suite);

static struct kunit_case mmu_cases[] = {
	KUNIT_CASE(fdt_window_low),
	KUNIT_CASE(fdt_window_below_4g),
	KUNIT_CASE(lowmem_linear_map_exact),
	{}
};

static struct kunit_suite mmu_suite = {
	.name = "arm_mmu_setup",
	.test_cases = mmu_cases,
};

kunit_test_suite(mmu_suite);

MODULE_DESCRIPTION("KUnit tests for the ARM boot-time kernel mappings");
MODULE_LICENSE("GPL");

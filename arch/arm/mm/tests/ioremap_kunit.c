// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit test for device mappings above 4 GiB with LPAE (arch/arm/mm/mmu.c
 * memory types, ioremap): map one physical range as Device memory
 * (ioremap), then as Normal non-cacheable memory (ioremap_wc), then as
 * Device again, one mapping at a time; each reads what the one before
 * wrote, writes a new pattern, and has its page table entries checked.
 *
 * The range must be memory that no allocator and no driver uses: boot
 * with mem= below it and name it with ioremap_kunit.phys=<address>, e.g.
 * "mem=3G ioremap_kunit.phys=0x180000000" on a 6 GiB vexpress-a15. The
 * suite skips when no address is given.
 */
#include <kunit/test.h>
#include <linux/io.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/pgtable.h>
#include <linux/sizes.h>

#define IOREMAP_TEST_SIZE	SZ_64K

static unsigned long long ioremap_test_phys;
module_param_named(phys, ioremap_test_phys, ullong, 0444);
MODULE_PARM_DESC(phys, "unused physical address above 4 GiB to map (0: skip)");

/* The entry that maps @va in the kernel tables, or NULL if none does */
static pte_t *ioremap_test_pte(unsigned long va)
{
	pgd_t *pgd = pgd_offset_k(va);
	p4d_t *p4d;
	pud_t *pud;
	pmd_t *pmd;

	if (pgd_none(*pgd))
		return NULL;
	p4d = p4d_offset(pgd, va);
	pud = pud_offset(p4d, va);
	if (pud_none(*pud))
		return NULL;
	pmd = pmd_offset(pud, va);
	if (pmd_none(*pmd) || pmd_bad(*pmd))	/* no level 3 table */
		return NULL;
	return pte_offset_kernel(pmd, va);
}

/*
 * The memory attribute a level 3 entry selects: the byte of MAIR1:MAIR0
 * its AttrIndx names (B4.1 "MAIR0 and MAIR1"), read from the hardware.
 */
static u32 ioremap_test_attr(pte_t pte)
{
	u32 idx = (pte_val(pte) & LPAE_ATTRINDX_MASK) >> LPAE_ATTRINDX_SHIFT;
	u32 mair;

	if (idx < 4)
		asm volatile("mrc p15, 0, %0, c10, c2, 0" : "=r" (mair));
	else
		asm volatile("mrc p15, 0, %0, c10, c2, 1" : "=r" (mair));
	return (mair >> MAIR_ATTR_SHIFT(idx)) & 0xff;
}

/*
 * Every page of the mapping at @va: the right frame (all 40 bits), the
 * memory type and attribute asked for, kernel-only, never executable.
 */
static void ioremap_test_check_ptes(struct kunit *test, const char *what,
				    void __iomem *va, pteval_t mt, u32 attr)
{
	unsigned long addr = (unsigned long)va;
	unsigned long i;

	for (i = 0; i < IOREMAP_TEST_SIZE / PAGE_SIZE; i++) {
		pte_t *ptep = ioremap_test_pte(addr + i * PAGE_SIZE);
		pte_t pte;

		KUNIT_ASSERT_NOT_NULL_MSG(test, ptep, "%s: page %lu unmapped",
					  what, i);
		pte = READ_ONCE(*ptep);
		KUNIT_EXPECT_TRUE(test, pte_present(pte));
		KUNIT_EXPECT_EQ_MSG(test, (u64)PFN_PHYS(pte_pfn(pte)),
				    (u64)ioremap_test_phys + i * PAGE_SIZE,
				    "%s: page %lu", what, i);
		KUNIT_EXPECT_EQ_MSG(test, (u64)(pte_val(pte) & L_PTE_MT_MASK),
				    (u64)mt, "%s: memory type", what);
		KUNIT_EXPECT_EQ_MSG(test, ioremap_test_attr(pte), attr,
				    "%s: MAIR attribute", what);
		KUNIT_EXPECT_TRUE_MSG(test, pte_val(pte) & L_PTE_XN,
				      "%s: executable", what);
		KUNIT_EXPECT_FALSE_MSG(test, pte_val(pte) & L_PTE_USER,
				       "%s: user accessible", what);
		if (i == 0)
			kunit_info(test, "%s at %p: pte %#llx, MAIR attribute %#x\n",
				   what, va, (u64)pte_val(pte),
				   ioremap_test_attr(pte));
	}
}

static u32 ioremap_test_word(unsigned int i, u32 seed)
{
	return (i * 0x9e3779b9U) ^ seed ^ (u32)(ioremap_test_phys >> 12);
}

static void ioremap_test_fill(void __iomem *to, u32 seed)
{
	unsigned int i;

	for (i = 0; i < IOREMAP_TEST_SIZE / 4; i++)
		writel(ioremap_test_word(i, seed), to + i * 4);
	wmb();		/* the WC mapping may buffer its writes */
}

static unsigned int ioremap_test_mismatches(void __iomem *from, u32 seed)
{
	unsigned int i, bad = 0;

	for (i = 0; i < IOREMAP_TEST_SIZE / 4; i++)
		bad += readl(from + i * 4) != ioremap_test_word(i, seed);
	return bad;
}

/*
 * Map the range with @map, check its entries, find what the previous
 * mapping wrote (@old_seed, 0 for none), and write @new_seed. Only one
 * mapping exists at a time: Device and Normal mappings of the same
 * location at once are mismatched memory attributes (B3.8.6 "Mismatched
 * memory attributes"), whose behaviour the architecture does not give.
 */
static void ioremap_test_pass(struct kunit *test, const char *what,
			      void __iomem *(*map)(phys_addr_t, size_t),
			      pteval_t mt, unsigned int attr,
			      u32 old_seed, u32 new_seed)
{
	void __iomem *va = map(ioremap_test_phys, IOREMAP_TEST_SIZE);

	KUNIT_ASSERT_FALSE_MSG(test, !va, "%s() failed", what);
	ioremap_test_check_ptes(test, what, va, mt, attr);
	if (old_seed)
		KUNIT_EXPECT_EQ_MSG(test, ioremap_test_mismatches(va, old_seed),
				    0U, "%s did not read the earlier writes",
				    what);
	ioremap_test_fill(va, new_seed);
	KUNIT_EXPECT_EQ_MSG(test, ioremap_test_mismatches(va, new_seed), 0U,
			    "%s did not read its own writes", what);
	iounmap(va);
}

static void __iomem *ioremap_test_dev(phys_addr_t phys, size_t size)
{
	return ioremap(phys, size);
}

static void __iomem *ioremap_test_wc(phys_addr_t phys, size_t size)
{
	return ioremap_wc(phys, size);
}

static void ioremap_high_test(struct kunit *test)
{
	phys_addr_t phys = ioremap_test_phys;

	if (!ioremap_test_phys)
		kunit_skip(test, "no ioremap_kunit.phys= on the command line");
	KUNIT_ASSERT_EQ_MSG(test, (u64)phys, (u64)ioremap_test_phys,
			    "%#llx does not fit phys_addr_t", ioremap_test_phys);
	KUNIT_ASSERT_GE_MSG(test, (u64)phys, (u64)SZ_4G,
			    "%pa is not above 4 GiB", &phys);
	KUNIT_ASSERT_TRUE_MSG(test, PAGE_ALIGNED(phys), "%pa not page aligned",
			      &phys);
	KUNIT_ASSERT_FALSE_MSG(test, pfn_valid(PHYS_PFN(phys)),
			       "%pa is RAM the kernel manages: boot with mem= below it",
			       &phys);

	ioremap_test_pass(test, "ioremap", ioremap_test_dev,
			  L_PTE_MT_DEV_SHARED, MAIR_ATTR_DEVICE, 0, 0x5a5a0f0f);
	ioremap_test_pass(test, "ioremap_wc", ioremap_test_wc, L_PTE_MT_DEV_WC,
			  MAIR_ATTR_NORMAL_NC, 0x5a5a0f0f, 0xc3c3f0f0);
	ioremap_test_pass(test, "ioremap", ioremap_test_dev,
			  L_PTE_MT_DEV_SHARED, MAIR_ATTR_DEVICE, 0xc3c3f0f0,
			  0x3c3c0ff0);
	kunit_info(test, "%u KiB at %pa, Device then Normal-NC then Device\n",
		   IOREMAP_TEST_SIZE / SZ_1K, &phys);
}

static struct kunit_case ioremap_cases[] = {
	KUNIT_CASE(ioremap_high_test),
	{}
};

static struct kunit_suite ioremap_suite = {
	.name = "arm_lpae_ioremap",
	.test_cases = ioremap_cases,
};

kunit_test_suite(ioremap_suite);

MODULE_DESCRIPTION("KUnit test of ARM LPAE device mappings above 4 GiB");
MODULE_LICENSE("GPL");

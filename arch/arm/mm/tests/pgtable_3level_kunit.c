// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests for the ARM LPAE (long-descriptor) page table helpers.
 *
 * Every case works on entry values in local variables: no live page table
 * is read or written. The store helpers (set_pud(), copy_pmd(), ...) are
 * only pointed at local variables, and the only hardware state read is
 * MAIR0/MAIR1 and TTBCR.
 *
 * The suite is also compiled, but not linked, with STRICT_MM_TYPECHECKS
 * (pgtable_3level_strict.o) to prove that the helpers and these tests
 * only touch entries through their accessors.
 */
#include <kunit/test.h>
#include <linux/uaccess.h>
#include <linux/build_bug.h>
#include <linux/hugetlb.h>
#include <linux/mm.h>
#include <linux/pgtable.h>
#include <linux/sizes.h>
#include <linux/swapops.h>

/* Every descriptor bit outside the output address field of a page. */
#define NON_OA_BITS_PAGE	(~LPAE_L3_PAGE_OA_MASK)
/* Every descriptor bit outside the output address field of a 2 MiB block. */
#define NON_OA_BITS_BLOCK	(~LPAE_L2_BLOCK_OA_MASK)
/* The largest page frame number a 40-bit physical address can hold. */
#define MAX_PFN_40BIT		(PHYS_MASK >> PAGE_SHIFT)
/* Page frames per 2 MiB block. */
#define PFNS_PER_BLOCK		(PMD_SIZE >> PAGE_SHIFT)

/* set_pte_ext's high-word masks name the same bits as the 64-bit ones. */
static_assert(((u64)L_PTE_DIRTY_HI << 32) == L_PTE_DIRTY);
static_assert(((u64)L_PTE_NONE_HI << 32) == L_PTE_NONE);
static_assert(((u64)L_PTE_RDONLY_HI << 32) == L_PTE_RDONLY);

/* Frame numbers on both sides of the 4 GiB line, up to 40 bits. */
static const unsigned long test_pfns[] = {
	0x1, 0x80000, 0xfffff, 0x100000, 0x100001, 0x180000,
	0x7ffffff, 0xffffffe, MAX_PFN_40BIT,
};

/* 2 MiB aligned frame numbers on both sides of the 4 GiB line. */
static const unsigned long test_block_pfns[] = {
	0x200, 0x80000, 0xffe00, 0x100000, 0x180000, 0x7ffe00,
	MAX_PFN_40BIT & ~(PFNS_PER_BLOCK - 1),
};

/* A young, dirty, writable, user, executable normal-memory page. */
static pte_t test_pte(unsigned long pfn)
{
	return pfn_pte(pfn, __pgprot(L_PTE_PRESENT | L_PTE_YOUNG |
				     L_PTE_DIRTY | L_PTE_USER |
				     L_PTE_SHARED | L_PTE_MT_WRITEALLOC));
}

/* A young, dirty, writable, user 2 MiB block, as THP would build it. */
static pmd_t test_block(unsigned long pfn)
{
	return pmd_mkhuge(pfn_pmd(pfn, __pgprot(L_PTE_PRESENT | L_PTE_YOUNG |
						L_PTE_DIRTY | L_PTE_USER |
						L_PTE_SHARED |
						L_PTE_MT_WRITEALLOC)));
}

/*
 * Fixed facts of the format and of the kernel's use of it (ARM DDI 0406C
 * B3.6 "Long-descriptor translation table format", B4.1.104 MAIR0/1,
 * B4.1.153 TTBCR). They are compile-time constants, so they are checked
 * when this file is built, not counted as run-time test cases.
 */

/* The MAIR attribute byte the AttrIndx field of @desc selects. */
#define MAIR_ATTR_OF(desc)						\
	((((u64)LPAE_MAIR1 << 32 | LPAE_MAIR0) >>			\
	  (8 * (((desc) & LPAE_ATTRINDX_MASK) >> LPAE_ATTRINDX_SHIFT))) & 0xff)

/* Entries are 64 bits; the level 1 table is 4 entries covering 4 GiB. */
static_assert(sizeof(pte_t) == 8 && sizeof(pmd_t) == 8);
static_assert(sizeof(pgd_t) == 8 && sizeof(pud_t) == 8);
static_assert(sizeof(pgprot_t) == 8 && 1 << LPAE_DESC_SIZE_SHIFT == 8);
static_assert(PTRS_PER_PGD == 4 && PGDIR_SHIFT == 30);
static_assert((u64)PTRS_PER_PGD * PGDIR_SIZE == SZ_4G);
/* TTBR0 walks start at level 1 with T0SZ = 0: a 32-byte aligned table. */
static_assert(PTRS_PER_PGD * sizeof(pgd_t) == TTBR_L1_BASE_ALIGN(0));
static_assert(TTBR_L1_BASE_ALIGN(0) == 32);

/* Level 2 and 3 tables are one page of 512 entries; no Linux shadow. */
static_assert(PTRS_PER_PMD == 512 && PTRS_PER_PTE == 512);
static_assert(PTRS_PER_PMD * sizeof(pmd_t) == PAGE_SIZE);
static_assert(PTRS_PER_PTE * sizeof(pte_t) == PAGE_SIZE);
static_assert(PTE_HWTABLE_SIZE == PAGE_SIZE);
static_assert(PTE_HWTABLE_PTRS == 0 && PTE_HWTABLE_OFF == 0);

/* Blocks, sections and huge pages are 2 MiB; level 1 entries 1 GiB. */
static_assert(PMD_SHIFT == 21 && PMD_SIZE == SZ_2M);
static_assert(PGDIR_SIZE == SZ_1G && SECTION_SIZE == SZ_2M);
static_assert(HPAGE_SIZE == SZ_2M);
static_assert(HUGETLB_PAGE_ORDER == 9);
static_assert(LPAE_L3_PAGE_SHIFT == PAGE_SHIFT);
static_assert(PMD_SHIFT + LPAE_TABLE_INDEX_BITS == PGDIR_SHIFT);
static_assert(USER_PTRS_PER_PGD * SZ_1G == PAGE_OFFSET);

/* head.S writes 1 << (54 - 32) (XN) and 1 << (55 - 32) (swapper). */
static_assert(L_PTE_XN == 1ULL << 54 && PMD_SECT_XN == 1ULL << 54);
static_assert(PTE_EXT_XN == 1ULL << 54 && PTE_EXT_PXN == 1ULL << 53);
static_assert(L_PGD_SWAPPER == 1ULL << 55);
/* Table descriptors ignore bits [58:52]: never an address or PXNTable. */
static_assert((L_PGD_SWAPPER & (LPAE_TABLE_ADDR_MASK | LPAE_PXNTABLE)) == 0);

/* proc-macros.S refuses to build otherwise. */
static_assert(L_PTE_SHARED == PTE_EXT_SHARED);
static_assert(L_PTE_SHARED == 3ULL << 8);
static_assert(PMD_SECT_S == LPAE_SH_INNER);

/* The software bits fill the field reserved for software, once each. */
static_assert(L_PTE_DIRTY == 1ULL << 55 && L_PTE_SPECIAL == 1ULL << 56);
static_assert(L_PTE_NONE == 1ULL << 57 && L_PTE_RDONLY == 1ULL << 58);
static_assert((L_PTE_DIRTY | L_PTE_SPECIAL | L_PTE_NONE | L_PTE_RDONLY) ==
	      LPAE_SW_MASK);
static_assert(L_PMD_SECT_RDONLY == L_PTE_RDONLY);
static_assert(L_PMD_SECT_DIRTY == L_PTE_DIRTY);
static_assert(L_PMD_SECT_NONE == L_PTE_NONE);

/* Present is both type bits: PROT_NONE keeps bit 1 alone. */
static_assert(L_PTE_VALID == 1 && L_PTE_PRESENT == 3);
static_assert(L_PMD_SECT_VALID == 1 && L_PTE_PRESENT == PTE_TYPE_PAGE);
static_assert(PTE_TYPE_FAULT == 0 && PMD_TYPE_FAULT == 0);
static_assert(PTE_TYPE_PAGE == 3 && PMD_TYPE_TABLE == 3);
static_assert(PMD_TYPE_SECT == 1);
static_assert(PMD_TABLE_BIT == 2 && PTE_TABLE_BIT == 2);

/* AttrIndx encodings, shared with mmu.c and drivers/tee/optee. */
static_assert(L_PTE_MT_UNCACHED == 0 << 2 && L_PTE_MT_BUFFERABLE == 1 << 2);
static_assert(L_PTE_MT_WRITETHROUGH == 2 << 2);
static_assert(L_PTE_MT_WRITEBACK == 3 << 2);
static_assert(L_PTE_MT_WRITEALLOC == 7 << 2);
static_assert(L_PTE_MT_DEV_SHARED == 4 << 2);
static_assert(L_PTE_MT_DEV_NONSHARED == 4 << 2);
static_assert(L_PTE_MT_DEV_WC == 1 << 2 && L_PTE_MT_DEV_CACHED == 3 << 2);
static_assert(L_PTE_MT_MASK == 7 << 2 && L_PTE_MT_MASK == LPAE_ATTRINDX_MASK);
static_assert(PMD_SECT_UNCACHED == L_PTE_MT_UNCACHED);
static_assert(PMD_SECT_BUFFERED == L_PTE_MT_BUFFERABLE);
static_assert(PMD_SECT_WT == L_PTE_MT_WRITETHROUGH);
static_assert(PMD_SECT_WB == L_PTE_MT_WRITEBACK);
static_assert(PMD_SECT_WBWA == L_PTE_MT_WRITEALLOC);
static_assert(PMD_SECT_CACHE_MASK == L_PTE_MT_MASK);
static_assert((PMD_SECT_BUFFERABLE | PMD_SECT_CACHEABLE) == L_PTE_MT_WRITEBACK);

/* MAIR0/1 give each type the attribute byte Linux means by it. */
static_assert(LPAE_MAIR0 == 0xeeaa4400 && LPAE_MAIR1 == 0xff000004);
static_assert(MAIR_ATTR_OF(L_PTE_MT_UNCACHED) == 0x00);
static_assert(MAIR_ATTR_OF(L_PTE_MT_BUFFERABLE) == 0x44);
static_assert(MAIR_ATTR_OF(L_PTE_MT_WRITETHROUGH) == 0xaa);
static_assert(MAIR_ATTR_OF(L_PTE_MT_WRITEBACK) == 0xee);
static_assert(MAIR_ATTR_OF(L_PTE_MT_WRITEALLOC) == 0xff);
static_assert(MAIR_ATTR_OF(L_PTE_MT_DEV_SHARED) == 0x04);
static_assert(MAIR_ATTR_OF(L_PTE_MT_DEV_WC) == 0x44);
static_assert(MAIR_ATTR_OF(L_PTE_MT_DEV_CACHED) == 0xee);

/* TTBCR fields, and the walk attributes the kernel programs on SMP. */
static_assert(TTBCR_EAE == 1UL << 31 && TTBCR_A1 == 1UL << 22);
static_assert(TTBCR_T0SZ_MASK == 0x7 && TTBCR_T1SZ_MASK == 0x70000);
static_assert(TTBCR_EPD0 == 1UL << 7 && TTBCR_EPD1 == 1UL << 23);
static_assert(((TTBCR_RGN_WBWA << TTBCR_IRGN0_SHIFT) |
	       (TTBCR_RGN_WBWA << TTBCR_ORGN0_SHIFT) |
	       (TTBCR_SH_INNER << TTBCR_SH0_SHIFT)) == 0x3500);
static_assert(((TTBCR_RGN_WBWA << TTBCR_IRGN1_SHIFT) |
	       (TTBCR_RGN_WBWA << TTBCR_ORGN1_SHIFT) |
	       (TTBCR_SH_INNER << TTBCR_SH1_SHIFT)) == 0x35000000);
static_assert((u64)TTBCR_SH_INNER << LPAE_SH_SHIFT == LPAE_SH_INNER);

/* ---- The format as the hardware reads it ---- */

static void mair_registers_match(struct kunit *test)
{
	u32 mair0, mair1;

	asm volatile("mrc p15, 0, %0, c10, c2, 0" : "=r" (mair0));
	asm volatile("mrc p15, 0, %0, c10, c2, 1" : "=r" (mair1));

	KUNIT_EXPECT_EQ(test, mair0, (u32)LPAE_MAIR0);
	KUNIT_EXPECT_EQ(test, mair1, (u32)LPAE_MAIR1);
}

/*
 * The translation sizes in force while TTBR0 is walked. With
 * CPU_TTBR0_PAN that is only with user access open, and T1SZ is then
 * always 0 (pgtable-3level-hwdef.h); the closed state has a suite of its
 * own (pan_kunit.c).
 */
static void ttbcr_register_uses_long_descriptors(struct kunit *test)
{
	bool split = __pa(swapper_pg_dir) <= (unsigned long)swapper_pg_dir;
	unsigned int ua_flags;
	u32 ttbcr;

	ua_flags = uaccess_save_and_enable();
	asm volatile("mrc p15, 0, %0, c2, c0, 2" : "=r" (ttbcr));
	uaccess_restore(ua_flags);

	if (IS_ENABLED(CONFIG_CPU_TTBR0_PAN))
		split = false;
	KUNIT_EXPECT_NE(test, ttbcr & TTBCR_EAE, 0UL);
	KUNIT_EXPECT_EQ(test, ttbcr & TTBCR_T0SZ_MASK, 0UL);
	KUNIT_EXPECT_EQ(test, ttbcr & TTBCR_T1SZ_MASK,
			split ? (unsigned long)TTBR1_SIZE : 0UL);
}

static void ttbr1_split_matches_page_offset(struct kunit *test)
{
	unsigned int t1sz = TTBR1_SIZE >> TTBCR_T1SZ_SHIFT;
	unsigned long l1_index = PAGE_OFFSET >> PGDIR_SHIFT;

	KUNIT_EXPECT_EQ(test, TTBR1_SIZE & ~TTBCR_T1SZ_MASK, 0UL);
	if (t1sz == 0) {
		/* No split: TTBR0 translates everything. */
		KUNIT_EXPECT_EQ(test, TTBR1_OFFSET, 0);
		return;
	}

	/* TTBR1 covers exactly [PAGE_OFFSET, 4 GiB). */
	KUNIT_EXPECT_EQ(test, 1ULL << (32 - t1sz), SZ_4G - (u64)PAGE_OFFSET);

	if (t1sz <= TTBR_TXSZ_L1_MAX) {
		/* Level 1 start: TTBR1 points at the first kernel entry. */
		KUNIT_EXPECT_EQ(test, (unsigned long)TTBR1_OFFSET,
				l1_index * sizeof(pgd_t));
		KUNIT_EXPECT_EQ(test, TTBR1_OFFSET % TTBR_L1_BASE_ALIGN(t1sz),
				0);
	} else {
		/* Level 2 start: the PMD page after the PGD page in swapper. */
		KUNIT_EXPECT_EQ(test, (unsigned long)TTBR1_OFFSET,
				PAGE_SIZE * (1 + l1_index));
		KUNIT_EXPECT_EQ(test, TTBR1_OFFSET % TTBR_L2_BASE_ALIGN(t1sz),
				0);
	}
}

static void ttbr_asid_field(struct kunit *test)
{
	BUILD_BUG_ON(TTBR_ASID_MASK != 0xffULL << 48);
	BUILD_BUG_ON(TTBR_ASID_BITS != 8);

	KUNIT_EXPECT_EQ(test, TTBR_ASID_MASK & PHYS_MASK, 0ULL);
	KUNIT_EXPECT_EQ(test, (0xa5ULL << TTBR_ASID_SHIFT) & TTBR_ASID_MASK,
			0xa5ULL << 48);
}

static void ttbr_base_alignment_rule(struct kunit *test)
{
	/* Level 1 tables: 4 or 2 entries. */
	KUNIT_EXPECT_EQ(test, TTBR_L1_BASE_ALIGN(0), 32);
	KUNIT_EXPECT_EQ(test, TTBR_L1_BASE_ALIGN(1), 16);
	/* Level 2 tables: a full page for 1 GiB, 128 bytes for 32 MiB. */
	KUNIT_EXPECT_EQ(test, TTBR_L2_BASE_ALIGN(2), 4096);
	KUNIT_EXPECT_EQ(test, TTBR_L2_BASE_ALIGN(7), 128);
	KUNIT_EXPECT_EQ(test, TTBR_TXSZ_L1_MAX, 1);
}

static void phys_mask_is_40_bits(struct kunit *test)
{
	BUILD_BUG_ON(PHYS_MASK_SHIFT != 40);
	BUILD_BUG_ON(MAX_POSSIBLE_PHYSMEM_BITS != 40);

	KUNIT_EXPECT_EQ(test, (u64)PHYS_MASK, GENMASK_ULL(39, 0));
	KUNIT_EXPECT_EQ(test, (u64)LPAE_L3_PAGE_OA_MASK, GENMASK_ULL(39, 12));
	KUNIT_EXPECT_EQ(test, (u64)LPAE_L2_BLOCK_OA_MASK, GENMASK_ULL(39, 21));
	KUNIT_EXPECT_EQ(test, (u64)LPAE_L1_BLOCK_OA_MASK, GENMASK_ULL(39, 30));
	KUNIT_EXPECT_EQ(test, (u64)LPAE_TABLE_ADDR_MASK, GENMASK_ULL(39, 12));
}

static void address_masks_sign_extend(struct kunit *test)
{
	u64 desc = 0xab12345678ULL;
	unsigned long va = 0xc0345678UL;

	/* On a 64-bit value the mask keeps the bits above 31. */
	KUNIT_EXPECT_EQ(test, desc & PMD_MASK, 0xab12200000ULL);
	KUNIT_EXPECT_EQ(test, desc & SECTION_MASK, 0xab12200000ULL);
	KUNIT_EXPECT_EQ(test, desc & PGDIR_MASK, 0xab00000000ULL);
	/* On a virtual address it is a plain 32-bit mask. */
	KUNIT_EXPECT_EQ(test, va & PMD_MASK, 0xc0200000UL);
	KUNIT_EXPECT_EQ(test, va & PGDIR_MASK, 0xc0000000UL);
}

static void compat_fields_are_zero(struct kunit *test)
{
	/* Short-descriptor fields that shared code ORs in. */
	KUNIT_EXPECT_EQ(test, (u64)PMD_BIT4, 0ULL);
	KUNIT_EXPECT_EQ(test, (u64)PMD_DOMAIN(15), 0ULL);
	KUNIT_EXPECT_EQ(test, (u64)PMD_SECT_AP_WRITE, 0ULL);
	KUNIT_EXPECT_EQ(test, (u64)PMD_SECT_AP_READ, 0ULL);
	KUNIT_EXPECT_EQ(test, (u64)PMD_SECT_TEX(7), 0ULL);
	KUNIT_EXPECT_EQ(test, (u64)(PMD_TYPE_TABLE | PMD_BIT4 | PMD_DOMAIN(1)),
			3ULL);
}

static void table_attribute_bits(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, (u64)PMD_PXNTABLE, BIT_ULL(59));
	KUNIT_EXPECT_EQ(test, (u64)PMD_XNTABLE, BIT_ULL(60));
	KUNIT_EXPECT_EQ(test, (u64)PMD_APTABLE, GENMASK_ULL(62, 61));
	KUNIT_EXPECT_EQ(test, (u64)(LPAE_APTABLE_NO_PL0 | LPAE_APTABLE_RDONLY),
			(u64)PMD_APTABLE);
	KUNIT_EXPECT_EQ(test, (u64)PMD_NSTABLE, BIT_ULL(63));
	KUNIT_EXPECT_EQ(test, (u64)LPAE_CONTIGUOUS, BIT_ULL(52));
	KUNIT_EXPECT_EQ(test, (u64)LPAE_NS, BIT_ULL(5));
}

/* ---- pfn <-> pte ---- */

static void expect_pte_pfn_round_trip(struct kunit *test, unsigned long pfn)
{
	pte_t pte = pfn_pte(pfn, __pgprot(NON_OA_BITS_PAGE));

	KUNIT_EXPECT_EQ_MSG(test, pte_pfn(pte), pfn, "pfn %#lx", pfn);
	KUNIT_EXPECT_EQ_MSG(test, (u64)(pte_val(pte) & LPAE_L3_PAGE_OA_MASK),
			    (u64)pfn << PAGE_SHIFT, "pfn %#lx", pfn);
}

static void pte_pfn_round_trip_low(struct kunit *test)
{
	expect_pte_pfn_round_trip(test, 0x1);
	expect_pte_pfn_round_trip(test, 0x80000);
	expect_pte_pfn_round_trip(test, 0xfffff);
}

static void pte_pfn_round_trip_above_4gib(struct kunit *test)
{
	expect_pte_pfn_round_trip(test, 0x100000);
	expect_pte_pfn_round_trip(test, 0x100001);
	expect_pte_pfn_round_trip(test, 0x180000);
	expect_pte_pfn_round_trip(test, 0x7ffffff);
}

static void pte_pfn_round_trip_max(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, MAX_PFN_40BIT, 0xfffffffULL);
	expect_pte_pfn_round_trip(test, MAX_PFN_40BIT);
}

static void pte_pfn_every_pfn_bit(struct kunit *test)
{
	int bit;

	for (bit = 0; bit < PHYS_MASK_SHIFT - PAGE_SHIFT; bit++)
		expect_pte_pfn_round_trip(test, 1UL << bit);
}

static void pte_pfn_ignores_attribute_bits(struct kunit *test)
{
	unsigned long pfn = 0xabcdef1;
	pte_t bare = pfn_pte(pfn, __pgprot(0));
	pte_t full = __pte(pte_val(bare) | LPAE_CONTIGUOUS | GENMASK_ULL(62, 59)
			   | L_PTE_XN | L_PTE_DIRTY | L_PTE_RDONLY | 0xfff);

	KUNIT_EXPECT_EQ(test, pte_pfn(bare), pfn);
	KUNIT_EXPECT_EQ(test, pte_pfn(full), pfn);
}

static void pfn_pte_keeps_prot_bits(struct kunit *test)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(test_pfns); i++) {
		unsigned long pfn = test_pfns[i];
		pte_t pte = pfn_pte(pfn, __pgprot(NON_OA_BITS_PAGE));

		KUNIT_EXPECT_EQ_MSG(test, (u64)pte_val(pte),
				    ((u64)pfn << PAGE_SHIFT) | NON_OA_BITS_PAGE,
				    "pfn %#lx", pfn);
	}
}

/* ---- pfn <-> 2 MiB block pmd ---- */

static void expect_pmd_pfn_round_trip(struct kunit *test, unsigned long pfn)
{
	pmd_t pmd = pfn_pmd(pfn, __pgprot(NON_OA_BITS_BLOCK & ~PMD_TABLE_BIT));

	KUNIT_EXPECT_EQ_MSG(test, pmd_pfn(pmd), pfn, "pfn %#lx", pfn);
	KUNIT_EXPECT_EQ_MSG(test, pmd_pfn(pmd_mkhuge(pmd)), pfn,
			    "pfn %#lx", pfn);
}

static void pmd_pfn_round_trip_low(struct kunit *test)
{
	expect_pmd_pfn_round_trip(test, 0x200);
	expect_pmd_pfn_round_trip(test, 0x80000);
	expect_pmd_pfn_round_trip(test, 0xffe00);
}

static void pmd_pfn_round_trip_above_4gib(struct kunit *test)
{
	expect_pmd_pfn_round_trip(test, 0x100000);
	expect_pmd_pfn_round_trip(test, 0x180000);
	expect_pmd_pfn_round_trip(test, 0x7ffe00);
}

static void pmd_pfn_round_trip_max(struct kunit *test)
{
	unsigned long pfn = MAX_PFN_40BIT & ~(PFNS_PER_BLOCK - 1);

	KUNIT_EXPECT_EQ(test, pfn, 0xffffe00UL);
	expect_pmd_pfn_round_trip(test, pfn);
}

static void pmd_pfn_every_block_bit(struct kunit *test)
{
	int bit;

	for (bit = PMD_SHIFT - PAGE_SHIFT; bit < PHYS_MASK_SHIFT - PAGE_SHIFT;
	     bit++)
		expect_pmd_pfn_round_trip(test, 1UL << bit);
}

static void pmd_pfn_rounds_to_block(struct kunit *test)
{
	/* Bits [20:12] are not part of a block's output address. */
	KUNIT_EXPECT_EQ(test, pmd_pfn(pfn_pmd(0x1801ff, __pgprot(0))),
			0x180000UL);
	KUNIT_EXPECT_EQ(test, pmd_pfn(__pmd(0xffffffffffffffffULL)),
			0xffffe00UL);
}

static void pfn_pmd_keeps_prot_bits(struct kunit *test)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(test_block_pfns); i++) {
		unsigned long pfn = test_block_pfns[i];
		pmd_t pmd = pfn_pmd(pfn, __pgprot(NON_OA_BITS_BLOCK));

		KUNIT_EXPECT_EQ_MSG(test, (u64)pmd_val(pmd),
				    ((u64)pfn << PAGE_SHIFT) | NON_OA_BITS_BLOCK,
				    "pfn %#lx", pfn);
	}
}

/* ---- Level 1 table entries ---- */

static void pud_pgtable_lowmem_with_all_bits(struct kunit *test)
{
	void *table = page_address(ZERO_PAGE(0));
	phys_addr_t pa = __pa(table);
	pud_t pud = __pud(pa | PMD_TYPE_TABLE | L_PGD_SWAPPER |
			  ~LPAE_TABLE_ADDR_MASK);

	KUNIT_EXPECT_PTR_EQ(test, (void *)pud_pgtable(pud), table);
	KUNIT_EXPECT_PTR_EQ(test, (void *)pmd_offset(&pud, 0), table);
	KUNIT_EXPECT_PTR_EQ(test, (void *)pmd_offset(&pud, PMD_SIZE * 3),
			    table + 3 * sizeof(pmd_t));
}

static void pud_page_paddr_round_trip(struct kunit *test)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(test_pfns); i++) {
		phys_addr_t pa = PFN_PHYS(test_pfns[i]);
		pud_t pud = __pud(pa | PMD_TYPE_TABLE | ~LPAE_TABLE_ADDR_MASK);

		KUNIT_EXPECT_EQ_MSG(test, (u64)pud_page_paddr(pud), (u64)pa,
				    "pfn %#lx", test_pfns[i]);
	}
}

static void pud_page_paddr_every_bit(struct kunit *test)
{
	int bit;

	for (bit = PAGE_SHIFT; bit < PHYS_MASK_SHIFT; bit++) {
		pud_t pud = __pud(BIT_ULL(bit) | PMD_TYPE_TABLE |
				  L_PGD_SWAPPER);

		KUNIT_EXPECT_EQ_MSG(test, (u64)pud_page_paddr(pud),
				    BIT_ULL(bit), "bit %d", bit);
	}
}

static void pmd_page_vaddr_lowmem(struct kunit *test)
{
	void *table = page_address(ZERO_PAGE(0));
	pmd_t pmd = __pmd(__pa(table) | PMD_TYPE_TABLE | ~LPAE_TABLE_ADDR_MASK);

	KUNIT_EXPECT_PTR_EQ(test, (void *)pmd_page_vaddr(pmd), table);
	KUNIT_EXPECT_PTR_EQ(test, pmd_page(pmd), ZERO_PAGE(0));
}

static void pud_none_and_present(struct kunit *test)
{
	pud_t table = __pud(PFN_PHYS(0x180000) | PMD_TYPE_TABLE);

	KUNIT_EXPECT_TRUE(test, pud_none(__pud(0)));
	KUNIT_EXPECT_FALSE(test, pud_present(__pud(0)));
	KUNIT_EXPECT_FALSE(test, pud_none(table));
	KUNIT_EXPECT_TRUE(test, pud_present(table));
}

static void pud_bad_on_block_and_table(struct kunit *test)
{
	KUNIT_EXPECT_FALSE(test, pud_bad(__pud(PFN_PHYS(0x180000) |
					       PMD_TYPE_TABLE | L_PGD_SWAPPER)));
	KUNIT_EXPECT_TRUE(test, pud_bad(__pud(PFN_PHYS(0x180000) |
					      PMD_TYPE_SECT)));
}

static void pud_present_high_bits_only(struct kunit *test)
{
	/* Only bits above 31 set: must not be truncated away. */
	int present = pud_present(__pud(L_PGD_SWAPPER));
	int none = pud_none(__pud(BIT_ULL(32)));

	KUNIT_EXPECT_NE(test, present, 0);
	KUNIT_EXPECT_EQ(test, none, 0);
}

/* ---- pte software state ---- */

static void pte_young_mkold_mkyoung(struct kunit *test)
{
	pte_t pte = test_pte(0x180000);

	KUNIT_EXPECT_TRUE(test, pte_young(pte));
	KUNIT_EXPECT_FALSE(test, pte_young(pte_mkold(pte)));
	KUNIT_EXPECT_EQ(test, (u64)pte_val(pte_mkold(pte)),
			(u64)(pte_val(pte) & ~LPAE_AF));
	KUNIT_EXPECT_TRUE(test, pte_young(pte_mkyoung(pte_mkold(pte))));
	KUNIT_EXPECT_EQ(test, (u64)pte_val(pte_mkyoung(pte_mkold(pte))),
			(u64)pte_val(pte));
}

static void pte_dirty_mkdirty_mkclean(struct kunit *test)
{
	pte_t pte = test_pte(0x180000);

	KUNIT_EXPECT_TRUE(test, pte_dirty(pte));
	KUNIT_EXPECT_FALSE(test, pte_dirty(pte_mkclean(pte)));
	KUNIT_EXPECT_EQ(test, (u64)pte_val(pte_mkclean(pte)),
			(u64)(pte_val(pte) & ~BIT_ULL(55)));
	KUNIT_EXPECT_TRUE(test, pte_dirty(pte_mkdirty(pte_mkclean(pte))));
	KUNIT_EXPECT_EQ(test, pte_pfn(pte_mkclean(pte)), 0x180000UL);
}

static void pte_write_wrprotect_mkwrite(struct kunit *test)
{
	pte_t pte = test_pte(0x180000);

	KUNIT_EXPECT_TRUE(test, pte_write(pte));
	KUNIT_EXPECT_FALSE(test, pte_write(pte_wrprotect(pte)));
	KUNIT_EXPECT_EQ(test, (u64)pte_val(pte_wrprotect(pte)),
			(u64)(pte_val(pte) | BIT_ULL(58)));
	KUNIT_EXPECT_TRUE(test, pte_write(pte_mkwrite(pte_wrprotect(pte))));
}

static void pte_exec_mknexec_mkexec(struct kunit *test)
{
	pte_t pte = test_pte(0x180000);

	KUNIT_EXPECT_TRUE(test, pte_exec(pte));
	KUNIT_EXPECT_FALSE(test, pte_exec(pte_mknexec(pte)));
	KUNIT_EXPECT_EQ(test, (u64)pte_val(pte_mknexec(pte)),
			(u64)(pte_val(pte) | BIT_ULL(54)));
	KUNIT_EXPECT_TRUE(test, pte_exec(pte_mkexec(pte_mknexec(pte))));
}

static void pte_special_mkspecial(struct kunit *test)
{
	pte_t pte = test_pte(0x180000);

	KUNIT_EXPECT_FALSE(test, pte_special(pte));
	KUNIT_EXPECT_TRUE(test, pte_special(pte_mkspecial(pte)));
	KUNIT_EXPECT_EQ(test, (u64)pte_val(pte_mkspecial(pte)),
			(u64)(pte_val(pte) | BIT_ULL(56)));
}

static void pte_user_access_permitted(struct kunit *test)
{
	pte_t user = test_pte(0x180000);
	pte_t kernel = __pte(pte_val(user) & ~L_PTE_USER);

	KUNIT_EXPECT_TRUE(test, pte_access_permitted(user, false));
	KUNIT_EXPECT_TRUE(test, pte_access_permitted(user, true));
	KUNIT_EXPECT_FALSE(test, pte_access_permitted(kernel, false));
	KUNIT_EXPECT_FALSE(test,
			   pte_access_permitted(pte_wrprotect(user), true));
	KUNIT_EXPECT_TRUE(test, pte_valid_user(user));
	KUNIT_EXPECT_FALSE(test, pte_valid_user(kernel));
}

static void pte_prot_none_present_not_valid(struct kunit *test)
{
	pte_t none = pte_modify(test_pte(0x180000), __PAGE_NONE);
	/* What cpu_v7_set_pte_ext() stores for a L_PTE_NONE entry. */
	pte_t stored = __pte(pte_val(none) & ~L_PTE_VALID);

	KUNIT_EXPECT_NE(test, pte_val(none) & L_PTE_NONE, 0ULL);
	KUNIT_EXPECT_TRUE(test, pte_present(stored));
	KUNIT_EXPECT_FALSE(test, pte_valid(stored));
	KUNIT_EXPECT_EQ(test, (u64)(pte_val(stored) & PTE_TYPE_MASK),
			(u64)PTE_TABLE_BIT);
	KUNIT_EXPECT_FALSE(test, pte_access_permitted(stored, false));
	KUNIT_EXPECT_EQ(test, pte_pfn(stored), 0x180000UL);
}

static void pte_predicates_do_not_truncate(struct kunit *test)
{
	pte_t pte = __pte(L_PTE_DIRTY | L_PTE_SPECIAL);
	int dirty = pte_dirty(pte);
	int special = pte_special(pte);
	int nexec = !pte_exec(__pte(L_PTE_XN));
	int nwrite = !pte_write(__pte(L_PTE_RDONLY));

	KUNIT_EXPECT_NE(test, dirty, 0);
	KUNIT_EXPECT_NE(test, special, 0);
	KUNIT_EXPECT_NE(test, nexec, 0);
	KUNIT_EXPECT_NE(test, nwrite, 0);
}

static void pte_modify_keeps_pfn_and_state(struct kunit *test)
{
	pte_t pte = pte_mkspecial(test_pte(0xfedcba9));
	pte_t mod = pte_modify(pte, __PAGE_READONLY);

	KUNIT_EXPECT_EQ(test, pte_pfn(mod), 0xfedcba9UL);
	KUNIT_EXPECT_TRUE(test, pte_dirty(mod));
	KUNIT_EXPECT_TRUE(test, pte_young(mod));
	KUNIT_EXPECT_TRUE(test, pte_special(mod));
	KUNIT_EXPECT_EQ(test, (u64)(pte_val(mod) & L_PTE_MT_MASK),
			(u64)L_PTE_MT_WRITEALLOC);
	KUNIT_EXPECT_EQ(test, (u64)(pte_val(mod) & L_PTE_SHARED),
			(u64)L_PTE_SHARED);
}

static void pte_modify_sets_protection_bits(struct kunit *test)
{
	pte_t pte = test_pte(0x180000);
	pte_t ro = pte_modify(pte, __PAGE_READONLY);
	pte_t rw = pte_modify(ro, __PAGE_SHARED_EXEC);

	KUNIT_EXPECT_FALSE(test, pte_write(ro));
	KUNIT_EXPECT_FALSE(test, pte_exec(ro));
	KUNIT_EXPECT_TRUE(test, pte_write(rw));
	KUNIT_EXPECT_TRUE(test, pte_exec(rw));
	KUNIT_EXPECT_TRUE(test, pte_valid_user(rw));
}

static void pte_modify_prot_none_round_trip(struct kunit *test)
{
	pte_t pte = test_pte(0x180000);
	pte_t none = pte_modify(pte, __PAGE_NONE);
	pte_t back = pte_modify(__pte(pte_val(none) & ~L_PTE_VALID),
				__PAGE_SHARED_EXEC);

	KUNIT_EXPECT_EQ(test, (u64)(pte_val(back) & L_PTE_NONE), 0ULL);
	KUNIT_EXPECT_TRUE(test, pte_valid(back));
	KUNIT_EXPECT_EQ(test, (u64)pte_val(back), (u64)pte_val(pte));
}

static void pte_same_ignores_ng(struct kunit *test)
{
	pte_t pte = test_pte(0xfffff00);
	pte_t ng = __pte(pte_val(pte) | PTE_EXT_NG);

	KUNIT_EXPECT_TRUE(test, pte_same(pte, ng));
	KUNIT_EXPECT_TRUE(test, pte_same(ng, pte));
	KUNIT_EXPECT_FALSE(test, pte_same(pte, pte_mkclean(ng)));
	KUNIT_EXPECT_FALSE(test, pte_same(pte, pfn_pte(0xeffff00,
						       __pgprot(0))));
}

static void pte_same_compares_swap_offset(struct kunit *test)
{
	/* Offset bit 4 of a swap entry sits where nG is in a page. */
	pte_t a = __swp_entry_to_pte(__swp_entry(1, 0x100));
	pte_t b = __swp_entry_to_pte(__swp_entry(1, 0x110));

	KUNIT_EXPECT_EQ(test, (u64)(pte_val(a) ^ pte_val(b)), (u64)PTE_EXT_NG);
	KUNIT_EXPECT_FALSE(test, pte_same(a, b));
	KUNIT_EXPECT_TRUE(test, pte_same(a, a));
}

static void pte_huge_mkhuge(struct kunit *test)
{
	pte_t pte = test_pte(0x180000);

	KUNIT_EXPECT_FALSE(test, pte_huge(pte));
	KUNIT_EXPECT_TRUE(test, pte_huge(pte_mkhuge(pte)));
	KUNIT_EXPECT_EQ(test, (u64)pte_val(pte_mkhuge(pte)),
			(u64)(pte_val(pte) & ~PTE_TABLE_BIT));
	KUNIT_EXPECT_FALSE(test, pte_huge(__pte(0)));
}

/* ---- Swap entries ---- */

static void swap_entry_round_trip_max(struct kunit *test)
{
	unsigned long type = __SWP_TYPE_MASK;
	unsigned long offset = ULONG_MAX >> __SWP_OFFSET_SHIFT;
	pte_t pte = __swp_entry_to_pte(__swp_entry(type, offset));
	swp_entry_t back = __pte_to_swp_entry(pte);

	KUNIT_EXPECT_EQ(test, __swp_type(back), type);
	KUNIT_EXPECT_EQ(test, __swp_offset(back), offset);
}

static void swap_entry_hw_invalid(struct kunit *test)
{
	pte_t pte = __swp_entry_to_pte(__swp_entry(__SWP_TYPE_MASK,
						   ULONG_MAX >> 7));

	KUNIT_EXPECT_EQ(test, (u64)(pte_val(pte) & PTE_TYPE_MASK),
			(u64)PTE_TYPE_FAULT);
	KUNIT_EXPECT_FALSE(test, pte_present(pte));
	KUNIT_EXPECT_FALSE(test, pte_none(pte));
}

static void swap_entry_every_offset_bit(struct kunit *test)
{
	int bit;

	for (bit = 0; bit < BITS_PER_LONG - __SWP_OFFSET_SHIFT; bit++) {
		pte_t pte = __swp_entry_to_pte(__swp_entry(3, 1UL << bit));

		KUNIT_EXPECT_EQ_MSG(test, __swp_offset(__pte_to_swp_entry(pte)),
				    1UL << bit, "bit %d", bit);
		KUNIT_EXPECT_EQ_MSG(test, __swp_type(__pte_to_swp_entry(pte)),
				    3UL, "bit %d", bit);
		KUNIT_EXPECT_FALSE_MSG(test, pte_present(pte), "bit %d", bit);
	}
}

static void swap_entry_generic_round_trip(struct kunit *test)
{
	swp_entry_t entry = swp_entry(MAX_SWAPFILES - 1, 0x1234567);
	pte_t pte = swp_entry_to_pte(entry);

	KUNIT_EXPECT_EQ(test, swp_type(pte_to_swp_entry(pte)),
			(unsigned int)(MAX_SWAPFILES - 1));
	KUNIT_EXPECT_EQ(test, swp_offset(pte_to_swp_entry(pte)), 0x1234567UL);
	KUNIT_EXPECT_TRUE(test, is_swap_pte(pte));
}

/* ---- 2 MiB block software state ---- */

static void pmd_young_mkold_mkyoung(struct kunit *test)
{
	pmd_t pmd = test_block(0x180000);

	KUNIT_EXPECT_TRUE(test, pmd_young(pmd));
	KUNIT_EXPECT_FALSE(test, pmd_young(pmd_mkold(pmd)));
	KUNIT_EXPECT_EQ(test, (u64)pmd_val(pmd_mkold(pmd)),
			(u64)(pmd_val(pmd) & ~BIT_ULL(10)));
	KUNIT_EXPECT_EQ(test, (u64)pmd_val(pmd_mkyoung(pmd_mkold(pmd))),
			(u64)pmd_val(pmd));
}

static void pmd_dirty_mkdirty_mkclean(struct kunit *test)
{
	pmd_t pmd = test_block(0x180000);

	KUNIT_EXPECT_TRUE(test, pmd_dirty(pmd));
	KUNIT_EXPECT_FALSE(test, pmd_dirty(pmd_mkclean(pmd)));
	KUNIT_EXPECT_EQ(test, (u64)pmd_val(pmd_mkclean(pmd)),
			(u64)(pmd_val(pmd) & ~BIT_ULL(55)));
	KUNIT_EXPECT_EQ(test, (u64)pmd_val(pmd_mkdirty(pmd_mkclean(pmd))),
			(u64)pmd_val(pmd));
}

static void pmd_write_wrprotect_mkwrite(struct kunit *test)
{
	pmd_t pmd = test_block(0x180000);

	KUNIT_EXPECT_TRUE(test, pmd_write(pmd));
	KUNIT_EXPECT_FALSE(test, pmd_write(pmd_wrprotect(pmd)));
	KUNIT_EXPECT_EQ(test, (u64)pmd_val(pmd_wrprotect(pmd)),
			(u64)(pmd_val(pmd) | BIT_ULL(58)));
	KUNIT_EXPECT_EQ(test, (u64)pmd_val(pmd_mkwrite(pmd_wrprotect(pmd))),
			(u64)pmd_val(pmd));
	KUNIT_EXPECT_TRUE(test, pud_write(__pud(pmd_val(pmd))));
}

static void pmd_present_valid_or_prot_none(struct kunit *test)
{
	pmd_t pmd = test_block(0x180000);

	KUNIT_EXPECT_TRUE(test, pmd_present(pmd));
	KUNIT_EXPECT_TRUE(test, pmd_present(__pmd(PFN_PHYS(0x180000) |
						  PMD_TYPE_TABLE)));
	KUNIT_EXPECT_FALSE(test, pmd_present(__pmd(0)));
	KUNIT_EXPECT_FALSE(test, pmd_present(__pmd(pmd_val(pmd) &
						   ~L_PMD_SECT_VALID)));
	/* Bit 57 alone must not be truncated away. */
	KUNIT_EXPECT_TRUE(test, pmd_present(__pmd(L_PMD_SECT_NONE)));
}

static void pmd_prot_none_present_not_valid(struct kunit *test)
{
	pmd_t none = pmd_to_hw(pmd_modify(test_block(0x180000), __PAGE_NONE));

	KUNIT_EXPECT_EQ(test, (u64)(pmd_val(none) & LPAE_DESC_VALID), 0ULL);
	KUNIT_EXPECT_TRUE(test, pmd_present(none));
	KUNIT_EXPECT_FALSE(test, pmd_access_permitted(none, false));
	KUNIT_EXPECT_FALSE(test, pmd_access_permitted(none, true));
}

static void pmd_access_permitted_cases(struct kunit *test)
{
	pmd_t pmd = test_block(0x180000);
	pmd_t kernel = __pmd(pmd_val(pmd) & ~PMD_SECT_USER);

	KUNIT_EXPECT_TRUE(test, pmd_access_permitted(pmd, false));
	KUNIT_EXPECT_TRUE(test, pmd_access_permitted(pmd, true));
	KUNIT_EXPECT_TRUE(test, pmd_access_permitted(pmd_wrprotect(pmd),
						     false));
	KUNIT_EXPECT_FALSE(test, pmd_access_permitted(pmd_wrprotect(pmd),
						      true));
	KUNIT_EXPECT_FALSE(test, pmd_access_permitted(kernel, false));
	KUNIT_EXPECT_FALSE(test, pmd_access_permitted(pmd_mkinvalid(pmd),
						      false));
}

/*
 * A block invalidated for a split faults in hardware (bit 0 clear) but
 * is still a present huge leaf to Linux, which is what pmdp_invalidate()
 * callers and lockless walkers rely on; nothing else of it changes.
 */
static void pmd_mkinvalid_keeps_rest(struct kunit *test)
{
	pmd_t pmd = test_block(0x180000);
	pmd_t inv = pmd_mkinvalid(pmd);
	pmd_t stored = pmd_to_hw(inv);

	KUNIT_EXPECT_TRUE(test, pmd_present(inv));
	KUNIT_EXPECT_TRUE(test, pmd_leaf(inv));
	KUNIT_EXPECT_EQ(test, (u64)pmd_val(inv),
			(u64)((pmd_val(pmd) & ~BIT_ULL(0)) | L_PMD_SECT_NONE));
	KUNIT_EXPECT_EQ(test, pmd_pfn(inv), 0x180000UL);
	KUNIT_EXPECT_FALSE(test, pmd_none(inv));
	KUNIT_EXPECT_EQ(test, (u64)(pmd_val(stored) & LPAE_DESC_VALID), 0ULL);
	KUNIT_EXPECT_TRUE(test, pmd_present(stored));
	KUNIT_EXPECT_FALSE(test, pmd_access_permitted(stored, false));
}

static void pmd_table_sect_leaf(struct kunit *test)
{
	pmd_t table = __pmd(PFN_PHYS(0x180000) | PMD_TYPE_TABLE);
	pmd_t block = test_block(0x180000);

	KUNIT_EXPECT_TRUE(test, pmd_table(table));
	KUNIT_EXPECT_FALSE(test, pmd_sect(table));
	KUNIT_EXPECT_FALSE(test, pmd_leaf(table));
	KUNIT_EXPECT_TRUE(test, pmd_sect(block));
	KUNIT_EXPECT_FALSE(test, pmd_table(block));
	KUNIT_EXPECT_TRUE(test, pmd_leaf(block));
	KUNIT_EXPECT_TRUE(test, pmd_large(block));
	KUNIT_EXPECT_FALSE(test, pmd_sect(__pmd(0)));
}

/*
 * A PROT_NONE huge page as set_pmd_at() stores it: type bits 00. It is
 * still a mapped huge page, so every predicate a generic walker asks
 * must say "leaf": present, leaf/large, trans_huge, and never a table.
 */
static void pmd_prot_none_block_is_leaf(struct kunit *test)
{
	pmd_t none = pmd_to_hw(pmd_modify(test_block(0x180000), __PAGE_NONE));
	pmd_t entries[] = {
		test_block(0x180000),
		none,
		pmd_to_hw(test_block(0xfedcc00)),
		__pmd(PFN_PHYS(0x180000) | PMD_TYPE_TABLE),
	};
	unsigned int i;

	KUNIT_ASSERT_EQ(test, (u64)(pmd_val(none) & PMD_TYPE_MASK), 0ULL);
	KUNIT_EXPECT_TRUE(test, pmd_present(none));
	KUNIT_EXPECT_TRUE(test, pmd_leaf(none));
	KUNIT_EXPECT_TRUE(test, pmd_large(none));
	KUNIT_EXPECT_FALSE(test, pmd_table(none));
	KUNIT_EXPECT_EQ(test, pmd_pfn(none), 0x180000UL);

	/* Present entries are exactly one of leaf and table. */
	for (i = 0; i < ARRAY_SIZE(entries); i++) {
		pmd_t pmd = entries[i];

		KUNIT_EXPECT_TRUE(test, pmd_present(pmd));
		KUNIT_EXPECT_NE_MSG(test, pmd_leaf(pmd), pmd_table(pmd),
				    "entry %u: %016llx", i, (u64)pmd_val(pmd));
		KUNIT_EXPECT_EQ(test, !!pmd_leaf(pmd), !!pmd_large(pmd));
#ifdef CONFIG_TRANSPARENT_HUGEPAGE
		KUNIT_EXPECT_EQ(test, !!pmd_leaf(pmd), !!pmd_trans_huge(pmd));
#endif
	}
	KUNIT_EXPECT_FALSE(test, pmd_leaf(__pmd(0)));
	/* A block made invalid for a split still maps its huge page. */
	KUNIT_EXPECT_TRUE(test, pmd_leaf(pmd_mkinvalid(test_block(0x180000))));
}

static void pmd_bad_block_and_table(struct kunit *test)
{
	KUNIT_EXPECT_FALSE(test, pmd_bad(__pmd(PFN_PHYS(0x180000) |
					       PMD_TYPE_TABLE)));
	KUNIT_EXPECT_TRUE(test, pmd_bad(test_block(0x180000)));
}

static void pmd_mkhuge_makes_block(struct kunit *test)
{
	pmd_t table = __pmd(PFN_PHYS(0x180000) | PMD_TYPE_TABLE | L_PTE_XN);
	pmd_t huge = pmd_mkhuge(table);

	KUNIT_EXPECT_EQ(test, (u64)(pmd_val(huge) & PMD_TYPE_MASK),
			(u64)PMD_TYPE_SECT);
	KUNIT_EXPECT_EQ(test, (u64)pmd_val(huge),
			(u64)(pmd_val(table) & ~BIT_ULL(1)));
}

static void pmd_trans_huge_block_not_table(struct kunit *test)
{
#ifdef CONFIG_TRANSPARENT_HUGEPAGE
	pmd_t block = test_block(0x180000);

	KUNIT_EXPECT_TRUE(test, pmd_trans_huge(block));
	/* An invalidated block has bit 0 clear and is still huge. */
	KUNIT_EXPECT_TRUE(test, pmd_trans_huge(pmd_mkinvalid(block)));
	KUNIT_EXPECT_FALSE(test, pmd_trans_huge(__pmd(PFN_PHYS(0x180000) |
						      PMD_TYPE_TABLE)));
	KUNIT_EXPECT_FALSE(test, pmd_trans_huge(__pmd(0)));
	KUNIT_EXPECT_TRUE(test, pmd_thp_or_huge(block));
#else
	kunit_skip(test, "CONFIG_TRANSPARENT_HUGEPAGE is off");
#endif
}

static void pmd_hugewillfault_cases(struct kunit *test)
{
	pmd_t pmd = test_block(0x180000);

	KUNIT_EXPECT_FALSE(test, pmd_hugewillfault(pmd));
	KUNIT_EXPECT_TRUE(test, pmd_hugewillfault(pmd_mkold(pmd)));
	KUNIT_EXPECT_TRUE(test, pmd_hugewillfault(pmd_mkclean(pmd)));
	KUNIT_EXPECT_TRUE(test, pmd_hugewillfault(pmd_wrprotect(pmd)));
}

static void pmd_modify_keeps_pfn_and_state(struct kunit *test)
{
	pmd_t pmd = test_block(0x7ffe00);
	pmd_t mod = pmd_modify(pmd, __PAGE_READONLY);

	KUNIT_EXPECT_EQ(test, pmd_pfn(mod), 0x7ffe00UL);
	KUNIT_EXPECT_TRUE(test, pmd_young(mod));
	KUNIT_EXPECT_TRUE(test, pmd_dirty(mod));
	KUNIT_EXPECT_FALSE(test, pmd_write(mod));
	KUNIT_EXPECT_NE(test, (u64)(pmd_val(mod) & PMD_SECT_XN), 0ULL);
	KUNIT_EXPECT_EQ(test, (u64)(pmd_val(mod) & PMD_SECT_CACHE_MASK),
			(u64)PMD_SECT_WBWA);
	KUNIT_EXPECT_EQ(test, (u64)(pmd_val(mod) & PMD_TYPE_MASK),
			(u64)PMD_TYPE_SECT);
}

static void pmd_modify_prot_none(struct kunit *test)
{
	pmd_t pmd = test_block(0x180000);
	pmd_t none = pmd_modify(pmd, __PAGE_NONE);
	pmd_t back = pmd_modify(pmd_to_hw(none), __PAGE_SHARED_EXEC);

	KUNIT_EXPECT_NE(test, (u64)(pmd_val(none) & L_PMD_SECT_NONE), 0ULL);
	KUNIT_EXPECT_EQ(test, (u64)(pmd_val(none) & PMD_SECT_USER), 0ULL);
	KUNIT_EXPECT_TRUE(test, pmd_present(back));
	KUNIT_EXPECT_EQ(test, (u64)(pmd_val(back) & L_PMD_SECT_NONE), 0ULL);
	KUNIT_EXPECT_EQ(test, pmd_pfn(back), 0x180000UL);
}

static void pmd_to_hw_ap2_from_dirty_and_write(struct kunit *test)
{
	pmd_t pmd = test_block(0x180000);

	/* Dirty and writable: hardware may write. */
	KUNIT_EXPECT_EQ(test, (u64)(pmd_val(pmd_to_hw(pmd)) & PMD_SECT_AP2),
			0ULL);
	/* Clean: the first write must fault to mark it dirty. */
	KUNIT_EXPECT_NE(test,
			(u64)(pmd_val(pmd_to_hw(pmd_mkclean(pmd))) &
			      PMD_SECT_AP2), 0ULL);
	/* Read-only, even if dirty. */
	KUNIT_EXPECT_NE(test,
			(u64)(pmd_val(pmd_to_hw(pmd_wrprotect(pmd))) &
			      PMD_SECT_AP2), 0ULL);
	/* A stale AP2 from a read-back entry is cleared again. */
	KUNIT_EXPECT_EQ(test,
			(u64)(pmd_val(pmd_to_hw(__pmd(pmd_val(pmd) |
						      PMD_SECT_AP2))) &
			      PMD_SECT_AP2), 0ULL);
}

static void pmd_to_hw_prot_none_invalid(struct kunit *test)
{
	pmd_t none = pmd_to_hw(pmd_modify(test_block(0x180000), __PAGE_NONE));

	KUNIT_EXPECT_EQ(test, (u64)(pmd_val(none) & LPAE_DESC_VALID), 0ULL);
	KUNIT_EXPECT_FALSE(test, pmd_none(none));
	KUNIT_EXPECT_EQ(test, pmd_pfn(none), 0x180000UL);
}

static void pmd_to_hw_sets_ng(struct kunit *test)
{
	pmd_t pmd = test_block(0x180000);
	pmd_t hw = pmd_to_hw(pmd);

	KUNIT_EXPECT_NE(test, (u64)(pmd_val(hw) & PMD_SECT_nG), 0ULL);
	KUNIT_EXPECT_EQ(test, (u64)(pmd_val(hw) & ~(PMD_SECT_nG | PMD_SECT_AP2)),
			(u64)pmd_val(pmd));
}

static void huge_pmd_above_4gib(struct kunit *test)
{
	unsigned long pfn = 0xfedcc00;
	pmd_t pmd = pmd_mkyoung(pmd_mkdirty(pmd_mkhuge(pfn_pmd(pfn,
						__pgprot(L_PTE_PRESENT |
							 L_PTE_USER |
							 L_PTE_XN)))));

	KUNIT_EXPECT_EQ(test, (u64)pmd_val(pmd),
			((u64)pfn << PAGE_SHIFT) | PMD_TYPE_SECT | L_PTE_USER |
			L_PTE_XN | L_PMD_SECT_DIRTY | PMD_SECT_AF);
	KUNIT_EXPECT_EQ(test, pmd_pfn(pmd), pfn);
	KUNIT_EXPECT_TRUE(test, pmd_leaf(pmd));
	KUNIT_EXPECT_EQ(test, pmd_pfn(pmd_to_hw(pmd)), pfn);
	KUNIT_EXPECT_EQ(test, pmd_pfn(pmd_wrprotect(pmd_mkold(pmd))), pfn);
}

static void pmd_predicates_do_not_truncate(struct kunit *test)
{
	int dirty = pmd_dirty(__pmd(L_PMD_SECT_DIRTY));
	int nwrite = !pmd_write(__pmd(L_PMD_SECT_RDONLY));
	int ok = !pmd_bad(__pmd(BIT_ULL(39) | PMD_TYPE_TABLE));

	KUNIT_EXPECT_NE(test, dirty, 0);
	KUNIT_EXPECT_NE(test, nwrite, 0);
	KUNIT_EXPECT_NE(test, ok, 0);
	KUNIT_EXPECT_TRUE(test, pmd_isset(__pmd(BIT_ULL(63)), BIT_ULL(63)));
	KUNIT_EXPECT_FALSE(test, pmd_isclear(__pmd(BIT_ULL(63)), BIT_ULL(63)));
}

/* ---- Store helpers, pointed at local variables only ---- */

static void set_pud_and_pud_clear(struct kunit *test)
{
	pud_t slot = __pud(0);
	pud_t val = __pud(PFN_PHYS(0xfffffff) | PMD_TYPE_TABLE);

	set_pud(&slot, val);
	KUNIT_EXPECT_EQ(test, (u64)pud_val(slot), (u64)pud_val(val));
	pud_clear(&slot);
	KUNIT_EXPECT_TRUE(test, pud_none(slot));
}

static void copy_pmd_and_pmd_clear(struct kunit *test)
{
	pmd_t src = test_block(0xffffe00);
	pmd_t dst = __pmd(0);

	copy_pmd(&dst, &src);
	KUNIT_EXPECT_EQ(test, (u64)pmd_val(dst), (u64)pmd_val(src));
	pmd_clear(&dst);
	KUNIT_EXPECT_TRUE(test, pmd_none(dst));
}

static void set_pmd_at_stores_hw_value(struct kunit *test)
{
	pmd_t slot = __pmd(0);
	pmd_t pmd = pmd_mkclean(test_block(0xffffe00));

	set_pmd_at(NULL, 0, &slot, pmd);
	KUNIT_EXPECT_EQ(test, (u64)pmd_val(slot), (u64)pmd_val(pmd_to_hw(pmd)));
	KUNIT_EXPECT_EQ(test, pmd_pfn(slot), 0xffffe00UL);
}

static struct kunit_case arm_lpae_pgtable_cases[] = {
	KUNIT_CASE(mair_registers_match),
	KUNIT_CASE(ttbcr_register_uses_long_descriptors),
	KUNIT_CASE(ttbr1_split_matches_page_offset),
	KUNIT_CASE(ttbr_asid_field),
	KUNIT_CASE(ttbr_base_alignment_rule),
	KUNIT_CASE(phys_mask_is_40_bits),
	KUNIT_CASE(address_masks_sign_extend),
	KUNIT_CASE(compat_fields_are_zero),
	KUNIT_CASE(table_attribute_bits),
	KUNIT_CASE(pte_pfn_round_trip_low),
	KUNIT_CASE(pte_pfn_round_trip_above_4gib),
	KUNIT_CASE(pte_pfn_round_trip_max),
	KUNIT_CASE(pte_pfn_every_pfn_bit),
	KUNIT_CASE(pte_pfn_ignores_attribute_bits),
	KUNIT_CASE(pfn_pte_keeps_prot_bits),
	KUNIT_CASE(pmd_pfn_round_trip_low),
	KUNIT_CASE(pmd_pfn_round_trip_above_4gib),
	KUNIT_CASE(pmd_pfn_round_trip_max),
	KUNIT_CASE(pmd_pfn_every_block_bit),
	KUNIT_CASE(pmd_pfn_rounds_to_block),
	KUNIT_CASE(pfn_pmd_keeps_prot_bits),
	KUNIT_CASE(pud_pgtable_lowmem_with_all_bits),
	KUNIT_CASE(pud_page_paddr_round_trip),
	KUNIT_CASE(pud_page_paddr_every_bit),
	KUNIT_CASE(pmd_page_vaddr_lowmem),
	KUNIT_CASE(pud_none_and_present),
	KUNIT_CASE(pud_bad_on_block_and_table),
	KUNIT_CASE(pud_present_high_bits_only),
	KUNIT_CASE(pte_young_mkold_mkyoung),
	KUNIT_CASE(pte_dirty_mkdirty_mkclean),
	KUNIT_CASE(pte_write_wrprotect_mkwrite),
	KUNIT_CASE(pte_exec_mknexec_mkexec),
	KUNIT_CASE(pte_special_mkspecial),
	KUNIT_CASE(pte_user_access_permitted),
	KUNIT_CASE(pte_prot_none_present_not_valid),
	KUNIT_CASE(pte_predicates_do_not_truncate),
	KUNIT_CASE(pte_modify_keeps_pfn_and_state),
	KUNIT_CASE(pte_modify_sets_protection_bits),
	KUNIT_CASE(pte_modify_prot_none_round_trip),
	KUNIT_CASE(pte_same_ignores_ng),
	KUNIT_CASE(pte_same_compares_swap_offset),
	KUNIT_CASE(pte_huge_mkhuge),
	KUNIT_CASE(swap_entry_round_trip_max),
	KUNIT_CASE(swap_entry_hw_invalid),
	KUNIT_CASE(swap_entry_every_offset_bit),
	KUNIT_CASE(swap_entry_generic_round_trip),
	KUNIT_CASE(pmd_young_mkold_mkyoung),
	KUNIT_CASE(pmd_dirty_mkdirty_mkclean),
	KUNIT_CASE(pmd_write_wrprotect_mkwrite),
	KUNIT_CASE(pmd_present_valid_or_prot_none),
	KUNIT_CASE(pmd_prot_none_present_not_valid),
	KUNIT_CASE(pmd_access_permitted_cases),
	KUNIT_CASE(pmd_mkinvalid_keeps_rest),
	KUNIT_CASE(pmd_table_sect_leaf),
	KUNIT_CASE(pmd_prot_none_block_is_leaf),
	KUNIT_CASE(pmd_bad_block_and_table),
	KUNIT_CASE(pmd_mkhuge_makes_block),
	KUNIT_CASE(pmd_trans_huge_block_not_table),
	KUNIT_CASE(pmd_hugewillfault_cases),
	KUNIT_CASE(pmd_modify_keeps_pfn_and_state),
	KUNIT_CASE(pmd_modify_prot_none),
	KUNIT_CASE(pmd_to_hw_ap2_from_dirty_and_write),
	KUNIT_CASE(pmd_to_hw_prot_none_invalid),
	KUNIT_CASE(pmd_to_hw_sets_ng),
	KUNIT_CASE(huge_pmd_above_4gib),
	KUNIT_CASE(pmd_predicates_do_not_truncate),
	KUNIT_CASE(set_pud_and_pud_clear),
	KUNIT_CASE(copy_pmd_and_pmd_clear),
	KUNIT_CASE(set_pmd_at_stores_hw_value),
	{}
};

static struct kunit_suite arm_lpae_pgtable_suite = {
	.name = "arm_lpae_pgtable",
	.test_cases = arm_lpae_pgtable_cases,
};

kunit_test_suite(arm_lpae_pgtable_suite);

MODULE_DESCRIPTION("KUnit tests for the ARM LPAE page table helpers");
MODULE_LICENSE("GPL");

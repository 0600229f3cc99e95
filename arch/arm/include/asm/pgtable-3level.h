/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Linux page tables on the ARMv7 long-descriptor format (LPAE).
 *
 * The kernel walks the same tables the MMU walks: there is no separate
 * Linux copy of an entry. A 32-bit virtual address is translated in
 * three levels (ARM DDI 0406C, B3.6 "Long-descriptor translation table
 * format"), which Linux names as follows:
 *
 *   level 1  pgd (and the folded pud)  4 entries, 1 GiB each, VA[31:30]
 *   level 2  pmd                      512 entries, 2 MiB each, VA[29:21]
 *   level 3  pte                      512 entries, 4 KiB each, VA[20:12]
 *
 * Linux's own per-entry state lives in the descriptor bits that the table
 * walk ignores or that Linux can derive the hardware meaning of:
 *   - bits [58:55], reserved for software, hold DIRTY, SPECIAL, NONE
 *     (PROT_NONE) and RDONLY for page and block entries, and
 *     L_PGD_SWAPPER for level 1 table entries;
 *   - the access flag is used as the "young" bit, so an old page takes
 *     an access flag fault on its next use;
 *   - a PROT_NONE or swapped-out entry has bit 0 clear, which the
 *     hardware treats as a fault entry.
 * The hardware read-only bit AP[2] is derived from DIRTY and RDONLY when
 * an entry is written (cpu_v7_set_pte_ext() and set_pmd_at()), so that
 * the first write to a clean page faults and marks it dirty.
 *
 * The first part of this file is also read by assembly and by the linker
 * script; the helpers after __ASSEMBLY__ are C only.
 */
#ifndef _ASM_ARM_PGTABLE_3LEVEL_H
#define _ASM_ARM_PGTABLE_3LEVEL_H

#include <linux/const.h>
#include <asm/pgtable-3level-hwdef.h>

/*
 * Table geometry. TTBR0 is programmed with T0SZ = 0, so the level 1
 * table covers the whole 4 GiB and has 4 entries (32 bytes). Level 2 and
 * level 3 tables are full 4 KiB pages. Unlike the short-descriptor
 * format there is no Linux shadow half in a PTE page (PTE_HWTABLE_*).
 */
#define PTRS_PER_PTE		512	/* 2^LPAE_TABLE_INDEX_BITS */
#define PTRS_PER_PMD		512	/* 2^LPAE_TABLE_INDEX_BITS */
#define PTRS_PER_PGD		4	/* 2^(32 - LPAE_L1_BLOCK_SHIFT) */

#define PTE_HWTABLE_PTRS	0
#define PTE_HWTABLE_OFF		0
#define PTE_HWTABLE_SIZE	(PTRS_PER_PTE << LPAE_DESC_SIZE_SHIFT)

#define MAX_POSSIBLE_PHYSMEM_BITS	PHYS_MASK_SHIFT

/* Address bits each level resolves (one level 1 entry is one PGDIR). */
#define PGDIR_SHIFT		LPAE_L1_BLOCK_SHIFT
#define PMD_SHIFT		LPAE_L2_BLOCK_SHIFT

#define PMD_SIZE		(UL(1) << PMD_SHIFT)
#define PGDIR_SIZE		(UL(1) << PGDIR_SHIFT)

/*
 * The address masks are deliberately signed int expressions. Against an
 * unsigned long virtual address they act as 32-bit masks; against a
 * 64-bit descriptor or phys_addr_t they are sign-extended by the usual
 * arithmetic conversions, so physical address bits [39:32] survive.
 * (Helpers in this file use the explicit LPAE_*_OA_MASK masks instead.)
 */
#define LPAE_SIGNED_MASK(shift)	(-(1 << (shift)))
#define PMD_MASK		LPAE_SIGNED_MASK(PMD_SHIFT)
#define PGDIR_MASK		LPAE_SIGNED_MASK(PGDIR_SHIFT)

/* The kernel maps its lowmem and image with level 2 blocks ("sections"). */
#define SECTION_SHIFT		PMD_SHIFT
#define SECTION_SIZE		(UL(1) << SECTION_SHIFT)
#define SECTION_MASK		LPAE_SIGNED_MASK(SECTION_SHIFT)

/*
 * Level 1 entries below PAGE_OFFSET belong to the process; the ones
 * above are copies of swapper_pg_dir's. The last user slot also holds
 * the modules and pkmap areas (between TASK_SIZE and PAGE_OFFSET), which
 * is why this is not TASK_SIZE / PGDIR_SIZE.
 */
#define USER_PTRS_PER_PGD	(PAGE_OFFSET / PGDIR_SIZE)

/* Huge pages are level 2 blocks. */
#define HPAGE_SHIFT		PMD_SHIFT
#define HPAGE_SIZE		(UL(1) << HPAGE_SHIFT)
#define HPAGE_MASK		(~(HPAGE_SIZE - 1))
#define HUGETLB_PAGE_ORDER	(HPAGE_SHIFT - PAGE_SHIFT)

/*
 * Linux PTE bits: hardware fields first, then the software-use field.
 * L_PTE_PRESENT is both type bits: a PROT_NONE entry keeps bit 1 while
 * set_pte_ext() clears bit 0, so it is present to Linux but faults in
 * hardware. Swap entries keep both bits clear.
 *
 * These values are ABI with code outside this file: head.S hard-codes
 * XN (54) and L_PGD_SWAPPER (55), proc-macros.S checks that L_PTE_SHARED
 * equals PTE_EXT_SHARED, and proc-v7-3level.S tests VALID, DIRTY, NONE
 * and RDONLY in assembly.
 */
#define L_PTE_VALID		LPAE_DESC_VALID
#define L_PTE_PRESENT		(LPAE_DESC_VALID | LPAE_DESC_TABLE_BIT)
#define L_PTE_USER		LPAE_AP1
#define L_PTE_SHARED		LPAE_SH_INNER
#define L_PTE_YOUNG		LPAE_AF
#define L_PTE_XN		LPAE_XN
#define L_PTE_DIRTY_BIT		55
#define L_PTE_SPECIAL_BIT	56
#define L_PTE_NONE_BIT		57
#define L_PTE_RDONLY_BIT	58
#define L_PTE_DIRTY		(ULL(1) << L_PTE_DIRTY_BIT)
#define L_PTE_SPECIAL		(ULL(1) << L_PTE_SPECIAL_BIT)
#define L_PTE_NONE		(ULL(1) << L_PTE_NONE_BIT)
#define L_PTE_RDONLY		(ULL(1) << L_PTE_RDONLY_BIT)

/* The same bits as high-word masks, for set_pte_ext's assembly. */
#define L_PTE_DIRTY_HI		LPAE_HI_BIT(L_PTE_DIRTY_BIT)
#define L_PTE_NONE_HI		LPAE_HI_BIT(L_PTE_NONE_BIT)
#define L_PTE_RDONLY_HI		LPAE_HI_BIT(L_PTE_RDONLY_BIT)

/* The same software bits in level 2 block ("section") entries. */
#define L_PMD_SECT_VALID	LPAE_DESC_VALID
#define L_PMD_SECT_DIRTY	L_PTE_DIRTY
#define L_PMD_SECT_NONE		L_PTE_NONE
#define L_PMD_SECT_RDONLY	L_PTE_RDONLY

/*
 * Marks a level 1 table entry whose level 2 table is one of the kernel's
 * shared swapper_pg_dir tables, which pgd_free() must not free. Bits
 * [58:52] of a table descriptor are ignored by the table walk.
 */
#define L_PGD_SWAPPER		(ULL(1) << 55)

/* Memory types: AttrIndx values (see LPAE_MAIR_IDX_* and LPAE_MAIR0/1). */
#define L_PTE_MT_UNCACHED	LPAE_ATTRINDX(LPAE_MAIR_IDX_UNCACHED)
#define L_PTE_MT_BUFFERABLE	LPAE_ATTRINDX(LPAE_MAIR_IDX_BUFFERABLE)
#define L_PTE_MT_WRITETHROUGH	LPAE_ATTRINDX(LPAE_MAIR_IDX_WRITETHROUGH)
#define L_PTE_MT_WRITEBACK	LPAE_ATTRINDX(LPAE_MAIR_IDX_WRITEBACK)
#define L_PTE_MT_WRITEALLOC	LPAE_ATTRINDX(LPAE_MAIR_IDX_WRITEALLOC)
#define L_PTE_MT_DEV_SHARED	LPAE_ATTRINDX(LPAE_MAIR_IDX_DEVICE)
#define L_PTE_MT_DEV_NONSHARED	LPAE_ATTRINDX(LPAE_MAIR_IDX_DEVICE)
#define L_PTE_MT_DEV_WC		LPAE_ATTRINDX(LPAE_MAIR_IDX_BUFFERABLE)
#define L_PTE_MT_DEV_CACHED	LPAE_ATTRINDX(LPAE_MAIR_IDX_WRITEBACK)
#define L_PTE_MT_MASK		LPAE_ATTRINDX_MASK

#ifndef __ASSEMBLY__

struct mm_struct;

/*
 * Bit tests on 64-bit entries. They return bool so that a bit at
 * position 32 or above is never lost by an implicit conversion to int.
 */
static inline bool pmd_isset(pmd_t pmd, pmdval_t bits)
{
	return (pmd_val(pmd) & bits) != 0;
}

static inline bool pmd_isclear(pmd_t pmd, pmdval_t bits)
{
	return (pmd_val(pmd) & bits) == 0;
}

static inline pmd_t pmd_set_bits(pmd_t pmd, pmdval_t bits)
{
	return __pmd(pmd_val(pmd) | bits);
}

static inline pmd_t pmd_clear_bits(pmd_t pmd, pmdval_t bits)
{
	return __pmd(pmd_val(pmd) & ~bits);
}

/*
 * Level 1 entries, seen through the folded pud. The kernel only puts
 * table descriptors here, so an entry with bit 1 clear (a 1 GiB block or
 * garbage) is "bad".
 */
static inline int pud_none(pud_t pud)
{
	return pud_val(pud) == 0;
}

static inline int pud_bad(pud_t pud)
{
	return (pud_val(pud) & PMD_TABLE_BIT) == 0;
}

static inline int pud_present(pud_t pud)
{
	return pud_val(pud) != 0;
}

/* Physical address of the level 2 table a level 1 table entry points to. */
static inline phys_addr_t pud_page_paddr(pud_t pud)
{
	return pud_val(pud) & LPAE_TABLE_ADDR_MASK;
}

/* The same table as a (lowmem) kernel pointer: the generic pmd_offset(). */
static inline pmd_t *pud_pgtable(pud_t pud)
{
	return (pmd_t *)__va(pud_page_paddr(pud));
}

/*
 * Entries are written with one 64-bit store, then the cache line is
 * cleaned for table walkers that do not snoop the data cache.
 */
static inline void set_pud(pud_t *pudp, pud_t pud)
{
	*pudp = pud;
	flush_pmd_entry(pudp);
}

static inline void pud_clear(pud_t *pudp)
{
	*pudp = __pud(0);
	clean_pmd_entry(pudp);
}

/* Level 2 entries: a table (bit 1 set) or a 2 MiB block (bit 1 clear). */
static inline bool pmd_table(pmd_t pmd)
{
	return (pmd_val(pmd) & PMD_TYPE_MASK) == PMD_TYPE_TABLE;
}

static inline bool pmd_sect(pmd_t pmd)
{
	return (pmd_val(pmd) & PMD_TYPE_MASK) == PMD_TYPE_SECT;
}

/* Only table entries are "good": a block is not a pointer to ptes. */
static inline int pmd_bad(pmd_t pmd)
{
	return pmd_isclear(pmd, PMD_TABLE_BIT);
}

/*
 * set_pmd_at() clears the valid bit of a PROT_NONE block, and
 * pmd_mkinvalid() that of a block being split, so that the hardware
 * faults on it; but the block still maps its huge page: THP code such
 * as zap_huge_pmd() must see it as present, or it takes it for a
 * migration entry (and, without THP migration, oopses).
 */
static inline int pmd_present(pmd_t pmd)
{
	return pmd_isset(pmd, L_PMD_SECT_VALID | L_PMD_SECT_NONE);
}

/*
 * A leaf maps memory itself instead of pointing at a level 3 table. Its
 * type bits are 01, or 00 for a PROT_NONE block, whose valid bit
 * set_pmd_at() has cleared; so "present with bit 1 clear", not the type
 * test of pmd_sect(). Generic walkers (ksm_next_page_pmd_entry(), for
 * one) read "present and not leaf" as a table and would map the huge
 * page's user data as ptes.
 */
static inline bool pmd_block_leaf(pmd_t pmd)
{
	return pmd_present(pmd) && pmd_isclear(pmd, PMD_TABLE_BIT);
}

#define pmd_large(pmd)		pmd_block_leaf(pmd)
#define pmd_leaf(pmd)		pmd_block_leaf(pmd)

/*
 * Lockless GUP checks this before taking a page from a huge pmd. As for
 * ptes, require a hardware-valid user mapping, so a PROT_NONE block is
 * present but not accessible.
 */
static inline bool pmd_access_permitted(pmd_t pmd, bool write)
{
	pmdval_t mask = L_PMD_SECT_VALID | PMD_SECT_USER;
	pmdval_t needed = mask;

	if (write)
		mask |= L_PMD_SECT_RDONLY;

	return (pmd_val(pmd) & mask) == needed;
}

#define pmd_access_permitted pmd_access_permitted

static inline void copy_pmd(pmd_t *dst, const pmd_t *src)
{
	*dst = *src;
	flush_pmd_entry(dst);
}

static inline void pmd_clear(pmd_t *pmdp)
{
	*pmdp = __pmd(0);
	clean_pmd_entry(pmdp);
}

/*
 * set_pte_at() makes user entries non-global (nG) when it stores them,
 * so an entry read back from a table differs from the one built by
 * mk_pte() in that bit alone. Ignore it when comparing present entries;
 * in a swap entry bit 11 is part of the offset and must be compared.
 */
#define __HAVE_ARCH_PTE_SAME
static inline pteval_t pte_cmp_val(pte_t pte)
{
	pteval_t val = pte_val(pte);

	if (val & L_PTE_PRESENT)
		val &= ~PTE_EXT_NG;
	return val;
}

static inline int pte_same(pte_t pte_a, pte_t pte_b)
{
	return pte_cmp_val(pte_a) == pte_cmp_val(pte_b);
}

/*
 * Write a level 3 entry with extra hardware bits (nG) merged in. The
 * processor function derives AP[2] and hardware validity from the Linux
 * bits and does the 64-bit store.
 */
static inline void set_pte_ext(pte_t *ptep, pte_t pte, pteval_t ext)
{
	cpu_set_pte_ext(ptep, __pte(pte_val(pte) | ext));
}

/*
 * hugetlb passes level 2 block entries around as ptes: "huge" means
 * bit 1 clear in a non-empty entry.
 */
static inline int pte_huge(pte_t pte)
{
	return pte_val(pte) && !(pte_val(pte) & PTE_TABLE_BIT);
}

static inline pte_t pte_mkhuge(pte_t pte)
{
	return __pte(pte_val(pte) & ~PTE_TABLE_BIT);
}

static inline int pte_special(pte_t pte)
{
	return (pte_val(pte) & L_PTE_SPECIAL) != 0;
}

static inline pte_t pte_mkspecial(pte_t pte)
{
	return __pte(pte_val(pte) | L_PTE_SPECIAL);
}

/* Software state of level 2 blocks, as for ptes. */
static inline int pmd_young(pmd_t pmd)
{
	return pmd_isset(pmd, PMD_SECT_AF);
}

#define pmd_young pmd_young

static inline int pmd_write(pmd_t pmd)
{
	return pmd_isclear(pmd, L_PMD_SECT_RDONLY);
}

#define pmd_write pmd_write

static inline int pmd_dirty(pmd_t pmd)
{
	return pmd_isset(pmd, L_PMD_SECT_DIRTY);
}

static inline pmd_t pmd_mkold(pmd_t pmd)
{
	return pmd_clear_bits(pmd, PMD_SECT_AF);
}

static inline pmd_t pmd_mkyoung(pmd_t pmd)
{
	return pmd_set_bits(pmd, PMD_SECT_AF);
}

static inline pmd_t pmd_wrprotect(pmd_t pmd)
{
	return pmd_set_bits(pmd, L_PMD_SECT_RDONLY);
}

static inline pmd_t pmd_mkwrite(pmd_t pmd)
{
	return pmd_clear_bits(pmd, L_PMD_SECT_RDONLY);
}

static inline pmd_t pmd_mkdirty(pmd_t pmd)
{
	return pmd_set_bits(pmd, L_PMD_SECT_DIRTY);
}

static inline pmd_t pmd_mkclean(pmd_t pmd)
{
	return pmd_clear_bits(pmd, L_PMD_SECT_DIRTY);
}

/* Would a write through this huge pmd take a fault? */
static inline int pmd_hugewillfault(pmd_t pmd)
{
	return !pmd_young(pmd) || !pmd_write(pmd) || !pmd_dirty(pmd);
}

/* A macro: pmd_huge() and the !THP pmd_trans_huge() are declared later. */
#define pmd_thp_or_huge(pmd)	({				\
	pmd_t __pmd_v = (pmd);					\
								\
	pmd_huge(__pmd_v) || pmd_trans_huge(__pmd_v);		\
})

#ifdef CONFIG_TRANSPARENT_HUGEPAGE
static inline int pmd_trans_huge(pmd_t pmd)
{
	return pmd_val(pmd) != 0 && !pmd_table(pmd);
}
#endif

/* Turn a level 2 entry into a 2 MiB block entry. */
static inline pmd_t pmd_mkhuge(pmd_t pmd)
{
	return pmd_clear_bits(pmd, PMD_TABLE_BIT);
}

/* The first page frame of the 2 MiB block, from output address [39:21]. */
static inline unsigned long pmd_pfn(pmd_t pmd)
{
	return __phys_to_pfn(pmd_val(pmd) & LPAE_L2_BLOCK_OA_MASK);
}

static inline pmd_t pfn_pmd(unsigned long pfn, pgprot_t prot)
{
	return __pmd(__pfn_to_phys(pfn) | pgprot_val(prot));
}

#define mk_pmd(page, prot)	pfn_pmd(page_to_pfn(page), prot)

#ifdef CONFIG_TRANSPARENT_HUGEPAGE
/* No hardware-managed access or dirty state, so the generic one is safe. */
#define pmdp_establish		generic_pmdp_establish
#endif

/*
 * pmdp_invalidate() stores this while a huge page is split or has its
 * protections changed: the hardware must fault on the block, yet it
 * still maps the huge page, and a lockless walker that reads it in that
 * window must see a present leaf (pmd_present() and pmd_trans_huge()),
 * not a swap or migration entry. Mark it as a PROT_NONE block is marked:
 * bit 0 clear for the walk, L_PMD_SECT_NONE for Linux. Callers build the
 * next entry from the old value pmdp_invalidate() returns, not from this
 * one, so the mark does not leak into a later mapping.
 */
static inline pmd_t pmd_mkinvalid(pmd_t pmd)
{
	return pmd_set_bits(pmd_clear_bits(pmd, L_PMD_SECT_VALID),
			    L_PMD_SECT_NONE);
}

/*
 * Apply new protections (a pte pgprot: the bits share positions) to a
 * block entry, keeping its address, memory type and software state.
 */
static inline pmd_t pmd_modify(pmd_t pmd, pgprot_t newprot)
{
	const pmdval_t mask = PMD_SECT_USER | PMD_SECT_XN | L_PMD_SECT_RDONLY |
			      L_PMD_SECT_VALID | L_PMD_SECT_NONE;

	return __pmd((pmd_val(pmd) & ~mask) | (pgprot_val(newprot) & mask));
}

/*
 * The hardware value of a user block entry, as cpu_v7_set_pte_ext()
 * computes it for pages: non-global, read-only (AP[2]) unless dirty and
 * writable so that the first write faults, and invalid if PROT_NONE.
 */
static inline pmd_t pmd_to_hw(pmd_t pmd)
{
	if (pmd_dirty(pmd) && pmd_write(pmd))
		pmd = pmd_clear_bits(pmd, PMD_SECT_AP2);
	else
		pmd = pmd_set_bits(pmd, PMD_SECT_AP2);

	if (pmd_isset(pmd, L_PMD_SECT_NONE))
		pmd = pmd_clear_bits(pmd, L_PMD_SECT_VALID);

	return pmd_set_bits(pmd, PMD_SECT_nG);
}

static inline void set_pmd_at(struct mm_struct *mm, unsigned long addr,
			      pmd_t *pmdp, pmd_t pmd)
{
	/*
	 * Huge pmds map user memory only: the entry is made non-global.
	 * A kernel address here is a caller's bug; refuse it loudly.
	 */
	if (WARN_ON_ONCE(addr >= TASK_SIZE))
		return;

	*pmdp = pmd_to_hw(pmd);
	flush_pmd_entry(pmdp);
}

#endif /* __ASSEMBLY__ */

#endif /* _ASM_ARM_PGTABLE_3LEVEL_H */

// SPDX-License-Identifier: GPL-2.0-only
/*
 * First-level translation tables (PGDs) of ARM address spaces.
 *
 * A new PGD has an empty user part and a kernel part copied from
 * init_mm, so that every address space sees the same kernel mappings.
 * With the classic short-descriptor format the PGD is the 16 KiB
 * first-level table and the copy holds the kernel's section and table
 * entries. With LPAE the PGD is the four-entry level 1 table that TTBR0
 * points at, and the kernel entries point at level 2 tables that all
 * address spaces share with swapper_pg_dir; the one exception is the
 * level 2 table of the last user entry, which also maps the modules and
 * pkmap areas and so is private to each address space.
 *
 * References are to the ARM Architecture Reference Manual (DDI 0406C).
 */
#include <linux/build_bug.h>
#include <linux/cache.h>
#include <linux/cacheflush.h>
#include <linux/gfp.h>
#include <linux/init.h>
#include <linux/mm.h>
#include <linux/pgalloc.h>
#include <linux/pgtable.h>
#include <linux/slab.h>
#include <linux/string.h>

#include <asm/cp15.h>
#include <asm/tlbflush.h>

/*
 * Fill a new PGD: no user mappings, the kernel entries of init_mm. The
 * table is then cleaned to the point of coherency because the walker
 * of a CPU without coherent walks reads it from memory.
 */
static void pgd_init_entries(pgd_t *pgd)
{
	memset(pgd, 0, USER_PTRS_PER_PGD * sizeof(pgd_t));
	memcpy(pgd + USER_PTRS_PER_PGD, init_mm.pgd + USER_PTRS_PER_PGD,
	       (PTRS_PER_PGD - USER_PTRS_PER_PGD) * sizeof(pgd_t));
	clean_dcache_area(pgd, PGD_SIZE);
}

#ifdef CONFIG_ARM_LPAE

/*
 * The kernel programs TTBCR.T0SZ = 0 (proc-v7-3level.S): TTBR0 may
 * translate the whole 32-bit input range, so the PGD needs one entry per
 * PGDIR_SIZE of 4 GiB and the walk starts at level 1. The TTBR0 base
 * must then be aligned to the size of that level 1 table (B4.1 "TTBR0,
 * Translation Table Base Register 0", 64-bit format).
 */
#define PGD_T0SZ		0
#define PGD_HW_ALIGN		TTBR_L1_BASE_ALIGN(PGD_T0SZ)

/*
 * PGDs come from their own cache, one per cache line: the line is
 * cleaned to the point of coherency after the PGD is written, and no
 * other object's writes then dirty it again.
 */
#define PGD_CACHE_ALIGN		L1_CACHE_BYTES

static struct kmem_cache *pgd_cache __ro_after_init;

/*
 * Objects of the cache are kept constructed: kernel entries in place,
 * user entries empty, written back to memory. The level 1 kernel
 * entries point at the swapper_pg_dir level 2 tables, which never
 * change after paging_init(), so the copy made here stays valid.
 */
static void pgd_ctor(void *pgd)
{
	pgd_init_entries(pgd);
}

#ifdef CONFIG_KASAN_VMALLOC
/*
 * Every mm copies the level 2 entries of the KASAN shadow from init_mm
 * when its PGD is made (pgd_alloc_modules_pmd()). With KASAN_VMALLOC the
 * shadow of the vmalloc area is filled in later, in init_mm, as areas
 * are allocated: an entry added then would be missing from every older
 * mm, and the translation fault that should copy it is itself
 * instrumented, so it faults again on the same shadow (a vmalloc'd stack
 * overflows). Give each level 2 entry of the shadow a table now, before
 * the first PGD is copied; the shadow pages added later go into tables
 * that every mm already points to.
 */
static void __init kasan_fill_shadow_tables(void)
{
	unsigned long addr;

	for (addr = TASK_SIZE; addr < MODULES_VADDR; addr += PMD_SIZE)
		if (!pte_alloc_kernel(pmd_off_k(addr), addr))
			panic("%s: no page table for the KASAN shadow at 0x%08lx\n",
			      __func__, addr);
}
#else
static inline void kasan_fill_shadow_tables(void)
{
}
#endif

/**
 * pgtable_cache_init() - create the cache that PGDs are allocated from
 *
 * Called from mm_init() as soon as the slab allocator works, before any
 * initcall, so the cache exists for the first pgd_alloc() (the identity
 * map's, an early_initcall) and for every fork.
 */
void __init pgtable_cache_init(void)
{
	BUILD_BUG_ON((u64)PTRS_PER_PGD * PGDIR_SIZE != 1ULL << (32 - PGD_T0SZ));
	BUILD_BUG_ON(sizeof(pgd_t) * PTRS_PER_PGD != PGD_SIZE);
	BUILD_BUG_ON(PGD_T0SZ > TTBR_TXSZ_L1_MAX);
	BUILD_BUG_ON(PGD_CACHE_ALIGN % PGD_HW_ALIGN);

	/*
	 * A cache with a constructor is never merged with another, so the
	 * PGDs show up under their own name in /proc/slabinfo.
	 */
	pgd_cache = kmem_cache_create("pgd_lpae", PGD_SIZE, PGD_CACHE_ALIGN,
				      SLAB_PANIC, pgd_ctor);
	kasan_fill_shadow_tables();
}

/* A constructed PGD: only the per-mm tables remain to be added */
static pgd_t *pgd_table_alloc(gfp_t gfp)
{
	return kmem_cache_alloc(pgd_cache, gfp & ~__GFP_ZERO);
}

/*
 * Is @pgd still as pgd_ctor() left it? pgd_free() clears the entry of
 * every table it frees (pud_clear() also cleans the line), and nothing
 * rewrites the kernel entries of an ordinary address space, so this is
 * the common case. The identity map's PGD, whose kernel entries point
 * at private copies until pgd_free() clears them, is not.
 */
static bool pgd_constructed(const pgd_t *pgd)
{
	unsigned int i;

	for (i = 0; i < USER_PTRS_PER_PGD; i++)
		if (pgd_val(pgd[i]))
			return false;
	return !memcmp(pgd + USER_PTRS_PER_PGD, init_mm.pgd + USER_PTRS_PER_PGD,
		       (PTRS_PER_PGD - USER_PTRS_PER_PGD) * sizeof(pgd_t));
}

/*
 * Objects go back to the cache constructed, so that the next
 * pgd_alloc() copies nothing; only a PGD that differs is rewritten.
 */
static void pgd_table_free(pgd_t *pgd)
{
	if (!pgd_constructed(pgd))
		pgd_init_entries(pgd);
	kmem_cache_free(pgd_cache, pgd);
}

#else /* !CONFIG_ARM_LPAE */

/* The short-descriptor first-level table: 16 KiB, naturally aligned */
#define PGD_ORDER		get_order(PGD_SIZE)

static pgd_t *pgd_table_alloc(gfp_t gfp)
{
	pgd_t *pgd = (pgd_t *)__get_free_pages(gfp & ~__GFP_ZERO, PGD_ORDER);

	if (pgd)
		pgd_init_entries(pgd);
	return pgd;
}

static void pgd_table_free(pgd_t *pgd)
{
	free_pages((unsigned long)pgd, PGD_ORDER);
}

#endif /* CONFIG_ARM_LPAE */

#ifdef CONFIG_ARM_LPAE
/*
 * The modules area, and under HIGHMEM the pkmap area, lie below
 * PAGE_OFFSET, in the level 1 slot of the top of user space. That slot
 * gets a level 2 table of its own: its user entries are private, and the
 * kernel entries are copied from init_mm on first use by
 * do_translation_fault(). USER_PGTABLES_CEILING keeps free_pgtables()
 * from freeing it; pgd_free() does.
 */
#define PGD_MODULES_SLOT	pgd_index(MODULES_VADDR)

static int pgd_alloc_modules_pmd(struct mm_struct *mm, pgd_t *pgd)
{
	p4d_t *p4d;
	pud_t *pud;
	pmd_t *pmd;

	/*
	 * PAGE_OFFSET is a multiple of 1 GiB with LPAE and the modules
	 * area lies just below it, so the slot is always a user one.
	 */
	BUILD_BUG_ON(pgd_index(MODULES_VADDR) != USER_PTRS_PER_PGD - 1);

	p4d = p4d_offset(pgd + PGD_MODULES_SLOT, MODULES_VADDR);
	pud = pud_offset(p4d, MODULES_VADDR);
	pmd = pmd_alloc(mm, pud, MODULES_VADDR);
	if (!pmd)
		return -ENOMEM;

#ifdef CONFIG_KASAN
	/*
	 * The KASAN shadow, [TASK_SIZE, MODULES_VADDR), shares the slot.
	 * Its level 2 entries do not change once pgtable_cache_init() has
	 * run (kasan_fill_shadow_tables()), so they are copied now rather
	 * than faulted in.
	 */
	BUILD_BUG_ON(pgd_index(TASK_SIZE) != PGD_MODULES_SLOT);
	{
		pmd_t *dst = pmd_offset(pud, TASK_SIZE);
		pmd_t *src = pmd_off_k(TASK_SIZE);
		size_t len = (pmd_index(MODULES_VADDR) - pmd_index(TASK_SIZE)) *
			     sizeof(pmd_t);

		memcpy(dst, src, len);
		clean_dcache_area(dst, len);
	}
#endif
	return 0;
}
#else
static int pgd_alloc_modules_pmd(struct mm_struct *mm, pgd_t *pgd)
{
	return 0;
}
#endif /* CONFIG_ARM_LPAE */

/*
 * With the vectors at 0 (SCTLR.V clear), every address space maps the
 * vectors page and the page after it (the kuser helpers and stubs) at
 * VA 0, as init_mm does. FIRST_USER_ADDRESS keeps user mappings off
 * these two pages.
 */
static int pgd_map_low_vectors(struct mm_struct *mm, pgd_t *pgd)
{
	p4d_t *p4d;
	pud_t *pud;
	pmd_t *pmd;
	pte_t *pte, *init_pte;

	if (vectors_high())
		return 0;

	p4d = p4d_alloc(mm, pgd + pgd_index(0), 0);
	if (!p4d)
		return -ENOMEM;
	pud = pud_alloc(mm, p4d, 0);
	if (!pud)
		return -ENOMEM;
	pmd = pmd_alloc(mm, pud, 0);
	if (!pmd)
		return -ENOMEM;
	pte = pte_alloc_map(mm, pmd, 0);
	if (!pte)
		return -ENOMEM;

#ifndef CONFIG_ARM_LPAE
	/*
	 * The vectors are mapped in their own domain, as in init_mm, so
	 * that the domain access control set for user memory does not
	 * apply to them.
	 */
	pmd_val(*pmd) &= ~PMD_DOMAIN_MASK;
	pmd_val(*pmd) |= PMD_DOMAIN(DOMAIN_VECTORS);
	clean_pmd_entry(pmd);
#endif

	init_pte = pte_offset_map(pmd_off_k(0), 0);
	set_pte_ext(pte + 0, init_pte[0], 0);
	set_pte_ext(pte + 1, init_pte[1], 0);
	pte_unmap(init_pte);
	pte_unmap(pte);
	return 0;
}

/*
 * Free the page table that maps VA 0 and the first 2 MiB. The floor of
 * free_pgtables() is FIRST_USER_ADDRESS, so it never frees that one.
 */
static void pgd_free_low_pte(struct mm_struct *mm, pgd_t *pgd)
{
	pgd_t *pgd0 = pgd + pgd_index(0);
	p4d_t *p4d;
	pud_t *pud;
	pmd_t *pmd;
	pgtable_t pte;

	if (pgd_none_or_clear_bad(pgd0))
		return;
	p4d = p4d_offset(pgd0, 0);
	if (p4d_none_or_clear_bad(p4d))
		return;
	pud = pud_offset(p4d, 0);
	if (pud_none_or_clear_bad(pud))
		return;
#ifdef CONFIG_ARM_LPAE
	if (pud_val(*pud) & L_PGD_SWAPPER)
		return;
#endif
	pmd = pmd_offset(pud, 0);
	if (pmd_none_or_clear_bad(pmd))
		return;

	pte = pmd_pgtable(*pmd);
	pmd_clear(pmd);
	pte_free(mm, pte);
	mm_dec_nr_ptes(mm);
}

#ifdef CONFIG_ARM_LPAE
/*
 * Free the level 2 tables the PGD owns: those without L_PGD_SWAPPER.
 * They are the modules table from pgd_alloc(), the user table of slot 0
 * (below the free_pgtables() floor), and private copies of kernel
 * tables made by the identity map code. Tables marked L_PGD_SWAPPER are
 * swapper_pg_dir's, shared by every address space.
 */
static void pgd_free_pmds(struct mm_struct *mm, pgd_t *pgd)
{
	unsigned int i;

	for (i = 0; i < PTRS_PER_PGD; i++) {
		pud_t *pud = pud_offset(p4d_offset(pgd + i, 0), 0);
		pmd_t *pmd;

		if (pud_none_or_clear_bad(pud))
			continue;
		if (pud_val(*pud) & L_PGD_SWAPPER)
			continue;

		pmd = pud_pgtable(*pud);
		pud_clear(pud);
		pmd_free(mm, pmd);
		mm_dec_nr_pmds(mm);
	}
}
#else
static void pgd_free_pmds(struct mm_struct *mm, pgd_t *pgd)
{
}
#endif /* CONFIG_ARM_LPAE */

/**
 * pgd_alloc() - allocate the first-level table of an address space
 * @mm: the address space; its page table counters account any lower
 *      level table allocated here
 *
 * Return: the new PGD, with the kernel mappings of init_mm and no user
 * mappings, or NULL if memory ran out; nothing is left allocated then.
 */
pgd_t *pgd_alloc(struct mm_struct *mm)
{
	gfp_t gfp = mm == &init_mm ? GFP_PGTABLE_KERNEL : GFP_PGTABLE_USER;
	pgd_t *pgd;

	pgd = pgd_table_alloc(gfp);
	if (!pgd)
		return NULL;

	if (pgd_alloc_modules_pmd(mm, pgd) || pgd_map_low_vectors(mm, pgd)) {
		pgd_free(mm, pgd);
		return NULL;
	}
	return pgd;
}

/**
 * pgd_free() - free a first-level table and the tables only it uses
 * @mm: the address space @pgd belongs to
 * @pgd: a table from pgd_alloc(), or NULL
 *
 * Frees the lower-level tables that pgd_alloc() and later users of @pgd
 * added and free_pgtables() leaves behind, then @pgd itself. Tables
 * shared with init_mm are left alone.
 */
void pgd_free(struct mm_struct *mm, pgd_t *pgd)
{
	if (!pgd)
		return;

	pgd_free_low_pte(mm, pgd);
	pgd_free_pmds(mm, pgd);
	pgd_table_free(pgd);
}

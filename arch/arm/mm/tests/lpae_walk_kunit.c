// SPDX-License-Identifier: GPL-2.0-only
/*
 * arm_lpae_walk: the MMU as the oracle for our tables.
 *
 * QEMU ignores shareability and cacheability and flushes its TLB more
 * often than hardware does, so behaviour under QEMU cannot show that an
 * attribute bit is right. The address translation operations can: for
 * sampled addresses of every kernel region and of a user address space,
 * ATS1CPR/ATS1CPW/ATS1CUR/ATS1CUW (B4.2.6 "Performing address
 * translation operations") translate with the tables the MMU uses, and
 * the 64-bit PAR (B4.1 "PAR, Physical Address Register", TTBCR.EAE = 1)
 * returns PA[39:12], the MAIR attribute byte and SH, or a fault status.
 * Each result is compared with
 *   (a) a software walk of the same tables (lpae_sw_walk()), and
 *   (b) what the region must be: memory type, shareability on SMP,
 *       permissions at PL1 and PL0, execute rights, global or not.
 * One line per address is printed: VA, region, the four PARs, expected.
 *
 * Runs late (lpae_live.c), after mark_readonly().
 */
#include <kunit/test.h>
#include <linux/bitfield.h>
#include <linux/highmem.h>
#include <linux/io.h>
#include <linux/memblock.h>
#include <linux/mm.h>
#include <linux/mman.h>
#include <linux/moduleloader.h>
#include <linux/sizes.h>
#include <linux/syscalls.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>

#include <asm/memory.h>
#include <asm/smp_plat.h>
#include <asm/traps.h>

#include "lpae_live.h"

/* PAR, 64-bit format */
#define PAR_F		BIT_ULL(0)
#define PAR_FST		GENMASK_ULL(6, 1)
#define PAR_SH		GENMASK_ULL(8, 7)
#define PAR_PA		GENMASK_ULL(39, 12)
#define PAR_ATTR	GENMASK_ULL(63, 56)

/* Long-descriptor fault status, B3.13.3: bits [5:2] the type */
#define FS_TYPE(fst)		((fst) >> 2)
#define FS_TRANSLATION		0x1
#define FS_PERMISSION		0x3

/* The highest page a 40-bit physical address names: no RAM is there. */
#define WALK_TOP_PAGE		(BIT_ULL(40) - PAGE_SIZE)

static unsigned long long walk_wc_phys;
module_param_named(wc_phys, walk_wc_phys, ullong, 0444);
MODULE_PARM_DESC(wc_phys,
		 "unused RAM above 4 GiB to map with ioremap_wc (0: skip)");

enum ats_op { ATS_PR, ATS_PW, ATS_UR, ATS_UW, ATS_OPS };

static const char *const ats_name[ATS_OPS] = { "PR", "PW", "UR", "UW" };

/* What a region must be */
enum walk_type { WT_NORMAL, WT_DEVICE, WT_NORMAL_NC };

#define P_W		BIT(0)	/* PL1 may write */
#define P_UR		BIT(1)	/* PL0 may read */
#define P_UW		BIT(2)	/* PL0 may write */
#define P_KX		BIT(3)	/* PL1 may execute */
#define P_UX		BIT(4)	/* PL0 may execute */
#define P_NG		BIT(5)	/* not global: a user address space's */
#define P_BLOCK		BIT(6)	/* a level 2 block */
#define P_INVALID	BIT(7)	/* no valid hardware entry: every probe faults */

#define NO_PA		(~0ULL)

struct walk_expect {
	const char *region;
	unsigned long va;
	struct mm_struct *mm;
	u64 pa;			/* NO_PA: only compared with the tables */
	enum walk_type type;
	unsigned int perm;
};

/*
 * With CPU_TTBR0_PAN a user address is translated only with user access
 * open (TTBCR.EPD0 clear, Documentation/arm/lpae.txt "PAN"), so that is
 * how it is walked here; kernel addresses are walked in the state the
 * kernel runs in.
 */
static u64 lpae_ats(unsigned long va, enum ats_op op)
{
	unsigned int ua_flags = 0;
	unsigned long flags;
	u64 par;

	local_irq_save(flags);
	if (va < TASK_SIZE)
		ua_flags = uaccess_save_and_enable();
	switch (op) {
	case ATS_PR:
		asm volatile("mcr p15, 0, %0, c7, c8, 0" : : "r" (va));
		break;
	case ATS_PW:
		asm volatile("mcr p15, 0, %0, c7, c8, 1" : : "r" (va));
		break;
	case ATS_UR:
		asm volatile("mcr p15, 0, %0, c7, c8, 2" : : "r" (va));
		break;
	default:
		asm volatile("mcr p15, 0, %0, c7, c8, 3" : : "r" (va));
		break;
	}
	isb();
	asm volatile("mrrc p15, 0, %Q0, %R0, c7" : "=r" (par));
	if (va < TASK_SIZE)
		uaccess_restore(ua_flags);
	local_irq_restore(flags);
	return par;
}

static const char *walk_type_name(enum walk_type t)
{
	return t == WT_DEVICE ? "Device" : t == WT_NORMAL_NC ? "Normal-NC" :
		"Normal-WB";
}

/* A probe that must fault, with a fault of @type */
static void expect_fault(struct kunit *test, const struct walk_expect *e,
			 enum ats_op op, u64 par, unsigned int type)
{
	KUNIT_EXPECT_TRUE_MSG(test, par & PAR_F,
			      "%s %#lx: ATS1C%s translated (PAR %#llx), must fault",
			      e->region, e->va, ats_name[op], par);
	if (par & PAR_F)
		KUNIT_EXPECT_EQ_MSG(test, FS_TYPE(FIELD_GET(PAR_FST, par)),
				    (u64)type, "%s %#lx: ATS1C%s fault status",
				    e->region, e->va, ats_name[op]);
}

/* A probe allowed when @allowed, a permission fault otherwise */
static void expect_access(struct kunit *test, const struct walk_expect *e,
			  enum ats_op op, u64 par, bool allowed)
{
	if (allowed)
		KUNIT_EXPECT_FALSE_MSG(test, par & PAR_F,
				       "%s %#lx: ATS1C%s faulted (PAR %#llx), must translate",
				       e->region, e->va, ats_name[op], par);
	else
		expect_fault(test, e, op, par, FS_PERMISSION);
}

/* (a): the MMU's translation is the software walk's */
static void check_agree(struct kunit *test, const struct walk_expect *e,
			const struct lpae_leaf *leaf, u64 par)
{
	u8 attr = lpae_mair_attr(leaf->desc);

	KUNIT_EXPECT_EQ_MSG(test, par & PAR_PA, leaf->pa & PAR_PA,
			    "%s %#lx: PA of the MMU and of the tables",
			    e->region, e->va);
	KUNIT_EXPECT_EQ_MSG(test, FIELD_GET(PAR_ATTR, par), (u64)attr,
			    "%s %#lx: attribute of the MMU and of the tables",
			    e->region, e->va);
	/* Device memory reports a fixed SH; Normal reports the entry's. */
	if (lpae_attr_normal_wb(attr))
		KUNIT_EXPECT_EQ_MSG(test, FIELD_GET(PAR_SH, par),
				    FIELD_GET(D_SH, leaf->desc),
				    "%s %#lx: SH of the MMU and of the tables",
				    e->region, e->va);
}

/* (b): the region's memory type and shareability */
static void check_type(struct kunit *test, const struct walk_expect *e,
		       const struct lpae_leaf *leaf)
{
	u8 attr = lpae_mair_attr(leaf->desc);

	switch (e->type) {
	case WT_NORMAL:
		KUNIT_EXPECT_TRUE_MSG(test, lpae_attr_normal_wb(attr),
				      "%s %#lx: attribute %#x, not Normal write-back",
				      e->region, e->va, attr);
		/* B3.8.2: SMP needs coherent, inner shareable memory */
		if (is_smp())
			KUNIT_EXPECT_EQ_MSG(test, FIELD_GET(D_SH, leaf->desc),
					    (u64)SH_INNER,
					    "%s %#lx: Normal memory not inner shareable (%#llx)",
					    e->region, e->va, leaf->desc);
		break;
	case WT_DEVICE:
		KUNIT_EXPECT_EQ_MSG(test, attr, ATTR_DEVICE,
				    "%s %#lx: attribute", e->region, e->va);
		break;
	case WT_NORMAL_NC:
		KUNIT_EXPECT_EQ_MSG(test, attr, ATTR_NORMAL_NC,
				    "%s %#lx: attribute", e->region, e->va);
		break;
	}
}

/* (b): permissions the probes show and execute rights the entry gives */
static void check_perms(struct kunit *test, const struct walk_expect *e,
			const struct lpae_leaf *leaf, const u64 *par)
{
	unsigned int p = e->perm;

	expect_access(test, e, ATS_PW, par[ATS_PW], p & P_W);
	expect_access(test, e, ATS_UR, par[ATS_UR], p & P_UR);
	expect_access(test, e, ATS_UW, par[ATS_UW], p & P_UW);
	KUNIT_EXPECT_EQ_MSG(test, lpae_leaf_pl1_exec(leaf), !!(p & P_KX),
			    "%s %#lx: PL1 execute (%#llx, tables %#llx)",
			    e->region, e->va, leaf->desc, leaf->table);
	KUNIT_EXPECT_EQ_MSG(test, lpae_leaf_pl0_exec(leaf), !!(p & P_UX),
			    "%s %#lx: PL0 execute (%#llx, tables %#llx)",
			    e->region, e->va, leaf->desc, leaf->table);
	KUNIT_EXPECT_EQ_MSG(test, !!(leaf->desc & D_NG), !!(p & P_NG),
			    "%s %#lx: nG (%#llx)", e->region, e->va, leaf->desc);
	KUNIT_EXPECT_TRUE_MSG(test, leaf->desc & D_AF, "%s %#lx: AF clear",
			      e->region, e->va);
	/* PXNTable is a second line of defence, not the only one. */
	if ((p & P_NG) && (p & P_UR))
		KUNIT_EXPECT_TRUE_MSG(test, leaf->desc & D_PXN,
				      "%s %#lx: user entry without PXN (%#llx)",
				      e->region, e->va, leaf->desc);
	if (p & P_BLOCK)
		KUNIT_EXPECT_EQ_MSG(test, leaf->level, 2,
				    "%s %#lx: not a 2 MiB block", e->region,
				    e->va);
}

static void walk_check(struct kunit *test, const struct walk_expect *e)
{
	struct lpae_leaf leaf;
	u64 par[ATS_OPS];
	bool valid;
	int op;

	/*
	 * Below PAGE_OFFSET (modules, pkmap) the TTBR0 tables of whichever
	 * user mm this kthread borrows get the kernel's level 2 entry on the
	 * first access, from the translation fault handler. Touch first, as
	 * every kernel user of these addresses does.
	 */
	if (e->mm == &init_mm && e->va < PAGE_OFFSET && !(e->perm & P_INVALID))
		(void)READ_ONCE(*(u8 *)e->va);
	for (op = 0; op < ATS_OPS; op++)
		par[op] = lpae_ats(e->va, op);
	valid = lpae_sw_walk(e->mm, e->va, &leaf);

	kunit_info(test, "%#010lx %-14s PR %#018llx PW %#018llx UR %#018llx UW %#018llx | %s %s%s%s%s%s%s\n",
		   e->va, e->region, par[ATS_PR], par[ATS_PW], par[ATS_UR],
		   par[ATS_UW], walk_type_name(e->type),
		   e->perm & P_INVALID ? "none" : e->perm & P_W ? "RW" : "RO",
		   e->perm & P_KX ? " KX" : "",
		   e->perm & P_UW ? " user-RW" : e->perm & P_UR ? " user-RO" : "",
		   e->perm & P_UX ? " UX" : "", e->perm & P_NG ? " nG" : "",
		   e->perm & P_BLOCK ? " block" : "");

	if (e->perm & P_INVALID) {
		KUNIT_EXPECT_FALSE_MSG(test, valid, "%s %#lx: valid entry %#llx",
				       e->region, e->va, leaf.desc);
		for (op = 0; op < ATS_OPS; op++)
			expect_fault(test, e, op, par[op], FS_TRANSLATION);
		return;
	}
	/* Go on with the other samples: the caller frees what it mapped. */
	if (!valid || (par[ATS_PR] & PAR_F)) {
		KUNIT_FAIL(test, "%s %#lx: %s (PAR %#llx)", e->region, e->va,
			   valid ? "ATS1CPR faulted" : "no valid entry",
			   par[ATS_PR]);
		return;
	}
	check_agree(test, e, &leaf, par[ATS_PR]);
	if (e->pa != NO_PA)
		KUNIT_EXPECT_EQ_MSG(test, leaf.pa, e->pa,
				    "%s %#lx: output address", e->region, e->va);
	check_type(test, e, &leaf);
	check_perms(test, e, &leaf, par);
}

static u32 walk_data_word = 1;
static u32 walk_bss_word;

/* Kernel image, lowmem, vmalloc, modules, vectors, device tree */
static void walk_kernel_regions(struct kunit *test)
{
	unsigned long text = (unsigned long)lpae_sw_walk & ~1UL;
	unsigned long rodata = (unsigned long)__start_rodata_section_aligned;
	unsigned long last = (unsigned long)high_memory - PAGE_SIZE;
	unsigned int vec = IS_ENABLED(CONFIG_KUSER_HELPERS) ? P_UR | P_UX : 0;
	void *vm = vmalloc(PAGE_SIZE);
	void *mod = module_alloc(PAGE_SIZE);
	const struct walk_expect e[] = {
		{ "text", text, &init_mm, __pa_symbol(text), WT_NORMAL, P_KX },
		{ "rodata", rodata, &init_mm, __pa_symbol(rodata), WT_NORMAL, 0 },
		{ "data", (unsigned long)&walk_data_word, &init_mm,
		  __pa_symbol(&walk_data_word), WT_NORMAL, P_W },
		{ "bss", (unsigned long)&walk_bss_word, &init_mm,
		  __pa_symbol(&walk_bss_word), WT_NORMAL, P_W },
		{ "lowmem-first", PAGE_OFFSET, &init_mm, __pa(PAGE_OFFSET),
		  WT_NORMAL, P_W },
		{ "lowmem-last", last, &init_mm, __pa(last), WT_NORMAL, P_W },
		{ "vmalloc", (unsigned long)vm, &init_mm,
		  vm ? page_to_phys(vmalloc_to_page(vm)) : 0, WT_NORMAL, P_W },
		{ "modules", (unsigned long)mod, &init_mm,
		  mod ? page_to_phys(vmalloc_to_page(mod)) : 0, WT_NORMAL,
		  P_W | P_KX },
		{ "vectors", 0xffff0000, &init_mm, virt_to_phys(vectors_page),
		  WT_NORMAL, P_KX | vec },
		{ "fdt", FDT_FIXED_BASE, &init_mm, NO_PA, WT_NORMAL, 0 },
	};
	unsigned int i;

	KUNIT_EXPECT_NOT_NULL(test, vm);
	KUNIT_EXPECT_NOT_NULL(test, mod);
	KUNIT_EXPECT_LT(test, rodata, (unsigned long)__init_begin);
	for (i = 0; i < ARRAY_SIZE(e); i++)
		if (e[i].va)
			walk_check(test, &e[i]);
	vfree(vm);
	module_memfree(mod);
}

/* A free page whose physical address is at or above 4 GiB */
static struct page *walk_page_above_4g(struct kunit *test)
{
	struct page *page, *found = NULL;
	LIST_HEAD(held);
	int i;

	for (i = 0; i < 4096 && !found; i++) {
		page = alloc_page(GFP_HIGHUSER);
		if (!page)
			break;
		if (page_to_phys(page) >= SZ_4G)
			found = page;
		else
			list_add(&page->lru, &held);
	}
	while (!list_empty(&held)) {
		page = list_first_entry(&held, struct page, lru);
		list_del(&page->lru);
		__free_page(page);
	}
	return found;
}

/* Map one page at @phys as Device memory or, for WT_NORMAL_NC, write-combined */
static void walk_io(struct kunit *test, struct walk_expect *e,
		    const char *region, u64 phys, enum walk_type type)
{
	void __iomem *io = type == WT_NORMAL_NC ? ioremap_wc(phys, PAGE_SIZE) :
						  ioremap(phys, PAGE_SIZE);

	KUNIT_ASSERT_TRUE_MSG(test, io, "%s: cannot map %#llx", region, phys);
	e->region = region;
	e->va = (unsigned long)io;
	e->pa = phys;
	e->type = type;
	walk_check(test, e);
	iounmap(io);
}

/* kmap_local, kmap, ioremap and ioremap_wc of addresses above 4 GiB */
static void walk_high_addresses(struct kunit *test)
{
	struct page *page = walk_page_above_4g(test);
	struct walk_expect e = { .mm = &init_mm, .type = WT_NORMAL, .perm = P_W };
	void *va;

	if (!page)
		kunit_skip(test, "no free page above 4 GiB (RAM ends at %#llx)",
			   (u64)memblock_end_of_DRAM());
	e.pa = page_to_phys(page);

	va = kmap_local_page(page);
	e.region = "kmap_local>4G";
	e.va = (unsigned long)va;
	walk_check(test, &e);
	kunmap_local(va);

	va = kmap(page);
	e.region = "kmap>4G";
	e.va = (unsigned long)va;
	walk_check(test, &e);
	kunmap(page);
	__free_page(page);

	/* Device memory is never read speculatively: nothing need be there. */
	walk_io(test, &e, "ioremap>4G", WALK_TOP_PAGE, WT_DEVICE);
	if (walk_wc_phys)
		walk_io(test, &e, "ioremap_wc>4G", walk_wc_phys, WT_NORMAL_NC);
	else
		kunit_info(test, "ioremap_wc>4G: no lpae_walk_kunit.wc_phys=\n");
}

/* Anonymous RW, read-only, executable and PROT_NONE pages of a test mm */
static void walk_user_pages(struct kunit *test)
{
	struct mm_struct *mm = lpae_test_mm_get();
	unsigned long rw, ro, x, none;
	u64 zero;

	KUNIT_ASSERT_NOT_NULL(test, mm);
	rw = lpae_test_mmap(PAGE_SIZE, PROT_READ | PROT_WRITE);
	ro = lpae_test_mmap(PAGE_SIZE, PROT_READ);
	x = lpae_test_mmap(PAGE_SIZE, PROT_READ | PROT_EXEC);
	none = lpae_test_mmap(PAGE_SIZE, PROT_READ | PROT_WRITE);
	zero = page_to_phys(ZERO_PAGE(0));
	if (!rw || !ro || !x || !none ||
	    sys_mprotect(none, PAGE_SIZE, PROT_NONE)) {
		lpae_test_mm_put(mm);
		KUNIT_FAIL(test, "cannot set up the test address space");
		return;
	}
	{
		const struct walk_expect e[] = {
			{ "user-rw", rw, mm, NO_PA, WT_NORMAL,
			  P_NG | P_W | P_UR | P_UW },
			/* Read faults map the zero page, read-only. */
			{ "user-ro", ro, mm, zero, WT_NORMAL, P_NG | P_UR },
			{ "user-exec", x, mm, zero, WT_NORMAL,
			  P_NG | P_UR | P_UX },
			{ "user-none", none, mm, NO_PA, WT_NORMAL, P_INVALID },
		};
		unsigned int i;

		for (i = 0; i < ARRAY_SIZE(e); i++)
			walk_check(test, &e[i]);
	}
	lpae_test_mm_put(mm);
}

/* A transparent huge page: one level 2 block */
static void walk_user_block(struct kunit *test)
{
	struct mm_struct *mm;
	struct walk_expect e = {
		.region = "user-2M", .type = WT_NORMAL, .pa = NO_PA,
		.perm = P_NG | P_W | P_UR | P_UW | P_BLOCK,
	};

	if (!IS_ENABLED(CONFIG_TRANSPARENT_HUGEPAGE))
		kunit_skip(test, "no CONFIG_TRANSPARENT_HUGEPAGE");
	mm = lpae_test_mm_get();
	KUNIT_ASSERT_NOT_NULL(test, mm);
	e.va = lpae_test_thp();
	e.mm = mm;
	if (!e.va) {
		lpae_test_mm_put(mm);
		KUNIT_FAIL(test, "cannot map 4 MiB with MADV_HUGEPAGE");
		return;
	}
	walk_check(test, &e);
	lpae_test_mm_put(mm);
}

/*
 * The faults the issue of a wrong entry would hide: a user probe of a
 * kernel address, a privileged write of rodata, a user write of a
 * read-only page.
 */
static void walk_expected_faults(struct kunit *test)
{
	struct walk_expect e = { .region = "fault-probe" };
	struct mm_struct *mm = lpae_test_mm_get();
	unsigned long ro;

	KUNIT_ASSERT_NOT_NULL(test, mm);
	e.va = (unsigned long)&walk_data_word;
	expect_fault(test, &e, ATS_UR, lpae_ats(e.va, ATS_UR), FS_PERMISSION);
	e.va = (unsigned long)__start_rodata_section_aligned;
	expect_fault(test, &e, ATS_PW, lpae_ats(e.va, ATS_PW), FS_PERMISSION);
	ro = lpae_test_mmap(PAGE_SIZE, PROT_READ);
	KUNIT_EXPECT_NE(test, ro, 0UL);
	if (ro) {
		e.va = ro;
		expect_fault(test, &e, ATS_UW, lpae_ats(ro, ATS_UW),
			     FS_PERMISSION);
	}
	lpae_test_mm_put(mm);
}

static struct kunit_case lpae_walk_cases[] = {
	KUNIT_CASE(walk_kernel_regions),
	KUNIT_CASE(walk_high_addresses),
	KUNIT_CASE(walk_user_pages),
	KUNIT_CASE(walk_user_block),
	KUNIT_CASE(walk_expected_faults),
	{}
};

struct kunit_suite arm_lpae_walk_suite = {
	.name = "arm_lpae_walk",
	.test_cases = lpae_walk_cases,
};

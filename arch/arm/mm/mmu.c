// SPDX-License-Identifier: GPL-2.0-only
/*
 * Kernel page tables for every ARM CPU with an MMU.
 *
 * One file serves both translation table formats of the ARMv7-A
 * architecture (ARM DDI 0406C):
 *
 *   - the Short-descriptor format (B3.5 "Short-descriptor translation
 *     table format") used by ARMv4..ARMv7 kernels built without LPAE:
 *     1 MiB sections, 16 MiB supersections and 4 KiB pages, with Linux
 *     keeping two hardware level-1 entries per pmd_t;
 *   - the Long-descriptor format (B3.6 "Long-descriptor translation table
 *     format") used with CONFIG_ARM_LPAE: 2 MiB blocks and 4 KiB pages,
 *     40-bit output addresses, memory types selected by an AttrIndx into
 *     MAIR0/MAIR1.
 *
 * The file is organised around two ideas:
 *
 *   1. A memory type (MT_*) is turned into descriptor bits in exactly one
 *      place, build_mem_types(), once per boot and per format. Everything
 *      else reads struct mem_type and never composes attribute bits itself.
 *
 *   2. One mapper, map_range(), walks pgd -> p4d -> pud -> pmd -> pte for
 *      init_mm (boot) and for other mm's (create_mapping_late()). At the
 *      pmd level a pure decision function, pmd_step(), says whether to
 *      write a section/block or descend into a table of pages (classic
 *      supersections for addresses above 4 GiB are decided per request);
 *      mk_desc() is the only descriptor constructor.
 *
 * TLB policy (B3.10 "TLB maintenance requirements"):
 *
 *   - Writing a valid entry over an invalid one needs no TLB maintenance:
 *     an entry that generates a Translation fault is never held in a TLB
 *     (B3.10.1 "General TLB maintenance requirements"). The boot mappings
 *     below are created this way, on the boot CPU, before any other CPU
 *     or user context exists.
 *   - The live entries the boot code rewrites in place are the head.S
 *     sections of the kernel image, which keep their output address and
 *     memory type (only permissions change). A stale TLB entry for them
 *     is therefore harmless until devicemaps_init() invalidates the whole
 *     local TLB, which it does after clearing the head.S leftovers in the
 *     vmalloc area and before any device is touched.
 *   - With VMSPLIT_1G the head.S identity map lies inside lowmem and is
 *     mapped again at other output addresses: clear_boot_idmap() clears
 *     it and invalidates its range before map_lowmem() runs
 *     (break-before-make).
 *   - Entries cleared during boot (head.S idmap, FDT and debug mappings)
 *     may stay in the TLB until that same full invalidation; nothing
 *     accesses their addresses in between.
 *   - Any other live entry that must map a different output address is
 *     replaced with break-before-make, with a warning naming it
 *     (sect_write(), pte_move()); one that maps the running kernel
 *     cannot be, and stops the boot, as does a request for pages inside
 *     a section. A section requested over a live table is written as
 *     pages into that table (pmd_step()).
 *   - __set_fixmap() invalidates the one page it changed on the local CPU.
 *   - create_mapping_late() builds tables for an mm that is not live yet,
 *     so it needs no TLB maintenance at all.
 */
#include <linux/console.h>
#include <linux/errno.h>
#include <linux/export.h>
#include <linux/fs.h>
#include <linux/highmem.h>
#include <linux/init.h>
#include <linux/initrd.h>
#include <linux/kernel.h>
#include <linux/libfdt.h>
#include <linux/memblock.h>
#include <linux/mman.h>
#include <linux/of_fdt.h>
#include <linux/panic_notifier.h>
#include <linux/pgalloc.h>
#include <linux/pgtable.h>
#include <linux/serial_core.h>
#include <linux/sizes.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>

#include <asm/cachetype.h>
#include <asm/cp15.h>
#include <asm/cputype.h>
#include <asm/fixmap.h>
#include <asm/highmem.h>
#include <asm/kasan_def.h>
#include <asm/mach/arch.h>
#include <asm/mach/map.h>
#include <asm/mach/pci.h>
#include <asm/memory.h>
#include <asm/procinfo.h>
#include <asm/sections.h>
#include <asm/setup.h>
#include <asm/smp_plat.h>
#include <asm/system_info.h>
#include <asm/tlb.h>
#include <asm/traps.h>

#include "fault.h"
#include "mm.h"
#include "tcm.h"

/*
 * The zero page, used for reads of never-written anonymous memory and for
 * ZERO_PAGE(). Allocated in paging_init().
 */
struct page *empty_zero_page;
EXPORT_SYMBOL(empty_zero_page);

/* The pmd that covers 0xffff0000: vectors and the copy/flush windows. */
pmd_t *top_pmd;

/* Level-1 table descriptor bits for user PTE tables (see pgalloc.h). */
pmdval_t user_pmd_table = _PAGE_USER_TABLE;

/*
 * Base PTE bits for user and kernel mappings, completed at boot with the
 * cache policy and shareability by build_mem_types(). pgtable.h builds
 * PAGE_KERNEL, PAGE_SHARED and friends on top of these.
 */
pgprot_t pgprot_user;
EXPORT_SYMBOL(pgprot_user);
pgprot_t pgprot_kernel;
EXPORT_SYMBOL(pgprot_kernel);

/* Physical address where lowmem ends; set by adjust_lowmem_bounds(). */
phys_addr_t arm_lowmem_limit __initdata;

/*
 * Size of the swapper tables head.S built and we keep using: with LPAE a
 * page holding the 4-entry level-1 table followed by the four level-2
 * tables (B3.6.5 "Translation table walks"), without LPAE the 16 KiB
 * level-1 table.
 */
#ifdef CONFIG_ARM_LPAE
/* One page for the level-1 table, then one level-2 table per entry. */
#define SWAPPER_PG_DIR_SIZE	(PAGE_SIZE + PTRS_PER_PGD * \
				 (PTRS_PER_PMD * sizeof(pmd_t)))
#else
/* 4096 level-1 entries, two per pgd_t. */
#define SWAPPER_PG_DIR_SIZE	(sizeof(pgd_t) * PTRS_PER_PGD)
#endif

/* ------------------------------------------------------------------ */
/* Cache policy                                                        */
/* ------------------------------------------------------------------ */

/*
 * The policies in increasing order of caching; the order matters because
 * the limits below compare indices.
 */
enum cpolicy_idx {
	CPOLICY_UNCACHED,
	CPOLICY_BUFFERED,
	CPOLICY_WRITETHROUGH,
	CPOLICY_WRITEBACK,
	CPOLICY_WRITEALLOC,
	CPOLICY_NR,
};

/**
 * struct cache_policy - one selectable data cache policy
 * @name: the word accepted by cachepolicy=
 * @cr_off: control register bits to clear when chosen before ARMv6
 * @sect: memory type bits of a section / block descriptor
 * @pte: Linux PTE memory type (L_PTE_MT_*)
 */
struct cache_policy {
	const char *name;
	unsigned int cr_off;
	pmdval_t sect;
	pteval_t pte;
};

static const struct cache_policy cache_policies[CPOLICY_NR] __initconst = {
	[CPOLICY_UNCACHED] = { "uncached", CR_W | CR_C,
			       PMD_SECT_UNCACHED, L_PTE_MT_UNCACHED },
	[CPOLICY_BUFFERED] = { "buffered", CR_C,
			       PMD_SECT_BUFFERED, L_PTE_MT_BUFFERABLE },
	[CPOLICY_WRITETHROUGH] = { "writethrough", 0,
				   PMD_SECT_WT, L_PTE_MT_WRITETHROUGH },
	[CPOLICY_WRITEBACK] = { "writeback", 0,
				PMD_SECT_WB, L_PTE_MT_WRITEBACK },
	[CPOLICY_WRITEALLOC] = { "writealloc", 0,
				 PMD_SECT_WBWA, L_PTE_MT_WRITEALLOC },
};

static unsigned int cachepolicy __initdata = CPOLICY_WRITEBACK;

/* The section flags head.S used for its boot mappings (procinfo). */
static pmdval_t boot_sect_flags __initdata;

/* ECC protection bit for level-1 descriptors (ARMv5 "P" bit), if asked. */
static pmdval_t ecc_mask __initdata;

#ifdef CONFIG_CPU_CP15

/**
 * init_default_cache_policy() - adopt the cache policy head.S used
 * @pmd: the section flags of the boot CPU's proc_info (mm_mmuflags)
 *
 * The tables built in C must map memory with the attributes head.S used
 * for the same memory: mismatched attributes for one physical location
 * are "mismatched memory attributes" and make cache behaviour
 * unpredictable (A3.5.7 "Memory access restrictions").
 */
void __init init_default_cache_policy(unsigned long pmd)
{
	unsigned int i;

	boot_sect_flags = pmd;
	for (i = 0; i < CPOLICY_NR; i++) {
		if (cache_policies[i].sect == (pmd & PMD_SECT_CACHE_MASK)) {
			cachepolicy = i;
			return;
		}
	}
	pr_err("ERROR: could not find cache policy\n");
}

static int __init select_cache_policy(const char *arg)
{
	unsigned int i, want = CPOLICY_NR;
	unsigned long cr;

	for (i = 0; i < CPOLICY_NR; i++) {
		const char *name = cache_policies[i].name;

		if (!strncmp(arg, name, strlen(name))) {
			want = i;
			break;
		}
	}
	if (want == CPOLICY_NR)
		pr_err("ERROR: unknown or unsupported cache policy\n");

	/*
	 * From ARMv6 on the boot tables fixed the policy (see
	 * init_default_cache_policy()), so only the current one is accepted.
	 */
	if (cpu_architecture() >= CPU_ARCH_ARMv6 && want != cachepolicy) {
		pr_warn("Only cachepolicy=%s supported on ARMv6 and later\n",
			cache_policies[cachepolicy].name);
		return 0;
	}
	if (want == CPOLICY_NR || want == cachepolicy)
		return 0;

	/* Older CPUs: clean the caches while they are on, then switch. */
	cr = __clear_cr(cache_policies[want].cr_off);
	cachepolicy = want;
	flush_cache_all();
	set_cr(cr);
	return 0;
}

static int __init early_cachepolicy(char *p)
{
	return select_cache_policy(p);
}
early_param("cachepolicy", early_cachepolicy);

static int __init early_nocache(char *p)
{
	pr_warn("nocache is deprecated; use cachepolicy=buffered\n");
	return select_cache_policy("buffered");
}
early_param("nocache", early_nocache);

static int __init early_nowb(char *p)
{
	pr_warn("nowb is deprecated; use cachepolicy=uncached\n");
	return select_cache_policy("uncached");
}
early_param("nowb", early_nowb);

#ifndef CONFIG_ARM_LPAE
/* ecc=on|off: ECC protected memory on ARMv5 (level-1 "P" bit). */
static int __init early_ecc(char *p)
{
	if (strncmp(p, "on", 2) == 0)
		ecc_mask = PMD_PROTECTION;
	if (strncmp(p, "off", 3) == 0)
		ecc_mask = 0;
	return 0;
}
early_param("ecc", early_ecc);
#endif /* !CONFIG_ARM_LPAE */

#else /* !CONFIG_CPU_CP15 */

/* Without CP15 there is no cache policy to choose. */
static int __init early_cachepolicy(char *p)
{
	pr_warn("cachepolicy= ignored: no cp15 on this CPU\n");
	return 0;
}
early_param("cachepolicy", early_cachepolicy);

static int __init early_noalign(char *p)
{
	pr_warn("noalign ignored: no cp15 on this CPU\n");
	return 0;
}
early_param("noalign", early_noalign);

#endif /* CONFIG_CPU_CP15 */

/* ------------------------------------------------------------------ */
/* Memory types                                                        */
/* ------------------------------------------------------------------ */

/* Bits every device PTE has: present, young, dirty, never executable. */
#define DEV_PTE		(L_PTE_PRESENT | L_PTE_YOUNG | L_PTE_DIRTY | L_PTE_XN)
/* Bits every device section has. */
#define DEV_SECT	(PMD_TYPE_SECT | PMD_SECT_AP_WRITE)
/* Bits every normal-memory kernel PTE has. */
#define MEM_PTE		(L_PTE_PRESENT | L_PTE_YOUNG | L_PTE_DIRTY)

#define MEMTYPE(pte, l1, sect, dom) \
	{ .prot_pte = (pte), .prot_l1 = (l1), .prot_sect = (sect), .domain = (dom) }

/*
 * Starting point of every type, before build_mem_types() adds what the
 * CPU and the cache policy require. prot_sect == 0 means "never mapped
 * with sections"; prot_l1 == 0 means "never mapped with pages".
 */
static struct mem_type mem_types[] __ro_after_init = {
	[MT_DEVICE] = MEMTYPE(DEV_PTE | L_PTE_MT_DEV_SHARED | L_PTE_SHARED,
			      PMD_TYPE_TABLE, DEV_SECT | PMD_SECT_S, DOMAIN_IO),
	[MT_DEVICE_NONSHARED] = MEMTYPE(DEV_PTE | L_PTE_MT_DEV_NONSHARED,
					PMD_TYPE_TABLE, DEV_SECT, DOMAIN_IO),
	[MT_DEVICE_CACHED] = MEMTYPE(DEV_PTE | L_PTE_MT_DEV_CACHED, PMD_TYPE_TABLE,
				     DEV_SECT | PMD_SECT_WB, DOMAIN_IO),
	[MT_DEVICE_WC] = MEMTYPE(DEV_PTE | L_PTE_MT_DEV_WC, PMD_TYPE_TABLE,
				 DEV_SECT, DOMAIN_IO),
	[MT_UNCACHED] = MEMTYPE(DEV_PTE, PMD_TYPE_TABLE,
				PMD_TYPE_SECT | PMD_SECT_XN, DOMAIN_IO),
	[MT_CACHECLEAN] = MEMTYPE(0, 0, PMD_TYPE_SECT | PMD_SECT_XN,
				  DOMAIN_KERNEL),
#ifndef CONFIG_ARM_LPAE
	[MT_MINICLEAN] = MEMTYPE(0, 0, PMD_TYPE_SECT | PMD_SECT_XN |
				 PMD_SECT_MINICACHE, DOMAIN_KERNEL),
#endif
	[MT_LOW_VECTORS] = MEMTYPE(MEM_PTE | L_PTE_RDONLY, PMD_TYPE_TABLE, 0,
				   DOMAIN_VECTORS),
	[MT_HIGH_VECTORS] = MEMTYPE(MEM_PTE | L_PTE_USER | L_PTE_RDONLY,
				    PMD_TYPE_TABLE, 0, DOMAIN_VECTORS),
	[MT_MEMORY_RWX] = MEMTYPE(MEM_PTE, PMD_TYPE_TABLE,
				  PMD_TYPE_SECT | PMD_SECT_AP_WRITE,
				  DOMAIN_KERNEL),
	[MT_MEMORY_RW] = MEMTYPE(MEM_PTE | L_PTE_XN, PMD_TYPE_TABLE,
				 PMD_TYPE_SECT | PMD_SECT_AP_WRITE,
				 DOMAIN_KERNEL),
#ifdef CONFIG_ARM_LPAE
	[MT_MEMORY_RO] = MEMTYPE(MEM_PTE | L_PTE_XN | L_PTE_RDONLY,
				 PMD_TYPE_TABLE, PMD_TYPE_SECT |
				 L_PMD_SECT_RDONLY | PMD_SECT_AP2,
				 DOMAIN_KERNEL),
#else
	[MT_MEMORY_RO] = MEMTYPE(MEM_PTE | L_PTE_XN | L_PTE_RDONLY,
				 PMD_TYPE_TABLE, PMD_TYPE_SECT,
				 DOMAIN_KERNEL),
#endif
	[MT_ROM] = MEMTYPE(0, 0, PMD_TYPE_SECT, DOMAIN_KERNEL),
	[MT_MEMORY_RWX_NONCACHED] = MEMTYPE(MEM_PTE | L_PTE_MT_BUFFERABLE,
					    PMD_TYPE_TABLE, PMD_TYPE_SECT |
					    PMD_SECT_AP_WRITE, DOMAIN_KERNEL),
	[MT_MEMORY_RW_DTCM] = MEMTYPE(MEM_PTE | L_PTE_XN, PMD_TYPE_TABLE,
				      PMD_TYPE_SECT | PMD_SECT_XN,
				      DOMAIN_KERNEL),
	[MT_MEMORY_RWX_ITCM] = MEMTYPE(MEM_PTE, PMD_TYPE_TABLE, 0,
				       DOMAIN_KERNEL),
	[MT_MEMORY_RW_SO] = MEMTYPE(MEM_PTE | L_PTE_MT_UNCACHED | L_PTE_XN,
				    PMD_TYPE_TABLE, PMD_TYPE_SECT |
				    PMD_SECT_AP_WRITE | PMD_SECT_S |
				    PMD_SECT_UNCACHED | PMD_SECT_XN,
				    DOMAIN_KERNEL),
	[MT_MEMORY_DMA_READY] = MEMTYPE(MEM_PTE | L_PTE_XN, PMD_TYPE_TABLE, 0,
					DOMAIN_KERNEL),
};

/**
 * get_mem_type() - the descriptor bits of a memory type
 * @type: an MT_* index
 *
 * Return: the entry for @type, or NULL if @type is out of range. Valid
 * after early_mm_init().
 */
const struct mem_type *get_mem_type(unsigned int type)
{
	if (type >= ARRAY_SIZE(mem_types))
		return NULL;
	return &mem_types[type];
}
EXPORT_SYMBOL(get_mem_type);

/*
 * User page protections by VM_READ | VM_WRITE | VM_EXEC | VM_SHARED.
 * Private writable mappings start read-only (copy on write); the cache
 * policy, shareability and PXN are added by build_mem_types().
 */
static pgprot_t protection_map[16] __ro_after_init = {
	[VM_NONE] = __PAGE_NONE,
	[VM_SHARED] = __PAGE_NONE,
	[VM_READ] = __PAGE_READONLY,
	[VM_SHARED | VM_READ] = __PAGE_READONLY,
	[VM_WRITE] = __PAGE_COPY,
	[VM_SHARED | VM_WRITE] = __PAGE_SHARED,
	[VM_WRITE | VM_READ] = __PAGE_COPY,
	[VM_SHARED | VM_WRITE | VM_READ] = __PAGE_SHARED,
	[VM_EXEC] = __PAGE_READONLY_EXEC,
	[VM_SHARED | VM_EXEC] = __PAGE_READONLY_EXEC,
	[VM_EXEC | VM_READ] = __PAGE_READONLY_EXEC,
	[VM_SHARED | VM_EXEC | VM_READ] = __PAGE_READONLY_EXEC,
	[VM_EXEC | VM_WRITE] = __PAGE_COPY_EXEC,
	[VM_SHARED | VM_EXEC | VM_WRITE] = __PAGE_SHARED_EXEC,
	[VM_EXEC | VM_WRITE | VM_READ] = __PAGE_COPY_EXEC,
	[VM_SHARED | VM_EXEC | VM_WRITE | VM_READ] = __PAGE_SHARED_EXEC,
};
DECLARE_VM_GET_PAGE_PROT

/* OR @bits into the section bits of every type that has sections. */
static void __init mt_sect_set_all(pmdval_t bits)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(mem_types); i++)
		if (mem_types[i].prot_sect)
			mem_types[i].prot_sect |= bits;
}

/* OR @bits into the level-1 table bits of every type that has pages. */
static void __init mt_l1_set_all(pmdval_t bits)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(mem_types); i++)
		if (mem_types[i].prot_l1)
			mem_types[i].prot_l1 |= bits;
}

/* Clear @bits from the section and table bits of every type. */
static void __init mt_clear_all(pmdval_t sect, pmdval_t l1)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(mem_types); i++) {
		mem_types[i].prot_sect &= ~sect;
		mem_types[i].prot_l1 &= ~l1;
	}
}

static void __init mt_add(unsigned int type, pmdval_t sect, pteval_t pte)
{
	mem_types[type].prot_sect |= sect;
	mem_types[type].prot_pte |= pte;
}

/* Is the Short-descriptor XN/S/TEX-aware ("extended") format in use? */
static bool __init has_v6_tables(int arch, unsigned int cr)
{
	return arch >= CPU_ARCH_ARMv6 && (cr & CR_XP);
}

/*
 * The policy can be no better than the CPU and the configuration allow,
 * and SMP needs the coherent, shareable write-allocate policy head.S
 * used (B3.8 "Memory region attributes", "Shareable attribute").
 */
static void __init limit_cache_policy(int arch)
{
	if (arch < CPU_ARCH_ARMv6) {
		if (IS_ENABLED(CONFIG_CPU_DCACHE_DISABLE))
			cachepolicy = min_t(unsigned int, cachepolicy,
					    CPOLICY_BUFFERED);
		else if (IS_ENABLED(CONFIG_CPU_DCACHE_WRITETHROUGH))
			cachepolicy = min_t(unsigned int, cachepolicy,
					    CPOLICY_WRITETHROUGH);
	}
	/* No write-allocate and no ECC before ARMv5. */
	if (arch < CPU_ARCH_ARMv5) {
		cachepolicy = min_t(unsigned int, cachepolicy,
				    CPOLICY_WRITEBACK);
		ecc_mask = 0;
	}
	if (!is_smp())
		return;

	if (cachepolicy != CPOLICY_WRITEALLOC)
		pr_warn("Forcing write-allocate cache policy for SMP\n");
	cachepolicy = CPOLICY_WRITEALLOC;
	if (!(boot_sect_flags & PMD_SECT_S))
		pr_warn("Forcing shared mappings for SMP\n");
	boot_sect_flags |= PMD_SECT_S;
}

/* Drop descriptor fields the CPU does not implement. */
static void __init strip_unsupported_bits(int arch, unsigned int cr)
{
	/* TEX appeared in ARMv5, the S bit with the ARMv6 format. */
	if (arch < CPU_ARCH_ARMv5)
		mt_clear_all(PMD_SECT_TEX(7), 0);
	if (!has_v6_tables(arch, cr) && !cpu_is_xsc3())
		mt_clear_all(PMD_SECT_S, 0);

	/* Bit 4 must be set in level-1 entries before ARMv6, not on XScale. */
	if (cpu_is_xscale_family()) {
		mt_clear_all(PMD_BIT4, PMD_BIT4);
	} else if (arch < CPU_ARCH_ARMv6) {
		mt_l1_set_all(PMD_BIT4);
		mt_sect_set_all(PMD_BIT4);
	}
}

/*
 * Memory type encodings of the device sections. With TEX remap the
 * TEX[0]:C:B index selects a PRRR/NMRR entry (B3.8.2 "Short-descriptor
 * format memory region attributes, with TEX remap"); otherwise the
 * TEX:C:B values are the architectural ones (B3.8.1).
 */
static void __init set_device_sections(int arch, unsigned int cr)
{
	if (!has_v6_tables(arch, cr) && !cpu_is_xsc3()) {
		/* Before ARMv6: write combining is uncached, buffered. */
		mt_add(MT_DEVICE_WC, PMD_SECT_BUFFERABLE, 0);
		return;
	}

	if (!cpu_is_xsc3()) {
		/*
		 * Stop speculative instruction fetches from devices and from
		 * non-executable memory (B3.7.2 "Execute-never restrictions
		 * on instruction fetching").
		 */
		mt_add(MT_DEVICE, PMD_SECT_XN, 0);
		mt_add(MT_DEVICE_NONSHARED, PMD_SECT_XN, 0);
		mt_add(MT_DEVICE_CACHED, PMD_SECT_XN, 0);
		mt_add(MT_DEVICE_WC, PMD_SECT_XN, 0);
		mt_add(MT_MEMORY_RW, PMD_SECT_XN, 0);
		mt_add(MT_MEMORY_RO, PMD_SECT_XN, 0);
	}

	if (arch >= CPU_ARCH_ARMv7 && (cr & CR_TRE)) {
		mt_add(MT_DEVICE, PMD_SECT_TEX(1), 0);
		mt_add(MT_DEVICE_NONSHARED, PMD_SECT_TEX(1), 0);
		mt_add(MT_DEVICE_WC, PMD_SECT_BUFFERABLE, 0);
	} else if (cpu_is_xsc3()) {
		mt_add(MT_DEVICE, PMD_SECT_TEX(1) | PMD_SECT_BUFFERED, 0);
		mt_add(MT_DEVICE_NONSHARED, PMD_SECT_TEX(2), 0);
		mt_add(MT_DEVICE_WC, PMD_SECT_TEX(1), 0);
	} else {
		mt_add(MT_DEVICE, PMD_SECT_BUFFERED, 0);
		mt_add(MT_DEVICE_NONSHARED, PMD_SECT_TEX(2), 0);
		mt_add(MT_DEVICE_WC, PMD_SECT_TEX(1), 0);
	}
}

/*
 * Normal memory mappings are shareable when head.S made them so, which
 * SMP requires for coherency between the CPUs' caches.
 */
static void __init set_shareable(pteval_t *user, pteval_t *kern,
				 pteval_t *vecs)
{
	static const unsigned int normal[] __initconst = {
		MT_DEVICE_WC, MT_DEVICE_CACHED, MT_MEMORY_RWX, MT_MEMORY_RW,
		MT_MEMORY_RO, MT_MEMORY_RWX_NONCACHED,
	};
	unsigned int i;

	if (!(boot_sect_flags & PMD_SECT_S))
		return;

	*user |= L_PTE_SHARED;
	*kern |= L_PTE_SHARED;
	*vecs |= L_PTE_SHARED;
	for (i = 0; i < ARRAY_SIZE(normal); i++)
		mt_add(normal[i], PMD_SECT_S, L_PTE_SHARED);
	mt_add(MT_MEMORY_DMA_READY, 0, L_PTE_SHARED);
}

/* Normal, non-cacheable memory for MT_MEMORY_RWX_NONCACHED. */
static void __init set_noncached_normal(int arch, unsigned int cr)
{
	pmdval_t bits;

	if (arch >= CPU_ARCH_ARMv7 && (cr & CR_TRE))
		bits = PMD_SECT_BUFFERED;	/* remapped index 1 */
	else if (arch >= CPU_ARCH_ARMv6)
		bits = PMD_SECT_TEX(1);		/* TEX=001, C=B=0 */
	else
		bits = PMD_SECT_BUFFERABLE;
	mt_add(MT_MEMORY_RWX_NONCACHED, bits, 0);
}

/*
 * Long-descriptor only: kernel mappings never take Access flag faults
 * (SCTLR.AFE is set, B3.7.3 "Hardware management of the Access flag" is
 * not implemented, so AF must be 1), and user mappings are never
 * executable at PL1 (PXN, B3.7.2).
 */
static void __init set_lpae_flags(pteval_t *user, pteval_t *kern,
				  pteval_t *vecs)
{
#ifdef CONFIG_ARM_LPAE
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(mem_types); i++)
		mem_types[i].prot_pte |= PTE_EXT_AF;
	mt_sect_set_all(PMD_SECT_AF);
	*kern |= PTE_EXT_AF;
	*vecs |= PTE_EXT_AF;
	*user |= PTE_EXT_PXN;
#endif
}

/* Fold the chosen cache policy into the normal-memory types. */
static void __init apply_cache_policy(const struct cache_policy *cp,
				      pteval_t kern)
{
	mem_types[MT_LOW_VECTORS].prot_l1 |= ecc_mask;
	mem_types[MT_HIGH_VECTORS].prot_l1 |= ecc_mask;
	mt_add(MT_MEMORY_RWX, ecc_mask | cp->sect, kern);
	mt_add(MT_MEMORY_RW, ecc_mask | cp->sect, kern);
	mt_add(MT_MEMORY_RO, ecc_mask | cp->sect, kern);
	mt_add(MT_MEMORY_DMA_READY, 0, kern);
	mt_add(MT_MEMORY_RWX_NONCACHED, ecc_mask, 0);
	mt_add(MT_ROM, cp->sect, 0);

	if (cp->sect == PMD_SECT_WT)
		mt_add(MT_CACHECLEAN, PMD_SECT_WT, 0);
	else if (cp->sect == PMD_SECT_WB || cp->sect == PMD_SECT_WBWA)
		mt_add(MT_CACHECLEAN, PMD_SECT_WB, 0);
}

/* Short-descriptor level-1 entries name their domain (B3.12.3 "Domains"). */
static void __init mt_set_domain(struct mem_type *t)
{
	pmdval_t dom = PMD_DOMAIN(t->domain);

	t->prot_sect |= t->prot_sect ? dom : 0;
	t->prot_l1 |= t->prot_l1 ? dom : 0;
}

/*
 * build_mem_types() - the one place that turns memory types into
 * descriptor bits for the running CPU and translation table format.
 */
static void __init build_mem_types(void)
{
	int arch = cpu_architecture();
	unsigned int cr = get_cr();
	const struct cache_policy *cp;
	pteval_t user, kern, vecs;
	unsigned int i;

	limit_cache_policy(arch);
	strip_unsupported_bits(arch, cr);
	set_device_sections(arch, cr);

	cp = &cache_policies[cachepolicy];
	user = cp->pte;
	kern = cp->pte;
	vecs = cp->pte;

#ifndef CONFIG_ARM_LPAE
	/*
	 * ARMv6 kernels do not use domains, so the vectors page (user
	 * read-only, kernel writable) needs its own memory type.
	 */
	if (arch == CPU_ARCH_ARMv6)
		vecs |= L_PTE_MT_VECTORS;

	/* Privileged execute-never for user tables when the CPU has it. */
	if (arch == CPU_ARCH_ARMv7 &&
	    (read_cpuid_ext(CPUID_EXT_MMFR0) & 0xf) >= 4)
		user_pmd_table |= PMD_PXNTABLE;
#endif

	if (has_v6_tables(arch, cr)) {
#ifndef CONFIG_ARM_LPAE
		/* Kernel read-only, no user access: APX=1, AP=01. */
		mt_add(MT_ROM, PMD_SECT_APX | PMD_SECT_AP_WRITE, 0);
		mt_add(MT_MINICLEAN, PMD_SECT_APX | PMD_SECT_AP_WRITE, 0);
		mt_add(MT_CACHECLEAN, PMD_SECT_APX | PMD_SECT_AP_WRITE, 0);
		mt_add(MT_MEMORY_RO, PMD_SECT_APX | PMD_SECT_AP_WRITE, 0);
#endif
		set_shareable(&user, &kern, &vecs);
	}

	set_noncached_normal(arch, cr);
	set_lpae_flags(&user, &kern, &vecs);

	for (i = 0; i < ARRAY_SIZE(protection_map); i++)
		pgprot_val(protection_map[i]) |= user;

	mt_add(MT_LOW_VECTORS, 0, vecs);
	mt_add(MT_HIGH_VECTORS, 0, vecs);

	pgprot_user = __pgprot(L_PTE_PRESENT | L_PTE_YOUNG | user);
	pgprot_kernel = __pgprot(L_PTE_PRESENT | L_PTE_YOUNG |
				 L_PTE_DIRTY | kern);

	apply_cache_policy(cp, kern);

	pr_info("Memory policy: %sData cache %s\n",
		ecc_mask ? "ECC enabled, " : "", cp->name);

	/* Domains last, so the "field is zero" tests above stay true. */
	for (i = 0; i < ARRAY_SIZE(mem_types); i++)
		mt_set_domain(&mem_types[i]);
}

#ifdef CONFIG_ARM_DMA_MEM_BUFFERABLE
/**
 * phys_mem_access_prot() - protection for a /dev/mem style mapping
 * @file: the file being mapped
 * @pfn: first page frame
 * @size: size of the mapping
 * @vma_prot: protection asked for
 *
 * Memory the kernel does not manage is mapped uncached; O_SYNC mappings
 * of RAM are write-combined so they never alias a cacheable kernel
 * mapping with a conflicting type.
 *
 * Return: the protection to use.
 */
pgprot_t phys_mem_access_prot(struct file *file, unsigned long pfn,
			      unsigned long size, pgprot_t vma_prot)
{
	pgprot_t prot = vma_prot;

	if (!pfn_valid(pfn))
		prot = pgprot_noncached(vma_prot);
	else if (file->f_flags & O_SYNC)
		prot = pgprot_writecombine(vma_prot);
	return prot;
}
EXPORT_SYMBOL(phys_mem_access_prot);
#endif /* CONFIG_ARM_DMA_MEM_BUFFERABLE */

/* ------------------------------------------------------------------ */
/* Table allocation                                                    */
/* ------------------------------------------------------------------ */

typedef void *(table_alloc_fn)(unsigned long size);

/* Boot tables come from memblock, from already mapped lowmem. */
static void __init *early_alloc(unsigned long size)
{
	void *p = memblock_alloc(size, size);

	if (!p)
		panic("%s: cannot allocate %lu bytes for page tables\n",
		      __func__, size);
	return p;
}

/* Tables built after the page allocator is up (create_mapping_late). */
static void __init *late_alloc(unsigned long size)
{
	void *p = (void *)__get_free_pages(GFP_PGTABLE_KERNEL, get_order(size));

	if (!p || !pgtable_pte_page_ctor(virt_to_page(p)))
		panic("%s: cannot allocate a page table\n", __func__);
	return p;
}

/*
 * Does this pmd slot hold a section/block? In the Short-descriptor
 * format a pmd_t pair covers two 1 MiB level-1 entries and either may be
 * a section.
 */
static bool pmd_has_block(const pmd_t *pmd)
{
#ifdef CONFIG_ARM_LPAE
	return pmd_val(*pmd) && !(pmd_val(*pmd) & PMD_TABLE_BIT);
#else
	return (pmd_val(pmd[0]) & PMD_TYPE_MASK) == PMD_TYPE_SECT ||
	       (pmd_val(pmd[1]) & PMD_TYPE_MASK) == PMD_TYPE_SECT;
#endif
}

/* Does this pmd slot hold a table (both halves of a classic pair do)? */
static bool pmd_has_table(const pmd_t *pmd)
{
	return (pmd_val(*pmd) & PMD_TYPE_MASK) == PMD_TYPE_TABLE;
}

/*
 * The PTE for @addr under @pmd, allocating and installing the table with
 * level-1 bits @prot if there is none. A pmd that holds a section is not
 * split: the pages of the section that this request does not cover
 * belong to another mapping whose page attributes are unknown here, and
 * the boot mappings must end correct. So that stops the boot.
 */
static pte_t * __init pte_table(pmd_t *pmd, unsigned long addr,
				pmdval_t prot, table_alloc_fn *alloc)
{
	if (pmd_has_block(pmd))
		panic("MM: 0x%08lx is section mapped, cannot map pages there\n",
		      addr);
	if (pmd_none(*pmd)) {
		pte_t *pte = alloc(PTE_HWTABLE_OFF + PTE_HWTABLE_SIZE);

		__pmd_populate(pmd, __pa(pte), prot);
	}
	if (WARN(pmd_bad(*pmd), "MM: bad pmd %08llx for 0x%08lx\n",
		 (u64)pmd_val(*pmd), addr))
		return NULL;
	return pte_offset_kernel(pmd, addr);
}

static pte_t * __init early_pte_table(pmd_t *pmd, unsigned long addr,
				      pmdval_t prot)
{
	return pte_table(pmd, addr, prot, early_alloc);
}

/* ------------------------------------------------------------------ */
/* The mapper                                                          */
/* ------------------------------------------------------------------ */

/*
 * What the mapper does for one pmd-sized chunk:
 * MAP_STEP_PAGES: descend into a table and write page descriptors;
 * MAP_STEP_SECTION: write section (classic) or level-2 block (LPAE)
 *	descriptors;
 * MAP_STEP_SUPERSECTION: classic only, 16 MiB supersections for
 *	physical addresses above 4 GiB.
 */
enum map_step {
	MAP_STEP_PAGES,
	MAP_STEP_SECTION,
#ifndef CONFIG_ARM_LPAE
	MAP_STEP_SUPERSECTION,
#endif
};

/**
 * struct map_req - one mapping being built
 * @mm: the address space
 * @type: descriptor bits to use
 * @ng: not global (per-ASID) mapping
 * @alloc: table allocator
 */
struct map_req {
	struct mm_struct *mm;
	const struct mem_type *type;
	bool ng;
	table_alloc_fn *alloc;
};

/*
 * The single descriptor constructor. A section/block descriptor is the
 * output address with the type's section bits (B3.5.1 / B3.6.1); a page
 * descriptor is the output address with the type's Linux PTE bits, which
 * set_pte_ext() turns into the hardware entry. nG for pages is passed to
 * set_pte_ext() separately because the Short-descriptor Linux PTE has no
 * room for it.
 */
static u64 __init mk_desc(enum map_step step, const struct map_req *req,
			  u64 phys)
{
	u64 ng = req->ng ? PMD_SECT_nG : 0;

	switch (step) {
	case MAP_STEP_SECTION:
		return phys | req->type->prot_sect | ng;
#ifndef CONFIG_ARM_LPAE
	case MAP_STEP_SUPERSECTION:
		/* PA[31:24] in place, PA[35:32] at [23:20], PA[39:36] at [8:5]. */
		return (phys & SUPERSECTION_MASK) |
		       (((phys >> 32) & 0xf) << 20) |
		       (((phys >> 36) & 0xf) << 5) |
		       req->type->prot_sect | PMD_SECT_SUPER | ng;
#endif
	default:
		return phys | req->type->prot_pte;
	}
}

/*
 * Sections are used when the type allows them and virtual start, end and
 * physical address are all section aligned, unless the pmd already holds
 * a table: a section over it would orphan the table and leave walks of
 * it in the TLB, while pages written into it end just as correct.
 */
static enum map_step __init pmd_step(const struct map_req *req,
				     unsigned long addr, unsigned long end,
				     phys_addr_t phys, const pmd_t *pmd)
{
	if (req->type->prot_sect && !((addr | end | phys) & ~SECTION_MASK) &&
	    !pmd_has_table(pmd))
		return MAP_STEP_SECTION;
	return MAP_STEP_PAGES;
}

/* Output address of a live section / block entry. */
static phys_addr_t sect_output(pmdval_t val)
{
#ifdef CONFIG_ARM_LPAE
	return val & LPAE_L2_BLOCK_OA_MASK;
#else
	return val & SECTION_MASK;
#endif
}

/*
 * Does [start, end) of init_mm hold the running kernel image? Its entries
 * cannot be broken: the CPU would fault on its next instruction fetch or
 * stack access.
 */
static bool __init maps_running_kernel(const struct map_req *req,
				       unsigned long start, unsigned long end)
{
	return req->mm == &init_mm && start < (unsigned long)_end &&
	       end > (unsigned long)_text;
}

/*
 * Rules before a live entry is replaced (B3.10.1 "General TLB maintenance
 * requirements"): the same output address may be rewritten in place (the
 * kernel image's head.S sections change permissions only); a different
 * one needs break-before-make: an invalid entry, the TLB entries of what
 * it mapped invalidated, then the new entry. The boot mappings must end
 * correct, so a move is done that way and said; where the entry maps the
 * running kernel it cannot be, and the boot stops. An mm that is not
 * live (create_mapping_late()) has nothing in any TLB.
 */
static void __init break_before_make(const struct map_req *req,
				     unsigned long start, unsigned long end)
{
	if (req->mm == &init_mm)
		local_flush_tlb_kernel_range(start, end);
}

/*
 * Store one section entry, moving a live one with break-before-make. The
 * caller, write_sections(), flushes the stored line for the walker once.
 */
static void __init sect_write(pmd_t *pmd, pmdval_t new, unsigned long addr,
			      const struct map_req *req)
{
	pmdval_t old = pmd_val(*pmd);

	if ((old & PMD_TYPE_MASK) == PMD_TYPE_SECT &&
	    sect_output(old) != sect_output(new)) {
		if (maps_running_kernel(req, addr, addr + SECTION_SIZE))
			panic("MM: section at 0x%08lx maps the running kernel at 0x%llx, cannot move it to 0x%llx\n",
			      addr, (u64)sect_output(old), (u64)sect_output(new));
		pr_warn("MM: moving live section at 0x%08lx from 0x%llx to 0x%llx\n",
			addr, (u64)sect_output(old), (u64)sect_output(new));
		*pmd = __pmd(0);
		flush_pmd_entry(pmd);
		break_before_make(req, addr, addr + SECTION_SIZE);
	}
	*pmd = __pmd(new);
}

/*
 * Write sections for [addr, end), which lies within one pmd. With the
 * Short-descriptor format the pmd_t pointer addresses the even 1 MiB
 * entry of a pair; an odd start uses the second one.
 */
static void __init write_sections(pmd_t *pmd, unsigned long addr,
				  unsigned long end, phys_addr_t phys,
				  const struct map_req *req)
{
	pmd_t *first;

#ifndef CONFIG_ARM_LPAE
	if (addr & SECTION_SIZE)
		pmd++;
#endif
	first = pmd;
	for (; addr != end; addr += SECTION_SIZE, phys += SECTION_SIZE, pmd++)
		sect_write(pmd, mk_desc(MAP_STEP_SECTION, req, phys), addr, req);
	flush_pmd_entry(first);
}

/* Break a live page entry that is about to map another page. */
static void __init pte_move(pte_t *pte, pte_t new, unsigned long addr,
			    const struct map_req *req)
{
	if (maps_running_kernel(req, addr, addr + PAGE_SIZE))
		panic("MM: page at 0x%08lx maps the running kernel, cannot move it to pfn 0x%llx\n",
		      addr, (u64)pte_pfn(new));
	pr_warn("MM: moving live page at 0x%08lx from pfn 0x%llx to 0x%llx\n",
		addr, (u64)pte_pfn(*pte), (u64)pte_pfn(new));
	set_pte_ext(pte, __pte(0), 0);
	break_before_make(req, addr, addr + PAGE_SIZE);
}

/* Write page descriptors for [addr, end) within one pmd. */
static void __init write_ptes(pmd_t *pmd, unsigned long addr,
			      unsigned long end, phys_addr_t phys,
			      const struct map_req *req)
{
	unsigned long ext = req->ng ? PTE_EXT_NG : 0;
	pte_t *pte;

	pte = pte_table(pmd, addr, req->type->prot_l1, req->alloc);
	if (!pte)
		return;

	for (; addr != end; addr += PAGE_SIZE, phys += PAGE_SIZE, pte++) {
		pte_t new = __pte(mk_desc(MAP_STEP_PAGES, req, phys));

		if (pte_present(*pte) && pte_pfn(*pte) != pte_pfn(new))
			pte_move(pte, new, addr, req);
		set_pte_ext(pte, new, ext);
	}
}

static void __init map_pmds(pud_t *pud, unsigned long addr, unsigned long end,
			    phys_addr_t phys, const struct map_req *req)
{
	pmd_t *pmd = pmd_offset(pud, addr);
	unsigned long next;

	do {
		next = pmd_addr_end(addr, end);
		if (pmd_step(req, addr, next, phys, pmd) == MAP_STEP_SECTION)
			write_sections(pmd, addr, next, phys, req);
		else
			write_ptes(pmd, addr, next, phys, req);
		phys += next - addr;
	} while (pmd++, addr = next, addr != end);
}

/*
 * Foreign mm's (create_mapping_late) may lack the intermediate tables;
 * init_mm never does, head.S built all of them (its level-2 tables with
 * LPAE are part of swapper_pg_dir).
 */
static pud_t * __init pud_for(const struct map_req *req, pgd_t *pgd,
			      unsigned long addr)
{
	p4d_t *p4d;
	pud_t *pud;

	if (req->mm == &init_mm)
		return pud_offset(p4d_offset(pgd, addr), addr);

	p4d = p4d_alloc(req->mm, pgd, addr);
	pud = p4d ? pud_alloc(req->mm, p4d, addr) : NULL;
	if (!pud || !pmd_alloc(req->mm, pud, addr))
		panic("%s: cannot allocate intermediate tables\n", __func__);
	return pud;
}

/* Walk [addr, addr + size) mapping it to @phys. */
static void __init map_range(const struct map_req *req, unsigned long addr,
			     unsigned long size, phys_addr_t phys)
{
	unsigned long end = addr + size;
	pgd_t *pgd = pgd_offset(req->mm, addr);
	unsigned long next;

	do {
		next = pgd_addr_end(addr, end);
		map_pmds(pud_for(req, pgd, addr), addr, next, phys, req);
		phys += next - addr;
	} while (pgd++, addr = next, addr != end);
}

#ifndef CONFIG_ARM_LPAE
/*
 * Physical addresses above 4 GiB in the Short-descriptor format need
 * supersections: 16 MiB entries, replicated in 16 consecutive level-1
 * slots, with PA[35:32] in bits [23:20] and PA[39:36] in bits [8:5]
 * (B3.5.1 "Short-descriptor translation table first-level descriptor
 * formats"). They only exist from ARMv6 (and on XScale3), and only
 * domain 0 may use them.
 */
static void __init map_super(const struct map_req *req, unsigned long addr,
			     unsigned long size, unsigned long pfn)
{
	unsigned long end = addr + size;
	u64 phys = (u64)pfn << PAGE_SHIFT;

	if (cpu_architecture() < CPU_ARCH_ARMv6 && !cpu_is_xsc3()) {
		pr_err("MM: CPU does not support supersection mapping for 0x%08llx at 0x%08lx\n",
		       phys, addr);
		return;
	}
	if (req->type->domain) {
		pr_err("MM: invalid domain in supersection mapping for 0x%08llx at 0x%08lx\n",
		       phys, addr);
		return;
	}
	if ((addr | size | phys) & ~SUPERSECTION_MASK) {
		pr_err("MM: cannot create mapping for 0x%08llx at 0x%08lx invalid alignment\n",
		       phys, addr);
		return;
	}

	for (; addr != end; addr += SUPERSECTION_SIZE) {
		pgd_t *pgd = pgd_offset(req->mm, addr);
		pmd_t *pmd = pmd_offset(pud_offset(p4d_offset(pgd, addr), addr),
					addr);
		pmdval_t val = mk_desc(MAP_STEP_SUPERSECTION, req, phys);
		int i;

		/* A pmd_t * addresses a pair of 1 MiB entries. */
		for (i = 0; i < SUPERSECTION_SIZE >> SECTION_SHIFT; i++)
			pmd[i] = __pmd(val);
		flush_pmd_entry(pmd);
		flush_pmd_entry(pmd + 8);
		phys += SUPERSECTION_SIZE;
	}
}
#endif

/* Physical address of a request, without truncation to phys_addr_t. */
static u64 __init md_phys(const struct map_desc *md)
{
	return (u64)md->pfn << PAGE_SHIFT;
}

/*
 * Checks shared by every mapping request; true if @md can be mapped.
 * The address arithmetic keeps the physical address in phys_addr_t so
 * 40-bit output addresses survive.
 */
static bool __init map_desc_ok(const struct map_desc *md,
			       const struct mem_type *type)
{
	u64 phys = md_phys(md);
	unsigned long addr = md->virtual & PAGE_MASK;
	unsigned long len = PAGE_ALIGN(md->length + (md->virtual & ~PAGE_MASK));

	if (!len)
		return false;
	if (!type) {
		pr_warn("BUG: unknown memory type %u for 0x%08llx at 0x%08lx, ignoring\n",
			md->type, phys, md->virtual);
		return false;
	}
	if (type->prot_l1 == 0 && ((addr | phys | len) & ~SECTION_MASK)) {
		pr_warn("BUG: map for 0x%08llx at 0x%08lx can not be mapped using pages, ignoring.\n",
			phys, addr);
		return false;
	}
	if (addr + len - 1 < addr) {
		pr_warn("BUG: map for 0x%08llx at 0x%08lx wraps around, ignoring\n",
			phys, addr);
		return false;
	}
	/* Descriptors hold PHYS_MASK_SHIFT bits of output address (B3.6.1). */
	if (phys + len - 1 > (u64)PHYS_MASK) {
		pr_warn("BUG: map for 0x%08llx at 0x%08lx is beyond the physical address range, ignoring\n",
			phys, addr);
		return false;
	}
	return true;
}

static void __init map_desc(struct mm_struct *mm, const struct map_desc *md,
			    bool ng, table_alloc_fn *alloc)
{
	struct map_req req = {
		.mm = mm,
		.type = get_mem_type(md->type),
		.ng = ng,
		.alloc = alloc,
	};
	unsigned long addr = md->virtual & PAGE_MASK;
	unsigned long len = PAGE_ALIGN(md->length + (md->virtual & ~PAGE_MASK));

#ifndef CONFIG_ARM_LPAE
	if (md->pfn >= 0x100000) {
		if (req.type)
			map_super(&req, addr, len, md->pfn);
		return;
	}
#endif
	if (!map_desc_ok(md, req.type))
		return;
	map_range(&req, addr, len, __pfn_to_phys(md->pfn));
}

/*
 * Create a global mapping in init_mm during boot. Kernel mappings live
 * above TASK_SIZE; the vectors page may be at 0 on CPUs without high
 * vectors.
 */
static void __init create_mapping(const struct map_desc *md)
{
	unsigned long vectors = vectors_high() ? 0xffff0000 : 0;

	if (md->virtual != vectors && md->virtual < TASK_SIZE) {
		pr_warn("BUG: not creating mapping for 0x%08llx at 0x%08lx in user region\n",
			md_phys(md), md->virtual);
		return;
	}

	if (md->type == MT_DEVICE && md->virtual >= PAGE_OFFSET &&
	    md->virtual < FIXADDR_START &&
	    (md->virtual < VMALLOC_START || md->virtual >= VMALLOC_END))
		pr_warn("BUG: mapping for 0x%08llx at 0x%08lx out of vmalloc space\n",
			md_phys(md), md->virtual);

	map_desc(&init_mm, md, false, early_alloc);
}

/**
 * create_mapping_late() - map a region into a not yet live mm
 * @mm: the address space (e.g. efi_mm)
 * @md: what to map
 * @ng: make the mapping not global (ASID tagged)
 *
 * Used after the page allocator is up; intermediate tables are allocated
 * as needed.
 */
void __init create_mapping_late(struct mm_struct *mm, struct map_desc *md,
				bool ng)
{
	map_desc(mm, md, ng, late_alloc);
}

/**
 * iotable_init() - create static device mappings
 * @io_desc: array of mappings
 * @nr: number of entries
 *
 * Maps each entry in init_mm and records it in the static vm list so
 * that ioremap() can reuse it and vmalloc keeps away from it.
 */
void __init iotable_init(struct map_desc *io_desc, int nr)
{
	struct static_vm *svm;
	int i;

	if (nr <= 0)
		return;

	svm = memblock_alloc(sizeof(*svm) * nr, __alignof__(*svm));
	if (!svm)
		panic("%s: cannot allocate %zu bytes\n", __func__,
		      sizeof(*svm) * nr);

	for (i = 0; i < nr; i++, svm++) {
		struct map_desc *md = &io_desc[i];
		struct vm_struct *vm = &svm->vm;

		create_mapping(md);
		vm->addr = (void *)(md->virtual & PAGE_MASK);
		vm->size = PAGE_ALIGN(md->length + (md->virtual & ~PAGE_MASK));
		vm->phys_addr = __pfn_to_phys(md->pfn);
		vm->flags = VM_IOREMAP | VM_ARM_STATIC_MAPPING |
			    VM_ARM_MTYPE(md->type);
		vm->caller = iotable_init;
		add_static_vm_early(svm);
	}
}

/**
 * vm_reserve_area_early() - keep vmalloc away from a virtual range
 * @addr: start of the range
 * @size: its size
 * @caller: recorded as the owner
 */
void __init vm_reserve_area_early(unsigned long addr, unsigned long size,
				  void *caller)
{
	struct static_vm *svm;

	svm = memblock_alloc(sizeof(*svm), __alignof__(*svm));
	if (!svm)
		panic("%s: cannot allocate %zu bytes\n", __func__, sizeof(*svm));

	svm->vm.addr = (void *)addr;
	svm->vm.size = size;
	svm->vm.flags = VM_IOREMAP | VM_ARM_EMPTY_MAPPING;
	svm->vm.caller = caller;
	add_static_vm_early(svm);
}

#ifndef CONFIG_ARM_LPAE
static void __init reserve_section_gap(unsigned long addr)
{
	vm_reserve_area_early(addr, SECTION_SIZE, reserve_section_gap);
}

/*
 * In the Short-descriptor format a pmd_t covers two 1 MiB level-1
 * entries. If a static mapping uses only one of them with a section, a
 * later vmalloc page table for the other half would overwrite both
 * (pmd_populate writes the pair). Reserve such half-empty pairs.
 */
static void __init fill_pmd_gaps(void)
{
	unsigned long skip_below = 0;
	struct static_vm *svm;

	list_for_each_entry(svm, &static_vmlist, list) {
		unsigned long start = (unsigned long)svm->vm.addr;
		unsigned long end = start + svm->vm.size;

		if (start < skip_below)
			continue;
		/* Starts in the odd half: is the even half unused? */
		if ((start & ~PMD_MASK) == SECTION_SIZE &&
		    pmd_none(pmd_off_k(start)[0]))
			reserve_section_gap(start & PMD_MASK);
		/* Ends in the even half: is the odd half unused? */
		if ((end & ~PMD_MASK) == SECTION_SIZE &&
		    pmd_none(pmd_off_k(end)[1]))
			reserve_section_gap(end);
		skip_below = ALIGN(end, PMD_SIZE);
	}
}
#else
static inline void fill_pmd_gaps(void) { }
#endif

#if defined(CONFIG_PCI) && !defined(CONFIG_NEED_MACH_IO_H)
/* Keep the fixed PCI I/O window out of vmalloc unless a platform mapped it. */
static void __init pci_reserve_io(void)
{
	if (find_static_vm_vaddr((void *)PCI_IO_VIRT_BASE))
		return;
	vm_reserve_area_early(PCI_IO_VIRT_BASE, SZ_2M, pci_reserve_io);
}
#else
static inline void pci_reserve_io(void) { }
#endif

#ifdef CONFIG_DEBUG_LL
/**
 * debug_ll_io_init() - map the low-level debug UART
 *
 * Maps the page the DEBUG_LL code uses at the address it expects, for
 * platforms whose map_io does not do it themselves.
 */
void __init debug_ll_io_init(void)
{
	unsigned long phys = 0, virt = 0;
	struct map_desc uart = { .length = PAGE_SIZE, .type = MT_DEVICE };

	debug_ll_addr(&phys, &virt);
	if (phys && virt) {
		uart.pfn = __phys_to_pfn(phys);
		uart.virtual = virt & PAGE_MASK;
		iotable_init(&uart, 1);
	}
}
#endif /* CONFIG_DEBUG_LL */

/* ------------------------------------------------------------------ */
/* Fixmap                                                              */
/* ------------------------------------------------------------------ */

/*
 * The PTE table for the top pmd before paging_init() (earlycon,
 * early_ioremap). Classic tables need a Linux half and a hardware half.
 */
static pte_t bm_pte[PTRS_PER_PTE + PTE_HWTABLE_PTRS]
	__aligned(PTE_HWTABLE_OFF + PTE_HWTABLE_SIZE) __initdata;

static pte_t * __init early_fixmap_pte(unsigned long addr)
{
	return &bm_pte[pte_index(addr)];
}

static pte_t *late_fixmap_pte(unsigned long addr)
{
	return pte_offset_kernel(pmd_off_k(addr), addr);
}

/*
 * How __set_fixmap() finds a slot's PTE: in bm_pte during boot, in the
 * real tables once paging_init() made them. A pointer set at run time,
 * so no non-init code refers to the init-only table.
 */
static pte_t *(*fixmap_pte)(unsigned long addr) __ro_after_init;

/**
 * early_fixmap_init() - install the boot fixmap PTE table
 *
 * Called before early_ioremap_init(): early_ioremap and earlycon need
 * their slots, all of which lie in the pmd of FIXADDR_TOP.
 */
void __init early_fixmap_init(void)
{
	BUILD_BUG_ON((__fix_to_virt(__end_of_early_ioremap_region) >> PMD_SHIFT)
		     != FIXADDR_TOP >> PMD_SHIFT);

	pmd_populate_kernel(&init_mm, pmd_off_k(FIXADDR_TOP), bm_pte);
	fixmap_pte = early_fixmap_pte;
}

/**
 * __set_fixmap() - map or unmap one fixmap slot
 * @idx: the slot
 * @phys: physical address to map
 * @prot: protection, or 0 to unmap
 *
 * Until early_mm_init() has computed pgprot_kernel only device mappings
 * (FIXMAP_PAGE_IO, earlycon) are possible.
 *
 * Context: the TLB entry is invalidated on the local CPU only, so the
 * caller must keep the slot to this CPU: preemption disabled (the
 * kmap_local slots are per CPU), or boot before other CPUs run.
 */
void __set_fixmap(enum fixed_addresses idx, phys_addr_t phys, pgprot_t prot)
{
	unsigned long vaddr = __fix_to_virt(idx);
	pte_t *pte;

	BUILD_BUG_ON(__fix_to_virt(__end_of_fixed_addresses) < FIXADDR_START);
	if (WARN_ON(idx >= __end_of_fixed_addresses))
		return;

	if (WARN_ON(pgprot_val(prot) &&
		    pgprot_val(prot) != pgprot_val(FIXMAP_PAGE_IO) &&
		    pgprot_val(pgprot_kernel) == 0))
		return;

	pte = fixmap_pte(vaddr);
	if (pgprot_val(prot))
		set_pte_at(NULL, vaddr, pte, pfn_pte(phys >> PAGE_SHIFT, prot));
	else
		pte_clear(NULL, vaddr, pte);
	local_flush_tlb_kernel_range(vaddr, vaddr + PAGE_SIZE);
}

/*
 * bm_pte is init data: move the fixmap to tables that survive boot,
 * keeping any permanent device mapping (earlycon) in place.
 */
static void __init early_fixmap_shutdown(void)
{
	unsigned long top = __fix_to_virt(__end_of_permanent_fixed_addresses - 1);
	unsigned int i;

	pmd_clear(pmd_off_k(top));
	local_flush_tlb_kernel_page(top);
	fixmap_pte = late_fixmap_pte;

	for (i = 0; i < __end_of_permanent_fixed_addresses; i++) {
		unsigned long va = __fix_to_virt(i);
		pte_t old = bm_pte[pte_index(va)];
		struct map_desc map;

		if (pte_none(old) ||
		    (pte_val(old) & L_PTE_MT_MASK) != L_PTE_MT_DEV_SHARED)
			continue;
		map.virtual = va;
		map.pfn = pte_pfn(old);
		map.type = MT_DEVICE;
		map.length = PAGE_SIZE;
		create_mapping(&map);
	}
}

/* ------------------------------------------------------------------ */
/* Lowmem bounds                                                       */
/* ------------------------------------------------------------------ */

#define VMALLOC_DEFAULT_SIZE	(240 * SZ_1M)

static unsigned long vmalloc_size __initdata = VMALLOC_DEFAULT_SIZE;

/*
 * vmalloc=size: the vmalloc area is at least 16 MiB, and lowmem keeps at
 * least 32 MiB.
 */
static int __init early_vmalloc(char *arg)
{
	unsigned long size = memparse(arg, NULL);
	unsigned long max = VMALLOC_END - (PAGE_OFFSET + SZ_32M + VMALLOC_OFFSET);

	if (size < SZ_16M) {
		size = SZ_16M;
		pr_warn("vmalloc area is too small, limiting to %luMiB\n",
			size >> 20);
	}
	if (size > max) {
		size = max;
		pr_warn("vmalloc area is too big, limiting to %luMiB\n",
			size >> 20);
	}
	vmalloc_size = size;
	return 0;
}
early_param("vmalloc", early_vmalloc);

/*
 * Lowmem must hold, before the page allocator exists, the kernel image,
 * the initrd (the boot reads it through the linear map) and the struct
 * page of every RAM page, high or low (a flat mem_map also covers the
 * holes), with headroom for the boot-time allocations that follow (page
 * tables, per-CPU areas, hash tables).
 */
#define LOWMEM_HEADROOM	SZ_32M

/* From the first RAM byte to the last: what a flat mem_map covers. */
static u64 __init ram_span(void)
{
	return (u64)memblock_end_of_DRAM() - memblock_start_of_DRAM();
}

/* Lowmem from PHYS_OFFSET up to VMALLOC_END less the vmalloc area. */
static u64 __init lowmem_window(void)
{
	return VMALLOC_END - VMALLOC_OFFSET - PAGE_OFFSET;
}

static u64 __init lowmem_needed(void)
{
	u64 top = __pa_symbol(KERNEL_END), copy = 0;

	if (IS_ENABLED(CONFIG_BLK_DEV_INITRD) && phys_initrd_size) {
		u64 end = (u64)phys_initrd_start + phys_initrd_size;

		/* Read in place if lowmem can reach it, else copied there. */
		if (end - PHYS_OFFSET <= lowmem_window())
			top = max(top, end);
		else
			copy = phys_initrd_size;
	}
	return top - PHYS_OFFSET + copy + LOWMEM_HEADROOM +
	       (ram_span() >> PAGE_SHIFT) * sizeof(struct page);
}

/*
 * A vmalloc= that leaves too little lowmem for the memory map would stop
 * the boot in free_area_init(): shrink the vmalloc area instead, and say
 * so. Runs before the first lowmem decision; the second call of
 * adjust_lowmem_bounds() then finds nothing to change.
 */
static void __init fit_vmalloc_to_ram(void)
{
	u64 window = lowmem_window();
	u64 need = lowmem_needed();
	u64 room = window - vmalloc_size, fit;

	if (room >= need || window < need + SZ_16M)
		return;
	fit = round_down(window - need, PMD_SIZE);
	pr_warn("vmalloc area of %luMiB leaves %lluMiB of lowmem, but the kernel, the initrd and the memory map of %lluMiB of RAM need %lluMiB: vmalloc area reduced to %lluMiB\n",
		vmalloc_size >> 20, room >> 20, ram_span() >> 20, need >> 20,
		fit >> 20);
	vmalloc_size = fit;
}

/*
 * RAM given on the command line (mem=) that does not hold the kernel
 * image, the kernel running from memory it was told is not there, would
 * hang the boot at its first allocation: stop with the reason instead.
 */
static void __init check_image_in_ram(void)
{
	/*
	 * From the first section head.S mapped, which holds swapper_pg_dir
	 * below the text; __pa_symbol() takes no address before _stext.
	 * An XIP image runs from flash and has no such section yet.
	 */
	phys_addr_t start = kernel_sec_start;
	phys_addr_t end = __pa_symbol(KERNEL_END);

	if (IS_ENABLED(CONFIG_XIP_KERNEL))
		return;

	if (memblock_is_region_memory(start, end - start))
		return;
	panic("The kernel image at %pa-%pa is not inside the RAM the kernel was given: check mem=\n",
	      &start, &end);
}

#ifdef CONFIG_PHYS_ADDR_T_64BIT
/*
 * Memory the translation tables cannot address (above the 40-bit output
 * range of B3.6 with LPAE) is dropped, with a message, instead of being
 * mapped at a truncated address. A 32-bit phys_addr_t cannot name such
 * memory in the first place.
 */
static void __init drop_unreachable_memory(void)
{
	u64 limit = (u64)PHYS_MASK + 1;
	phys_addr_t start, end;
	u64 i;

	if (!limit || memblock_end_of_DRAM() <= limit)
		return;

	for_each_mem_range(i, &start, &end) {
		phys_addr_t from = max_t(u64, start, limit);

		if (end <= limit)
			continue;
		pr_warn("Ignoring RAM at %pa-%pa: at or above %#llx, beyond the 40-bit physical addresses of the long-descriptor tables\n",
			&from, &end, limit);
	}
	memblock_remove(limit, memblock_end_of_DRAM() - limit);
}
#else
static void __init drop_unreachable_memory(void)
{
}
#endif

/**
 * adjust_lowmem_bounds() - decide what RAM is lowmem
 *
 * Lowmem is linearly mapped from PAGE_OFFSET and must leave room for the
 * vmalloc area below VMALLOC_END; the rest becomes highmem. Sets
 * arm_lowmem_limit, high_memory and the memblock allocation limit.
 * Called before and after arm_memblock_init(), so it must give the same
 * answer twice.
 */
void __init adjust_lowmem_bounds(void)
{
	phys_addr_t start, end, top, memblock_limit = 0;
	u64 lowmem_limit = 0, vmalloc_limit;
	u64 i;

	drop_unreachable_memory();
	check_image_in_ram();
	fit_vmalloc_to_ram();
	/* u64: the limit may lie beyond a 32-bit phys_addr_t. */
	vmalloc_limit = (u64)VMALLOC_END - vmalloc_size - VMALLOC_OFFSET -
			PAGE_OFFSET + PHYS_OFFSET;

	/*
	 * The first bank is mapped before any page-table memory is mapped,
	 * so it cannot use pages: hide a head that is not pmd aligned.
	 */
	for_each_mem_range(i, &start, &end) {
		if (!IS_ALIGNED(start, PMD_SIZE))
			memblock_mark_nomap(start,
					    round_up(start, PMD_SIZE) - start);
		break;
	}

	for_each_mem_range(i, &start, &end) {
		if (start >= vmalloc_limit)
			continue;
		if (end > lowmem_limit)
			lowmem_limit = min_t(u64, vmalloc_limit, end);

		/*
		 * Early page tables must come from memory that is mapped
		 * with sections already: stop the allocator at the first
		 * edge that needs pages.
		 */
		if (!memblock_limit) {
			if (!IS_ALIGNED(start, PMD_SIZE))
				memblock_limit = start;
			else if (!IS_ALIGNED(end, PMD_SIZE))
				memblock_limit = lowmem_limit;
		}
	}

	if (!lowmem_limit)
		panic("No lowmem: no RAM below the vmalloc area\n");

	arm_lowmem_limit = lowmem_limit;
	high_memory = __va(arm_lowmem_limit - 1) + 1;

	if (!memblock_limit)
		memblock_limit = arm_lowmem_limit;
	memblock_limit = round_down(memblock_limit, PMD_SIZE);

	/* Without usable highmem, what is not lowmem cannot be used. */
	top = memblock_end_of_DRAM();
	if ((!IS_ENABLED(CONFIG_HIGHMEM) || cache_is_vipt_aliasing()) &&
	    top > arm_lowmem_limit) {
		pr_notice("Ignoring RAM at %pa-%pa\n", &memblock_limit, &top);
		pr_notice("Consider using a HIGHMEM enabled kernel.\n");
		memblock_remove(memblock_limit, top - memblock_limit);
	}
	memblock_set_current_limit(memblock_limit);
}

/* ------------------------------------------------------------------ */
/* Boot page tables                                                    */
/* ------------------------------------------------------------------ */

static void __init clear_pmds(unsigned long start, unsigned long end)
{
	unsigned long addr;

	for (addr = start; addr < end; addr += PMD_SIZE)
		pmd_clear(pmd_off_k(addr));
}

/*
 * head.S maps the code that turns the MMU on (.idmap.text) at its
 * physical address, in swapper_pg_dir. When PAGE_OFFSET lies below the
 * start of RAM (VMSPLIT_1G on vexpress) that identity map sits in kernel
 * space, inside the range the lowmem linear map is about to take, and
 * map_lowmem() would rightly refuse to move a live section. Nothing runs
 * from it any more (secondary CPUs and resume use idmap_pgd), so it is
 * removed first, unless it is the kernel image's own mapping.
 */
static void __init clear_boot_idmap(void)
{
	/*
	 * head.S built the map at the identity address, which is not
	 * __pa_symbol() once a platform's pv_fixup has moved the kernel to
	 * a physical alias above 4 GiB (Keystone 2): virt_to_idmap() gives
	 * the low alias that head.S and the idmap code use.
	 */
	unsigned long start = virt_to_idmap(__idmap_text_start);
	unsigned long end = virt_to_idmap(__idmap_text_end);
	unsigned long img_start = round_down((unsigned long)_text, PMD_SIZE);
	unsigned long img_end = round_up((unsigned long)_end, PMD_SIZE);

	start = max(round_down(start, PMD_SIZE), PAGE_OFFSET);
	end = round_up(end, PMD_SIZE);
	if (start >= end || (start < img_end && end > img_start))
		return;
	clear_pmds(start, end);
	/*
	 * map_lowmem() maps this range again at other output addresses:
	 * break-before-make, so drop what the TLB holds of the old ones.
	 */
	local_flush_tlb_kernel_range(start, end);
}

/*
 * Remove what head.S and the boot loader left in kernel space, except
 * the first bank (we run from it and allocate tables from it) and the
 * KASAN early shadow.
 */
static void __init prepare_page_table(void)
{
	phys_addr_t end;
	unsigned long addr = 0;

#ifdef CONFIG_KASAN
	clear_pmds(0, KASAN_SHADOW_START);
	addr = KASAN_SHADOW_END;
#endif
	clear_pmds(addr, MODULES_VADDR);

#ifdef CONFIG_XIP_KERNEL
	/* The XIP text sits at the start of the modules area. */
	clear_pmds(round_up((unsigned long)_exiprom, PMD_SIZE), PAGE_OFFSET);
#else
	clear_pmds(MODULES_VADDR, PAGE_OFFSET);
#endif

	end = memblock.memory.regions[0].base + memblock.memory.regions[0].size;
	if (end >= arm_lowmem_limit)
		end = arm_lowmem_limit;
	clear_pmds(round_up(__phys_to_virt(end), PMD_SIZE), VMALLOC_START);
	clear_boot_idmap();
}

/**
 * arm_mm_memblock_reserve() - keep the boot page tables
 *
 * swapper_pg_dir (and with LPAE its level-2 tables) stays in use.
 */
void __init arm_mm_memblock_reserve(void)
{
	phys_addr_t tables = __pa(swapper_pg_dir);

	memblock_reserve(tables, SWAPPER_PG_DIR_SIZE);

	/* SA1111 can only DMA to the first MiB's: keep them for it. */
	if (IS_ENABLED(CONFIG_SA1111))
		memblock_reserve(PHYS_OFFSET, tables - PHYS_OFFSET);
}

static void __init map_phys(phys_addr_t start, phys_addr_t end,
			    unsigned long virt, unsigned int type)
{
	struct map_desc map = {
		.pfn = __phys_to_pfn(start),
		.virtual = virt,
		.length = end - start,
		.type = type,
	};

	if (start < end)
		create_mapping(&map);
}

static void __init map_lowmem_range(phys_addr_t start, phys_addr_t end)
{
	map_phys(start, end, __phys_to_virt(start), MT_MEMORY_RW);
}

/*
 * Map every lowmem bank, non-executable, except the kernel image, which
 * map_kernel() maps with its own permissions.
 */
static void __init map_lowmem(void)
{
	phys_addr_t ks = kernel_sec_start, ke = kernel_sec_end;
	phys_addr_t start, end;
	u64 i;

	for_each_mem_range(i, &start, &end) {
		if (end > arm_lowmem_limit)
			end = arm_lowmem_limit;
		if (start >= end)
			break;

		/* The part below the kernel, then the part above it. */
		map_lowmem_range(start, min(end, ks));
		map_lowmem_range(max(start, ke), end);
	}
}

/*
 * The kernel image: text, rodata and init executable (init.c tightens
 * this per section with STRICT_KERNEL_RWX), data and bss not.
 */
static void __init map_kernel(void)
{
#ifdef CONFIG_XIP_KERNEL
	unsigned long rom_len = (unsigned long)_exiprom - MODULES_VADDR;

	map_phys(CONFIG_XIP_PHYS_ADDR & SECTION_MASK,
		 (CONFIG_XIP_PHYS_ADDR & SECTION_MASK) +
		 round_up(rom_len, SECTION_SIZE), MODULES_VADDR, MT_ROM);
	map_phys(kernel_sec_start, kernel_sec_end,
		 __phys_to_virt(kernel_sec_start), MT_MEMORY_RW);
#else
	phys_addr_t x_end = round_up(__pa(__init_end), SECTION_SIZE);

	map_phys(kernel_sec_start, x_end, __phys_to_virt(kernel_sec_start),
		 MT_MEMORY_RWX);
	map_phys(x_end, kernel_sec_end, __phys_to_virt(x_end), MT_MEMORY_RW);
#endif
}

/*
 * Lowmem, then the kernel image. Once lowmem is mapped, early
 * allocations may come from any of it.
 */
static void __init map_ram(void)
{
	map_lowmem();
	memblock_set_current_limit(arm_lowmem_limit);
	map_kernel();
}

static void __init map_vectors(void *vectors)
{
	unsigned long pfn = __phys_to_pfn(virt_to_phys(vectors));
	struct map_desc map = {
		.pfn = pfn,
		.virtual = 0xffff0000,
		.length = PAGE_SIZE,
		.type = IS_ENABLED(CONFIG_KUSER_HELPERS) ? MT_HIGH_VECTORS :
							   MT_LOW_VECTORS,
	};

	create_mapping(&map);

	if (!vectors_high()) {
		map.virtual = 0;
		map.length = 2 * PAGE_SIZE;
		map.type = MT_LOW_VECTORS;
		create_mapping(&map);
	}

	/* The stubs page: kernel read-only, never user visible. */
	map.pfn = pfn + 1;
	map.virtual = 0xffff0000 + PAGE_SIZE;
	map.length = PAGE_SIZE;
	map.type = MT_LOW_VECTORS;
	create_mapping(&map);
}

/**
 * arm_fdt_window() - the physical range mapped at FDT_FIXED_BASE
 * @fdt: physical address of the device tree blob the boot loader passed
 * @start: set to the first byte of the range
 *
 * The blob may straddle a section boundary, so FDT_FIXED_SIZE (two
 * sections) is mapped from the section holding its start. The range is
 * computed in 64 bits: a blob in the last two sections below 4 GiB has
 * a window that ends at or past 4 GiB, which a 32-bit end would wrap to
 * 0. Where phys_addr_t cannot address the whole window (classic
 * kernels), it is cut at the highest physical address.
 *
 * Return: the length of the range in bytes, never 0.
 */
u64 arm_fdt_window(u64 fdt, u64 *start)
{
	u64 base = round_down(fdt, SECTION_SIZE);
	u64 room = (u64)PHYS_ADDR_MAX - base;

	*start = base;
	return room < FDT_FIXED_SIZE - 1 ? room + 1 : FDT_FIXED_SIZE;
}

static void __init map_fdt(u64 fdt)
{
	struct map_desc map = {
		.virtual = FDT_FIXED_BASE,
		.type = MT_MEMORY_RO,
	};
	u64 start;

	map.length = arm_fdt_window(fdt, &start);
	map.pfn = start >> PAGE_SHIFT;
	create_mapping(&map);
}

/* PTE tables for kmap (pkmap) and for the lower fixmap pmd. */
static void __init kmap_init(void)
{
#ifdef CONFIG_HIGHMEM
	pkmap_page_table = early_pte_table(pmd_off_k(PKMAP_BASE), PKMAP_BASE,
					   _PAGE_KERNEL_TABLE);
#endif
	early_pte_table(pmd_off_k(FIXADDR_START), FIXADDR_START,
			_PAGE_KERNEL_TABLE);
}

/*
 * Vectors, the device tree, cache flush areas and the platform's static
 * mappings. Until the TLB flush at the end no device may be accessed.
 */
static void __init devicemaps_init(const struct machine_desc *mdesc)
{
	void (*map_io)(void);
	void *vectors;

	/* Before the pmds around the fixmap are cleared below. */
	early_fixmap_shutdown();

	vectors = early_alloc(2 * PAGE_SIZE);
	early_trap_init(vectors);

	/* Everything from vmalloc up to the fixmap/vectors pmd goes. */
	clear_pmds(VMALLOC_START, FIXADDR_TOP & PMD_MASK);

	if (__atags_pointer)
		map_fdt(__atags_pointer);

#ifdef FLUSH_BASE
	map_phys(FLUSH_BASE_PHYS, FLUSH_BASE_PHYS + SZ_1M, FLUSH_BASE,
		 MT_CACHECLEAN);
#endif
#ifdef FLUSH_BASE_MINICACHE
	map_phys(FLUSH_BASE_PHYS + SZ_1M, FLUSH_BASE_PHYS + SZ_2M,
		 FLUSH_BASE_MINICACHE, MT_MINICLEAN);
#endif

	map_vectors(vectors);

	/* The platform's static mappings; DEBUG_LL's UART by default. */
	map_io = mdesc->map_io ? mdesc->map_io : debug_ll_io_init;
	map_io();
	fill_pmd_gaps();
	pci_reserve_io();

	/*
	 * Drop head.S translations of what was cleared above, and write the
	 * vectors back so instruction fetches see them. Only then may
	 * devices be touched and asynchronous aborts be taken.
	 */
	local_flush_tlb_all();
	flush_cache_all();
	early_abt_enable();

	/* The lower fixmap pmd was cleared above. */
	kmap_init();
}

/* The offset a platform's pv_fixup hook asks for; 0 if none. */
static long long __init pv_fixup_offset(const struct machine_desc *mdesc)
{
	return mdesc->pv_fixup ? mdesc->pv_fixup() : 0;
}

#ifdef CONFIG_ARM_PV_FIXUP
/* pv-fixup-asm.S: r0:r1 = offset, r2 = physical address of swapper. */
void lpae_pgtables_remap_asm(long long offset, unsigned long pgd_phys);

/* TTBCR (B4.1.153): IRGN0 bits [9:8] and ORGN0 bits [11:10]. */
#define TTBCR_WALK0_CACHE	(0xfU << 8)

static unsigned int __init ttbcr_read(void)
{
	unsigned int val;

	asm("mrc p15, 0, %0, c2, c0, 2" : "=r" (val));
	return val;
}

static void __init ttbcr_write(unsigned int val)
{
	asm volatile("mcr p15, 0, %0, c2, c0, 2" : : "r" (val));
}

/*
 * Platforms like Keystone 2 boot from a 32-bit alias of their RAM and
 * switch to the high alias (above 4 GiB) here: patch the phys/virt
 * offset, then rewrite the head.S tables with the MMU off.
 */
static void __init early_paging_init(const struct machine_desc *mdesc)
{
	void (*remap)(long long offset, unsigned long pgd_phys);
	long long offset = pv_fixup_offset(mdesc);
	unsigned int sctlr, ttbcr;
	unsigned long swapper_phys;

	if (!offset)
		return;

	/* Both are needed at their old (boot alias) physical addresses. */
	remap = (void *)(unsigned long)__pa(lpae_pgtables_remap_asm);
	swapper_phys = __pa(swapper_pg_dir);
	barrier();

	kernel_sec_start += offset;
	kernel_sec_end += offset;
	pr_info("Switching physical address space to 0x%08llx\n",
		(u64)PHYS_OFFSET + offset);

	__pv_offset += offset;
	__pv_phys_pfn_offset += PFN_DOWN(offset);
	fixup_pv_table(&__pv_table_begin,
		       (unsigned long)&__pv_table_end -
		       (unsigned long)&__pv_table_begin);

	/*
	 * Every physical address changes: write all data back with the
	 * caches off, and stop the table walker from allocating into them,
	 * before the tables are rewritten.
	 */
	sctlr = get_cr();
	ttbcr = ttbcr_read();
	set_cr(sctlr & ~(CR_I | CR_C));
	ttbcr_write(ttbcr & ~TTBCR_WALK0_CACHE);
	flush_cache_all();

	remap(offset, swapper_phys);

	ttbcr_write(ttbcr);
	set_cr(sctlr);
}
#else
static void __init early_paging_init(const struct machine_desc *mdesc)
{
	if (!pv_fixup_offset(mdesc))
		return;

	pr_crit("This platform needs its RAM moved to a high physical alias,\n");
	pr_crit("which needs a kernel with ARM_LPAE and ARM_PATCH_PHYS_VIRT.\n");
	pr_crit("Continuing at the boot alias; expect trouble.\n");
	add_taint(TAINT_CPU_OUT_OF_SPEC, LOCKDEP_STILL_OK);
}
#endif

#ifdef CONFIG_CPU_TTBR0_PAN
/*
 * The boot CPU comes up with user access open: TTBR0 walked over all
 * 4 GiB (v7_ttb_setup), which head.S's identity map needs. Close it as
 * soon as swapper_pg_dir is final, which TTBR1 then walks for every
 * kernel address, so that nothing after this point, the boot-time KUnit
 * suites included, runs with TTBR0 walks on outside the uaccess helpers.
 * Documentation/arm/lpae.txt, "PAN".
 */
static void __init ttbr0_pan_close(void)
{
	/* Still open: the saved TTBCR is the open one; restore it closed. */
	uaccess_restore(uaccess_save_and_enable() | TTBCR_PAN_CLOSED);
}
#else
static inline void ttbr0_pan_close(void)
{
}
#endif

#if defined(CONFIG_BLK_DEV_INITRD) && defined(CONFIG_HIGHMEM)
/*
 * Copy @size bytes, whole pages, from @from, which may be highmem, to
 * lowmem at @to, a page at a time through a kmap_local slot: the fixmap
 * works once devicemaps_init() has built its tables, the struct pages do
 * not exist yet, and the pfn is all kmap_local_pfn() needs.
 */
static void __init copy_pages_from_phys(void *to, phys_addr_t from,
					phys_addr_t size)
{
	for (; size; size -= PAGE_SIZE, from += PAGE_SIZE, to += PAGE_SIZE) {
		void *src = kmap_local_pfn(PHYS_PFN(from));

		copy_page(to, src);
		kunmap_local(src);
	}
}

/*
 * The boot reads the initrd through the linear map (initrd_start), so it
 * must lie in lowmem; a boot loader or QEMU may put it anywhere in RAM,
 * and with large memory most of RAM is highmem. arm_initrd_init() has
 * reserved it where it is: copy it into lowmem and release the original,
 * or, without the room, drop it with a message rather than let the boot
 * unpack whatever lowmem page its address wraps to.
 */
static void __init move_initrd_to_lowmem(void)
{
	phys_addr_t start = phys_initrd_start, end = start + phys_initrd_size;
	phys_addr_t base = round_down(start, PAGE_SIZE);
	phys_addr_t span = round_up(end, PAGE_SIZE) - base;
	phys_addr_t copy;

	/* Not initrd_start: a wrapped __va() of the original can be 0. */
	if (!initrd_end || end <= arm_lowmem_limit)
		return;
	copy = memblock_phys_alloc_range(span, PAGE_SIZE, 0, arm_lowmem_limit);
	if (!copy) {
		pr_err("initrd at %pa-%pa lies beyond lowmem (which ends at %pa), and lowmem has no %lluKiB left to copy it to: initrd dropped\n",
		       &start, &end, &arm_lowmem_limit, (u64)span >> 10);
		initrd_start = 0;
		initrd_end = 0;
		phys_initrd_size = 0;
	} else {
		copy_pages_from_phys(__va(copy), base, span);
		pr_info("initrd at %pa-%pa lies beyond lowmem (which ends at %pa): moved to %pa\n",
			&start, &end, &arm_lowmem_limit, &copy);
		phys_initrd_start = copy + (start - base);
		initrd_start = (unsigned long)__va(phys_initrd_start);
		initrd_end = initrd_start + phys_initrd_size;
	}
	memblock_phys_free(base, span);
}
#else
static inline void move_initrd_to_lowmem(void)
{
}
#endif

/**
 * paging_init() - build the kernel page tables
 * @mdesc: the machine
 *
 * Replaces the head.S boot mappings with the final ones: lowmem, the
 * kernel image, devices, vectors, kmap and fixmap; then brings up the
 * zone allocator and the zero page.
 */
void __init paging_init(const struct machine_desc *mdesc)
{
	void *zeroes;

#ifdef CONFIG_XIP_KERNEL
	/* head.S could not store these in the ROM. */
	kernel_sec_start = CONFIG_PHYS_OFFSET & SECTION_MASK;
	kernel_sec_end = round_up(__pa(_end), SECTION_SIZE);
#endif
	pr_debug("kernel sections: %#llx-%#llx\n", kernel_sec_start,
		 kernel_sec_end);

	prepare_page_table();
	map_ram();
	/* CMA areas are remapped with pages, over the lowmem sections. */
	dma_contiguous_remap();
	devicemaps_init(mdesc);
	tcm_init();
	move_initrd_to_lowmem();

	/* The vectors mapping created the table under 0xffff0000. */
	top_pmd = pmd_off_k(0xffff0000);

	/* The page must exist before bootmem_init(), its struct page after. */
	zeroes = early_alloc(PAGE_SIZE);
	bootmem_init();
	empty_zero_page = virt_to_page(zeroes);
	__flush_dcache_page(NULL, empty_zero_page);
	ttbr0_pan_close();
}

/* ------------------------------------------------------------------ */
/* A console for a stop during memory setup                            */
/* ------------------------------------------------------------------ */

#if defined(CONFIG_SERIAL_EARLYCON) && defined(CONFIG_OF_EARLY_FLATTREE)
/*
 * The device tree's console: /chosen/stdout-path, else the serial0 alias
 * (the vexpress trees have no stdout-path). Returns its node offset and
 * sets @opts to the options after ':', if any.
 */
static int __init fdt_console_node(const void *fdt, const char **opts)
{
	const char *path = NULL, *colon;
	int node = fdt_path_offset(fdt, "/chosen");

	if (node >= 0)
		path = fdt_getprop(fdt, node, "stdout-path", NULL);
	if (!path)
		path = fdt_get_alias(fdt, "serial0");
	if (!path)
		return -ENOENT;
	colon = strchrnul(path, ':');
	*opts = *colon ? colon + 1 : NULL;
	return fdt_path_offset_namelen(fdt, path, colon - path);
}

/*
 * The memory layout is decided long before the console driver registers,
 * so a panic there (mem= that leaves out the kernel, no lowmem, no room
 * for the memory map) would stop the machine in silence unless the user
 * happened to pass "earlycon". If no console is up when such a panic
 * comes, start the device tree's console as an early console: it prints
 * the whole log, the panic message last.
 */
static int __init layout_panic_console(struct notifier_block *nb,
				       unsigned long event, void *msg)
{
	const void *fdt = initial_boot_params;
	const struct earlycon_id *id;
	const char *opts;
	int node;

	if (console_drivers || !fdt)
		return NOTIFY_DONE;
	node = fdt_console_node(fdt, &opts);
	if (node < 0)
		return NOTIFY_DONE;
	for (id = __earlycon_table; id < __earlycon_table_end; id++) {
		if (id->compatible[0] &&
		    !fdt_node_check_compatible(fdt, node, id->compatible) &&
		    !of_setup_earlycon(id, node, opts))
			break;
	}
	return NOTIFY_DONE;
}

static struct notifier_block layout_panic_nb __initdata = {
	.notifier_call = layout_panic_console,
};

static void __init watch_layout_panics(void)
{
	atomic_notifier_chain_register(&panic_notifier_list, &layout_panic_nb);
}

/* By now the console is up, and the notifier's code is about to go. */
static int __init unwatch_layout_panics(void)
{
	atomic_notifier_chain_unregister(&panic_notifier_list,
					 &layout_panic_nb);
	return 0;
}
late_initcall_sync(unwatch_layout_panics);
#else
static void __init watch_layout_panics(void)
{
}
#endif

/**
 * early_mm_init() - memory types and physical address switch
 * @mdesc: the machine
 *
 * Runs after the early parameters (cachepolicy=, ...) are parsed and
 * before any memory is allocated.
 */
void __init early_mm_init(const struct machine_desc *mdesc)
{
	watch_layout_panics();
	build_mem_types();
	early_paging_init(mdesc);
}

/**
 * set_pte_at() - install a PTE
 * @mm: the address space
 * @addr: virtual address
 * @ptep: the entry
 * @pteval: new value
 *
 * User mappings are made not global (nG) so they are tagged with the
 * ASID, and the I-cache is made coherent for pages that may be executed.
 */
void set_pte_at(struct mm_struct *mm, unsigned long addr,
		pte_t *ptep, pte_t pteval)
{
	bool user = addr < TASK_SIZE && pte_valid_user(pteval);

	if (user && !pte_special(pteval))
		__sync_icache_dcache(pteval);
	set_pte_ext(ptep, pteval, user ? PTE_EXT_NG : 0);
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * arm_lpae_audit: every valid entry of the live tables against the rules
 * the kernel means to keep, whether or not QEMU would notice a break.
 *
 * swapper_pg_dir and a user address space are walked entry by entry
 * (B3.6.1 "Long-descriptor translation table format descriptors"); each
 * leaf must have:
 *   - bits [51:40] zero (RES0 with a 40-bit output address);
 *   - AF set (kernel entries are never old; the user entries audited here
 *     were just faulted in);
 *   - nG clear in the kernel, set in user space (B3.9.1 "Global and
 *     process-specific translation table entries");
 *   - PXN if PL0 may access it (PXNTable above is a second line of
 *     defence), but for the vectors page whose code runs at PL1;
 *   - XN or PXN in the kernel outside text, the vectors and modules;
 *   - SH = inner shareable for Normal write-back memory on SMP (B3.8.2);
 *   - AP[2] (read-only) over text, rodata and the device tree window;
 *   - never writable and executable at PL1 together;
 *   - an output address in RAM for Normal write-back memory, outside RAM
 *     for Device memory.
 * The entries checked are counted per region. The system control,
 * translation control and memory attribute registers of every CPU are
 * checked against what proc-v7.S and proc-v7-3level.S program.
 *
 * Runs late (lpae_live.c), after mark_readonly().
 */
#include <kunit/test.h>
#include <linux/bitfield.h>
#include <linux/highmem.h>
#include <linux/mm.h>
#include <linux/mman.h>
#include <linux/sizes.h>

#include <asm/fixmap.h>
#include <asm/memory.h>
#include <asm/sections.h>
#include <asm/smp_plat.h>

#include "lpae_live.h"

#define AUDIT_SHOWN	4	/* entries named per broken rule */
#define VECTORS_END	(VECTORS_BASE + 2 * PAGE_SIZE)

enum audit_region {
	R_USER, R_MODULES, R_PKMAP, R_LOWMEM, R_TEXT, R_RODATA, R_VMALLOC,
	R_FDT, R_FIXMAP, R_VECTORS, R_OTHER, NR_REGIONS
};

static const char *const region_name[NR_REGIONS] = {
	"user", "modules", "pkmap", "lowmem", "text", "rodata", "vmalloc",
	"fdt", "fixmap", "vectors", "other",
};

enum audit_rule {
	A_RES0, A_AF, A_NG, A_PXN, A_XN, A_SH, A_RO, A_WX, A_OA, A_RESERVED,
	NR_RULES
};

static const char *const rule_name[NR_RULES] = {
	"bits [51:40] zero", "AF set", "nG clear in the kernel, set for user",
	"PXN on user-accessible entries", "XN outside text, vectors, modules",
	"Normal memory inner shareable on SMP", "AP[2] over text, rodata, fdt",
	"not writable and executable at PL1", "output address in RAM or I/O",
	"no reserved level 3 encoding",
};

struct audit {
	struct kunit *test;
	bool user;		/* a user address space: nG expected */
	unsigned long last;	/* last virtual address audited */
	unsigned int count[NR_REGIONS];
	unsigned int blocks[NR_REGIONS];
	unsigned int broken[NR_RULES];
};

static bool overlaps(unsigned long va, unsigned long size, unsigned long start,
		     unsigned long end)
{
	return va < end && va + (size - 1) >= start;
}

static enum audit_region region_of(const struct audit *a, unsigned long va,
				   unsigned long size)
{
	if (a->user || va < MODULES_VADDR)
		return R_USER;
	if (va < PKMAP_BASE)
		return R_MODULES;
	if (va < PAGE_OFFSET)
		return R_PKMAP;
	if (overlaps(va, size, (unsigned long)_stext,
		     (unsigned long)__start_rodata_section_aligned))
		return R_TEXT;
	if (overlaps(va, size, (unsigned long)__start_rodata_section_aligned,
		     (unsigned long)__init_begin))
		return R_RODATA;
	if (va < (unsigned long)high_memory)
		return R_LOWMEM;
	if (va >= VMALLOC_START && va < VMALLOC_END)
		return R_VMALLOC;
	if (va >= FDT_FIXED_BASE && va < FDT_FIXED_BASE + FDT_FIXED_SIZE)
		return R_FDT;
	if (va >= VECTORS_BASE && va < VECTORS_END)
		return R_VECTORS;
	if (va >= FIXADDR_START && va < FIXADDR_END)
		return R_FIXMAP;
	return R_OTHER;
}

static void rule(struct audit *a, enum audit_rule r, bool kept,
		 unsigned long va, u64 desc)
{
	if (kept)
		return;
	if (a->broken[r]++ < AUDIT_SHOWN)
		kunit_err(a->test, "%#010lx entry %#018llx breaks: %s\n", va,
			  desc, rule_name[r]);
}

static bool output_ok(u8 attr, u64 pa, unsigned long size)
{
	bool ram = pfn_valid(PHYS_PFN(pa));

	if (lpae_attr_normal_wb(attr))
		return ram;
	/*
	 * Not every device claims its registers in /proc/iomem (the GIC
	 * does not), so the rule for Device memory is only: not RAM.
	 */
	if (attr == ATTR_DEVICE || attr == ATTR_SO)
		return !ram;
	/* Normal non-cacheable: coherent DMA buffers in RAM, or I/O */
	return true;
}

static void audit_leaf(struct audit *a, unsigned long va, int level, u64 d,
		       u64 tattrs)
{
	unsigned long size = BIT(lvl_shift(level));
	struct lpae_leaf leaf = {
		.desc = d, .level = level, .table = tattrs,
		.pa = d & D_OA & ~(u64)(size - 1),
	};
	enum audit_region r = region_of(a, va, size);
	bool writable = !(d & D_AP2) && !(FIELD_GET(D_APTABLE, tattrs) & 2);
	bool kx = lpae_leaf_pl1_exec(&leaf);
	u8 attr = lpae_mair_attr(d);

	a->count[r]++;
	a->blocks[r] += level < 3;
	rule(a, A_RES0, !(d & D_OA_RES0), va, d);
	rule(a, A_AF, d & D_AF, va, d);
	rule(a, A_NG, !!(d & D_NG) == a->user, va, d);
	/* The leaf's own PXN: PXNTable above it is a second line. */
	rule(a, A_PXN, !(d & D_AP1) || (d & D_PXN) || r == R_VECTORS, va, d);
	rule(a, A_XN, a->user || !kx || r == R_TEXT || r == R_VECTORS ||
	     r == R_MODULES, va, d);
	if (is_smp() && lpae_attr_normal_wb(attr))
		rule(a, A_SH, FIELD_GET(D_SH, d) == SH_INNER, va, d);
	if (r == R_TEXT || r == R_RODATA || r == R_FDT)
		rule(a, A_RO, !writable, va, d);
	rule(a, A_WX, !(writable && kx), va, d);
	rule(a, A_OA, output_ok(attr, leaf.pa, size), va, d);
}

static void audit_table(struct audit *a, const u64 *table, int level,
			unsigned long base, u64 tattrs)
{
	unsigned int i;

	for (i = 0; i < lvl_entries(level); i++) {
		unsigned long va = base + ((unsigned long)i << lvl_shift(level));
		u64 d = READ_ONCE(table[i]);
		u64 *next;

		if (va > a->last)
			break;
		if (!(d & D_VALID))
			continue;
		if (level == 3 && !(d & D_TABLE)) {
			rule(a, A_RESERVED, false, va, d);
		} else if (level < 3 && (d & D_TABLE)) {
			rule(a, A_RES0, !(d & D_OA_RES0), va, d);
			next = kmap_local_page(pfn_to_page(PHYS_PFN(d & D_OA)));
			audit_table(a, next, level + 1, va,
				    tattrs | (d & D_TABLE_ATTRS));
			kunmap_local(next);
		} else {
			audit_leaf(a, va, level, d, tattrs);
		}
	}
}

static void audit_report(struct audit *a, const char *what)
{
	unsigned int i, total = 0;

	for (i = 0; i < NR_REGIONS; i++) {
		if (!a->count[i])
			continue;
		kunit_info(a->test, "%s: %-8s %6u entries checked (%u blocks, %u pages)\n",
			   what, region_name[i], a->count[i], a->blocks[i],
			   a->count[i] - a->blocks[i]);
		total += a->count[i];
	}
	kunit_info(a->test, "%s: %u entries checked in all\n", what, total);
	KUNIT_EXPECT_GT(a->test, total, 0U);
	for (i = 0; i < NR_RULES; i++)
		KUNIT_EXPECT_EQ_MSG(a->test, a->broken[i], 0U,
				    "%s: %u entries break \"%s\"", what,
				    a->broken[i], rule_name[i]);
}

/* Every valid entry of the kernel's tables */
static void audit_swapper(struct kunit *test)
{
	struct audit a = { .test = test, .last = ~0UL };

	audit_table(&a, (u64 *)swapper_pg_dir, 1, 0, 0);
	audit_report(&a, "swapper_pg_dir");
	KUNIT_EXPECT_GT(test, a.count[R_TEXT], 0U);
	KUNIT_EXPECT_GT(test, a.count[R_RODATA], 0U);
	KUNIT_EXPECT_GT(test, a.count[R_FDT], 0U);
	KUNIT_EXPECT_GT(test, a.count[R_VECTORS], 0U);
}

/* The user half of an address space with the usual kinds of pages */
static void audit_user_mm(struct kunit *test)
{
	struct audit a = { .test = test, .user = true, .last = TASK_SIZE - 1 };
	struct mm_struct *mm = lpae_test_mm_get();
	static const unsigned long prot[] = {
		PROT_READ | PROT_WRITE, PROT_READ, PROT_READ | PROT_EXEC,
	};
	unsigned int i;

	KUNIT_ASSERT_NOT_NULL(test, mm);
	for (i = 0; i < ARRAY_SIZE(prot); i++)
		KUNIT_EXPECT_NE(test, lpae_test_mmap(16 * PAGE_SIZE, prot[i]),
				0UL);
	if (IS_ENABLED(CONFIG_TRANSPARENT_HUGEPAGE))
		KUNIT_EXPECT_NE(test, lpae_test_thp(), 0UL);
	audit_table(&a, (u64 *)mm->pgd, 1, 0, 0);
	lpae_test_mm_put(mm);
	audit_report(&a, "user mm");
	KUNIT_EXPECT_GE(test, a.count[R_USER], 3 * 16U);
}

/*
 * The KASAN shadow, [TASK_SIZE, MODULES_VADDR), is copied into an mm when
 * its PGD is made and never faulted in (pgd.c), so init_mm must have a
 * table behind each of its level 2 entries before the first mm exists
 * (KASAN_VMALLOC fills the shadow in later, into those tables), and an
 * mm's entries must be init_mm's. Without KASAN the range is not a
 * shadow (Thumb-2 kernels have an 8 MiB modules area there, whose entries
 * are faulted in), so the case skips.
 */
static void audit_kasan_shadow_slot(struct kunit *test)
{
	unsigned int missing = 0, differ = 0;
	struct mm_struct *mm;
	unsigned long addr;

	if (!IS_ENABLED(CONFIG_KASAN))
		kunit_skip(test, "no KASAN shadow below the modules area");
	mm = lpae_test_mm_get();
	KUNIT_ASSERT_NOT_NULL(test, mm);
	for (addr = TASK_SIZE; addr < MODULES_VADDR; addr += PMD_SIZE) {
		pmd_t kern = *pmd_off_k(addr), user = *pmd_off(mm, addr);

		missing += pmd_none(kern);
		differ += pmd_val(kern) != pmd_val(user);
	}
	lpae_test_mm_put(mm);
	kunit_info(test, "shadow 0x%08lx-0x%08lx: %u of %lu entries without a table, %u differ in a user mm\n",
		   TASK_SIZE, MODULES_VADDR, missing,
		   (MODULES_VADDR - TASK_SIZE) / PMD_SIZE, differ);
	KUNIT_EXPECT_EQ(test, missing, 0U);
	KUNIT_EXPECT_EQ(test, differ, 0U);
}

/* B4.1 "SCTLR, System Control Register" */
#define SCTLR_M		BIT(0)
#define SCTLR_A		BIT(1)
#define SCTLR_C		BIT(2)
#define SCTLR_Z		BIT(11)
#define SCTLR_I		BIT(12)
#define SCTLR_V		BIT(13)
#define SCTLR_RR	BIT(14)
#define SCTLR_HA	BIT(17)
#define SCTLR_WXN	BIT(19)
#define SCTLR_UWXN	BIT(20)
#define SCTLR_FI	BIT(21)
#define SCTLR_VE	BIT(24)
#define SCTLR_EE	BIT(25)
#define SCTLR_TRE	BIT(28)
#define SCTLR_AFE	BIT(29)
#define SCTLR_TE	BIT(30)

/*
 * MMU, caches, branch prediction and high vectors on; TEX remap and the
 * access flag model (both assumed by the L_PTE_* encodings); big-endian
 * data and Thumb exceptions as the kernel is built.
 */
#define SCTLR_KERNEL_SET	(SCTLR_M | SCTLR_C | SCTLR_Z | SCTLR_I | \
				 SCTLR_V | SCTLR_TRE | SCTLR_AFE)
/* Alignment faults, hardware AF management, WXN and the rest stay off. */
#define SCTLR_KERNEL_CLEAR	(SCTLR_A | SCTLR_RR | SCTLR_HA | SCTLR_WXN | \
				 SCTLR_UWXN | SCTLR_FI | SCTLR_VE)
#define CTL_TTBCR_EAE		BIT(31)

struct cpu_ctl {
	u32 sctlr, ttbcr, mair0, mair1;
};

static void read_ctl(void *info)
{
	struct cpu_ctl *c = info;

	asm volatile("mrc p15, 0, %0, c1, c0, 0" : "=r" (c->sctlr));
	asm volatile("mrc p15, 0, %0, c2, c0, 2" : "=r" (c->ttbcr));
	asm volatile("mrc p15, 0, %0, c10, c2, 0" : "=r" (c->mair0));
	asm volatile("mrc p15, 0, %0, c10, c2, 1" : "=r" (c->mair1));
}

static void audit_cpu_registers(struct kunit *test)
{
	u32 set = SCTLR_KERNEL_SET |
		(IS_ENABLED(CONFIG_CPU_BIG_ENDIAN) ? SCTLR_EE : 0) |
		(IS_ENABLED(CONFIG_THUMB2_KERNEL) ? SCTLR_TE : 0);
	u32 clear = SCTLR_KERNEL_CLEAR |
		(IS_ENABLED(CONFIG_CPU_BIG_ENDIAN) ? 0 : SCTLR_EE) |
		(IS_ENABLED(CONFIG_THUMB2_KERNEL) ? 0 : SCTLR_TE);
	struct cpu_ctl first = { }, c;
	int cpu, n = 0;

	cpus_read_lock();
	for_each_online_cpu(cpu) {
		KUNIT_EXPECT_EQ(test, smp_call_function_single(cpu, read_ctl,
							       &c, 1), 0);
		kunit_info(test, "cpu%d: SCTLR=%#010x TTBCR=%#010x MAIR0=%#010x MAIR1=%#010x\n",
			   cpu, c.sctlr, c.ttbcr, c.mair0, c.mair1);
		KUNIT_EXPECT_EQ_MSG(test, c.sctlr & set, set,
				    "cpu%d: SCTLR bits %#x clear", cpu,
				    ~c.sctlr & set);
		KUNIT_EXPECT_EQ_MSG(test, c.sctlr & clear, 0U,
				    "cpu%d: SCTLR bits %#x set", cpu,
				    c.sctlr & clear);
		KUNIT_EXPECT_TRUE_MSG(test, c.ttbcr & CTL_TTBCR_EAE,
				      "cpu%d: TTBCR.EAE clear", cpu);
		if (!n++)
			first = c;
		/* Every CPU runs the same translation regime. */
		KUNIT_EXPECT_EQ_MSG(test, c.ttbcr, first.ttbcr, "cpu%d", cpu);
		KUNIT_EXPECT_EQ_MSG(test, c.mair0, first.mair0, "cpu%d", cpu);
		KUNIT_EXPECT_EQ_MSG(test, c.mair1, first.mair1, "cpu%d", cpu);
		KUNIT_EXPECT_EQ_MSG(test, c.sctlr, first.sctlr, "cpu%d", cpu);
	}
	cpus_read_unlock();
	KUNIT_EXPECT_GE(test, n, 1);
}

static struct kunit_case lpae_audit_cases[] = {
	KUNIT_CASE(audit_swapper),
	KUNIT_CASE(audit_user_mm),
	KUNIT_CASE(audit_cpu_registers),
	KUNIT_CASE(audit_kasan_shadow_slot),
	{}
};

struct kunit_suite arm_lpae_audit_suite = {
	.name = "arm_lpae_audit",
	.test_cases = lpae_audit_cases,
};

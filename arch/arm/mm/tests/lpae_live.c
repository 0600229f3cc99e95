// SPDX-License-Identifier: GPL-2.0-only
/*
 * Shared by the suites that check live LPAE tables (lpae_live.h), and
 * the way they run: after the kernel has made its text and rodata
 * read-only. The boot-time KUnit executor runs before mark_readonly(),
 * when every kernel mapping is still writable, so these suites are not
 * in .kunit_test_suites. /init starts them instead by writing to
 * <debugfs>/arm_mm_kunit/run_late; they print KTAP to the console under
 * a top-level header of their own, once per boot.
 */
#include <kunit/test.h>
#include <linux/debugfs.h>
#include <linux/highmem.h>
#include <linux/init.h>
#include <linux/kthread.h>
#include <linux/mman.h>
#include <linux/mutex.h>
#include <linux/pgtable.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>

#include "lpae_live.h"

static u64 lpae_table_next(u64 desc, unsigned long va, int level)
{
	unsigned int idx = (va >> lvl_shift(level)) & (lvl_entries(level) - 1);
	struct page *page = pfn_to_page(PHYS_PFN(desc & D_OA));
	u64 *table = kmap_local_page(page);
	u64 next = READ_ONCE(table[idx]);

	kunmap_local(table);
	return next;
}

/**
 * lpae_sw_walk() - translate @va through @mm's tables as the MMU would
 * @mm:   the address space; its PGD is the level 1 table of the walk
 * @va:   the virtual address
 * @leaf: filled with the leaf descriptor and the output address
 *
 * Reads the descriptors themselves (B3.6.1), not the kernel's pgd/pmd/pte
 * helpers, so that a helper that misreads an entry cannot hide it. Page
 * tables may be highmem (HIGHPTE); each level is mapped while it is read.
 *
 * Return: true if a valid leaf maps @va.
 */
bool lpae_sw_walk(struct mm_struct *mm, unsigned long va,
		  struct lpae_leaf *leaf)
{
	u64 desc = READ_ONCE(((u64 *)mm->pgd)[va >> lvl_shift(1)]);
	int level = 1;

	memset(leaf, 0, sizeof(*leaf));
	while (desc & D_VALID) {
		u64 low = (u64)va & (BIT_ULL(lvl_shift(level)) - 1);

		if (level == 3 || !(desc & D_TABLE)) {
			/* A level 3 entry with bit 1 clear is reserved. */
			if (level == 3 && !(desc & D_TABLE))
				return false;
			leaf->desc = desc;
			leaf->level = level;
			leaf->pa = (desc & D_OA & ~(BIT_ULL(lvl_shift(level)) - 1)) | low;
			return true;
		}
		leaf->table |= desc & D_TABLE_ATTRS;
		desc = lpae_table_next(desc, va, ++level);
	}
	return false;
}

/**
 * lpae_mair_attr() - the MAIR byte a descriptor's AttrIndx selects
 * @desc: a block or page descriptor
 *
 * Reads MAIR0/MAIR1 of this CPU (B4.1 "MAIR0 and MAIR1"): index 0-3 in
 * MAIR0, 4-7 in MAIR1, one byte each.
 *
 * Return: the attribute byte.
 */
u8 lpae_mair_attr(u64 desc)
{
	unsigned int idx = (desc & D_ATTRINDX) >> 2;
	u32 mair;

	if (idx < 4)
		asm volatile("mrc p15, 0, %0, c10, c2, 0" : "=r" (mair));
	else
		asm volatile("mrc p15, 0, %0, c10, c2, 1" : "=r" (mair));
	return mair >> ((idx & 3) * 8);
}

/**
 * lpae_attr_normal_wb() - is a MAIR byte Normal write-back memory?
 * @attr: the attribute byte
 *
 * Return: true if both the outer (bits [7:4]) and inner (bits [3:0])
 * halves are write-back, 0b11RW, with an allocation hint.
 */
bool lpae_attr_normal_wb(u8 attr)
{
	return (attr & 0xc0) == 0xc0 && (attr & 0x0c) == 0x0c;
}

/**
 * lpae_leaf_pl1_exec() - may PL1 execute from what @leaf maps?
 * @leaf: a valid leaf
 *
 * Return: false if XN, PXN or a table's XNTable or PXNTable forbids it.
 */
bool lpae_leaf_pl1_exec(const struct lpae_leaf *leaf)
{
	return !((leaf->desc | leaf->table) & (D_XN | D_PXN | D_XNTABLE |
					       D_PXNTABLE));
}

/**
 * lpae_leaf_pl0_exec() - may PL0 execute from what @leaf maps?
 * @leaf: a valid leaf
 *
 * Return: true if PL0 may access it and neither XN nor XNTable is set.
 */
bool lpae_leaf_pl0_exec(const struct lpae_leaf *leaf)
{
	return (leaf->desc & D_AP1) &&
		!((leaf->desc | leaf->table) & (D_XN | D_XNTABLE));
}

/**
 * lpae_test_mm_get() - a new user address space, made current
 * @void: no arguments
 *
 * For a KUnit case (a kthread): the mm gets the default mmap layout and
 * becomes current->mm and the TTBR0 tables of this CPU, so vm_mmap(),
 * uaccess and the MMU's own walks (ATS1CU*) all see it.
 *
 * Return: the mm, or NULL if it cannot be allocated.
 */
struct mm_struct *lpae_test_mm_get(void)
{
	struct mm_struct *mm = mm_alloc();

	if (!mm)
		return NULL;
	mm->task_size = TASK_SIZE;
	arch_pick_mmap_layout(mm, &current->signal->rlim[RLIMIT_STACK]);
	kthread_use_mm(mm);
	return mm;
}

/**
 * lpae_test_mm_put() - undo lpae_test_mm_get()
 * @mm: the address space it returned
 */
void lpae_test_mm_put(struct mm_struct *mm)
{
	kthread_unuse_mm(mm);
	mmput(mm);
}

/**
 * lpae_test_mmap() - map and populate anonymous memory in current->mm
 * @len:  bytes
 * @prot: PROT_* bits
 *
 * Return: the address, or 0 on failure.
 */
unsigned long lpae_test_mmap(unsigned long len, unsigned long prot)
{
	unsigned long addr;

	addr = vm_mmap(NULL, 0, len, prot,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, 0);
	return IS_ERR_VALUE(addr) ? 0 : addr;
}

/**
 * lpae_test_thp() - a transparent huge page in current->mm
 * @void: no arguments
 *
 * Maps 4 MiB, asks for huge pages (MADV_HUGEPAGE) on the 2 MiB aligned
 * half and faults it in, which gives one level 2 block while the page
 * allocator has a free 2 MiB block.
 *
 * Return: the 2 MiB aligned address, or 0 if the mapping or the advice
 * failed.
 */
unsigned long lpae_test_thp(void)
{
	unsigned long addr;

	addr = vm_mmap(NULL, 0, 2 * PMD_SIZE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, 0);
	if (IS_ERR_VALUE(addr))
		return 0;
	addr = ALIGN(addr, PMD_SIZE);
	if (do_madvise(current->mm, addr, PMD_SIZE, MADV_HUGEPAGE))
		return 0;
	mm_populate(addr, PMD_SIZE);
	return addr;
}

static struct kunit_suite *lpae_late_suites[] = {
	&arm_lpae_walk_suite,
	&arm_lpae_audit_suite,
};

static ssize_t lpae_run_late(struct file *file, const char __user *buf,
			     size_t len, loff_t *pos)
{
	static DEFINE_MUTEX(lock);
	static bool ran;
	ssize_t ret = len;

	if (system_state != SYSTEM_RUNNING)
		return -EBUSY;
	mutex_lock(&lock);
	if (ran) {
		ret = -EALREADY;
	} else {
		ran = true;
		pr_info("KTAP version 1\n");
		pr_info("1..%zu\n", ARRAY_SIZE(lpae_late_suites));
		__kunit_test_suites_init(lpae_late_suites,
					 ARRAY_SIZE(lpae_late_suites));
	}
	mutex_unlock(&lock);
	return ret;
}

static const struct file_operations lpae_run_late_fops = {
	.owner = THIS_MODULE,
	.write = lpae_run_late,
	.llseek = noop_llseek,
};

static int __init lpae_late_kunit_init(void)
{
	struct dentry *dir = debugfs_create_dir("arm_mm_kunit", NULL);

	debugfs_create_file("run_late", 0200, dir, NULL, &lpae_run_late_fops);
	return 0;
}
late_initcall(lpae_late_kunit_init);

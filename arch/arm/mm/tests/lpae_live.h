/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the suites that check live LPAE tables share: the descriptor and
 * PAR fields as the architecture defines them, spelt out here instead of
 * taken from the headers under test (ARM DDI 0406C, B3.6.1 "Long-
 * descriptor translation table format descriptors", B3.6.2 "Memory
 * attributes in the Long-descriptor translation table format
 * descriptors", B4.1 "PAR, Physical Address Register"), a software walk
 * of a table tree, and the suites that run after the kernel has made
 * its text and rodata read-only (late_kunit.c).
 */
#ifndef ARM_MM_TESTS_LPAE_LIVE_H
#define ARM_MM_TESTS_LPAE_LIVE_H

#include <linux/bits.h>
#include <linux/types.h>

struct kunit_suite;
struct mm_struct;

/* Descriptor fields, all levels */
#define D_VALID		BIT_ULL(0)
#define D_TABLE		BIT_ULL(1)	/* levels 1-2: table; level 3: page */
#define D_ATTRINDX	GENMASK_ULL(4, 2)
#define D_AP1		BIT_ULL(6)	/* AP[1]: PL0 may access */
#define D_AP2		BIT_ULL(7)	/* AP[2]: read-only */
#define D_SH		GENMASK_ULL(9, 8)
#define D_AF		BIT_ULL(10)
#define D_NG		BIT_ULL(11)
#define D_OA		GENMASK_ULL(39, 12)
#define D_OA_RES0	GENMASK_ULL(51, 40)	/* RES0 with 40-bit PAs */
#define D_PXN		BIT_ULL(53)
#define D_XN		BIT_ULL(54)
#define D_PXNTABLE	BIT_ULL(59)
#define D_XNTABLE	BIT_ULL(60)
#define D_APTABLE	GENMASK_ULL(62, 61)
#define D_TABLE_ATTRS	(D_PXNTABLE | D_XNTABLE | D_APTABLE)

#define SH_INNER	3

/* Input address bits one entry of level 1, 2 or 3 maps */
static inline unsigned int lvl_shift(int level)
{
	return level == 1 ? 30 : level == 2 ? 21 : 12;
}

/* Entries of a table of that level: 4 at level 1 with T0SZ = 0 */
static inline unsigned int lvl_entries(int level)
{
	return level == 1 ? 4 : 512;
}

/* MAIR attribute bytes (B4.1 "MAIR0 and MAIR1") */
#define ATTR_SO		0x00
#define ATTR_DEVICE	0x04
#define ATTR_NORMAL_NC	0x44

/**
 * struct lpae_leaf - what the tables say about one virtual address
 * @desc:  the leaf descriptor (block or page); 0 when nothing valid maps it
 * @level: level of @desc, 1 to 3; 0 when nothing valid maps the address
 * @table: PXNTable, XNTable and APTable gathered from the table
 *         descriptors on the way to @desc
 * @pa:    the output address of the virtual address
 */
struct lpae_leaf {
	u64 desc;
	int level;
	u64 table;
	u64 pa;
};

bool lpae_sw_walk(struct mm_struct *mm, unsigned long va,
		  struct lpae_leaf *leaf);
u8 lpae_mair_attr(u64 desc);
bool lpae_attr_normal_wb(u8 attr);
bool lpae_leaf_pl1_exec(const struct lpae_leaf *leaf);
bool lpae_leaf_pl0_exec(const struct lpae_leaf *leaf);
struct mm_struct *lpae_test_mm_get(void);
void lpae_test_mm_put(struct mm_struct *mm);
unsigned long lpae_test_mmap(unsigned long len, unsigned long prot);
unsigned long lpae_test_thp(void);

/*
 * pan_resume.S: entered at its physical address with the MMU off, in
 * place of a power-down; scrambles the registers cpu_resume restores.
 */
void lpae_resume_from_reset(void);

/* Where rodata becomes execute-never (arch/arm/kernel/vmlinux.lds.S) */
extern char __start_rodata_section_aligned[];

extern struct kunit_suite arm_lpae_walk_suite;
extern struct kunit_suite arm_lpae_audit_suite;

#endif

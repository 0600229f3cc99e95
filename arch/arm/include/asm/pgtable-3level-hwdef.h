/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Hardware facts of the ARMv7 long-descriptor translation table format
 * (LPAE), as used for the stage 1 PL1&0 translation regime with a 4 KiB
 * granule.
 *
 * References are to the ARM Architecture Reference Manual ARMv7-A/R,
 * ARM DDI 0406C:
 *   B3.6   "Long-descriptor translation table format"
 *   B3.6.1 "Long-descriptor translation table format descriptors"
 *   B3.6.2 "Memory attributes in the Long-descriptor translation table
 *           format descriptors"
 *   B4.1   the VMSA register descriptions of TTBCR, TTBR0, TTBR1 and
 *          MAIR0/MAIR1 (Memory Attribute Indirection Registers)
 *
 * Each fact is defined once below, under an LPAE_, TTBCR_, TTBR_ or MAIR_
 * name that follows the manual's terminology. The PMD_* and PTE_* names
 * that the rest of arch/arm grew up with are then defined in terms of
 * those, grouped at the end. Some of them (PMD_BIT4, PMD_DOMAIN(),
 * PMD_SECT_AP_READ, ...) describe short-descriptor fields that have no
 * long-descriptor counterpart; they are zero so that shared code can OR
 * them in unconditionally.
 *
 * This header is read by C, by assembly (head.S, proc-v7.S) and by the
 * linker script, so every constant uses the ULL()/UL() forms of
 * <linux/const.h>, which lose their suffix outside C.
 */
#ifndef _ASM_ARM_PGTABLE_3LEVEL_HWDEF_H
#define _ASM_ARM_PGTABLE_3LEVEL_HWDEF_H

#include <linux/const.h>

/*
 * Geometry (B3.6, translation table walks). Every descriptor is a
 * doubleword, a full table is one 4 KiB page of 512 of them, and each
 * level resolves 9 bits of the input address. A level 1 lookup maps
 * 1 GiB per entry, level 2 maps 2 MiB, level 3 maps 4 KiB.
 */
#define LPAE_DESC_SIZE_SHIFT	3
#define LPAE_TABLE_INDEX_BITS	9
#define LPAE_L1_BLOCK_SHIFT	30
#define LPAE_L2_BLOCK_SHIFT	21
#define LPAE_L3_PAGE_SHIFT	12

/*
 * Output addresses are 40 bits wide; descriptor bits [51:40] must be zero
 * on ARMv7. A block or page descriptor that maps 2^n bytes holds its
 * output address in bits [39:n]; a table descriptor holds the address of
 * the next-level table in bits [39:12].
 */
#define PHYS_MASK_SHIFT		40
#define PHYS_MASK		((ULL(1) << PHYS_MASK_SHIFT) - 1)
#define LPAE_OA_MASK(n)		(PHYS_MASK & ~((ULL(1) << (n)) - 1))
#define LPAE_L1_BLOCK_OA_MASK	LPAE_OA_MASK(LPAE_L1_BLOCK_SHIFT)
#define LPAE_L2_BLOCK_OA_MASK	LPAE_OA_MASK(LPAE_L2_BLOCK_SHIFT)
#define LPAE_L3_PAGE_OA_MASK	LPAE_OA_MASK(LPAE_L3_PAGE_SHIFT)
#define LPAE_TABLE_ADDR_MASK	LPAE_OA_MASK(LPAE_L3_PAGE_SHIFT)

/*
 * Descriptor type, bits [1:0] (B3.6.1). Bit 0 clear is a fault entry.
 * At levels 1 and 2, bit 1 tells a table (set) from a block (clear);
 * at level 3 the only valid encoding is a page (both bits set), and
 * 0b01 is reserved and faults.
 */
#define LPAE_DESC_TYPE_MASK	(ULL(3) << 0)
#define LPAE_DESC_VALID		(ULL(1) << 0)
#define LPAE_DESC_TABLE_BIT	(ULL(1) << 1)
#define LPAE_DESC_INVALID	ULL(0)
#define LPAE_DESC_BLOCK		ULL(1)		/* levels 1 and 2 */
#define LPAE_DESC_TABLE		ULL(3)		/* levels 1 and 2 */
#define LPAE_DESC_PAGE		ULL(3)		/* level 3 */

/*
 * Lower attributes of block and page descriptors, bits [11:2] (B3.6.2).
 *   AttrIndx[2:0]	index of the attribute byte in MAIR0/MAIR1
 *   NS			non-secure output address (ignored in Non-secure state)
 *   AP[1]		access from PL0 allowed
 *   AP[2]		read-only (at every privilege level)
 *   SH[1:0]		shareability of Normal memory
 *   AF			access flag: clear means the first access faults
 *   nG			not global: the TLB entry is tagged with the ASID
 */
#define LPAE_ATTRINDX_SHIFT	2
#define LPAE_ATTRINDX_MASK	(ULL(7) << LPAE_ATTRINDX_SHIFT)
#define LPAE_ATTRINDX(idx)	((ULL(0) + (idx)) << LPAE_ATTRINDX_SHIFT)
#define LPAE_NS			(ULL(1) << 5)
#define LPAE_AP1		(ULL(1) << 6)
#define LPAE_AP2		(ULL(1) << 7)
#define LPAE_SH_SHIFT		8
#define LPAE_SH_MASK		(ULL(3) << LPAE_SH_SHIFT)
#define LPAE_SH_NON		(ULL(0) << LPAE_SH_SHIFT)
#define LPAE_SH_OUTER		(ULL(2) << LPAE_SH_SHIFT)
#define LPAE_SH_INNER		(ULL(3) << LPAE_SH_SHIFT)
#define LPAE_AF			(ULL(1) << 10)
#define LPAE_NG			(ULL(1) << 11)

/*
 * Upper attributes of block and page descriptors, bits [63:52] (B3.6.2).
 * Contiguous is a TLB hint that 16 adjacent entries map a contiguous,
 * aligned region with the same attributes. Bits [58:55] are reserved for
 * software use and are ignored by the table walk.
 */
#define LPAE_CONTIGUOUS		(ULL(1) << 52)
#define LPAE_PXN		(ULL(1) << 53)
#define LPAE_XN			(ULL(1) << 54)
#define LPAE_SW_SHIFT		55
#define LPAE_SW_MASK		(ULL(0xf) << LPAE_SW_SHIFT)
#define LPAE_SW_BIT(n)		(ULL(1) << (LPAE_SW_SHIFT + (n)))

/*
 * The mask of descriptor bit @n (32..63) within the high word, as a
 * 32-bit constant. Assembly holds a descriptor in two registers, and an
 * assembler built for a 32-bit host (one running on an ARM board)
 * evaluates expressions in 32 bits, where (1 << 57) >> 32 is 0. So
 * high-word masks are derived from bit numbers, never by shifting a
 * 64-bit constant right (make check looks for such shifts).
 */
#define LPAE_HI_BIT(n)		(1 << ((n) - 32))

/*
 * Hierarchical attributes of table descriptors, bits [63:59] (B3.6.1).
 * They restrict, never widen, what the entries of the next-level tables
 * allow: PXNTable and XNTable forbid execution, APTable[0] forbids PL0
 * access and APTable[1] forbids writes, NSTable makes the next-level
 * lookups non-secure.
 */
#define LPAE_PXNTABLE		(ULL(1) << 59)
#define LPAE_XNTABLE		(ULL(1) << 60)
#define LPAE_APTABLE_SHIFT	61
#define LPAE_APTABLE_MASK	(ULL(3) << LPAE_APTABLE_SHIFT)
#define LPAE_APTABLE_NO_PL0	(ULL(1) << LPAE_APTABLE_SHIFT)
#define LPAE_APTABLE_RDONLY	(ULL(2) << LPAE_APTABLE_SHIFT)
#define LPAE_NSTABLE		(ULL(1) << 63)

/*
 * MAIR0 and MAIR1 (B4.1) hold the eight attribute bytes Attr0..Attr7
 * that AttrIndx selects: AttrIndx[2] picks the register, AttrIndx[1:0]
 * the byte. The encodings used by Linux:
 *   0x00  Strongly-ordered
 *   0x04  Device
 *   0x44  Normal, Inner and Outer Non-cacheable
 *   0xaa  Normal, Inner and Outer Write-Through, Read-Allocate
 *   0xee  Normal, Inner and Outer Write-Back, Read-Allocate
 *   0xff  Normal, Inner and Outer Write-Back, Read- and Write-Allocate
 */
#define MAIR_ATTR_SO		UL(0x00)
#define MAIR_ATTR_DEVICE	UL(0x04)
#define MAIR_ATTR_NORMAL_NC	UL(0x44)
#define MAIR_ATTR_NORMAL_WT	UL(0xaa)
#define MAIR_ATTR_NORMAL_WB	UL(0xee)
#define MAIR_ATTR_NORMAL_WBWA	UL(0xff)
#define MAIR_ATTR_SHIFT(idx)	(((idx) & 3) * 8)
#define MAIR_ATTR(attr, idx)	((attr) << MAIR_ATTR_SHIFT(idx))

/*
 * The kernel's fixed assignment of AttrIndx values. The L_PTE_MT_* and
 * PMD_SECT_* memory types are built from these, and LPAE_MAIR0/LPAE_MAIR1
 * are the register values that make each index mean what its name says.
 * Indices 0-3 live in MAIR0 and 4-7 in MAIR1; 5 and 6 are unused.
 */
#define LPAE_MAIR_IDX_UNCACHED		0	/* Strongly-ordered */
#define LPAE_MAIR_IDX_BUFFERABLE	1	/* Normal non-cacheable */
#define LPAE_MAIR_IDX_WRITETHROUGH	2
#define LPAE_MAIR_IDX_WRITEBACK		3
#define LPAE_MAIR_IDX_DEVICE		4
#define LPAE_MAIR_IDX_WRITEALLOC	7

#define LPAE_MAIR0	(MAIR_ATTR(MAIR_ATTR_SO, LPAE_MAIR_IDX_UNCACHED) |	\
			 MAIR_ATTR(MAIR_ATTR_NORMAL_NC, LPAE_MAIR_IDX_BUFFERABLE) | \
			 MAIR_ATTR(MAIR_ATTR_NORMAL_WT, LPAE_MAIR_IDX_WRITETHROUGH) | \
			 MAIR_ATTR(MAIR_ATTR_NORMAL_WB, LPAE_MAIR_IDX_WRITEBACK))
#define LPAE_MAIR1	(MAIR_ATTR(MAIR_ATTR_DEVICE, LPAE_MAIR_IDX_DEVICE) |	\
			 MAIR_ATTR(MAIR_ATTR_NORMAL_WBWA, LPAE_MAIR_IDX_WRITEALLOC))

/* TTBCR fields, and the values of the LPAE PAN */
#include <asm/pgtable-3level-ttbcr.h>

/*
 * 64-bit TTBR0 and TTBR1 (B4.1): ASID in [55:48], table
 * base address in [39:x]. A walk starts at level 1 when TxSZ is 0 or 1,
 * and then the base must be aligned to 2^(5 - TxSZ) bytes (the size of
 * that level 1 table); for larger TxSZ it starts at level 2 and the base
 * must be aligned to 2^(14 - TxSZ) bytes.
 */
#define TTBR_ASID_SHIFT		48
#define TTBR_ASID_BITS		8
#define TTBR_ASID_MASK		(ULL(0xff) << TTBR_ASID_SHIFT)
#define TTBR_TXSZ_L1_MAX	1
#define TTBR_L1_BASE_ALIGN(txsz)	(1 << (5 - (txsz)))
#define TTBR_L2_BASE_ALIGN(txsz)	(1 << (14 - (txsz)))

/*
 * The kernel half [PAGE_OFFSET, 4 GiB) goes through TTBR1 with
 * T1SZ = (PAGE_OFFSET >> 30) - 1 (TTBR1_SIZE is that value in its TTBCR
 * field), and TTBR1 points inside swapper_pg_dir, whose layout is fixed
 * by head.S: one page holding the 4 level 1 entries, then the 4 level 2
 * tables.
 *  - 2 GiB kernel half: T1SZ = 1, the walk starts at level 1, so TTBR1
 *    points at level 1 entry 2 (16 bytes in).
 *  - 1 GiB kernel half: T1SZ = 2, the walk starts at level 2, so TTBR1
 *    points at the fourth level 2 table (after the page of level 1
 *    entries and three level 2 tables).
 *  - A 3 GiB kernel half is not a power of two: no split, TTBR0 covers
 *    the whole address space and TTBR1 is unused.
 */
#if defined(CONFIG_VMSPLIT_2G)
#define TTBR1_OFFSET	(2 << LPAE_DESC_SIZE_SHIFT)
#elif defined(CONFIG_VMSPLIT_3G)
#define TTBR1_OFFSET	((1 + 3) << LPAE_L3_PAGE_SHIFT)
#else
#define TTBR1_OFFSET	0
#endif
#define TTBR1_SIZE	(((CONFIG_PAGE_OFFSET >> LPAE_L1_BLOCK_SHIFT) - 1) << \
			 TTBCR_T1SZ_SHIFT)

/*
 * Traditional names for level 1 and level 2 (table and block)
 * descriptors, used by code shared with the short-descriptor format.
 */
#define PMD_TYPE_MASK		LPAE_DESC_TYPE_MASK
#define PMD_TYPE_FAULT		LPAE_DESC_INVALID
#define PMD_TYPE_TABLE		LPAE_DESC_TABLE
#define PMD_TYPE_SECT		LPAE_DESC_BLOCK
#define PMD_TABLE_BIT		LPAE_DESC_TABLE_BIT
#define PMD_BIT4		ULL(0)		/* no such field */
#define PMD_DOMAIN(x)		ULL(0)		/* no domains */
#define PMD_PXNTABLE		LPAE_PXNTABLE
#define PMD_XNTABLE		LPAE_XNTABLE
#define PMD_APTABLE_SHIFT	LPAE_APTABLE_SHIFT
#define PMD_APTABLE		LPAE_APTABLE_MASK
#define PMD_NSTABLE		LPAE_NSTABLE

/* The two low AttrIndx bits, under their short-descriptor B and C names. */
#define PMD_SECT_BUFFERABLE	LPAE_ATTRINDX(1)
#define PMD_SECT_CACHEABLE	LPAE_ATTRINDX(2)
#define PMD_SECT_USER		LPAE_AP1
#define PMD_SECT_AP1		LPAE_AP1
#define PMD_SECT_AP2		LPAE_AP2	/* read-only */
#define PMD_SECT_S		LPAE_SH_INNER
#define PMD_SECT_AF		LPAE_AF
#define PMD_SECT_nG		LPAE_NG
#define PMD_SECT_PXN		LPAE_PXN
#define PMD_SECT_XN		LPAE_XN
#define PMD_SECT_AP_WRITE	ULL(0)		/* no such field */
#define PMD_SECT_AP_READ	ULL(0)		/* no such field */
#define PMD_SECT_TEX(x)		ULL(0)		/* no such field */

/* Block memory types: AttrIndx values, see LPAE_MAIR_IDX_*. */
#define PMD_SECT_UNCACHED	LPAE_ATTRINDX(LPAE_MAIR_IDX_UNCACHED)
#define PMD_SECT_BUFFERED	LPAE_ATTRINDX(LPAE_MAIR_IDX_BUFFERABLE)
#define PMD_SECT_WT		LPAE_ATTRINDX(LPAE_MAIR_IDX_WRITETHROUGH)
#define PMD_SECT_WB		LPAE_ATTRINDX(LPAE_MAIR_IDX_WRITEBACK)
#define PMD_SECT_WBWA		LPAE_ATTRINDX(LPAE_MAIR_IDX_WRITEALLOC)
#define PMD_SECT_CACHE_MASK	LPAE_ATTRINDX_MASK

/* Traditional names for level 3 (page) descriptors. */
#define PTE_TYPE_MASK		LPAE_DESC_TYPE_MASK
#define PTE_TYPE_FAULT		LPAE_DESC_INVALID
#define PTE_TYPE_PAGE		LPAE_DESC_PAGE
#define PTE_TABLE_BIT		LPAE_DESC_TABLE_BIT
#define PTE_BUFFERABLE		LPAE_ATTRINDX(1)
#define PTE_CACHEABLE		LPAE_ATTRINDX(2)
#define PTE_AP2			LPAE_AP2	/* read-only */
#define PTE_EXT_SHARED		LPAE_SH_INNER
#define PTE_EXT_AF		LPAE_AF
#define PTE_EXT_NG		LPAE_NG
#define PTE_EXT_PXN		LPAE_PXN
#define PTE_EXT_XN		LPAE_XN

#endif /* _ASM_ARM_PGTABLE_3LEVEL_HWDEF_H */

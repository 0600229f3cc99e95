/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * TTBCR with the long-descriptor format (ARM DDI 0406C, B4.1 "TTBCR,
 * Translation Table Base Control Register"), and the TTBCR values of
 * privileged access never through TTBR0 (CONFIG_CPU_TTBR0_PAN).
 *
 * A header of its own because <asm/assembler.h> needs the PAN values
 * (uaccess-asm.h), and the rest of pgtable-3level-hwdef.h would give
 * every assembler file PTE_EXT_SHARED without L_PTE_SHARED, which
 * proc-macros.S checks against each other. Only <linux/const.h> here.
 */
#ifndef _ASM_ARM_PGTABLE_3LEVEL_TTBCR_H
#define _ASM_ARM_PGTABLE_3LEVEL_TTBCR_H

#include <linux/const.h>

/*
 * TTBCR with EAE set (B4.1). TTBR0 translates the bottom
 * 2^(32 - T0SZ) bytes of the address space and TTBR1 the top
 * 2^(32 - T1SZ) bytes; with both sizes zero TTBR0 translates everything.
 * IRGNn/ORGNn/SHn give the cacheability and shareability of the table
 * walks through TTBRn, EPDn disables those walks, and A1 selects whose
 * ASID is current.
 */
#define TTBCR_T0SZ_SHIFT	0
#define TTBCR_T0SZ_MASK		(UL(7) << TTBCR_T0SZ_SHIFT)
#define TTBCR_EPD0		(UL(1) << 7)
#define TTBCR_IRGN0_SHIFT	8
#define TTBCR_ORGN0_SHIFT	10
#define TTBCR_SH0_SHIFT		12
#define TTBCR_T1SZ_SHIFT	16
#define TTBCR_T1SZ_MASK		(UL(7) << TTBCR_T1SZ_SHIFT)
#define TTBCR_A1		(UL(1) << 22)
#define TTBCR_EPD1		(UL(1) << 23)
#define TTBCR_IRGN1_SHIFT	24
#define TTBCR_ORGN1_SHIFT	26
#define TTBCR_SH1_SHIFT		28
#define TTBCR_EAE		(UL(1) << 31)

/* Encodings of the two-bit IRGNn and ORGNn fields. */
#define TTBCR_RGN_NC		UL(0)	/* Non-cacheable */
#define TTBCR_RGN_WBWA		UL(1)	/* Write-Back Write-Allocate */
#define TTBCR_RGN_WT		UL(2)	/* Write-Through */
#define TTBCR_RGN_WB		UL(3)	/* Write-Back no Write-Allocate */

/* Encodings of the two-bit SHn fields (the same as descriptor SH). */
#define TTBCR_SH_NON		UL(0)
#define TTBCR_SH_OUTER		UL(2)
#define TTBCR_SH_INNER		UL(3)

/*
 * Privileged access never through TTBR0 (CONFIG_CPU_TTBR0_PAN,
 * Documentation/arm/lpae.txt "PAN"). TTBR1 then always holds the whole
 * swapper_pg_dir (TTBR1_PAN_OFFSET) with ASID 0, and T1SZ stays 0, so
 * that TTBR1 translates everything above the TTBR0 region:
 *  - user and uaccess state ("open"): T0SZ = 0, so TTBR0 translates the
 *    whole 4 GiB (B3.6.4 "Selecting between TTBR0 and TTBR1"), the user
 *    PGD's copies of the kernel entries included, with the ASID of TTBR0;
 *  - kernel state ("closed"): TTBCR_PAN_CLOSED added. T0SZ = 7 shrinks
 *    the TTBR0 region to the bottom 32 MiB and EPD0 stops its walks, so
 *    every other address, modules and pkmap below PAGE_OFFSET included,
 *    is walked from level 1 of swapper_pg_dir through TTBR1. A1 makes
 *    TTBR1's ASID 0 the current one: no user (nG) TLB entry can hit.
 * The low byte and A1 are split for the ARM immediates of the assembler.
 */
#define TTBCR_PAN_T0SZ		(UL(7) << TTBCR_T0SZ_SHIFT)
#define TTBCR_PAN_CLOSED_LO	(TTBCR_EPD0 | TTBCR_PAN_T0SZ)
#define TTBCR_PAN_CLOSED_HI	TTBCR_A1
#define TTBCR_PAN_CLOSED	(TTBCR_PAN_CLOSED_LO | TTBCR_PAN_CLOSED_HI)
#define TTBR1_PAN_OFFSET	0

#endif /* _ASM_ARM_PGTABLE_3LEVEL_TTBCR_H */

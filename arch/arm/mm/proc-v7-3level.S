/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ARMv7 processor support for the long-descriptor (LPAE) translation
 * table format. proc-v7.S includes this file when CONFIG_ARM_LPAE is set;
 * it provides the translation control registers' boot values, the address
 * space switch and the PTE store for the v7 processor function tables.
 *
 * References are to the ARM Architecture Reference Manual, ARMv7-A and
 * ARMv7-R edition (DDI 0406C):
 *   B3.6   "Long-descriptor translation table format"
 *   B4.1   "TTBCR, Translation Table Base Control Register"
 *   B4.1   "TTBR0 / TTBR1, Translation Table Base Registers" (64-bit)
 *   B4.1   "MAIR0 and MAIR1, Memory Attribute Indirection Registers"
 *   B4.1   "SCTLR, System Control Register"
 */
#include <asm/assembler.h>
#include <asm/cp15.h>
#include <linux/sizes.h>

/*
 * TTBCR_*, TTBR_*, MAIR_* and LPAE_MAIR0/1 come from
 * <asm/pgtable-3level-hwdef.h>, the L_PTE_* bits from <asm/pgtable.h>.
 */

/*
 * The kernel programs T0SZ = 0: TTBR0 may translate the whole 4 GiB
 * input range, less whatever the TTBR1 region (T1SZ) takes from the
 * top, and its walk starts at level 1 in a four-entry table (pgd.c).
 * EPD0 and EPD1 stay clear: TTBR0 is always walked, and TTBR1 is walked
 * for its region when there is one; with T1SZ = 0 it has none.
 * With CONFIG_CPU_TTBR0_PAN that is the "open" state only (user mode and
 * the uaccess helpers); the kernel otherwise runs "closed", with EPD0,
 * A1 and T0SZ = 7 (pgtable-3level-ttbcr.h).
 */
#define TTBCR_T0SZ_KERNEL	0

/*
 * Table walk attributes. SMP: the tables live in inner shareable
 * write-back write-allocate memory, like all normal kernel memory
 * (PMD_FLAGS_SMP). UP: the kernel maps memory non-shareable write-back
 * (PMD_FLAGS_UP), and the walker uses the same attributes.
 */
#define TTB0_FLAGS(rgn, sh)	(((rgn) << TTBCR_IRGN0_SHIFT) |	\
				 ((rgn) << TTBCR_ORGN0_SHIFT) |	\
				 ((sh) << TTBCR_SH0_SHIFT))
#define TTB1_FLAGS(rgn, sh)	(((rgn) << TTBCR_IRGN1_SHIFT) |	\
				 ((rgn) << TTBCR_ORGN1_SHIFT) |	\
				 ((sh) << TTBCR_SH1_SHIFT))
#define TTB_FLAGS_SMP		TTB0_FLAGS(TTBCR_RGN_WBWA, TTBCR_SH_INNER)
#define TTB_FLAGS_UP		TTB0_FLAGS(TTBCR_RGN_WB, TTBCR_SH_NON)
#define TTB1_FLAGS_SMP		TTB1_FLAGS(TTBCR_RGN_WBWA, TTBCR_SH_INNER)
#define TTB1_FLAGS_UP		TTB1_FLAGS(TTBCR_RGN_WB, TTBCR_SH_NON)

/* Section attributes for the boot-time kernel map (proc_info mm_mmuflags) */
#define PMD_FLAGS_SMP		(PMD_SECT_WBWA | PMD_SECT_S)
#define PMD_FLAGS_UP		(PMD_SECT_WB)

/*
 * Memory attributes: a descriptor's AttrIndx (bits [4:2], the value of
 * the L_PTE_MT_* and PMD_SECT_* cache policies) selects a byte of
 * MAIR1:MAIR0. LPAE_MAIR0/LPAE_MAIR1 hold those bytes; check here that
 * each memory type the kernel uses finds the attribute its name means.
 */
#define MT_INDEX(mt)		(((mt) & LPAE_ATTRINDX_MASK) >> LPAE_ATTRINDX_SHIFT)
#define MT_MAIR(mt)		(MT_INDEX(mt) < 4 ? LPAE_MAIR0 : LPAE_MAIR1)
#define MT_ATTR(mt)		((MT_MAIR(mt) >> MAIR_ATTR_SHIFT(MT_INDEX(mt))) & 0xff)

#if MT_ATTR(L_PTE_MT_UNCACHED) != MAIR_ATTR_SO || \
	MT_ATTR(L_PTE_MT_BUFFERABLE) != MAIR_ATTR_NORMAL_NC || \
	MT_ATTR(L_PTE_MT_WRITETHROUGH) != MAIR_ATTR_NORMAL_WT || \
	MT_ATTR(L_PTE_MT_WRITEBACK) != MAIR_ATTR_NORMAL_WB || \
	MT_ATTR(L_PTE_MT_WRITEALLOC) != MAIR_ATTR_NORMAL_WBWA || \
	MT_ATTR(L_PTE_MT_DEV_SHARED) != MAIR_ATTR_DEVICE || \
	MT_ATTR(L_PTE_MT_DEV_NONSHARED) != MAIR_ATTR_DEVICE || \
	MT_ATTR(L_PTE_MT_DEV_WC) != MAIR_ATTR_NORMAL_NC || \
	MT_ATTR(L_PTE_MT_DEV_CACHED) != MAIR_ATTR_NORMAL_WB
#error "MAIR0/MAIR1 disagree with the L_PTE_MT_* memory types"
#endif
#if PMD_SECT_UNCACHED != L_PTE_MT_UNCACHED || \
	PMD_SECT_BUFFERED != L_PTE_MT_BUFFERABLE || \
	PMD_SECT_WT != L_PTE_MT_WRITETHROUGH || \
	PMD_SECT_WB != L_PTE_MT_WRITEBACK || \
	PMD_SECT_WBWA != L_PTE_MT_WRITEALLOC
#error "PMD_SECT_* cache policies disagree with L_PTE_MT_*"
#endif

/*
 * proc-v7.S writes these with the PRRR/NMRR encodings, which address
 * MAIR0 and MAIR1 once TTBCR.EAE is set.
 */
.equ	PRRR, LPAE_MAIR0
.equ	NMRR, LPAE_MAIR1

/*
 * The TTBR1 region must be a whole number of GiB for T1SZ to describe
 * it (B3.6.4 "Selecting between TTBR0 and TTBR1").
 */
#if PAGE_OFFSET & (SZ_1G - 1)
#error "PAGE_OFFSET must be 1 GiB aligned with LPAE"
#endif

/*
 * Halves of a 64-bit argument: AAPCS passes the least significant word
 * in the lower-numbered register on little-endian, in the higher one on
 * big-endian.
 */
#ifdef __ARMEB__
#define pgd_lo	r1
#define pgd_hi	r0
#define pte_lo	r3
#define pte_hi	r2
#else
#define pgd_lo	r0
#define pgd_hi	r1
#define pte_lo	r2
#define pte_hi	r3
#endif

	.text
	.align	5
/*
 * cpu_v7_switch_mm(pgd_phys, mm)
 *
 * Make mm's tables the TTBR0 tables of this CPU. The table base and the
 * ASID go to TTBR0 in one 64-bit write, so no walk or TLB fill can pair
 * the new tables with the old ASID or the reverse, and no reserved TTBR0
 * step is needed in between.
 *
 * pgd_phys: r0:r1, 64-bit physical address of the PGD
 * mm:       r2
 */
ENTRY(cpu_v7_switch_mm)
	mmid	r2, r2
	asid	r2, r2
	orr	pgd_hi, pgd_hi, r2, lsl #(TTBR_ASID_SHIFT - 32)
	mcrr	p15, 0, pgd_lo, pgd_hi, c2	@ TTBR0
#ifdef CONFIG_CPU_TTBR0_PAN
	/*
	 * The kernel calls this outside the uaccess helpers only, so user
	 * access is closed here (pgtable-3level-hwdef.h). That is already
	 * so on a context switch; it is how a secondary CPU, which comes up
	 * with TTBR0 walks on for the identity map, and a CPU back from
	 * cpu_resume close it for the first time. setup_mm_for_reboot()
	 * opens it again for the identity map.
	 */
	mrc	p15, 0, r2, c2, c0, 2		@ TTBCR
	orr	r2, r2, #TTBCR_PAN_CLOSED_LO
	orr	r2, r2, #TTBCR_PAN_CLOSED_HI
	mcr	p15, 0, r2, c2, c0, 2
#endif
	isb
	ret	lr
ENDPROC(cpu_v7_switch_mm)

/*
 * cpu_v7_set_pte_ext(ptep, pte)
 *
 * Store a level-3 (or, for hugetlb, level-2 block) entry. Linux keeps its
 * software state in the descriptor's ignored bits; the bits the walker
 * reads are derived from them here:
 *  - valid: only for present entries that are not PROT_NONE. A PROT_NONE
 *    entry keeps bit 1 so that pte_present() still holds.
 *  - AP[2] (read-only): for read-only entries and for clean ones, so that
 *    the first write faults and marks the page dirty; clear otherwise.
 *    The Linux entry and the hardware one are the same word, so an entry
 *    read back after a clean store still has AP[2] when pte_mkdirty() or
 *    pte_mkwrite() hands it back here; it must be cleared, or the write
 *    fault that made it dirty repeats for ever.
 *  - XN: L_PTE_XN is the hardware bit; nothing to translate.
 * Bit 1 (page/block) is left as the caller set it.
 *
 * The entry goes to memory with one strd, a single-copy atomic 64-bit
 * store (B3.6 "Long-descriptor translation table format"), so neither
 * the walker nor a lockless reader can see half of it. On UP the walker
 * may not look in the data cache, so the line is cleaned; on SMP walks
 * are coherent and the slot is a nop.
 *
 * ptep: r0
 * pte:  r2:r3 (r1 is the AAPCS alignment padding)
 */
ENTRY(cpu_v7_set_pte_ext)
	tst	pte_lo, #L_PTE_VALID
	beq	1f
	tst	pte_hi, #L_PTE_NONE_HI
	bicne	pte_lo, pte_lo, #L_PTE_VALID	@ PROT_NONE: not valid
	bne	1f
	/*
	 * Hardware-writable only when DIRTY is the one of the two bits
	 * set; AP[2] is written both ways, never kept from an old store.
	 */
	and	ip, pte_hi, #(L_PTE_DIRTY_HI | L_PTE_RDONLY_HI)
	teq	ip, #L_PTE_DIRTY_HI
	biceq	pte_lo, pte_lo, #PTE_AP2	@ dirty and writable
	orrne	pte_lo, pte_lo, #PTE_AP2	@ clean or read-only
1:	strd	r2, r3, [r0]
	ALT_SMP(W(nop))
	ALT_UP(mcr	p15, 0, r0, c7, c10, 1)	@ DCCMVAC: clean the entry
	ret	lr
ENDPROC(cpu_v7_set_pte_ext)

#undef pgd_lo
#undef pgd_hi
#undef pte_lo
#undef pte_hi

/*
 * v7_ttb_setup zero, ttbr0l, ttbr0h, ttbr1, tmp
 *
 * Program TTBCR and TTBR1 for __v7_setup, on the boot CPU and on each
 * secondary. \ttbr1 is the PFN of swapper_pg_dir; it is clobbered, as is
 * \tmp. TTBR0 (\ttbr0l, \ttbr0h) is loaded by head.S when it enables the
 * MMU, and \zero is not needed; both stay in the interface that
 * proc-v7.S shares with the 2-level code.
 *
 * TTBR1 takes the kernel half (T1SZ = TTBR1_SIZE, base swapper_pg_dir +
 * TTBR1_OFFSET) only when RAM starts at or below PAGE_OFFSET. Otherwise
 * the identity map that a secondary CPU runs from while it turns its MMU
 * on would sit in the TTBR1 region and be translated by the kernel
 * tables, so T1SZ stays 0 and TTBR0 covers all 4 GiB. The comparison of
 * the physical and virtual PFNs of swapper_pg_dir answers this, since
 * both are the same distance from PHYS_OFFSET and PAGE_OFFSET.
 *
 * The condition flags set by the cmp must live until the last "ls"
 * instruction: nothing in between may set them.
 */
#ifdef CONFIG_CPU_TTBR0_PAN
/*
 * With CONFIG_CPU_TTBR0_PAN: T0SZ = T1SZ = 0 and EPD0 clear, user access
 * open, so that TTBR0 translates everything while the MMU goes on through
 * the identity map, wherever RAM is; cpu_v7_switch_mm() closes it once
 * the kernel runs at its virtual addresses. TTBR1 is the whole of
 * swapper_pg_dir with ASID 0, walked from level 1 whenever user access is
 * closed (pgtable-3level-hwdef.h, TTBCR_PAN_CLOSED).
 */
	.macro	v7_ttb_setup, zero, ttbr0l, ttbr0h, ttbr1, tmp
	mov	\tmp, #TTBCR_EAE
	ALT_SMP(orr	\tmp, \tmp, #TTB_FLAGS_SMP)
	ALT_UP(orr	\tmp, \tmp, #TTB_FLAGS_UP)
	ALT_SMP(orr	\tmp, \tmp, #TTB1_FLAGS_SMP)
	ALT_UP(orr	\tmp, \tmp, #TTB1_FLAGS_UP)
	mcr	p15, 0, \tmp, c2, c0, 2		@ TTBCR
	mov	\tmp, \ttbr1, lsr #(32 - PAGE_SHIFT)	@ PA[39:32], ASID 0
	mov	\ttbr1, \ttbr1, lsl #PAGE_SHIFT		@ PA[31:0]
	add	\ttbr1, \ttbr1, #TTBR1_PAN_OFFSET
	mcrr	p15, 1, \ttbr1, \tmp, c2	@ TTBR1
	.endm
#else
	.macro	v7_ttb_setup, zero, ttbr0l, ttbr0h, ttbr1, tmp
	ldr	\tmp, =swapper_pg_dir
	cmp	\ttbr1, \tmp, lsr #PAGE_SHIFT	@ ls: PHYS_OFFSET <= PAGE_OFFSET
	mov	\tmp, #TTBCR_EAE | (TTBCR_T0SZ_KERNEL << TTBCR_T0SZ_SHIFT)
	ALT_SMP(orr	\tmp, \tmp, #TTB_FLAGS_SMP)
	ALT_UP(orr	\tmp, \tmp, #TTB_FLAGS_UP)
	ALT_SMP(orr	\tmp, \tmp, #TTB1_FLAGS_SMP)
	ALT_UP(orr	\tmp, \tmp, #TTB1_FLAGS_UP)
	orrls	\tmp, \tmp, #TTBR1_SIZE
	mcr	p15, 0, \tmp, c2, c0, 2		@ TTBCR
	mov	\tmp, \ttbr1, lsr #(32 - PAGE_SHIFT)	@ PA[39:32]
	mov	\ttbr1, \ttbr1, lsl #PAGE_SHIFT		@ PA[31:0]
	/*
	 * No carry into the high word: swapper_pg_dir is 0x5000 below a
	 * 0x8000-aligned kernel start, so the offset stays in its 64 KiB.
	 */
	addls	\ttbr1, \ttbr1, #TTBR1_OFFSET
	mcrr	p15, 1, \ttbr1, \tmp, c2	@ TTBR1
	.endm
#endif

/*
 * SCTLR bits __v7_setup clears and sets (B4.1 "SCTLR"). Bits [6:3] are
 * RAO/SBOP on ARMv7 and keep their legacy names (CR_W, CR_P, CR_D, CR_L).
 * Long descriptors add AFE (the access flag is always enabled in this
 * format; the kernel relies on it) and want hardware access flag
 * management (HA) off, since Linux manages the flag in software.
 */
#define V7_SCTLR_CLEAR	(CR_A | CR_S | CR_R | CR_RR | CR_L4 | CR_HA | \
			 CR_FI | CR_VE)
#define V7_SCTLR_COMMON	(CR_C | CR_W | CR_P | CR_D | CR_L | CR_F | CR_Z | \
			 CR_I | CR_U | CR_XP)
#define V7_SCTLR_MMU	(V7_SCTLR_COMMON | CR_M | CR_V | CR_TRE | CR_AFE)

	/*
	 * v7_crval: clear and set masks for SCTLR, read by __v7_setup with
	 * "adr"; it stays the last item of the file and word aligned.
	 */
	.align	2
	.type	v7_crval, #object
v7_crval:
	crval	clear=V7_SCTLR_CLEAR, mmuset=V7_SCTLR_MMU, ucset=V7_SCTLR_COMMON

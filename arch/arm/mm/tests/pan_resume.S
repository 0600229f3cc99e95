/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A stand-in for the power-down and warm reset of a CPU, for the resume
 * case of pan_kunit.c: soft_restart() (arch/arm/kernel/reboot.c) turns
 * the MMU and the caches off through the identity map and jumps here at
 * the physical address. Under QEMU, and on any CPU that is not really
 * powered down, the translation registers still hold their values at
 * this point, so a resume path that forgot one of them would go
 * unnoticed: give each register cpu_v7_do_resume (proc-v7.S) must
 * write a value unlike the kernel's, then enter cpu_resume as the reset
 * vector of a CPU coming back from a power-down would.
 *
 * Each value leaves a kernel that still runs if the resume path does
 * not replace it, so the test, not a hang, reports the register:
 * TTBCR keeps EAE (ARM DDI 0406C, B4.1.153 "TTBCR") and only loses the
 * walk attributes and the PAN bits; TTBR1 (B4.1.155) keeps its table
 * and gets ASID 255, which only global kernel entries ignore; MAIR0/1
 * (B4.1.104) turn Write-Through and Write-Back Write-Allocate into
 * Write-Back; CONTEXTIDR (B4.1.36), TPIDRURO (B4.1.150) and DACR
 * (B4.1.43, ignored by long descriptors) get a pattern. TTBR0
 * (B4.1.154) is zeroed: cpu_v7_do_resume points it at the identity map.
 */
#include <linux/linkage.h>
#include <asm/assembler.h>
#include <asm/pgtable-3level-ttbcr.h>

#ifdef CONFIG_ARM_CPU_SUSPEND

#define POISON_TTBR1_ASID_HI	0x00ff0000	/* ASID 255: TTBR1[55:48] */
#define POISON_MAIR0		0x00440000	/* Attr2: 0xaa -> 0xee */
#define POISON_MAIR1		0x11000000	/* Attr7: 0xff -> 0xee */
#define POISON_WORD		0x5a5a5a00

	.text
	.align	2
/*
 * lpae_resume_from_reset - reset vector stand-in, MMU and caches off
 *
 * Uses no memory but its own literals (PC-relative), and reaches
 * cpu_resume by a PC-relative address too: nothing here may depend on
 * the virtual addresses the kernel was linked at.
 */
ENTRY(lpae_resume_from_reset)
	mov	r0, #0
	mcrr	p15, 0, r0, r0, c2		@ TTBR0: base 0, ASID 0
	mrrc	p15, 1, r0, r1, c2		@ TTBR1
	ldr	r2, =POISON_TTBR1_ASID_HI
	orr	r1, r1, r2
	mcrr	p15, 1, r0, r1, c2
	ldr	r0, =TTBCR_EAE			@ no PAN bits, walks uncached
	mcr	p15, 0, r0, c2, c0, 2		@ TTBCR
	mrc	p15, 0, r0, c10, c2, 0		@ MAIR0
	ldr	r2, =POISON_MAIR0
	eor	r0, r0, r2
	mcr	p15, 0, r0, c10, c2, 0
	mrc	p15, 0, r0, c10, c2, 1		@ MAIR1
	ldr	r2, =POISON_MAIR1
	eor	r0, r0, r2
	mcr	p15, 0, r0, c10, c2, 1
	ldr	r0, =POISON_WORD
	mcr	p15, 0, r0, c13, c0, 1		@ CONTEXTIDR
	mcr	p15, 0, r0, c13, c0, 3		@ TPIDRURO
	mcr	p15, 0, r0, c3, c0, 0		@ DACR
	isb
	adr_l	r0, cpu_resume
 THUMB(	orr	r0, r0, #1		)	@ stay in Thumb state
	ret	r0
ENDPROC(lpae_resume_from_reset)
	.ltorg

#endif /* CONFIG_ARM_CPU_SUSPEND */

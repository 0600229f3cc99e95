/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * C types of the ARMv7 long-descriptor (LPAE) translation table entries.
 *
 * Every descriptor, at every lookup level, is one 64-bit doubleword
 * (ARM DDI 0406C, B3.6 "Long-descriptor translation table format"), so all
 * three entry types share one 64-bit value type.
 *
 * By default the entry types are the bare 64-bit integers: code outside
 * this header ORs bits straight into a pgprot_t (fixmap.h) and assigns
 * through pte_val()/pmd_val(). Defining STRICT_MM_TYPECHECKS before this
 * header is read (for instance with -DSTRICT_MM_TYPECHECKS on the compiler
 * command line) wraps each type in its own struct instead, so that passing
 * a pmd_t where a pte_t is expected, or doing arithmetic on an entry
 * without its accessor, becomes a compile error. The accessors below are
 * the same in both forms, and pte_val() and friends stay lvalues.
 */
#ifndef _ASM_ARM_PGTABLE_3LEVEL_TYPES_H
#define _ASM_ARM_PGTABLE_3LEVEL_TYPES_H

#include <asm/types.h>

/* The raw contents of one descriptor at each level. */
typedef u64 pteval_t;
typedef u64 pmdval_t;
typedef u64 pgdval_t;

#ifdef STRICT_MM_TYPECHECKS

/* Level 3: a 4 KiB page descriptor. */
typedef struct { pteval_t pte; } pte_t;
#define pte_val(x)	((x).pte)
#define __pte(x)	((pte_t) { (x) })

/* Level 2: a table or a 2 MiB block descriptor. */
typedef struct { pmdval_t pmd; } pmd_t;
#define pmd_val(x)	((x).pmd)
#define __pmd(x)	((pmd_t) { (x) })

/* Level 1: a table descriptor pointing at a level-2 table. */
typedef struct { pgdval_t pgd; } pgd_t;
#define pgd_val(x)	((x).pgd)
#define __pgd(x)	((pgd_t) { (x) })

/* Attribute bits to be merged into a level-3 (or level-2 block) entry. */
typedef struct { pteval_t pgprot; } pgprot_t;
#define pgprot_val(x)	((x).pgprot)
#define __pgprot(x)	((pgprot_t) { (x) })

#else /* !STRICT_MM_TYPECHECKS */

typedef pteval_t pte_t;
#define pte_val(x)	(x)
#define __pte(x)	(x)

typedef pmdval_t pmd_t;
#define pmd_val(x)	(x)
#define __pmd(x)	(x)

typedef pgdval_t pgd_t;
#define pgd_val(x)	(x)
#define __pgd(x)	(x)

typedef pteval_t pgprot_t;
#define pgprot_val(x)	(x)
#define __pgprot(x)	(x)

#endif /* STRICT_MM_TYPECHECKS */

#endif /* _ASM_ARM_PGTABLE_3LEVEL_TYPES_H */

// SPDX-License-Identifier: GPL-2.0-only
/*
 * Compile-only copy of the LPAE page table suite with the entry types
 * wrapped in structs: see STRICT_MM_TYPECHECKS in pgtable-3level-types.h.
 */
#ifndef STRICT_MM_TYPECHECKS
#error "build this file with -DSTRICT_MM_TYPECHECKS"
#endif

#include "pgtable_3level_kunit.c"

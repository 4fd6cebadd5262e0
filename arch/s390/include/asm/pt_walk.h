/* SPDX-License-Identifier: GPL-2.0 */
/*
 * s390 ptwalk decoder.
 *
 * Region-third leaves.  A 2G leaf (a hugetlb page on a machine with EDAT2)
 * is a region-third table entry with _REGION3_ENTRY_LARGE, whose software
 * write, dirty, young and soft-dirty bits are region-third bits
 * (_REGION3_ENTRY_WRITE, _DIRTY, _YOUNG, _SOFT_DIRTY), as pud_mkwrite() and
 * pud_mkdirty() write them.  s390 has pud_write() but no pud_dirty() or
 * pud_young(), and the generic decoder reads a PUD leaf without them in the
 * PTE format, which is how every other arch's hugetlb writes it: on s390
 * that reads the bits of a different format.  The dirty, young and
 * soft-dirty bits of a PUD leaf are read here; everything else, and the
 * other levels (segment leaves have pmd_dirty() and pmd_young()), is the
 * generic decoder's.
 *
 * The accessors are macros: this header comes before the generic decoder,
 * whose functions they call for the other levels.
 */
#ifndef _ASM_S390_PT_WALK_H
#define _ASM_S390_PT_WALK_H

#include <linux/pgtable.h>

static __always_inline bool __pt_s390_pud_bit(const union pt_entry *e,
					      unsigned long bit)
{
	return pud_val(e->pud) & bit;
}

#define arch_pt_entry_dirty(level, e)					\
	((level) == PT_LEVEL_PUD ? __pt_s390_pud_bit(e, _REGION3_ENTRY_DIRTY) :	\
	 pt_generic_entry_dirty(level, e))
#define arch_pt_entry_young(level, e)					\
	((level) == PT_LEVEL_PUD ? __pt_s390_pud_bit(e, _REGION3_ENTRY_YOUNG) :	\
	 pt_generic_entry_young(level, e))
#define arch_pt_entry_soft_dirty(level, e)				\
	((level) == PT_LEVEL_PUD ?					\
	 __pt_s390_pud_bit(e, _REGION3_ENTRY_SOFT_DIRTY) :		\
	 pt_generic_entry_soft_dirty(level, e))

#endif /* _ASM_S390_PT_WALK_H */

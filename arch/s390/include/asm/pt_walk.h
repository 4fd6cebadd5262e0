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
 * soft-dirty bits of a PUD leaf are read here (arch_pt_pud_dirty() and
 * friends, which the generic decoder asks); everything else, and the other
 * levels (segment leaves have pmd_dirty() and pmd_young()), is the generic
 * decoder's.
 */
#ifndef _ASM_S390_PT_WALK_H
#define _ASM_S390_PT_WALK_H

#include <linux/pgtable.h>

#define arch_pt_pud_dirty arch_pt_pud_dirty
static __always_inline bool arch_pt_pud_dirty(pud_t pud)
{
	return pud_val(pud) & _REGION3_ENTRY_DIRTY;
}

#define arch_pt_pud_young arch_pt_pud_young
static __always_inline bool arch_pt_pud_young(pud_t pud)
{
	return pud_val(pud) & _REGION3_ENTRY_YOUNG;
}

#define arch_pt_pud_soft_dirty arch_pt_pud_soft_dirty
static __always_inline bool arch_pt_pud_soft_dirty(pud_t pud)
{
	return pud_val(pud) & _REGION3_ENTRY_SOFT_DIRTY;
}

#endif /* _ASM_S390_PT_WALK_H */

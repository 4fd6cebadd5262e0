/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The tests' reference for hugetlb VMAs: the walk 6.12's walk_page_range()
 * made there for the hugetlb callback of its ops (walk_hugetlb_range(),
 * which the series deletes), kept as the legacy code the cursor is
 * compared with.
 */
#ifndef _MM_TESTS_PT_WALK_LEGACY_H
#define _MM_TESTS_PT_WALK_LEGACY_H

#include <linux/hugetlb.h>
#include <linux/mm.h>

#ifdef CONFIG_HUGETLB_PAGE
/*
 * One call of @entry per huge page of [@start, @end) in @vma, clipped to
 * the range, with the page's entry as hugetlb_walk() finds it (a pte_t
 * pointer at whatever level), NULL where its table is missing; under the
 * hugetlb VMA lock.  The caller holds the mmap lock.
 */
static inline int legacy_walk_hugetlb_range(struct vm_area_struct *vma,
					    unsigned long start,
					    unsigned long end,
					    int (*entry)(pte_t *ptep,
							 unsigned long addr,
							 unsigned long next,
							 void *private),
					    void *private)
{
	struct hstate *h = hstate_vma(vma);
	unsigned long hmask = huge_page_mask(h);
	unsigned long sz = huge_page_size(h);
	unsigned long addr, next;
	int err = 0;

	/* An indirect call per entry, as the hugetlb callback was. */
	OPTIMIZER_HIDE_VAR(entry);
	hugetlb_vma_lock_read(vma);
	for (addr = start; addr < end; addr = next) {
		next = min((addr & hmask) + sz, end);
		err = entry(hugetlb_walk(vma, addr & hmask, sz), addr, next,
			    private);
		if (err)
			break;
	}
	hugetlb_vma_unlock_read(vma);
	return err;
}
#endif

#endif /* _MM_TESTS_PT_WALK_LEGACY_H */

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The tests' references, 6.12's code that the series replaces, kept as
 * the legacy code the cursor is compared with: the walk 6.12's
 * walk_page_range() made in hugetlb VMAs for the hugetlb callback of its
 * ops (walk_hugetlb_range(), which the series deletes), and the per-level
 * descents of folio_walk_start() and follow_pfnmap_start(), which the
 * series moves to the cursor.
 */
#ifndef _MM_TESTS_PT_WALK_LEGACY_H
#define _MM_TESTS_PT_WALK_LEGACY_H

#include <linux/hugetlb.h>
#include <linux/mm.h>
#include <linux/pagewalk.h>
#include <linux/swapops.h>

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

/*
 * 6.12's folio_walk_start(): the entry that maps @addr in @vma, descended
 * level by level, under its lock (pud_lock(), pmd_lock(), the PTE table's),
 * for folio_walk_end() to release.  The caller holds the mmap lock.
 *
 * Sparse cannot follow a lock that a function returns holding on some of
 * its paths: to sparse, this is a lookup that finds nothing.
 */
#ifdef __CHECKER__
static inline struct folio *legacy_folio_walk_start(struct folio_walk *fw,
						    struct vm_area_struct *vma,
						    unsigned long addr,
						    folio_walk_flags_t flags)
{
	return NULL;
}
#else
static inline struct folio *legacy_folio_walk_start(struct folio_walk *fw,
						    struct vm_area_struct *vma,
						    unsigned long addr,
						    folio_walk_flags_t flags)
{
	unsigned long entry_size;
	bool expose_page = true;
	struct page *page;
	pud_t *pudp, pud;
	pmd_t *pmdp, pmd;
	pte_t *ptep, pte;
	spinlock_t *ptl;	/* the lock of the entry found */
	pgd_t *pgdp;
	p4d_t *p4dp;

	vma_pgtable_walk_begin(vma);
	pgdp = pgd_offset(vma->vm_mm, addr);
	if (pgd_none_or_clear_bad(pgdp))
		goto not_found;
	p4dp = p4d_offset(pgdp, addr);
	if (p4d_none_or_clear_bad(p4dp))
		goto not_found;
	pudp = pud_offset(p4dp, addr);
	pud = pudp_get(pudp);
	if (pud_none(pud))
		goto not_found;
	if (IS_ENABLED(CONFIG_PGTABLE_HAS_HUGE_LEAVES) &&
	    (!pud_present(pud) || pud_leaf(pud))) {
		ptl = pud_lock(vma->vm_mm, pudp);
		pud = pudp_get(pudp);
		entry_size = PUD_SIZE;
		fw->level = FW_LEVEL_PUD;
		fw->pudp = pudp;
		fw->pud = pud;
		if (!pud_present(pud) || pud_devmap(pud) || pud_special(pud)) {
			spin_unlock(ptl);
			goto not_found;
		} else if (!pud_leaf(pud)) {
			spin_unlock(ptl);
			goto pmd_table;
		}
		page = pud_page(pud);
		goto found;
	}
pmd_table:
	pmdp = pmd_offset(pudp, addr);
	pmd = pmdp_get_lockless(pmdp);
	if (pmd_none(pmd))
		goto not_found;
	if (IS_ENABLED(CONFIG_PGTABLE_HAS_HUGE_LEAVES) &&
	    (!pmd_present(pmd) || pmd_leaf(pmd))) {
		ptl = pmd_lock(vma->vm_mm, pmdp);
		pmd = pmdp_get(pmdp);
		entry_size = PMD_SIZE;
		fw->level = FW_LEVEL_PMD;
		fw->pmdp = pmdp;
		fw->pmd = pmd;
		if (pmd_none(pmd)) {
			spin_unlock(ptl);
			goto not_found;
		} else if (pmd_present(pmd) && !pmd_leaf(pmd)) {
			spin_unlock(ptl);
			goto pte_table;
		} else if (pmd_present(pmd)) {
			page = vm_normal_page_pmd(vma, addr, pmd);
			if (page) {
				goto found;
			} else if ((flags & FW_ZEROPAGE) && is_huge_zero_pmd(pmd)) {
				page = pfn_to_page(pmd_pfn(pmd));
				expose_page = false;
				goto found;
			}
		} else if ((flags & FW_MIGRATION) && is_pmd_migration_entry(pmd)) {
			page = pfn_swap_entry_to_page(pmd_to_swp_entry(pmd));
			expose_page = false;
			goto found;
		}
		spin_unlock(ptl);
		goto not_found;
	}
pte_table:
	ptep = pte_offset_map_lock(vma->vm_mm, pmdp, addr, &ptl);
	if (!ptep)
		goto not_found;
	pte = ptep_get(ptep);
	entry_size = PAGE_SIZE;
	fw->level = FW_LEVEL_PTE;
	fw->ptep = ptep;
	fw->pte = pte;
	if (pte_present(pte)) {
		page = vm_normal_page(vma, addr, pte);
		if (page)
			goto found;
		if ((flags & FW_ZEROPAGE) && is_zero_pfn(pte_pfn(pte))) {
			page = pfn_to_page(pte_pfn(pte));
			expose_page = false;
			goto found;
		}
	} else if (!pte_none(pte)) {
		swp_entry_t entry = pte_to_swp_entry(pte);

		if ((flags & FW_MIGRATION) && is_migration_entry(entry)) {
			page = pfn_swap_entry_to_page(entry);
			expose_page = false;
			goto found;
		}
	}
	pte_unmap_unlock(ptep, ptl);
not_found:
	vma_pgtable_walk_end(vma);
	return NULL;
found:
	fw->page = expose_page ?
		   nth_page(page, (addr & (entry_size - 1)) >> PAGE_SHIFT) : NULL;
	fw->ptl = ptl;
	return page_folio(page);
}
#endif /* __CHECKER__ */

/*
 * 6.12's follow_pfnmap_start(), level by level: the present leaf that maps
 * @args->address in a VM_IO or VM_PFNMAP VMA, under its lock, for
 * follow_pfnmap_end() to release.
 *
 * Sparse cannot follow the lock it returns holding either: to sparse,
 * this is a lookup that finds nothing.
 */
#ifdef __CHECKER__
static inline int legacy_follow_pfnmap_start(struct follow_pfnmap_args *args)
{
	return -EINVAL;
}
#else
static inline int legacy_follow_pfnmap_start(struct follow_pfnmap_args *args)
{
	struct vm_area_struct *vma = args->vma;
	unsigned long address = args->address, mask;
	struct mm_struct *mm = vma->vm_mm;
	spinlock_t *lock;	/* the lock of the leaf found */
	pgd_t *pgdp;
	p4d_t *p4dp, p4d;
	pud_t *pudp, pud;
	pmd_t *pmdp, pmd;
	pte_t *ptep, pte;

	if (address < vma->vm_start || address >= vma->vm_end ||
	    !(vma->vm_flags & (VM_IO | VM_PFNMAP)))
		return -EINVAL;
retry:
	pgdp = pgd_offset(mm, address);
	if (pgd_none(*pgdp) || unlikely(pgd_bad(*pgdp)))
		return -EINVAL;
	p4dp = p4d_offset(pgdp, address);
	p4d = p4dp_get(p4dp);
	if (p4d_none(p4d) || unlikely(p4d_bad(p4d)))
		return -EINVAL;
	pudp = pud_offset(p4dp, address);
	pud = pudp_get(pudp);
	if (!pud_present(pud))
		return -EINVAL;
	if (pud_leaf(pud)) {
		lock = pud_lock(mm, pudp);
		pud = pudp_get(pudp);
		if (unlikely(!pud_present(pud))) {
			spin_unlock(lock);
			return -EINVAL;
		} else if (unlikely(!pud_leaf(pud))) {
			spin_unlock(lock);
			goto retry;
		}
		args->ptep = NULL;
		args->pgprot = pud_pgprot(pud);
		args->pfn = pud_pfn(pud);
		args->writable = pud_write(pud);
		args->special = pud_special(pud);
		mask = PUD_MASK;
		goto found;
	}
	pmdp = pmd_offset(pudp, address);
	pmd = pmdp_get_lockless(pmdp);
	if (!pmd_present(pmd))
		return -EINVAL;
	if (pmd_leaf(pmd)) {
		lock = pmd_lock(mm, pmdp);
		pmd = pmdp_get(pmdp);
		if (unlikely(!pmd_present(pmd))) {
			spin_unlock(lock);
			return -EINVAL;
		} else if (unlikely(!pmd_leaf(pmd))) {
			spin_unlock(lock);
			goto retry;
		}
		args->ptep = NULL;
		args->pgprot = pmd_pgprot(pmd);
		args->pfn = pmd_pfn(pmd);
		args->writable = pmd_write(pmd);
		args->special = pmd_special(pmd);
		mask = PMD_MASK;
		goto found;
	}
	ptep = pte_offset_map_lock(mm, pmdp, address, &lock);
	if (!ptep)
		return -EINVAL;
	pte = ptep_get(ptep);
	if (!pte_present(pte)) {
		pte_unmap_unlock(ptep, lock);
		return -EINVAL;
	}
	args->ptep = ptep;
	args->pgprot = pte_pgprot(pte);
	args->pfn = pte_pfn(pte);
	args->writable = pte_write(pte);
	args->special = pte_special(pte);
	mask = PAGE_MASK;
found:
	args->lock = lock;
	args->pfn += (address & ~mask) >> PAGE_SHIFT;
	return 0;
}
#endif /* __CHECKER__ */

#endif /* _MM_TESTS_PT_WALK_LEGACY_H */

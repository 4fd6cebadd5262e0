/* SPDX-License-Identifier: GPL-2.0 */
/*
 * x86 ptwalk decoder.
 *
 * x86 leaves have one format at every level: present, RW, accessed, dirty
 * (and saved-dirty), special, soft-dirty and uffd-wp are the same bits in a
 * PTE, a PMD leaf and a PUD leaf, so each accessor is one bit test on the
 * raw value with no switch on the level.  Where the level matters, it is
 * arithmetic: the PFN mask of a leaf of level L drops the 12 + 9 * L low
 * bits (which also drops _PAGE_PAT_LARGE, bit 12, of PMD and PUD leaves).
 *
 * Shadow stack: with X86_FEATURE_SHSTK a present leaf with Dirty set and RW
 * clear is shadow stack memory and counts as writable, as pte_write() and
 * pmd_write() say.  pud_write() does not, but a PUD leaf is never shadow
 * stack and pud_wrprotect() moves Dirty to SavedDirty, so the uniform test
 * agrees with it on every PUD leaf the kernel creates.
 */
#ifndef _ASM_X86_PT_WALK_H
#define _ASM_X86_PT_WALK_H

#include <linux/pgtable.h>

/*
 * Only the P4D level folds at run time (5-level paging off, no5lvl or no
 * LA57): PUD and PMD tables exist in every x86_64 mm, and are folded at
 * compile time on 32-bit.
 */
#define arch_pt_run_time_folds BIT(PT_LEVEL_P4D)

/*
 * A hugetlb page is one PMD or PUD entry, written as a PTE and read with
 * huge_ptep_get(), which is ptep_get(): present is _PAGE_PRESENT or
 * _PAGE_PROTNONE, as pmd_present() and arch_pt_pud_present() below say of
 * every entry hugetlb writes (the _PAGE_PSE alone of a THP being split is
 * never one: hugetlb clears its entries), and swap entries have none of
 * those bits, nor _PAGE_PSE.  So an entry's type is read from the entry.
 */
#define arch_pt_hugetlb_types 1

static __always_inline pteval_t __pt_x86_val(const union pt_entry *e)
{
	/* pte_t, pmd_t, pud_t, p4d_t and pgd_t all wrap one 64-bit word. */
	BUILD_BUG_ON(sizeof(pte_t) != sizeof(pud_t) || sizeof(pmd_t) != sizeof(pte_t));
	return e->pte.pte;
}

/*
 * A PROT_NONE PUD leaf (mprotect(PROT_NONE) of a 1G hugetlb page) has
 * _PAGE_PROTNONE in place of _PAGE_PRESENT, and a PUD leaf being changed
 * (pudp_invalidate()) has _PAGE_PSE alone.  Both are present to the mm, as
 * pmd_present() says of such PMDs, but pud_present() and pud_leaf() test
 * _PAGE_PRESENT alone.  Swap entries have neither bit (their offset starts
 * above _PAGE_PROTNONE), and a PUD table entry never has _PAGE_PSE.
 */
#define arch_pt_pud_present arch_pt_pud_present
static __always_inline bool arch_pt_pud_present(pud_t pud)
{
	return pud_flags(pud) & (_PAGE_PRESENT | _PAGE_PROTNONE | _PAGE_PSE);
}

#define arch_pt_pud_leaf arch_pt_pud_leaf
static __always_inline bool arch_pt_pud_leaf(pud_t pud)
{
	return pud_flags(pud) & _PAGE_PSE;
}

#define arch_pt_entry_write arch_pt_entry_write
static __always_inline bool arch_pt_entry_write(enum pt_level level,
						const union pt_entry *e)
{
	pteval_t v = __pt_x86_val(e);

	return (v & _PAGE_RW) ||
	       (cpu_feature_enabled(X86_FEATURE_SHSTK) &&
		(v & (_PAGE_RW | _PAGE_DIRTY)) == _PAGE_DIRTY);
}

#define arch_pt_entry_dirty arch_pt_entry_dirty
static __always_inline bool arch_pt_entry_dirty(enum pt_level level,
						const union pt_entry *e)
{
	return __pt_x86_val(e) & _PAGE_DIRTY_BITS;
}

#define arch_pt_entry_young arch_pt_entry_young
static __always_inline bool arch_pt_entry_young(enum pt_level level,
						const union pt_entry *e)
{
	return __pt_x86_val(e) & _PAGE_ACCESSED;
}

#define arch_pt_entry_special arch_pt_entry_special
static __always_inline bool arch_pt_entry_special(enum pt_level level,
						  const union pt_entry *e)
{
	return __pt_x86_val(e) & _PAGE_SPECIAL;
}

#define arch_pt_entry_soft_dirty arch_pt_entry_soft_dirty
static __always_inline bool arch_pt_entry_soft_dirty(enum pt_level level,
						     const union pt_entry *e)
{
	return __pt_x86_val(e) & _PAGE_SOFT_DIRTY;
}

#define arch_pt_entry_uffd_wp arch_pt_entry_uffd_wp
static __always_inline bool arch_pt_entry_uffd_wp(enum pt_level level,
						  const union pt_entry *e)
{
	return __pt_x86_val(e) & _PAGE_UFFD_WP;
}

#define arch_pt_entry_pfn arch_pt_entry_pfn
static __always_inline unsigned long arch_pt_entry_pfn(enum pt_level level,
						       const union pt_entry *e)
{
	pteval_t v = __pt_x86_val(e);
	pteval_t mask = PTE_PFN_MASK & ~((1ULL << (PAGE_SHIFT + 9 * level)) - 1);

	/* PROT_NONE leaves hold the inverted PFN (L1TF). */
	v ^= protnone_mask(v);
	return (v & mask) >> PAGE_SHIFT;
}

#define arch_pt_entry_swap arch_pt_entry_swap
/*
 * Swap entries have the PTE format at every level (hugetlb writes its PMD
 * and PUD entries as PTEs; THP migration uses the same bits).
 */
static __always_inline swp_entry_t arch_pt_entry_swap(enum pt_level level,
						      const union pt_entry *e)
{
	if (level > PT_LEVEL_PUD)
		return (swp_entry_t){ 0 };
	return pte_to_swp_entry(__pte(__pt_x86_val(e)));
}

#endif /* _ASM_X86_PT_WALK_H */

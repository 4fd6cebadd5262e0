/* SPDX-License-Identifier: GPL-2.0 */
/*
 * arm64 ptwalk decoder.
 *
 * Folded levels.  With LPA2 (52-bit VA with 4K or 16K pages) the number of
 * levels is decided at boot: on a CPU without LPA2, pgtable_l5_enabled()
 * (4K pages) or pgtable_l4_enabled() (16K pages) is false and the kernel
 * runs with one level less.  arm64 does not fold that level by handing back
 * the entry above, as x86 and riscv do: pgd_to_folded_p4d() and
 * p4d_to_folded_pud() read the page of the table above as the folded
 * level's table, at the folded level's index, and the level above becomes a
 * pass-through whose pgd_none() and pgd_bad() (p4d_*() for the PUD) are
 * false, reached at index 0 for every user address.  The entries the
 * folded level's helpers return are the live entries that map the address,
 * and the walk steps them in that table, as the legacy chain does; the
 * level above keeps its one entry.
 *
 * The cursor therefore sees no level folded at run time on arm64: every
 * level it passes has a table (the two levels of a run-time fold share the
 * top page), and its entry pointers are those of the pgd_offset() ->
 * p4d_offset() -> pud_offset() -> pmd_offset() chain at every index.  An
 * entry pointer of the folded level that equals the one above (index 0)
 * is not a fold: telling the cursor that it may be one would have it step
 * the pass-through level's entry at the next index instead.  Levels folded
 * at compile time (__PAGETABLE_*_FOLDED) are folds as everywhere else.
 *
 * Contiguous PTEs.  With CONFIG_ARM64_CONTPTE, a naturally aligned run of
 * CONT_PTES PTEs that map the pages of one large folio in order with the
 * same attributes carries PTE_CONT, and ptep_get() of any of them is
 * contpte_ptep_get(): a read of the whole block, which folds the access and
 * dirty bits of its entries into the one returned (ptep_get_lockless():
 * contpte_ptep_get_lockless(), which also checks the block is whole).  A
 * walk would fold the block once for every PTE of it; with
 * arch_pt_pte_block_nr() it reads a block once.  The step takes the next
 * PTE of a block as the one before it with the next page: under the lock
 * that keeps the block from being unfolded (contpte_try_unfold() runs under
 * it), or lockless as the value it had when the block was read, as long as
 * the raw PTE still maps the page after @prev's: a callback that changed
 * @prev's PTE (and unfolded the block), or a block folded again over other
 * pages since, sends the PTE to the full read.  Runs and batches of a
 * locked walk take the rest of a block unread.
 *
 * The entry formats are those of the generic decoder, which reads them
 * with the pXd helpers.
 */
#ifndef _ASM_ARM64_PT_WALK_H
#define _ASM_ARM64_PT_WALK_H

#include <linux/build_bug.h>
#include <linux/log2.h>
#include <linux/pgtable.h>

#define arch_pt_run_time_folds 0

/* Contiguous hugetlb PTEs and PMDs: one stop a page (CONT_PTES, CONT_PMDS). */
#define arch_pt_hugetlb_blocks 1

/* One entry, raw: ptep_get() folds a contpte block (contpte_ptep_get()). */
#define arch_pt_hugetlb_block_peek arch_pt_hugetlb_block_peek
static __always_inline pte_t arch_pt_hugetlb_block_peek(pte_t *ptep)
{
	return __ptep_get(ptep);
}

/*
 * A contiguous hugetlb page of @nr entries, read at its first as
 * huge_ptep_get() reads it: that entry, made dirty if any entry is dirty
 * (PTE_DIRTY, or writable with PTE_RDONLY clear: hardware dirty) and young
 * if any is.  The walk knows @nr from the hstate, where huge_ptep_get()
 * looks the size up from the folio at every read, and the bits of all the
 * entries are gathered with two ORs each, where it tests and sets them
 * entry by entry.
 */
#define arch_pt_hugetlb_block_get arch_pt_hugetlb_block_get
static __always_inline pte_t arch_pt_hugetlb_block_get(struct mm_struct *mm,
						       unsigned long addr,
						       pte_t *ptep, unsigned int nr)
{
	/* PTE_RDONLY moved up to PTE_WRITE (DBM): that bit of a clean entry. */
	const unsigned int up = ilog2(PTE_WRITE) - ilog2(PTE_RDONLY);
	pte_t orig = __ptep_get(ptep);
	pteval_t any = 0, hw = 0;
	unsigned int i;

	BUILD_BUG_ON(PTE_WRITE <= PTE_RDONLY);
	if (!pte_present(orig) || !pte_cont(orig))
		return orig;
	for (i = 0; i < nr; i++) {
		pteval_t v = pte_val(__ptep_get(ptep + i));

		any |= v;
		hw |= v & ~(v << up);	/* writable, not read-only */
	}
	if ((any & PTE_DIRTY) || (hw & PTE_WRITE))
		orig = pte_mkdirty(orig);
	if (any & PTE_AF)
		orig = pte_mkyoung(orig);
	return orig;
}

#ifdef CONFIG_ARM64_CONTPTE
#define arch_pt_pte_block_nr arch_pt_pte_block_nr
static __always_inline unsigned int arch_pt_pte_block_nr(pte_t pte)
{
	return pte_valid_cont(pte) ? CONT_PTES : 1;
}

/*
 * Whether two PTEs map the same frame: their address bits, as
 * __pte_to_phys() reads them, are equal.  With 52-bit PAs and 4K or 16K
 * pages, bits 8-9 or 12-15 hold the top of the address (PTE_ADDR_HIGH);
 * where LPA2 is off at run time, bits 8-9 are the shareability bits
 * instead (PTE_MAYBE_SHARED), which __pte_to_phys() leaves out too.
 * Cheaper than two pte_pfn(), which shift the split address together.
 */
static __always_inline bool pt_arm64_same_frame(pte_t a, pte_t b)
{
	pteval_t diff = pte_val(a) ^ pte_val(b);

#ifdef CONFIG_ARM64_PA_BITS_52
	return !(diff & ~PTE_MAYBE_SHARED & (PTE_ADDR_LOW | PTE_ADDR_HIGH));
#else
	return !(diff & PTE_ADDR_LOW);
#endif
}

/*
 * ptep_get() and ptep_get_lockless() test the contiguous bit of the PTE
 * they read before they fold its block: the same test sends the next PTE
 * of a block the walk read the PTE before of to @prev with the next page.
 * A PTE of no block costs what ptep_get() costs.
 */
#define arch_pt_ptep_get_next arch_pt_ptep_get_next
static __always_inline pte_t arch_pt_ptep_get_next(pte_t *ptep, pte_t prev,
						   unsigned long addr, bool locked)
{
	pte_t pte = __ptep_get(ptep), next;

	if (likely(!pte_valid_cont(pte)))
		return pte;
	if (pte_valid_cont(prev) && (addr & (CONT_PTE_SIZE - 1))) {
		next = pte_next_pfn(prev);
		if (pt_arm64_same_frame(pte, next))
			return next;
	}
	return locked ? contpte_ptep_get(ptep, pte) : contpte_ptep_get_lockless(ptep);
}
#endif

#endif /* _ASM_ARM64_PT_WALK_H */

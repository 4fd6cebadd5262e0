/* SPDX-License-Identifier: GPL-2.0 */
/*
 * riscv ptwalk decoder.
 *
 * Svnapot.  A 64K hugetlb page (CONFIG_RISCV_ISA_SVNAPOT, on a CPU with
 * the extension) is a naturally aligned block of 16 PTEs that set_huge_pte_at()
 * writes with one value: the NAPOT bit, and a frame field that holds the
 * block's first frame with the block's order encoded in its low bits, which
 * pte_pfn() takes off.  huge_ptep_get() of the block's first PTE folds the
 * access and dirty bits of all of them.  The cursor makes the page one stop
 * (pt_walk_hugetlb_block()), whose entry is that of its first address: for
 * a stop that starts inside the block, the frame of its address cannot be
 * written in the NAPOT format, so it is given as a PTE of one page with the
 * same bits (arch_pt_hugetlb_block_pte()).
 *
 * Levels fold at run time (Sv48, Sv39) by handing back the entry above, as
 * the generic decoder expects, and the entry formats are those of the
 * generic decoder, which reads them with the pXd helpers.
 */
#ifndef _ASM_RISCV_PT_WALK_H
#define _ASM_RISCV_PT_WALK_H

#include <linux/pgtable.h>

#ifdef CONFIG_RISCV_ISA_SVNAPOT
#define arch_pt_hugetlb_blocks 1

#define arch_pt_hugetlb_block_pte arch_pt_hugetlb_block_pte
static __always_inline pte_t arch_pt_hugetlb_block_pte(pte_t pte, unsigned long nr)
{
	if (!pte_napot(pte))
		return pte_advance_pfn(pte, nr);
	return pfn_pte(pte_pfn(pte) + nr,
		       __pgprot(pte_val(pte) & ~(_PAGE_PFN_MASK | _PAGE_NAPOT)));
}
#endif

#endif /* _ASM_RISCV_PT_WALK_H */

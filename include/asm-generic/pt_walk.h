/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Generic ptwalk entry decoder, built on the pXd_*() helpers of each level.
 *
 * An architecture whose entries have the same format at every level can
 * override any of the arch_pt_entry_*() functions in <asm/pt_walk.h> so that
 * the level-agnostic accessors test one bit with no switch on the level; an
 * architecture where these generic functions are wrong for some entries
 * (contiguous entries, region and segment entries) must.
 *
 * Every function takes the level as a compile-time constant where the caller
 * knows it, so the switch folds away in level-specialised code.
 */
#ifndef __ASM_GENERIC_PT_WALK_H
#define __ASM_GENERIC_PT_WALK_H

#include <linux/mm.h>
#include <linux/pgtable.h>
#include <linux/swap.h>
#include <linux/swapops.h>

/**
 * enum pt_level - page table levels, numbered from the leaf up
 * @PT_LEVEL_PTE: entries of PTE tables, mapping PAGE_SIZE
 * @PT_LEVEL_PMD: entries of PMD tables, mapping PMD_SIZE
 * @PT_LEVEL_PUD: entries of PUD tables, mapping PUD_SIZE
 * @PT_LEVEL_P4D: entries of P4D tables, mapping P4D_SIZE
 * @PT_LEVEL_PGD: entries of the top table, mapping PGDIR_SIZE
 * @PT_NR_LEVELS: number of levels
 *
 * A level folded at compile or run time still has its number: its single
 * entry is the entry of the level above.
 */
enum pt_level {
	PT_LEVEL_PTE,
	PT_LEVEL_PMD,
	PT_LEVEL_PUD,
	PT_LEVEL_P4D,
	PT_LEVEL_PGD,
	PT_NR_LEVELS,
};

/**
 * union pt_entry - the raw value of a page table entry of any level
 * @pte: the entry of a PTE table
 * @pmd: the entry of a PMD table
 * @pud: the entry of a PUD table
 * @p4d: the entry of a P4D table
 * @pgd: the entry of a PGD table
 *
 * Only the member of the entry's own level is meaningful: an entry is never
 * reinterpreted as the type of another level.
 */
union pt_entry {
	pte_t pte;
	pmd_t pmd;
	pud_t pud;
	p4d_t p4d;
	pgd_t pgd;
};

/**
 * enum pt_entry_type - what a page table entry describes
 * @PT_ENTRY_NONE: nothing; the range of the entry is a hole
 * @PT_ENTRY_TABLE: a table of the level below
 * @PT_ENTRY_LEAF: a present leaf mapping the entry's whole range
 * @PT_ENTRY_NONPRESENT: a non-present leaf: swap, migration, device private
 *	or exclusive, hwpoison or a marker
 * @PT_ENTRY_BAD: a corrupt entry (pXd_bad()); never descended into
 */
enum pt_entry_type {
	PT_ENTRY_NONE,
	PT_ENTRY_TABLE,
	PT_ENTRY_LEAF,
	PT_ENTRY_NONPRESENT,
	PT_ENTRY_BAD,
};

/*
 * The arch decoder, where there is one, may refine what the generic decoder
 * makes of an entry: it sees the types above.
 */
#ifdef CONFIG_ARCH_HAS_PT_WALK_DECODER
#include <asm/pt_walk.h>
#endif

/*
 * The levels the arch may fold at run time: the top of a level's
 * pXd_offset() then hands back its argument, the entry of the level above,
 * depending on the machine or the mm (x86 without LA57, riscv Sv39 and Sv48,
 * arm64 without LPA2, s390 by address space size).  By default every level
 * between the top and the PTE tables may; an arch that knows better says so
 * in <asm/pt_walk.h>, and the descent then tests none of the others.  Levels
 * folded at compile time are not in it: they are known from the
 * __PAGETABLE_*_FOLDED definitions of <asm-generic/pgtable-nop?d.h>.
 */
#ifndef arch_pt_run_time_folds
#define arch_pt_run_time_folds \
	(BIT(PT_LEVEL_P4D) | BIT(PT_LEVEL_PUD) | BIT(PT_LEVEL_PMD))
#endif

/*
 * The PTEs of a contiguous block (arm64's contiguous PTEs) that @pte, as
 * ptep_get() read it, is one of: 1 for a PTE of no block.  The PTEs of a
 * block map the pages of one folio in order, with the same attributes, and
 * ptep_get() folds the access and dirty bits of the whole block into each:
 * a locked walk that batches the pages of a folio (MM_WALK_BATCH) takes the
 * rest of a block without reading it.  A block is naturally aligned, in
 * PTEs and in pages.
 */
#ifndef arch_pt_pte_block_nr
static __always_inline unsigned int arch_pt_pte_block_nr(pte_t pte)
{
	return 1;
}
#endif

/*
 * The PTE at @ptep, for the step from the PTE before it (@addr - PAGE_SIZE),
 * whose value the walk read as @prev: ptep_get(), or ptep_get_lockless()
 * when not @locked.  An arch with contiguous blocks may give the next PTE
 * of @prev's block as @prev with the next page, which is what the block's
 * fold would give it, without folding the block again.
 */
#ifndef arch_pt_ptep_get_next
static __always_inline pte_t arch_pt_ptep_get_next(pte_t *ptep, pte_t prev,
						   unsigned long addr, bool locked)
{
	return locked ? ptep_get(ptep) : ptep_get_lockless(ptep);
}
#endif

/*
 * Whether a hugetlb page made of several entries of one level (arm64
 * contiguous PTEs and PMDs, riscv Svnapot PTEs) is one stop of the walk,
 * read with huge_ptep_get() at its first entry, which folds the bits of all
 * of them: an arch opts in once its hugetlb pages of that kind are known to
 * be contiguous entries of one table with one lock, and its pXd helpers to
 * classify every hugetlb entry (present, PROT_NONE, swap, migration,
 * hwpoison, marker) as hugetlb writes it, so that an upper-level entry's
 * type is read from the entry itself.  Elsewhere each entry is a stop of
 * its own, read with huge_ptep_get() (powerpc 8xx and sparc64 write the
 * entries of a page otherwise; mips and loongarch call some non-present
 * hugetlb entries tables).
 */
#ifndef arch_pt_hugetlb_blocks
#define arch_pt_hugetlb_blocks 0
#endif

/*
 * Whether the pXd helpers of the arch classify every hugetlb entry at the
 * level of its hstate (present, PROT_NONE, swap, migration, hwpoison,
 * marker) as hugetlb reads it, huge_pte_none() and pte_present() of
 * huge_ptep_get(): a locked walk then takes the type of such an entry from
 * the entry it read, without reading it again with huge_ptep_get().  Every
 * arch with contiguous hugetlb pages as stops says so
 * (arch_pt_hugetlb_blocks); an arch whose hugetlb pages are single entries
 * written as PTEs may say so too (x86).
 */
#ifndef arch_pt_hugetlb_types
#define arch_pt_hugetlb_types arch_pt_hugetlb_blocks
#endif

/*
 * The entry @nr pages into a contiguous hugetlb page whose value, read with
 * huge_ptep_get() at its first entry, is the present @pte: the same bits,
 * the frame @nr pages on.  An arch whose block entries do not each hold
 * their own frame (riscv Svnapot) says how to write it.
 */
#ifndef arch_pt_hugetlb_block_pte
static __always_inline pte_t arch_pt_hugetlb_block_pte(pte_t pte, unsigned long nr)
{
	return pte_advance_pfn(pte, nr);
}
#endif

/*
 * The first entry of a contiguous hugetlb page, read for what its type
 * needs (none, present, or neither) by a walk that reports no access or
 * dirty bits of the page (MM_WALK_RUNS): without the fold of those bits
 * over all its entries that huge_ptep_get() makes.  An arch whose
 * ptep_get() folds a block (arm64 contpte) says how to read one entry.
 */
#ifndef arch_pt_hugetlb_block_peek
static __always_inline pte_t arch_pt_hugetlb_block_peek(pte_t *ptep)
{
	return ptep_get(ptep);
}
#endif

/*
 * Read the PGD entry at @pgdp into @e, or compare it with @e's.  Where the
 * P4D level is folded at compile time, the PGD entry is the P4D one, and is
 * read as the p4d_t that holds it: 32-bit arm's classic pgd_t is an array
 * (the two hardware entries of 2M), which C can neither assign nor return.
 */
static __always_inline void pt_pgdp_read(union pt_entry *e, pgd_t *pgdp)
{
#ifdef __PAGETABLE_P4D_FOLDED
	e->p4d = p4dp_get((p4d_t *)pgdp);
#else
	e->pgd = pgdp_get(pgdp);
#endif
}

static __always_inline bool pt_pgdp_same(pgd_t *pgdp, const union pt_entry *e)
{
#ifdef __PAGETABLE_P4D_FOLDED
	return p4d_same(p4dp_get((p4d_t *)pgdp), e->p4d);
#else
	return pgd_same(pgdp_get(pgdp), e->pgd);
#endif
}

/* The levels folded at compile time (<asm-generic/pgtable-nop?d.h>). */
#ifdef __PAGETABLE_P4D_FOLDED
#define __PT_P4D_FOLDED	BIT(PT_LEVEL_P4D)
#else
#define __PT_P4D_FOLDED	0
#endif
#ifdef __PAGETABLE_PUD_FOLDED
#define __PT_PUD_FOLDED	BIT(PT_LEVEL_PUD)
#else
#define __PT_PUD_FOLDED	0
#endif
#ifdef __PAGETABLE_PMD_FOLDED
#define __PT_PMD_FOLDED	BIT(PT_LEVEL_PMD)
#else
#define __PT_PMD_FOLDED	0
#endif

/**
 * pt_level_may_fold() - whether a level can be folded into the one above
 * @level: a level, a compile-time constant in the callers that matter
 *
 * Return: true for a level folded at compile time, or one the arch may fold
 * at run time (arch_pt_run_time_folds); false for a level that has tables
 * of its own in every mm this kernel runs, and for the top and PTE levels.
 */
static __always_inline bool pt_level_may_fold(enum pt_level level)
{
	if (level == PT_LEVEL_PGD || level == PT_LEVEL_PTE)
		return false;
	return (__PT_P4D_FOLDED | __PT_PUD_FOLDED | __PT_PMD_FOLDED |
		arch_pt_run_time_folds) & BIT(level);
}

/*
 * Whether the level below @level is folded into it at compile time: the
 * entries of @level are then those of the level below, which reads and
 * classifies them, as the fold's own pXd_none(), pXd_bad() and pXd_leaf()
 * (constants) have the walkers do.  An arch may define pud_leaf() from an
 * entry's bits whatever the fold (mips, whose 64K-page PMD is folded into
 * the PUD): asked at the upper level, it would make a PMD leaf a PUD one.
 */
static __always_inline bool pt_level_folds_below(enum pt_level level)
{
	switch (level) {
	case PT_LEVEL_PUD:
		return __PT_PMD_FOLDED;
	case PT_LEVEL_P4D:
		return __PT_PUD_FOLDED;
	case PT_LEVEL_PGD:
		return __PT_P4D_FOLDED;
	default:
		return false;
	}
}

/*
 * A PUD leaf in the PTE format: hugetlb writes its PUD entries with
 * set_huge_pte_at(), as PTEs, on every arch but s390.
 */
static __always_inline pte_t __pt_pud_as_pte(pud_t pud)
{
	return __pte(pud_val(pud));
}

#ifndef arch_pt_pud_present
#define arch_pt_pud_present pud_present
#endif
#ifndef arch_pt_pud_leaf
#define arch_pt_pud_leaf pud_leaf
#endif

static __always_inline enum pt_entry_type
pt_generic_entry_type(enum pt_level level, const union pt_entry *e)
{
	if (pt_level_folds_below(level))
		return PT_ENTRY_TABLE;
	switch (level) {
	case PT_LEVEL_PTE:
		if (pte_none(e->pte))
			return PT_ENTRY_NONE;
		return pte_present(e->pte) ? PT_ENTRY_LEAF : PT_ENTRY_NONPRESENT;
	case PT_LEVEL_PMD:
		if (pmd_none(e->pmd))
			return PT_ENTRY_NONE;
		if (!pmd_present(e->pmd))
			return PT_ENTRY_NONPRESENT;
		if (pmd_leaf(e->pmd))
			return PT_ENTRY_LEAF;
		return pmd_bad(e->pmd) ? PT_ENTRY_BAD : PT_ENTRY_TABLE;
	case PT_LEVEL_PUD:
		if (pud_none(e->pud))
			return PT_ENTRY_NONE;
		/*
		 * A non-present PUD is a leaf (hugetlb migration, hwpoison or a
		 * marker), whatever its other bits: on x86 it has no _PAGE_PSE
		 * and looks bad to pud_bad().
		 */
		if (!arch_pt_pud_present(e->pud)) {
			/*
			 * A PROT_NONE hugetlb PUD leaf is not pud_present()
			 * on every arch, but is pte_present() in the PTE
			 * format hugetlb writes it in (x86, riscv).
			 */
			if (pte_present(__pt_pud_as_pte(e->pud)))
				return PT_ENTRY_LEAF;
			return PT_ENTRY_NONPRESENT;
		}
		if (arch_pt_pud_leaf(e->pud))
			return PT_ENTRY_LEAF;
		return pud_bad(e->pud) ? PT_ENTRY_BAD : PT_ENTRY_TABLE;
	case PT_LEVEL_P4D:
		if (p4d_none(e->p4d))
			return PT_ENTRY_NONE;
		if (p4d_leaf(e->p4d))
			return PT_ENTRY_LEAF;
		return p4d_bad(e->p4d) ? PT_ENTRY_BAD : PT_ENTRY_TABLE;
	default:
#ifndef __PAGETABLE_P4D_FOLDED
		if (pgd_none(e->pgd))
			return PT_ENTRY_NONE;
		if (pgd_leaf(e->pgd))
			return PT_ENTRY_LEAF;
		return pgd_bad(e->pgd) ? PT_ENTRY_BAD : PT_ENTRY_TABLE;
#else
		return PT_ENTRY_TABLE;	/* (the P4D folds into it: above) */
#endif
	}
}

/*
 * PUD leaves: architectures with PUD-sized THP have the full set of pud_*()
 * helpers; elsewhere PUD leaves are hugetlb pages, which every arch but s390
 * (whose decoder reads its region-third bits: arch_pt_pud_dirty(),
 * arch_pt_pud_young(), arch_pt_pud_soft_dirty()) writes in the PTE format
 * with set_huge_pte_at(), so that is how they are read where the arch has
 * no pud_*() helper of its own.  The generic pud_write() is a BUG().
 */
static __always_inline bool __pt_pud_write(pud_t pud)
{
#if defined(pud_write) || defined(CONFIG_HAVE_ARCH_TRANSPARENT_HUGEPAGE_PUD)
	return pud_write(pud);
#else
	return pte_write(__pt_pud_as_pte(pud));
#endif
}

static __always_inline bool __pt_pud_dirty(pud_t pud)
{
#if defined(arch_pt_pud_dirty)
	return arch_pt_pud_dirty(pud);
#elif defined(pud_dirty) || defined(CONFIG_HAVE_ARCH_TRANSPARENT_HUGEPAGE_PUD)
	return pud_dirty(pud);
#else
	return pte_dirty(__pt_pud_as_pte(pud));
#endif
}

static __always_inline bool __pt_pud_young(pud_t pud)
{
#if defined(arch_pt_pud_young)
	return arch_pt_pud_young(pud);
#elif defined(pud_young) || defined(CONFIG_HAVE_ARCH_TRANSPARENT_HUGEPAGE_PUD)
	return pud_young(pud);
#else
	return pte_young(__pt_pud_as_pte(pud));
#endif
}

/*
 * PMD leaves: with THP the arch has the full set of pmd_*() helpers.
 * Without, PMD leaves are hugetlb pages, written in the PTE format with
 * set_huge_pte_at() (s390 aside: its pmd_*() helpers, always there, read
 * its segment format), and some arches define pmd_write(), pmd_dirty() and
 * pmd_young() for THP only (mips: <linux/pgtable.h> then says false).
 */
#if defined(CONFIG_TRANSPARENT_HUGEPAGE) || defined(CONFIG_S390)
#define __pt_pmd_write	pmd_write
#define __pt_pmd_dirty	pmd_dirty
#define __pt_pmd_young	pmd_young
#else
static __always_inline bool __pt_pmd_write(pmd_t pmd)
{
	return pte_write(__pte(pmd_val(pmd)));
}

static __always_inline bool __pt_pmd_dirty(pmd_t pmd)
{
	return pte_dirty(__pte(pmd_val(pmd)));
}

static __always_inline bool __pt_pmd_young(pmd_t pmd)
{
	return pte_young(__pte(pmd_val(pmd)));
}
#endif

static __always_inline bool pt_generic_entry_write(enum pt_level level,
						   const union pt_entry *e)
{
	switch (level) {
	case PT_LEVEL_PTE:
		return pte_write(e->pte);
	case PT_LEVEL_PMD:
		return __pt_pmd_write(e->pmd);
	case PT_LEVEL_PUD:
		return __pt_pud_write(e->pud);
	default:
		return false;
	}
}

static __always_inline bool pt_generic_entry_dirty(enum pt_level level,
						   const union pt_entry *e)
{
	switch (level) {
	case PT_LEVEL_PTE:
		return pte_dirty(e->pte);
	case PT_LEVEL_PMD:
		return __pt_pmd_dirty(e->pmd);
	case PT_LEVEL_PUD:
		return __pt_pud_dirty(e->pud);
	default:
		return false;
	}
}

static __always_inline bool pt_generic_entry_young(enum pt_level level,
						   const union pt_entry *e)
{
	switch (level) {
	case PT_LEVEL_PTE:
		return pte_young(e->pte);
	case PT_LEVEL_PMD:
		return __pt_pmd_young(e->pmd);
	case PT_LEVEL_PUD:
		return __pt_pud_young(e->pud);
	default:
		return false;
	}
}

static __always_inline bool pt_generic_entry_special(enum pt_level level,
						     const union pt_entry *e)
{
	switch (level) {
	case PT_LEVEL_PTE:
		return pte_special(e->pte);
	case PT_LEVEL_PMD:
		return pmd_special(e->pmd);
	case PT_LEVEL_PUD:
		return pud_special(e->pud);
	default:
		return false;
	}
}

static __always_inline bool pt_generic_entry_soft_dirty(enum pt_level level,
							const union pt_entry *e)
{
	switch (level) {
	case PT_LEVEL_PTE:
		return pte_soft_dirty(e->pte);
	case PT_LEVEL_PMD:
		return pmd_soft_dirty(e->pmd);
#ifdef arch_pt_pud_soft_dirty
	case PT_LEVEL_PUD:
		return arch_pt_pud_soft_dirty(e->pud);
#endif
	default:
		return false;
	}
}

static __always_inline bool pt_generic_entry_uffd_wp(enum pt_level level,
						     const union pt_entry *e)
{
	switch (level) {
	case PT_LEVEL_PTE:
		return pte_uffd_wp(e->pte);
	case PT_LEVEL_PMD:
		return pmd_uffd_wp(e->pmd);
	default:
		return false;
	}
}

/*
 * The uffd-wp bit of a non-present leaf (a swap or migration entry): in the
 * swap format of a PTE, of a THP migration PMD, and of the hugetlb entries
 * that set_huge_pte_at() writes in the PTE format at PMD and PUD level.  A
 * uffd-wp marker is told by its swap entry (mm_walk_swp_uffd_wp()).
 */
static __always_inline bool pt_generic_entry_swp_uffd_wp(enum pt_level level,
							 const union pt_entry *e)
{
	switch (level) {
	case PT_LEVEL_PTE:
		return pte_swp_uffd_wp(e->pte);
	case PT_LEVEL_PMD:
#ifdef CONFIG_ARCH_ENABLE_THP_MIGRATION
		return pmd_swp_uffd_wp(e->pmd);
#elif defined(CONFIG_HUGETLB_PAGE)
		return pte_swp_uffd_wp(__pte(pmd_val(e->pmd)));
#else
		return false;
#endif
	case PT_LEVEL_PUD:
#ifdef CONFIG_HUGETLB_PAGE
		return pte_swp_uffd_wp(__pt_pud_as_pte(e->pud));
#else
		return false;
#endif
	default:
		return false;
	}
}

/* The first frame of a present leaf. */
static __always_inline unsigned long pt_generic_entry_pfn(enum pt_level level,
							  const union pt_entry *e)
{
	switch (level) {
	case PT_LEVEL_PTE:
		return pte_pfn(e->pte);
	case PT_LEVEL_PMD:
		return pmd_pfn(e->pmd);
	case PT_LEVEL_PUD:
		return pud_pfn(e->pud);
	default:
		return 0;
	}
}

/*
 * The swap entry of a non-present leaf, or a zero entry at other levels.
 * A non-present PMD is a THP migration entry (pmd_to_swp_entry()) or a
 * hugetlb entry; hugetlb writes its PMD and PUD entries with
 * set_huge_pte_at(), in the PTE format, and that is how they are decoded
 * where the arch has no THP migration, and at the PUD level.  An arch whose
 * hugetlb entries have a format of their own (s390 segment and region
 * entries) overrides arch_pt_entry_swap.
 */
static __always_inline swp_entry_t pt_generic_entry_swap(enum pt_level level,
							 const union pt_entry *e)
{
	switch (level) {
	case PT_LEVEL_PTE:
		return pte_to_swp_entry(e->pte);
	case PT_LEVEL_PMD:
#ifdef CONFIG_ARCH_ENABLE_THP_MIGRATION
		return pmd_to_swp_entry(e->pmd);
#elif defined(CONFIG_HUGETLB_PAGE)
		return pte_to_swp_entry(__pte(pmd_val(e->pmd)));
#else
		return (swp_entry_t){ 0 };
#endif
	case PT_LEVEL_PUD:
#ifdef CONFIG_HUGETLB_PAGE
		return pte_to_swp_entry(__pt_pud_as_pte(e->pud));
#else
		return (swp_entry_t){ 0 };
#endif
	default:
		return (swp_entry_t){ 0 };
	}
}

#endif /* __ASM_GENERIC_PT_WALK_H */

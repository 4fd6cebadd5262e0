/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ptwalk: a level-agnostic page table cursor.
 *
 * struct mm_walk_state is a cursor over the page tables of an mm.
 * mm_walk_seek_leaf() moves it to the entry that maps one address, at
 * whatever level that entry is; for_each_pt_leaf() moves it over the leaves
 * of a range in address order.  At each stop the entry is decoded at its own
 * level (a PMD or PUD leaf is never treated as a pte_t) and the accessors
 * below (mm_walk_is_write(), mm_walk_pfn(), ...) answer for any level.
 *
 * For every level it passed, the cursor keeps the entry, from which
 * mm_walk_table() and mm_walk_ptdesc() give the table and its struct
 * ptdesc, where the page table locks live.
 *
 * Locking.  The caller chooses with MM_WALK_LOCKED:
 *  - lockless (default): the gup_fast rules.  The caller has interrupts
 *    disabled (or otherwise holds off page table freeing), entries are read
 *    once with the *_get_lockless() helpers and may change at any time;
 *    no page table lock is taken.
 *  - locked: the caller holds the mmap lock of the mm (read or write).  The
 *    cursor takes the page table lock of each PTE table it visits, and of
 *    each PMD or PUD leaf, and re-reads the entry under it; it takes the
 *    hugetlb VMA lock while it is in a hugetlb VMA (PMD sharing).  Entries
 *    reported under the lock stay valid until the cursor moves on.
 * The body of a walk runs in atomic context: with the PTE table mapped
 * (RCU) and, when locked, a page table spinlock held; lockless, with
 * interrupts off.  Results of a lockless walk are hints, as for gup_fast: a
 * folio must be pinned (folio_try_get()) and its entry re-checked.
 *
 * A locked walk never reads page tables in a gap between VMAs (munmap()
 * frees them under the read lock); it reports a gap as one hole, at
 * PT_LEVEL_PGD with @nr 0 and the gap's extent in [@addr, @next).
 *
 * Whatever the mode, the cursor is left with mm_walk_end(): at the end of a
 * for_each_pt_leaf() loop this has already happened; after a break out of
 * the loop or after mm_walk_seek_leaf() the caller calls it.
 *
 * A table that changes under the cursor (a PTE table freed or replaced by a
 * huge leaf: pte_offset_map() fails) is re-read from the level above; the
 * cursor never uses a table pointer it has not validated.
 */
#ifndef _LINUX_PT_WALK_H
#define _LINUX_PT_WALK_H

#include <linux/mm.h>
#include <linux/pgtable.h>
#include <linux/spinlock.h>

#include <asm-generic/pt_walk.h>	/* and the arch's <asm/pt_walk.h> */

/* What the walk reports, besides present leaves. */
#define MM_WALK_HOLES		BIT(0)	/* none entries and missing tables */
#define MM_WALK_NONPRESENT	BIT(1)	/* swap, migration, device, markers */
#define MM_WALK_BATCH		BIT(2)	/* runs of PTEs of one folio as one leaf */
#define MM_WALK_LOCKED		BIT(3)	/* take the page table locks */
#define MM_WALK_RUNS		BIT(4)	/* runs of present, or of none, PTEs */

/* Flags under which a stop may cover more than one PTE. */
#define MM_WALK_MULTI		(MM_WALK_BATCH | MM_WALK_RUNS)

/**
 * struct mm_walk_state - a cursor over the page tables of an mm
 * @mm: the address space walked
 * @addr: start of the current stop, clipped to the walk: the larger of the
 *	walk's start and the entry's aligned start
 * @next: end of the current stop, clipped to the walk's end
 * @end: end of the walk (exclusive)
 * @flags: MM_WALK_* flags of the walk
 * @level: level of the current entry
 * @type: what the current entry is
 * @nr: number of entries the current stop covers (more than one only for
 *	MM_WALK_BATCH and MM_WALK_RUNS runs; 0 for a gap between VMAs)
 * @err: 0, or why the walk was refused (-EINVAL, -ERANGE) or stopped
 *	(-EAGAIN: a table kept changing under a lockless walk; a locked walk
 *	tries again until it gets the table, as the legacy walkers do)
 * @entry: raw value of the current entry, read once (under the lock when
 *	locked)
 * @pt: for every level passed, the entry of that level (@pt[l].entp, a
 *	pointer into the table); the table's base and its struct ptdesc are
 *	computed from it when asked for (mm_walk_table(), mm_walk_ptdesc()).
 *	A level folded into the one above, at compile time or at run time,
 *	has the entry of that level (the same @pt[l].entp): every entry
 *	pointer the cursor keeps points into a live page table
 * @ptl: the page table lock held, or NULL
 * @pte_mapped: the PTE table of @pt[PT_LEVEL_PTE] is mapped
 *	(pte_offset_map()) and must be unmapped
 * @hugetlb_vma: the hugetlb VMA whose lock is held, or NULL
 * @in_vma: the locked walk is inside a VMA (not in a gap)
 * @vm_start: start of the VMA (or gap) the locked walk is in
 * @vm_end: end of the VMA (or gap) the locked walk is in
 * @retries: number of times a changed table was re-read
 */
struct mm_walk_state {
	struct mm_struct *mm;
	unsigned long addr;
	unsigned long next;
	unsigned long end;
	unsigned int flags;
	enum pt_level level;
	enum pt_entry_type type;
	unsigned int nr;
	int err;
	union pt_entry entry;
	struct {
		void *entp;
	} pt[PT_NR_LEVELS];
	spinlock_t *ptl;	/* the page table lock held, or NULL */
	bool pte_mapped;
	struct vm_area_struct *hugetlb_vma;
	bool in_vma;
	unsigned long vm_start;
	unsigned long vm_end;
	unsigned int retries;
};

int mm_walk_begin(struct mm_walk_state *s, struct mm_struct *mm,
		  unsigned long start, unsigned long end, unsigned int flags);
#if IS_ENABLED(CONFIG_KUNIT)
extern bool pt_walk_test_hooks;
bool pt_walk_test_table_gone(struct mm_walk_state *s);
#endif
bool __mm_walk_next(struct mm_walk_state *s);
void mm_walk_end(struct mm_walk_state *s);
bool mm_walk_seek_leaf(struct mm_walk_state *s, struct mm_struct *mm,
		       unsigned long addr, unsigned int flags);
int mm_walk_begin_vma(struct mm_walk_state *s, struct vm_area_struct *vma,
		      unsigned long start, unsigned long end,
		      unsigned int flags);
bool mm_walk_seek_vma_leaf(struct mm_walk_state *s, struct vm_area_struct *vma,
			   unsigned long addr);
void *mm_walk_table(const struct mm_walk_state *s, enum pt_level level);
struct ptdesc *mm_walk_ptdesc(const struct mm_walk_state *s,
			      enum pt_level level);

/**
 * mm_walk_level_shift() - log2 of the size an entry of a level maps
 * @level: the level
 *
 * Return: PAGE_SHIFT, PMD_SHIFT, PUD_SHIFT, P4D_SHIFT or PGDIR_SHIFT.
 */
static __always_inline unsigned int mm_walk_level_shift(enum pt_level level)
{
	switch (level) {
	case PT_LEVEL_PTE:
		return PAGE_SHIFT;
	case PT_LEVEL_PMD:
		return PMD_SHIFT;
	case PT_LEVEL_PUD:
		return PUD_SHIFT;
	case PT_LEVEL_P4D:
		return P4D_SHIFT;
	default:
		return PGDIR_SHIFT;
	}
}

static __always_inline bool mm_walk_reported(const struct mm_walk_state *s,
					     enum pt_entry_type type)
{
	switch (type) {
	case PT_ENTRY_LEAF:
		return true;
	case PT_ENTRY_NONPRESENT:
		return s->flags & MM_WALK_NONPRESENT;
	case PT_ENTRY_TABLE:
		return false;
	default:
		return s->flags & MM_WALK_HOLES;
	}
}

/*
 * The loop variables of for_each_pt_leaf(): the cursor, and copies of what
 * its inner loop reads at every PTE, which the compiler keeps in registers
 * (the cursor itself lives in memory, as the out-of-line step takes it).
 */
struct __pt_leaf_loop {
	struct mm_walk_state *cur;
	pte_t *ptep;		/* cur->pt[PT_LEVEL_PTE].entp */
	unsigned long next;	/* cur->next */
	/*
	 * The fast step takes whole PTEs of the current table below this
	 * address (0: no fast step from this stop): the end of the table, of
	 * the last whole page of the walk, or (locked) of the VMA.  A stop
	 * clipped by the walk's end is left to the out-of-line step.
	 */
	unsigned long limit;
	unsigned int report;	/* BIT() of the other entry types reported */
	unsigned int flags;	/* cur->flags */
};

static __always_inline void __pt_leaf_loop_enter(struct __pt_leaf_loop *l)
{
	struct mm_walk_state *s = l->cur;

	l->ptep = s->pt[PT_LEVEL_PTE].entp;
	l->next = s->next;
	l->limit = 0;
	if (s->level == PT_LEVEL_PTE && !(s->flags & MM_WALK_MULTI) &&
	    (s->next & ~PMD_MASK))
		l->limit = min(ALIGN(s->next, PMD_SIZE), s->end & PAGE_MASK);
	/* A locked walk looks the next VMA up out of line: gaps, locks. */
	if (s->flags & MM_WALK_LOCKED)
		l->limit = min(l->limit, s->vm_end);
	l->flags = s->flags;
	l->report = 0;
	if (s->flags & MM_WALK_NONPRESENT)
		l->report |= BIT(PT_ENTRY_NONPRESENT);
	if (s->flags & MM_WALK_HOLES)
		l->report |= BIT(PT_ENTRY_NONE);
}

/*
 * The step to the next stop in the same PTE table, on the copies, or false:
 * for for_each_pt_leaf(), and for mm_walk_next_pte() below.  A present PTE,
 * the common stop, is one test.  Runs (MM_WALK_BATCH, MM_WALK_RUNS) are
 * left to the out-of-line step.
 */
static __always_inline bool __pt_leaf_loop_step(struct __pt_leaf_loop *l)
{
	struct mm_walk_state *s = l->cur;
	unsigned long addr = l->next;
	pte_t *ptep = l->ptep;

	/* mm_walk_end() in the body unmapped the table: the slow step. */
	if (addr >= l->limit || !s->pte_mapped)
		return false;
	do {
		enum pt_entry_type type;
		union pt_entry e;

		ptep++;
		e.pte = (l->flags & MM_WALK_LOCKED) ? ptep_get(ptep) :
						      ptep_get_lockless(ptep);
		/* A present PTE is always reported: no lookup in @report. */
		if (likely(pte_present(e.pte)))
			type = PT_ENTRY_LEAF;
		else
			type = pt_generic_entry_type(PT_LEVEL_PTE, &e);
		if (type == PT_ENTRY_LEAF || (BIT(type) & l->report)) {
			l->ptep = ptep;
			l->next = addr + PAGE_SIZE;
			s->pt[PT_LEVEL_PTE].entp = ptep;
			s->entry = e;
			s->type = type;
			s->addr = addr;
			s->next = l->next;
			return true;
		}
		addr += PAGE_SIZE;
	} while (addr < l->limit);
	s->pt[PT_LEVEL_PTE].entp = ptep;
	s->next = addr;
	return false;
}

/*
 * The step every PTE-level walk takes most: the next entry of the same PTE
 * table, not batched.  Returns true when it produced the next stop; false
 * sends the caller to the out-of-line __mm_walk_next().
 */
static __always_inline bool mm_walk_next_pte(struct mm_walk_state *s)
{
	struct __pt_leaf_loop l = { .cur = s };

	__pt_leaf_loop_enter(&l);
	return __pt_leaf_loop_step(&l);
}

/**
 * mm_walk_next() - move the cursor to the next stop of the walk
 * @s: the cursor, set up with mm_walk_begin()
 *
 * Return: true with @s describing the next leaf (or hole, or non-present
 * entry, as the walk's flags ask); false at the end of the walk or on an
 * error (@s->err), with everything the walk held released.
 */
static __always_inline bool mm_walk_next(struct mm_walk_state *s)
{
	if (likely(mm_walk_next_pte(s)))
		return true;
	return __mm_walk_next(s);
}

/* mm_walk_begin() for for_each_pt_leaf(), which takes its cursor once. */
static inline struct mm_walk_state *
__mm_walk_start(struct mm_walk_state *s, struct mm_struct *mm,
		unsigned long start, unsigned long end, unsigned int flags)
{
	mm_walk_begin(s, mm, start, end, flags);
	return s;
}

/*
 * The step of for_each_pt_leaf(): the fast step on the copies, else the
 * out-of-line step and new copies.  The copies live in the loop's own
 * variable, never in memory: the call on the slow path does not make the
 * fast path reload them.
 */
static __always_inline bool __pt_leaf_loop_next(struct __pt_leaf_loop *l)
{
	if (likely(__pt_leaf_loop_step(l)))
		return true;
	if (!__mm_walk_next(l->cur))
		return false;
	__pt_leaf_loop_enter(l);
	return true;
}

/**
 * for_each_pt_leaf() - iterate over the leaves of a range
 * @s: a struct mm_walk_state for the cursor
 * @mm: the address space
 * @start: first address of the range
 * @end: end of the range (exclusive)
 * @flags: MM_WALK_* flags
 *
 * Stops at every present leaf of [@start, @end) in address order, at the
 * leaf's own level, and at holes and non-present entries when @flags ask
 * for them.  A range that is empty, inverted or outside the user address
 * space runs no iteration and leaves the error in @s->err.  Leaving the loop
 * with break (or return) requires mm_walk_end(@s).
 *
 * The step to the next entry of the same PTE table is inline and works on
 * copies of what it reads in the loop's own variable, which the compiler
 * keeps in registers; everything else is the out-of-line __mm_walk_next().
 */
#define for_each_pt_leaf(s, mm, start, end, flags)			\
	mm_walk_for_each(__mm_walk_start(s, mm, start, end, flags))

/**
 * mm_walk_for_each() - iterate over the stops of a walk already set up
 * @s: a cursor set up with mm_walk_begin() or mm_walk_begin_vma()
 *
 * for_each_pt_leaf() for a cursor the caller has set up (for instance for
 * one VMA, with mm_walk_begin_vma()).  The same rules: leaving the loop
 * with break (or return) requires mm_walk_end(@s).  The body may call
 * mm_walk_end(@s) and go on (to reschedule): the next stop is then found
 * from the top, as nothing the cursor held is valid any more.
 */
#define mm_walk_for_each(s)						\
	for (struct __pt_leaf_loop __pt = { .cur = (s) };		\
	     __pt_leaf_loop_next(&__pt);)

/**
 * mm_walk_is_leaf() - is the cursor on a present leaf
 * @s: the cursor
 *
 * Return: true for a present leaf at any level.
 */
static inline bool mm_walk_is_leaf(const struct mm_walk_state *s)
{
	return s->type == PT_ENTRY_LEAF;
}

/**
 * mm_walk_leaf_shift() - log2 of the size of the current entry
 * @s: the cursor
 *
 * Return: the shift of the entry's level: PAGE_SHIFT for a PTE, PMD_SHIFT
 * for a PMD, and so on.  A batched run covers @s->nr such entries.
 */
static inline unsigned int mm_walk_leaf_shift(const struct mm_walk_state *s)
{
	return mm_walk_level_shift(s->level);
}

/**
 * mm_walk_leaf_size() - size of the current entry
 * @s: the cursor
 *
 * Return: the size one entry of the current level maps.
 */
static inline unsigned long mm_walk_leaf_size(const struct mm_walk_state *s)
{
	return 1UL << mm_walk_leaf_shift(s);
}

/**
 * mm_walk_leaf_start() - aligned start of the current entry
 * @s: the cursor
 *
 * Return: the first address the entry maps, which is below @s->addr when
 * the walk started inside the entry.
 */
static inline unsigned long mm_walk_leaf_start(const struct mm_walk_state *s)
{
	return s->addr & ~(mm_walk_leaf_size(s) - 1);
}

/**
 * mm_walk_is_clipped() - does the walk cover only part of the current stop
 * @s: the cursor
 *
 * Return: true when the walk's start or end falls inside the current entry
 * (or batched run), so that [@s->addr, @s->next) is only part of it.
 */
static inline bool mm_walk_is_clipped(const struct mm_walk_state *s)
{
	return s->addr != mm_walk_leaf_start(s) ||
	       s->next - mm_walk_leaf_start(s) != (unsigned long)s->nr * mm_walk_leaf_size(s);
}

#ifndef arch_pt_entry_write
#define arch_pt_entry_write pt_generic_entry_write
#endif
#ifndef arch_pt_entry_dirty
#define arch_pt_entry_dirty pt_generic_entry_dirty
#endif
#ifndef arch_pt_entry_young
#define arch_pt_entry_young pt_generic_entry_young
#endif
#ifndef arch_pt_entry_special
#define arch_pt_entry_special pt_generic_entry_special
#endif
#ifndef arch_pt_entry_soft_dirty
#define arch_pt_entry_soft_dirty pt_generic_entry_soft_dirty
#endif
#ifndef arch_pt_entry_uffd_wp
#define arch_pt_entry_uffd_wp pt_generic_entry_uffd_wp
#endif
#ifndef arch_pt_entry_pfn
#define arch_pt_entry_pfn pt_generic_entry_pfn
#endif
#ifndef arch_pt_entry_swap
#define arch_pt_entry_swap pt_generic_entry_swap
#endif

/**
 * mm_walk_is_write() - is the current leaf writable
 * @s: the cursor, on a present leaf
 *
 * Return: the write permission of the leaf, at any level.
 */
static inline bool mm_walk_is_write(const struct mm_walk_state *s)
{
	return arch_pt_entry_write(s->level, &s->entry);
}

/**
 * mm_walk_is_dirty() - is the current leaf dirty
 * @s: the cursor, on a present leaf
 *
 * Return: the hardware (or software) dirty bit of the leaf.
 */
static inline bool mm_walk_is_dirty(const struct mm_walk_state *s)
{
	return arch_pt_entry_dirty(s->level, &s->entry);
}

/**
 * mm_walk_is_young() - has the current leaf been accessed
 * @s: the cursor, on a present leaf
 *
 * Return: the accessed bit of the leaf.
 */
static inline bool mm_walk_is_young(const struct mm_walk_state *s)
{
	return arch_pt_entry_young(s->level, &s->entry);
}

/**
 * mm_walk_is_special() - is the current leaf special (no struct page use)
 * @s: the cursor, on a present leaf
 *
 * Return: the special bit of the leaf (pte_special(), pmd_special(), ...).
 */
static inline bool mm_walk_is_special(const struct mm_walk_state *s)
{
	return arch_pt_entry_special(s->level, &s->entry);
}

/**
 * mm_walk_is_soft_dirty() - is the current leaf soft-dirty
 * @s: the cursor, on a present leaf
 *
 * Return: the soft-dirty bit of the leaf; false where the arch has none.
 */
static inline bool mm_walk_is_soft_dirty(const struct mm_walk_state *s)
{
	return arch_pt_entry_soft_dirty(s->level, &s->entry);
}

/**
 * mm_walk_is_uffd_wp() - is the current leaf userfaultfd write-protected
 * @s: the cursor, on a present leaf
 *
 * Return: the uffd-wp bit of the leaf; false where the arch has none.
 */
static inline bool mm_walk_is_uffd_wp(const struct mm_walk_state *s)
{
	return arch_pt_entry_uffd_wp(s->level, &s->entry);
}

/**
 * mm_walk_pfn() - first frame the current leaf maps
 * @s: the cursor, on a present leaf
 *
 * Return: the pfn of the leaf's aligned start (mm_walk_leaf_start()).
 */
static inline unsigned long mm_walk_pfn(const struct mm_walk_state *s)
{
	return arch_pt_entry_pfn(s->level, &s->entry);
}

/**
 * mm_walk_addr_pfn() - frame that maps @s->addr
 * @s: the cursor, on a present leaf
 *
 * Return: the pfn of the page at @s->addr inside the leaf.
 */
static inline unsigned long mm_walk_addr_pfn(const struct mm_walk_state *s)
{
	return mm_walk_pfn(s) + ((s->addr - mm_walk_leaf_start(s)) >> PAGE_SHIFT);
}

/**
 * mm_walk_page() - struct page that maps @s->addr
 * @s: the cursor, on a present leaf that is not special
 *
 * Return: the page, or NULL when the frame has no struct page.
 */
static inline struct page *mm_walk_page(const struct mm_walk_state *s)
{
	unsigned long pfn = mm_walk_addr_pfn(s);

	return pfn_valid(pfn) ? pfn_to_page(pfn) : NULL;
}

/**
 * mm_walk_folio() - folio that maps @s->addr
 * @s: the cursor, on a present leaf that is not special
 *
 * Return: the folio, or NULL when the frame has no struct page.
 */
static inline struct folio *mm_walk_folio(const struct mm_walk_state *s)
{
	struct page *page = mm_walk_page(s);

	return page ? page_folio(page) : NULL;
}

/**
 * mm_walk_swap_entry() - the swap entry of a non-present leaf
 * @s: the cursor, on a non-present leaf
 *
 * Return: the swap entry (swap, migration, device, marker, hwpoison) of a
 * PTE, of a PMD where the arch migrates THPs, and of hugetlb PMD and PUD
 * entries where the arch decoder knows their format (x86); a zero entry at
 * levels that have no swap entries.
 */
static inline swp_entry_t mm_walk_swap_entry(const struct mm_walk_state *s)
{
	return arch_pt_entry_swap(s->level, &s->entry);
}

#endif /* _LINUX_PT_WALK_H */

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
 * PT_LEVEL_PGD with @nr 0 and the gap's extent in [@addr, @next).  Its
 * stops never run past the end of their VMA: a hole at an upper level (a
 * missing table) is clipped to the VMA, and the gap or the VMA after it is
 * the next stop.
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
#define MM_WALK_RUNS		BIT(4)	/* runs of present, or none, entries */
#define MM_WALK_TABLE		BIT(5)	/* the rest of a PTE table, whatever it holds */
#define MM_WALK_RAW		BIT(6)	/* contiguous hugetlb entries one by one */

/* Flags under which a stop may cover more than one PTE. */
#define MM_WALK_MULTI		(MM_WALK_BATCH | MM_WALK_RUNS | MM_WALK_TABLE)

/**
 * struct pt_leaf - one stop of a walk: a leaf, a hole or a non-present entry
 * @addr: start of the stop, clipped to the walk: the larger of the walk's
 *	start and the entry's aligned start
 * @next: end of the stop, clipped to the walk's end
 * @entry: raw value of the entry, read once (under the lock when locked)
 * @entp: the entry in its table; NULL for a gap between VMAs
 * @level: level of the entry
 * @type: what the entry is
 * @nr: number of entries the stop covers (more than one only for
 *	MM_WALK_BATCH and MM_WALK_RUNS runs, MM_WALK_TABLE stops and
 *	contiguous hugetlb pages; 0 for a gap between VMAs)
 *
 * With MM_WALK_TABLE, a stop at PTE level runs from its entry to the end
 * of the PTE table (or of the walk, or of the VMA), whatever the entries
 * after the first are: @entry and @type are the first's, and the body
 * reads the @nr entries itself (ptep_get(@entp + i)), under the lock the
 * walk holds, as a per-PMD walker loops over its table.  The walk reads no
 * PTE but the first.
 *
 * The body of a for_each_pt_leaf() loop reads the stop from a struct
 * pt_leaf of the loop's own, which the compiler keeps in registers; a
 * cursor moved with mm_walk_next() or a seek has it in its @leaf.  The
 * accessors below (mm_walk_is_write(), mm_walk_pfn(), ...) take a struct
 * pt_leaf and decode it at its level.
 */
struct pt_leaf {
	unsigned long addr;
	unsigned long next;
	union pt_entry entry;
	void *entp;
	enum pt_level level;
	enum pt_entry_type type;
	unsigned int nr;
};

/**
 * struct mm_walk_state - a cursor over the page tables of an mm
 * @leaf: the current stop (struct pt_leaf), whose members are also members
 *	of the cursor: @s->addr is @s->leaf.addr
 * @addr: @leaf.addr
 * @next: @leaf.next
 * @entry: @leaf.entry
 * @entp: @leaf.entp
 * @level: @leaf.level
 * @type: @leaf.type
 * @nr: @leaf.nr
 * @mm: the address space walked
 * @end: end of the walk (exclusive)
 * @flags: MM_WALK_* flags of the walk
 * @err: 0, or why the walk was refused (-EINVAL, -ERANGE) or stopped
 *	(-EAGAIN: a table kept changing under a lockless walk; a locked walk
 *	tries again until it gets the table, as the legacy walkers do)
 * @pt: for every level passed, the entry of that level (``pt[l].entp``, a
 *	pointer into the table); the table's base and its struct ptdesc are
 *	computed from it when asked for (mm_walk_table(), mm_walk_ptdesc()).
 *	A level folded into the one above, at compile time or at run time,
 *	has the entry of that level (the same ``pt[l].entp``): every entry
 *	pointer the cursor keeps points into a live page table.  A lockless
 *	walk also keeps the value it read of the PUD and PMD entries it went
 *	through (``pt[l].entry``), for mm_walk_table_unchanged()
 * @ptl: the page table lock held, or NULL
 * @pte_mapped: the PTE table of ``pt[PT_LEVEL_PTE]`` is mapped
 *	(pte_offset_map()) and must be unmapped
 * @ahead: with MM_WALK_BATCH or MM_WALK_RUNS, the PTE after the stop's
 *	run, as the loop that ended the run read it (when @ahead_valid): the
 *	next step starts from it instead of reading it again
 * @ahead_valid: @ahead holds that PTE
 * @hugetlb_vma: the hugetlb VMA whose lock is held, or NULL
 * @hugetlb_level: in @hugetlb_vma, the level of its hstate's entries, which
 *	are read in the format hugetlb writes them in, never as a table
 * @hugetlb_block: in @hugetlb_vma, its huge pages are contiguous blocks of
 *	entries of @hugetlb_level (arm64, riscv Svnapot): each is one stop of
 *	@nr entries (on an arch that says so: arch_pt_hugetlb_blocks), unless
 *	the walk asked for its entries one by one (MM_WALK_RAW)
 * @hugetlb_shift: in @hugetlb_vma, huge_page_shift() of its hstate
 * @hugetlb_hstate: in @hugetlb_vma, its hstate (the lock of an entry,
 *	huge_pte_lockptr())
 * @in_vma: the locked walk is inside a VMA (not in a gap)
 * @vm_start: start of the VMA (or gap) the locked walk is in
 * @vm_end: end of the VMA (or gap) the locked walk is in
 * @retries: number of times a changed table was re-read
 * @restart: mm_walk_end() or mm_walk_pause() let go of what the cursor
 *	held: its next step starts from the top
 *
 * Inside a for_each_pt_leaf() loop the stop is the loop's leaf: @leaf, and
 * ``pt[PT_LEVEL_PTE].entp``, may be behind it within the same PTE table (the
 * table, its lock and its ptdesc are the same).
 */
struct mm_walk_state {
	union {
		struct pt_leaf leaf;
		struct {	/* the same members, as struct_group() makes */
			unsigned long addr;
			unsigned long next;
			union pt_entry entry;
			void *entp;
			enum pt_level level;
			enum pt_entry_type type;
			unsigned int nr;
		};
	};
	struct mm_struct *mm;
	unsigned long end;
	unsigned int flags;
	int err;
	struct {
		void *entp;
		/* PUD and PMD, lockless walks: the value the descent read */
		union pt_entry entry;
	} pt[PT_NR_LEVELS];
	spinlock_t *ptl;	/* the page table lock held, or NULL */
	bool pte_mapped;
	bool restart;
	bool ahead_valid;
	pte_t ahead;
	struct vm_area_struct *hugetlb_vma;
	struct hstate *hugetlb_hstate;
	bool in_vma;
	u8 hugetlb_level;
	bool hugetlb_block;
	u8 hugetlb_shift;
	unsigned long vm_start;
	unsigned long vm_end;
	unsigned int retries;
};

/* The two views of the stop in a cursor are the same memory. */
static_assert(offsetof(struct mm_walk_state, leaf.addr) == offsetof(struct mm_walk_state, addr));
static_assert(offsetof(struct mm_walk_state, leaf.next) == offsetof(struct mm_walk_state, next));
static_assert(offsetof(struct mm_walk_state, leaf.entry) == offsetof(struct mm_walk_state, entry));
static_assert(offsetof(struct mm_walk_state, leaf.entp) == offsetof(struct mm_walk_state, entp));
static_assert(offsetof(struct mm_walk_state, leaf.level) == offsetof(struct mm_walk_state, level));
static_assert(offsetof(struct mm_walk_state, leaf.type) == offsetof(struct mm_walk_state, type));
static_assert(offsetof(struct mm_walk_state, leaf.nr) == offsetof(struct mm_walk_state, nr));

int mm_walk_begin(struct mm_walk_state *s, struct mm_struct *mm,
		  unsigned long start, unsigned long end, unsigned int flags);
#ifdef CONFIG_PT_WALK_KUNIT_TEST
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
bool mm_walk_seek_vma_range(struct mm_walk_state *s,
			    struct vm_area_struct *vma, unsigned long start,
			    unsigned long end, unsigned int flags);
void *mm_walk_table(const struct mm_walk_state *s, enum pt_level level);
pte_t *mm_walk_hugetlb_ptep(const struct mm_walk_state *s);
struct ptdesc *mm_walk_ptdesc(const struct mm_walk_state *s,
			      enum pt_level level);

/**
 * mm_walk_seek_vma_leaf() - locked mm_walk_seek_leaf() in a known VMA
 * @s: the cursor
 * @vma: the VMA that contains @addr, found by the caller under the mmap lock
 *	it holds (or, for a file VMA, its mapping's i_mmap_rwsem: see
 *	mm_walk_begin_vma())
 * @addr: the address
 *
 * As mm_walk_seek_leaf() with MM_WALK_LOCKED, without looking the VMA up
 * again: mm_walk_seek_vma_range() over @addr alone.  The caller ends with
 * mm_walk_end() in every case, or hands what the cursor holds over to an
 * end of its own (see mm_walk_seek_vma_range()).
 *
 * Return: true when @addr is mapped by a present leaf; false otherwise, with
 * @s->err set (-EINVAL) for an address outside @vma.
 */
static inline bool mm_walk_seek_vma_leaf(struct mm_walk_state *s,
					 struct vm_area_struct *vma,
					 unsigned long addr)
{
	return mm_walk_seek_vma_range(s, vma, addr, addr + 1, 0);
}

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
 * The loop variables of for_each_pt_leaf(): the cursor, the stop as the
 * body sees it, and what the inline step reads at every PTE.  The compiler
 * keeps them in registers as long as the body passes the leaf to inline
 * functions only: the step stores nothing, and the cursor in memory is
 * brought up to date only on the way to the out-of-line step.
 */
struct __pt_leaf_loop {
	struct mm_walk_state *cur;
	struct pt_leaf leaf;
	/*
	 * The fast step takes whole PTEs of the current table below this
	 * address (0: no fast step from this stop): the end of the table, of
	 * the last whole page of the walk, or (locked) of the VMA.  A stop
	 * clipped by the walk's end is left to the out-of-line step.
	 */
	unsigned long limit;
	/*
	 * The same for the step from a huge PMD entry to the next one of the
	 * same PMD table: the end of the table, of the last whole PMD of the
	 * walk, or (locked) of the VMA; 0 for no such step.
	 */
	unsigned long pmd_limit;
	unsigned int report;	/* BIT() of the other entry types reported */
	/*
	 * cur->flags, set when the loop starts: for_each_pt_leaf() has them
	 * as a constant, so that the inline steps are built for its mode.
	 */
	unsigned int flags;
};

/* The VM span of one PMD table (PMD_SIZE where the PMD level is folded). */
#define __PT_PMD_TABLE_SPAN	(PTRS_PER_PMD * PMD_SIZE)

/* The loop variables for the cursor's stop, after the out-of-line step. */
static __always_inline void __pt_leaf_loop_enter(struct __pt_leaf_loop *l)
{
	struct mm_walk_state *s = l->cur;
	unsigned int flags = l->flags;

	l->leaf = s->leaf;
	l->limit = 0;
	l->pmd_limit = 0;
	l->report = 0;
	if (flags & MM_WALK_NONPRESENT)
		l->report |= BIT(PT_ENTRY_NONPRESENT);
	if (flags & MM_WALK_HOLES)
		l->report |= BIT(PT_ENTRY_NONE);
	/* A contiguous hugetlb page is one stop: stepped out of line. */
	if (IS_ENABLED(CONFIG_HUGETLB_PAGE) && arch_pt_hugetlb_blocks &&
	    (flags & MM_WALK_LOCKED) && unlikely(s->hugetlb_vma) &&
	    s->hugetlb_block)
		return;
	if (s->level == PT_LEVEL_PTE && !(flags & MM_WALK_MULTI) &&
	    (s->next & ~PMD_MASK))
		l->limit = min(ALIGN(s->next, PMD_SIZE), s->end & PAGE_MASK);
	/*
	 * From a huge PMD entry, present or not, whose lock a locked walk
	 * holds: the lock of the whole PMD table (pmd_lockptr()), which the
	 * next entries of the table share.
	 */
	if (s->level == PT_LEVEL_PMD &&
	    (s->type == PT_ENTRY_LEAF || s->type == PT_ENTRY_NONPRESENT) &&
	    (s->next & (__PT_PMD_TABLE_SPAN - 1)) &&
	    (!(flags & MM_WALK_LOCKED) || s->ptl))
		l->pmd_limit = min(ALIGN(s->next, __PT_PMD_TABLE_SPAN),
				   s->end & PMD_MASK);
	/* A locked walk looks the next VMA up out of line: gaps, locks. */
	if (flags & MM_WALK_LOCKED) {
		l->limit = min(l->limit, s->vm_end);
		l->pmd_limit = min(l->pmd_limit, s->vm_end);
	}
}

/*
 * The step from a huge PMD entry (a THP, a hugetlb page, a non-present huge
 * entry) to the next entry of the same PMD table when that is one too, on
 * the loop variables only, or false.  A locked walk keeps the lock it holds,
 * which is the table's; anything else (a PTE table, none) is left to the
 * out-of-line step.
 */
static __always_inline bool __pt_leaf_loop_step_pmd(struct __pt_leaf_loop *l)
{
	unsigned long addr = l->leaf.next;
	pmd_t *pmdp = (pmd_t *)l->leaf.entp + 1;
	enum pt_entry_type type;
	union pt_entry e;

	if (addr >= l->pmd_limit)
		return false;
	/* A body lets go of the lock with mm_walk_pause(), not mm_walk_end(). */
	if (IS_ENABLED(CONFIG_DEBUG_VM) && (l->flags & MM_WALK_LOCKED) &&
	    !l->cur->ptl) {
		VM_WARN_ONCE(1, "ptwalk: mm_walk_end() inside a walk: use mm_walk_pause()\n");
		return false;
	}
	e.pmd = (l->flags & MM_WALK_LOCKED) ? pmdp_get(pmdp) :
					      pmdp_get_lockless(pmdp);
	type = pt_generic_entry_type(PT_LEVEL_PMD, &e);
	if (type != PT_ENTRY_LEAF &&
	    (type != PT_ENTRY_NONPRESENT || !(l->report & BIT(PT_ENTRY_NONPRESENT))))
		return false;
	l->leaf.entp = pmdp;
	l->leaf.entry = e;
	l->leaf.type = type;
	l->leaf.addr = addr;
	l->leaf.next = addr + PMD_SIZE;
	return true;
}

/*
 * The step to the next stop in the same PTE table, on the loop variables
 * only, or false: for for_each_pt_leaf(), and for mm_walk_next_pte() below.
 * A present PTE, the common stop, is one test.  Runs (MM_WALK_BATCH,
 * MM_WALK_RUNS) are left to the out-of-line step.  On false, @l->leaf.entp
 * and @l->leaf.next say how far it got (see __pt_leaf_loop_leave()).
 */
static __always_inline bool __pt_leaf_loop_step(struct __pt_leaf_loop *l)
{
	unsigned long addr = l->leaf.next;
	pte_t *ptep = l->leaf.entp;
	pte_t prev = l->leaf.entry.pte;

	if (addr >= l->limit)
		return __pt_leaf_loop_step_pmd(l);
	/* A body lets go of the table with mm_walk_pause(), not mm_walk_end(). */
	if (IS_ENABLED(CONFIG_DEBUG_VM) && !l->cur->pte_mapped) {
		VM_WARN_ONCE(1, "ptwalk: mm_walk_end() inside a walk: use mm_walk_pause()\n");
		return false;
	}
	do {
		enum pt_entry_type type;
		union pt_entry e;

		ptep++;
		/* ptep_get(), or the next PTE of @prev's contiguous block. */
		e.pte = arch_pt_ptep_get_next(ptep, prev, addr,
					      l->flags & MM_WALK_LOCKED);
		prev = e.pte;
		/*
		 * A present PTE is always reported: no lookup in @report; the
		 * others are not looked at when nothing else is reported.
		 */
		if (likely(pte_present(e.pte)))
			type = PT_ENTRY_LEAF;
		else if (l->report)
			type = pt_generic_entry_type(PT_LEVEL_PTE, &e);
		else
			type = PT_ENTRY_NONE;
		if (type == PT_ENTRY_LEAF || (BIT(type) & l->report)) {
			l->leaf.entp = ptep;
			l->leaf.entry = e;
			l->leaf.type = type;
			l->leaf.addr = addr;
			l->leaf.next = addr + PAGE_SIZE;
			return true;
		}
		addr += PAGE_SIZE;
	} while (addr < l->limit);
	l->leaf.entp = ptep;
	l->leaf.next = addr;
	return false;
}

/*
 * On the way to the out-of-line step: tell the cursor where the fast steps
 * got to (the last PTE they read, and the address after it), in the table
 * it holds.  After mm_walk_end() in the body, the cursor starts again from
 * the top at that address.
 */
static __always_inline void __pt_leaf_loop_leave(struct __pt_leaf_loop *l)
{
	if (l->limit || l->pmd_limit) {
		l->cur->pt[l->leaf.level].entp = l->leaf.entp;
		l->cur->next = l->leaf.next;
	}
}

/**
 * mm_walk_pause() - let go of everything a walk holds, inside its loop
 * @leaf: the stop of a for_each_pt_leaf() or mm_walk_for_each() loop
 *
 * mm_walk_end() for the body of a loop that goes on (to reschedule, for
 * instance): the page table lock, the PTE table mapping and the hugetlb VMA
 * lock are released, @leaf stays readable (its entry pointer does not), and
 * the loop finds its next stop from the top, as nothing the cursor held is
 * valid any more.  The loop's inline step does not test for mm_walk_end()
 * at every entry (CONFIG_DEBUG_VM warns): inside the loop, this is the way.
 */
static __always_inline void mm_walk_pause(const struct pt_leaf *leaf)
{
	/* The loop's own variables, which the stop is part of. */
	struct __pt_leaf_loop *l = container_of((struct pt_leaf *)leaf,
						struct __pt_leaf_loop, leaf);

	__pt_leaf_loop_leave(l);
	l->limit = 0;
	l->pmd_limit = 0;
	mm_walk_end(l->cur);
}

/**
 * mm_walk_table_unchanged() - is a lockless walk's PTE table still its PMD's
 * @s: the cursor of a lockless walk at a PTE-level stop, before
 *	mm_walk_end()
 *
 * The PMD half of mm_walk_leaf_unchanged(), for a caller that reads the
 * PTEs of a stop itself (MM_WALK_TABLE) and checks each PTE it took a
 * reference through, as gup_fast does.
 *
 * Return: true while the PMD entry the walk went through to the stop's PTE
 * table holds the value the walk read.
 */
static inline bool mm_walk_table_unchanged(const struct mm_walk_state *s)
{
	return pmd_same(pmdp_get_lockless(s->pt[PT_LEVEL_PMD].entp),
			s->pt[PT_LEVEL_PMD].entry.pmd);
}

/**
 * mm_walk_leaf_unchanged() - does a lockless stop still hold what was read
 * @s: the cursor of a lockless walk, before mm_walk_end()
 * @leaf: its stop (the loop's, or @s->leaf after mm_walk_seek_leaf())
 *
 * A lockless walk reads every entry once, on its way down, with interrupts
 * off as its only protection: by the time the caller has taken a reference
 * on the page of @leaf, the entry may have changed, and, for a PTE, so may
 * the PMD entry the walk went through to its table (a THP collapse replaces
 * it and frees the table: on arm64, riscv and powerpc nothing waits for the
 * walk, as their TLB flushes need no IPI).  gup_fast reads both again after
 * taking its reference, and so can any lockless caller: the cursor keeps
 * the PMD value it descended through.  For a stop of several entries
 * (MM_WALK_RUNS, _BATCH, _TABLE) the first entry is checked.
 *
 * Return: true when @leaf's entry and, for a PTE, the PMD entry above it
 * still hold the values the walk read; false when either changed (drop
 * the reference and fall back, as gup_fast does).
 */
static inline bool mm_walk_leaf_unchanged(const struct mm_walk_state *s,
					  const struct pt_leaf *leaf)
{
	switch (leaf->level) {
	case PT_LEVEL_PTE:
		/* The PMD first: a changed PMD is the answer, whatever the PTE. */
		if (!mm_walk_table_unchanged(s))
			return false;
		return pte_same(ptep_get_lockless(leaf->entp), leaf->entry.pte);
	case PT_LEVEL_PMD:
		return pmd_same(pmdp_get_lockless(leaf->entp), leaf->entry.pmd);
	case PT_LEVEL_PUD:
		return pud_same(pudp_get(leaf->entp), leaf->entry.pud);
	case PT_LEVEL_P4D:
		return p4d_same(p4dp_get(leaf->entp), leaf->entry.p4d);
	default:
		return pt_pgdp_same(leaf->entp, &leaf->entry);
	}
}

/**
 * mm_walk_sync_leaf() - bring a cursor's stop up to date inside its loop
 * @s: the cursor of a for_each_pt_leaf() or mm_walk_for_each() loop
 * @leaf: the loop's stop
 *
 * The loop's inline step moves @leaf only; for a body that hands @s to a
 * function that reads @s->leaf (as walk_page_range() does for leaf_entry).
 */
static __always_inline void mm_walk_sync_leaf(struct mm_walk_state *s,
					      const struct pt_leaf *leaf)
{
	/* What the inline step changes; a slow step wrote @s->leaf itself. */
	s->entp = leaf->entp;
	s->entry = leaf->entry;
	s->type = leaf->type;
	s->addr = leaf->addr;
	s->next = leaf->next;
}

/*
 * The inline step of the cursor API: the next entry of the same PTE table,
 * not batched, and (@huge) the next huge entry of the same PMD table.  True
 * when it produced the next stop (in @s->leaf); false sends the caller to
 * the out-of-line __mm_walk_next().
 */
static __always_inline bool __mm_walk_step(struct mm_walk_state *s, bool huge)
{
	struct __pt_leaf_loop l = { .cur = s, .flags = s->flags };

	/*
	 * After mm_walk_end(), the next stop is found from the top: the
	 * tables the entry pointers point into may be gone (a lockless walk
	 * whose caller turned interrupts on).
	 */
	if (s->restart || (s->level == PT_LEVEL_PTE && !s->pte_mapped))
		return false;
	__pt_leaf_loop_enter(&l);
	if (!huge)
		l.pmd_limit = 0;
	if (__pt_leaf_loop_step(&l)) {
		s->pt[l.leaf.level].entp = l.leaf.entp;
		s->entp = l.leaf.entp;
		s->entry = l.leaf.entry;
		s->type = l.leaf.type;
		s->addr = l.leaf.addr;
		s->next = l.leaf.next;
		return true;
	}
	__pt_leaf_loop_leave(&l);
	return false;
}

/*
 * The step every PTE-level walk takes most: the next entry of the same PTE
 * table, not batched.  Returns true when it produced the next stop (in
 * @s->leaf); false sends the caller to the out-of-line __mm_walk_next().
 */
static __always_inline bool mm_walk_next_pte(struct mm_walk_state *s)
{
	return __mm_walk_step(s, false);
}

/**
 * mm_walk_next() - move the cursor to the next stop of the walk
 * @s: the cursor, set up with mm_walk_begin()
 *
 * Return: true with @s->leaf describing the next leaf (or hole, or
 * non-present entry, as the walk's flags ask); false at the end of the
 * walk or on an error (@s->err), with everything the walk held released.
 */
static __always_inline bool mm_walk_next(struct mm_walk_state *s)
{
	if (likely(__mm_walk_step(s, true)))
		return true;
	return __mm_walk_next(s);
}

/**
 * mm_walk_first() - move a cursor just set up to its first stop
 * @s: the cursor, set up with mm_walk_begin() or mm_walk_begin_vma()
 *
 * mm_walk_next() without its inline steps, which never apply to a cursor
 * that has not stopped yet: for a caller that looks at the first stop on
 * its own (follow_page_mask()), without their code.
 *
 * Return: as mm_walk_next().
 */
static inline bool mm_walk_first(struct mm_walk_state *s)
{
	return __mm_walk_next(s);
}

/*
 * The loop variables of for_each_pt_leaf(), whose cursor mm_walk_begin()
 * sets up, and of mm_walk_for_each(), whose cursor the caller set up: the
 * loop's flags are a constant in the first, so that its inline steps are
 * built for the walk's mode.
 */
static __always_inline struct __pt_leaf_loop
__pt_leaf_loop_begin(struct mm_walk_state *s, struct mm_struct *mm,
		     unsigned long start, unsigned long end, unsigned int flags)
{
	mm_walk_begin(s, mm, start, end, flags);
	return (struct __pt_leaf_loop){ .cur = s, .flags = flags };
}

static __always_inline struct __pt_leaf_loop
__pt_leaf_loop_init(struct mm_walk_state *s)
{
	return (struct __pt_leaf_loop){ .cur = s, .flags = s->flags };
}

/*
 * The step of for_each_pt_leaf(): the fast step on the loop variables,
 * else the out-of-line step on the cursor and new loop variables.
 */
static __always_inline bool __pt_leaf_loop_next(struct __pt_leaf_loop *l,
						const struct pt_leaf **leafp)
{
	*leafp = &l->leaf;
	if (likely(__pt_leaf_loop_step(l)))
		return true;
	__pt_leaf_loop_leave(l);
	if (!__mm_walk_next(l->cur))
		return false;
	__pt_leaf_loop_enter(l);
	return true;
}

/**
 * for_each_pt_leaf() - iterate over the leaves of a range
 * @leaf: a const struct pt_leaf pointer, set to the stop at every iteration
 * @s: a struct mm_walk_state for the cursor
 * @mm: the address space
 * @start: first address of the range
 * @end: end of the range (exclusive)
 * @flags: MM_WALK_* flags
 *
 * Stops at every present leaf of [@start, @end) in address order, at the
 * leaf's own level, and at holes and non-present entries when @flags ask
 * for them; @leaf describes the stop.  A range that is empty, inverted or
 * outside the user address space runs no iteration and leaves the error in
 * @s->err.  Leaving the loop with break (or return) requires
 * mm_walk_end(@s).
 *
 * @leaf points into the loop's own variables, which the compiler keeps in
 * registers while the body hands @leaf to inline functions only (the
 * accessors are); it is valid in the body only.  The cursor's own copy of
 * the stop (@s->leaf) is not kept up to date inside the loop: the body
 * reads @leaf (or calls mm_walk_sync_leaf()).  The step to the next entry
 * of the same PTE table is inline and stores nothing; everything else is
 * the out-of-line __mm_walk_next().  To let go of the locks inside the
 * loop, the body calls mm_walk_pause(@leaf), never mm_walk_end().
 */
#define for_each_pt_leaf(leaf, s, mm, start, end, flags)		\
	for (struct __pt_leaf_loop __pt =				\
		__pt_leaf_loop_begin(s, mm, start, end, flags);		\
	     __pt_leaf_loop_next(&__pt, &(leaf));)

/**
 * mm_walk_for_each() - iterate over the stops of a walk already set up
 * @leaf: a const struct pt_leaf pointer, set to the stop at every iteration
 * @s: a cursor set up with mm_walk_begin() or mm_walk_begin_vma()
 *
 * for_each_pt_leaf() for a cursor the caller has set up (for instance for
 * one VMA, with mm_walk_begin_vma()).  The same rules: leaving the loop
 * with break (or return) requires mm_walk_end(@s).  To let go of the locks
 * and go on (to reschedule), the body calls mm_walk_pause(@leaf), never
 * mm_walk_end().
 */
#define mm_walk_for_each(leaf, s)					\
	for (struct __pt_leaf_loop __pt = __pt_leaf_loop_init(s);	\
	     __pt_leaf_loop_next(&__pt, &(leaf));)

/**
 * mm_walk_is_leaf() - is a stop a present leaf
 * @leaf: a stop
 *
 * Return: true for a present leaf at any level.
 */
static inline bool mm_walk_is_leaf(const struct pt_leaf *leaf)
{
	return leaf->type == PT_ENTRY_LEAF;
}

/**
 * mm_walk_is_hole() - is a stop a hole
 * @leaf: a stop
 *
 * A hole is a none entry (PT_ENTRY_NONE, a missing table included), a gap
 * between VMAs, or a corrupt table entry (PT_ENTRY_BAD: pXd_bad()), which
 * the cursor neither descends into nor clears.  MM_WALK_HOLES reports them.
 *
 * Return: true for a hole.
 */
static inline bool mm_walk_is_hole(const struct pt_leaf *leaf)
{
	return leaf->type == PT_ENTRY_NONE || leaf->type == PT_ENTRY_BAD;
}

/**
 * mm_walk_leaf_shift() - log2 of the size of the current entry
 * @leaf: a stop
 *
 * Return: the shift of the entry's level: PAGE_SHIFT for a PTE, PMD_SHIFT
 * for a PMD, and so on.  A batched run covers @leaf->nr such entries.
 */
static inline unsigned int mm_walk_leaf_shift(const struct pt_leaf *leaf)
{
	return mm_walk_level_shift(leaf->level);
}

/**
 * mm_walk_leaf_size() - size of the current entry
 * @leaf: a stop
 *
 * Return: the size one entry of the current level maps.
 */
static inline unsigned long mm_walk_leaf_size(const struct pt_leaf *leaf)
{
	return 1UL << mm_walk_leaf_shift(leaf);
}

/**
 * mm_walk_leaf_start() - aligned start of the current entry
 * @leaf: a stop
 *
 * Return: the first address the entry maps, which is below @leaf->addr when
 * the walk started inside the entry.
 */
static inline unsigned long mm_walk_leaf_start(const struct pt_leaf *leaf)
{
	return leaf->addr & ~(mm_walk_leaf_size(leaf) - 1);
}

/**
 * mm_walk_is_clipped() - does the walk cover only part of the current stop
 * @leaf: a stop
 *
 * Return: true when the walk's start or end falls inside the current entry
 * (or batched run), so that [@leaf->addr, @leaf->next) is only part of it.
 */
static inline bool mm_walk_is_clipped(const struct pt_leaf *leaf)
{
	unsigned long start = mm_walk_leaf_start(leaf);

	return leaf->addr != start ||
	       leaf->next - start != (unsigned long)leaf->nr * mm_walk_leaf_size(leaf);
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
#ifndef arch_pt_entry_swp_uffd_wp
#define arch_pt_entry_swp_uffd_wp pt_generic_entry_swp_uffd_wp
#endif
#ifndef arch_pt_entry_pfn
#define arch_pt_entry_pfn pt_generic_entry_pfn
#endif
#ifndef arch_pt_entry_swap
#define arch_pt_entry_swap pt_generic_entry_swap
#endif

/**
 * mm_walk_is_write() - is the current leaf writable
 * @leaf: a stop, a present leaf
 *
 * Return: the write permission of the leaf, at any level.
 */
static inline bool mm_walk_is_write(const struct pt_leaf *leaf)
{
	return arch_pt_entry_write(leaf->level, &leaf->entry);
}

/**
 * mm_walk_is_dirty() - is the current leaf dirty
 * @leaf: a stop, a present leaf
 *
 * Return: the hardware (or software) dirty bit of the leaf.
 */
static inline bool mm_walk_is_dirty(const struct pt_leaf *leaf)
{
	return arch_pt_entry_dirty(leaf->level, &leaf->entry);
}

/**
 * mm_walk_is_young() - has the current leaf been accessed
 * @leaf: a stop, a present leaf
 *
 * Return: the accessed bit of the leaf.
 */
static inline bool mm_walk_is_young(const struct pt_leaf *leaf)
{
	return arch_pt_entry_young(leaf->level, &leaf->entry);
}

/**
 * mm_walk_is_special() - is the current leaf special (no struct page use)
 * @leaf: a stop, a present leaf
 *
 * Return: the special bit of the leaf (pte_special(), pmd_special(), ...).
 */
static inline bool mm_walk_is_special(const struct pt_leaf *leaf)
{
	return arch_pt_entry_special(leaf->level, &leaf->entry);
}

/**
 * mm_walk_is_soft_dirty() - is the current leaf soft-dirty
 * @leaf: a stop, a present leaf
 *
 * Return: the soft-dirty bit of the leaf; false where the arch has none.
 */
static inline bool mm_walk_is_soft_dirty(const struct pt_leaf *leaf)
{
	return arch_pt_entry_soft_dirty(leaf->level, &leaf->entry);
}

/**
 * mm_walk_is_uffd_wp() - is the current leaf userfaultfd write-protected
 * @leaf: a stop, a present leaf
 *
 * Return: the uffd-wp bit of the leaf; false where the arch has none.
 */
static inline bool mm_walk_is_uffd_wp(const struct pt_leaf *leaf)
{
	return arch_pt_entry_uffd_wp(leaf->level, &leaf->entry);
}

/**
 * mm_walk_pfn() - first frame the current leaf maps
 * @leaf: a stop, a present leaf
 *
 * Return: the pfn of the leaf's aligned start (mm_walk_leaf_start()).
 */
static inline unsigned long mm_walk_pfn(const struct pt_leaf *leaf)
{
	return arch_pt_entry_pfn(leaf->level, &leaf->entry);
}

/**
 * mm_walk_addr_pfn() - frame that maps @leaf->addr
 * @leaf: a stop, a present leaf
 *
 * Return: the pfn of the page at @leaf->addr inside the leaf.
 */
static inline unsigned long mm_walk_addr_pfn(const struct pt_leaf *leaf)
{
	return mm_walk_pfn(leaf) + ((leaf->addr - mm_walk_leaf_start(leaf)) >> PAGE_SHIFT);
}

/**
 * mm_walk_page() - struct page that maps @leaf->addr
 * @leaf: a stop, a present leaf that is not special
 *
 * Return: the page, or NULL when the frame has no struct page.
 */
static inline struct page *mm_walk_page(const struct pt_leaf *leaf)
{
	unsigned long pfn = mm_walk_addr_pfn(leaf);

	return pfn_valid(pfn) ? pfn_to_page(pfn) : NULL;
}

/**
 * mm_walk_folio() - folio that maps @leaf->addr
 * @leaf: a stop, a present leaf that is not special
 *
 * Return: the folio, or NULL when the frame has no struct page.
 */
static inline struct folio *mm_walk_folio(const struct pt_leaf *leaf)
{
	struct page *page = mm_walk_page(leaf);

	return page ? page_folio(page) : NULL;
}

/**
 * mm_walk_swap_entry() - the swap entry of a non-present leaf
 * @leaf: a stop, a non-present leaf
 *
 * Return: the swap entry (swap, migration, device, marker, hwpoison) of a
 * PTE, of a PMD where the arch migrates THPs, and of hugetlb PMD and PUD
 * entries where the arch decoder knows their format (x86); a zero entry at
 * levels that have no swap entries.
 */
static inline swp_entry_t mm_walk_swap_entry(const struct pt_leaf *leaf)
{
	return arch_pt_entry_swap(leaf->level, &leaf->entry);
}

/**
 * mm_walk_swp_uffd_wp() - is a non-present leaf userfaultfd write-protected
 * @leaf: a stop, a non-present leaf
 *
 * What pte_swp_uffd_wp_any() tells of a PTE, at any level (and, like it,
 * only with CONFIG_PTE_MARKER_UFFD_WP): the uffd-wp bit
 * of a swap or migration entry, or a uffd-wp marker (installed on none
 * entries by UFFDIO_WRITEPROTECT with UFFD_FEATURE_WP_UNPOPULATED, and by
 * PAGEMAP_SCAN, in hugetlb VMAs at the level of their huge pages).
 *
 * Return: true for a uffd-wp protected non-present leaf.
 */
static inline bool mm_walk_swp_uffd_wp(const struct pt_leaf *leaf)
{
#ifdef CONFIG_PTE_MARKER_UFFD_WP
	swp_entry_t entry;

	if (arch_pt_entry_swp_uffd_wp(leaf->level, &leaf->entry))
		return true;
	entry = mm_walk_swap_entry(leaf);
	return is_pte_marker_entry(entry) &&
	       (pte_marker_get(entry) & PTE_MARKER_UFFD_WP);
#else
	return false;
#endif
}

/**
 * mm_walk_pmd_shared() - is the stop in a PMD table shared between mms
 * @s: the cursor, at a stop of a locked walk (before mm_walk_end())
 *
 * hugetlb shares the PMD tables of shared mappings (huge_pmd_share()); an
 * entry of such a table maps its page into every mm sharing it.  The
 * table's struct ptdesc counts the sharers (mm_walk_ptdesc()).
 *
 * Return: true for a stop at PMD level in a shared PMD table.
 */
static inline bool mm_walk_pmd_shared(const struct mm_walk_state *s)
{
#ifdef CONFIG_HUGETLB_PMD_PAGE_TABLE_SHARING
	struct ptdesc *ptdesc;

	if (s->level != PT_LEVEL_PMD)
		return false;
	ptdesc = mm_walk_ptdesc(s, PT_LEVEL_PMD);
	return ptdesc && ptdesc_pmd_is_shared(ptdesc);
#else
	return false;
#endif
}

#endif /* _LINUX_PT_WALK_H */

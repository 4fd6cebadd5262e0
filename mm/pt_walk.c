// SPDX-License-Identifier: GPL-2.0-only
/*
 * ptwalk: the out-of-line part of the level-agnostic page table cursor.
 *
 * The common step, the next entry of the same PTE table, is inline in
 * <linux/pt_walk.h>.  Here are the slow paths: descending from a level to
 * the first entry that is not a table, stepping to the next entry of an
 * upper-level table, taking and releasing locks, and batching.
 *
 * The descent is one per-level body, pt_walk_level(), generated for every
 * level with the level a constant, so that the decoders fold to the bit
 * tests of that level and levels folded at compile time cost nothing.
 * Levels folded at run time (x86 without LA57, arm64 without LPA2) are
 * folded by the pXd_offset() and pXd_none() helpers of the arch, as for
 * every other walker, and tested for only where the arch says they can be
 * (arch_pt_run_time_folds).
 */
#include <kunit/static_stub.h>
#include <kunit/visibility.h>
#include <linux/hugetlb.h>
#include <linux/mm.h>
#include <linux/pt_walk.h>
#include <linux/sched/mm.h>

/* The VM span one table of a level maps; 0 for the top level (no end). */
static __always_inline unsigned long pt_table_span(enum pt_level level)
{
	switch (level) {
	case PT_LEVEL_PTE:
		return PTRS_PER_PTE * PAGE_SIZE;
	case PT_LEVEL_PMD:
		return PTRS_PER_PMD * PMD_SIZE;
	case PT_LEVEL_PUD:
		return PTRS_PER_PUD * PUD_SIZE;
	case PT_LEVEL_P4D:
		return PTRS_PER_P4D * P4D_SIZE;
	default:
		return 0;
	}
}

/* The bytes a table of a level takes (at a naturally aligned address). */
static __always_inline unsigned long pt_table_bytes(enum pt_level level)
{
	switch (level) {
	case PT_LEVEL_PTE:
		return PTRS_PER_PTE * sizeof(pte_t);
	case PT_LEVEL_PMD:
		return PTRS_PER_PMD * sizeof(pmd_t);
	case PT_LEVEL_PUD:
		return PTRS_PER_PUD * sizeof(pud_t);
	case PT_LEVEL_P4D:
		return PTRS_PER_P4D * sizeof(p4d_t);
	default:
		return PTRS_PER_PGD * sizeof(pgd_t);
	}
}

/*
 * A level folded into the one above has that level's entry: the cursor
 * steps in the table of the lowest level above it that is not folded.  Only
 * a level that may fold (pt_level_may_fold()) is one: arm64's run-time
 * folds read the table above at the folded level's index, whose entry is
 * the one above at index 0 without being a fold (see <asm/pt_walk.h>).
 */
static __always_inline bool pt_walk_folded(const struct mm_walk_state *s,
					   enum pt_level level)
{
	return pt_level_may_fold(level) &&
	       s->pt[level].entp == s->pt[level + 1].entp;
}

/**
 * mm_walk_table() - the table the cursor's entry of a level lives in
 * @s: the cursor, at a stop (before mm_walk_end())
 * @level: a level the cursor passed: @s->level or above
 *
 * Computed from the entry pointer, only for the callers that want it (the
 * descent never needs it): tables are naturally aligned to their size on
 * every arch (pages, or fragments of a page aligned to their size).  A
 * level folded into the one above shares that level's table.
 *
 * Return: the base of the table, the mapped address for a PTE table.
 */
void *mm_walk_table(const struct mm_walk_state *s, enum pt_level level)
{
	while (pt_walk_folded(s, level))
		level++;
	if (level == PT_LEVEL_PGD)
		return s->mm->pgd;
	return (void *)ALIGN_DOWN((unsigned long)s->pt[level].entp,
				  pt_table_bytes(level));
}
EXPORT_SYMBOL_GPL(mm_walk_table);

/**
 * mm_walk_ptdesc() - the struct ptdesc of the table of a level
 * @s: the cursor, at a stop (before mm_walk_end())
 * @level: a level the cursor passed: @s->level or above
 *
 * Where the page table locks live (split PTE and PMD locks), and the level
 * the table was constructed for (ptdesc_level()).  Computed on demand, as
 * mm_walk_table().
 *
 * Return: the ptdesc, or NULL for a level folded into the one above (it
 * has no table of its own).
 */
struct ptdesc *mm_walk_ptdesc(const struct mm_walk_state *s,
			      enum pt_level level)
{
	if (pt_walk_folded(s, level))
		return NULL;
#ifdef CONFIG_HIGHPTE
	/*
	 * A PTE table in high memory is mapped at a kmap_local address, which
	 * virt_to_page() does not know: its page is the one the PMD, stable
	 * while the table is mapped (locked, or under RCU), points to.
	 */
	if (level == PT_LEVEL_PTE)
		return page_ptdesc(pmd_page(pmdp_get_lockless(s->pt[PT_LEVEL_PMD].entp)));
#endif
	return virt_to_ptdesc(mm_walk_table(s, level));
}
EXPORT_SYMBOL_GPL(mm_walk_ptdesc);

/*
 * Record the entry of a level.  Under CONFIG_DEBUG_VM, when the walk has
 * just entered the table (@new_table: not a step to the next entry of the
 * same table), check that the table was constructed as a table of that
 * level, where its ptdesc records one (see ptdesc_level()): a mismatch
 * means a corrupt or misread entry above.
 */
static __always_inline void pt_walk_set_entry(struct mm_walk_state *s,
					      enum pt_level level, void *entp,
					      bool new_table)
{
	struct ptdesc *ptdesc;
	int recorded;

	s->pt[level].entp = entp;
	if (!IS_ENABLED(CONFIG_DEBUG_VM) || !new_table)
		return;
	ptdesc = mm_walk_ptdesc(s, level);
	if (!ptdesc)
		return;
	recorded = ptdesc_level(ptdesc);
	VM_WARN_ONCE(recorded >= 0 && recorded != level,
		     "ptwalk: table at level %d was constructed for level %d\n",
		     level, recorded);
}

/*
 * Resolve a folded level.  Below the top, the entry of a level is found from
 * the entry above: pXd_offset() from the live parent entry in a locked walk,
 * as the legacy chains do, or pXd_offset_lockless() from the parent's value
 * as read, as gup_fast does.  Where the level is folded into the one above,
 * at compile time or at run time (see pt_level_may_fold()), these helpers
 * hand back their argument: the parent entry, or, for the generic lockless
 * helpers, the address of the caller's copy of its value.  The value is read
 * through @readp (the copy, when lockless: never read twice); what the
 * cursor keeps is the live parent entry, never the copy, which dies with the
 * descent.  A level that never folds is not tested: @readp is its entry.
 *
 * Return: the entry the cursor records, @parentp for a folded level.
 */
static __always_inline void *pt_walk_unfold(enum pt_level level, void *readp,
					    void *parentp, const void *copyp)
{
	if (!pt_level_may_fold(level)) {
		/*
		 * The arch's arch_pt_run_time_folds left this level out: its
		 * entry is never the copy.  It may be the entry above at
		 * index 0 (arm64's run-time folds), which is live.
		 */
		VM_WARN_ON_ONCE(readp == copyp);
		return readp;
	}
	return readp == copyp || readp == parentp ? parentp : readp;
}

/*
 * The current stop is an entry of @level at @addr, clipped to the walk and,
 * locked, to the VMA: an upper-level hole (a missing table) of a VMA
 * smaller than the entry's range must not cover the next VMA, or the gap
 * before it.  Leaves never cross a VMA's end.  @locked is the walk's mode
 * (MM_WALK_LOCKED), a constant where the caller has one.
 */
static __always_inline void pt_walk_stop(struct mm_walk_state *s,
					 enum pt_level level,
					 enum pt_entry_type type,
					 unsigned long addr, bool locked)
{
	unsigned long last = addr | ((1UL << mm_walk_level_shift(level)) - 1);

	s->level = level;
	s->type = type;
	s->addr = addr;
	s->next = min(last, s->end - 1) + 1;
	if (level > PT_LEVEL_PTE && locked)
		s->next = min(s->next, s->vm_end);
	s->nr = 1;
	s->entp = s->pt[level].entp;
}

static void pt_walk_unlock(struct mm_walk_state *s)
{
	/*
	 * The lock, and the RCU read lock of pte_offset_map(), were handed
	 * over to the state by __pt_walk_descend(); the __acquire()s tell
	 * sparse, which cannot follow a lock kept in a structure.
	 */
	if (s->pte_mapped) {
		__acquire(RCU);
		if (s->ptl) {
			__acquire(s->ptl);
			pte_unmap_unlock(s->pt[PT_LEVEL_PTE].entp, s->ptl);
		} else {
			pte_unmap(s->pt[PT_LEVEL_PTE].entp);
		}
		s->pte_mapped = false;
	} else if (s->ptl) {
		__acquire(s->ptl);
		spin_unlock(s->ptl);
	}
	s->ptl = NULL;
}

/* A locked walk at @addr in a gap: one hole up to the next VMA. */
static void pt_walk_gap(struct mm_walk_state *s, unsigned long addr)
{
	s->level = PT_LEVEL_PGD;
	s->type = PT_ENTRY_NONE;
	s->addr = addr;
	s->next = min(s->vm_end, s->end);
	s->nr = 0;
	s->entp = NULL;
}

static void pt_walk_vma_unlock(struct mm_walk_state *s)
{
#ifdef CONFIG_HUGETLB_PAGE
	if (s->hugetlb_vma) {
		hugetlb_vma_unlock_read(s->hugetlb_vma);
		s->hugetlb_vma = NULL;
	}
#endif
	s->vm_start = 0;
	s->vm_end = 0;
	s->in_vma = false;
}

#ifdef CONFIG_HUGETLB_PAGE
/*
 * The level of the entries of an hstate: where hugetlb_walk() finds them.
 * Contiguous sizes (arm64) are at the level of the entries they are made
 * of; a level folded into the one above has the size of that one, and the
 * entry is then found at the lower of the two.
 */
static u8 pt_walk_hugetlb_level(struct hstate *h)
{
	unsigned long size = huge_page_size(h);

	if (!__PT_PMD_FOLDED && size >= PUD_SIZE)
		return PT_LEVEL_PUD;
	if (size >= PMD_SIZE)
		return PT_LEVEL_PMD;
	return PT_LEVEL_PTE;
}
#endif

/*
 * Locked walks hold the hugetlb VMA lock while in a hugetlb VMA, so that a
 * shared PMD table cannot be unshared (and freed) under them.  They also
 * never read page tables in a gap between VMAs: munmap() frees the tables
 * of the VMAs it removed after downgrading the mmap lock to read
 * (vms_clear_ptes()), so only tables under a VMA are stable for a reader.
 * The VMA, or the gap, around @addr is cached: one lookup per VMA.
 */
#ifdef CONFIG_HUGETLB_PAGE
static noinline void pt_walk_use_hugetlb_vma(struct mm_walk_state *s,
					     struct vm_area_struct *vma)
{
	struct hstate *h = hstate_vma(vma);

	hugetlb_vma_lock_read(vma);
	s->hugetlb_vma = vma;
	s->hugetlb_hstate = h;
	s->hugetlb_shift = huge_page_shift(h);
	s->hugetlb_level = pt_walk_hugetlb_level(h);
	s->hugetlb_block = arch_pt_hugetlb_blocks &&
			   !(s->flags & MM_WALK_RAW) &&
			   s->hugetlb_shift != mm_walk_level_shift(s->hugetlb_level);
}
#endif

/* Inline: the per-address lookups enter a VMA for every address. */
static __always_inline void pt_walk_use_vma(struct mm_walk_state *s,
					    struct vm_area_struct *vma)
{
	s->in_vma = true;
	s->vm_start = vma->vm_start;
	s->vm_end = vma->vm_end;
#ifdef CONFIG_HUGETLB_PAGE
	if (unlikely(is_vm_hugetlb_page(vma)))
		pt_walk_use_hugetlb_vma(s, vma);
#endif
}

static void pt_walk_enter_vma(struct mm_walk_state *s, unsigned long addr)
{
	struct vm_area_struct *vma;

	if (!(s->flags & MM_WALK_LOCKED) ||
	    (addr >= s->vm_start && addr < s->vm_end))
		return;
	pt_walk_vma_unlock(s);
	vma = find_vma(s->mm, addr);
	if (vma && addr >= vma->vm_start) {
		pt_walk_use_vma(s, vma);
		return;
	}
	s->in_vma = false;
	s->vm_start = addr;
	s->vm_end = vma ? vma->vm_start : ULONG_MAX;
}

/*
 * In a hugetlb VMA, the lock of an entry is the one the hugetlb code takes
 * for it (huge_pte_lockptr()): the lock of the table the entry is in, as
 * core mm walkers take it (6.12.117: the PTE table's for pages smaller than
 * a PMD, contiguous PTEs included; the PMD table's for pages from PMD size
 * to below PUD size, contiguous PMDs included; mm->page_table_lock above),
 * or mm->page_table_lock on an arch without split page table locks.  NULL
 * outside hugetlb VMAs.
 */
static __always_inline spinlock_t *
pt_walk_hugetlb_lockptr(struct mm_walk_state *s, void *entp)
{
#ifdef CONFIG_HUGETLB_PAGE
	if (s->hugetlb_vma)
		return huge_pte_lockptr(s->hugetlb_hstate, s->mm, entp);
#endif
	return NULL;
}

/*
 * The type of an upper-level entry of a locked walk.  In a hugetlb VMA, an
 * entry at the level of its hstate is a hugetlb entry, written with
 * set_huge_pte_at() in the format hugetlb reads with huge_ptep_get(): that
 * is how it is read, and it is never a table.  The pXd_*() helpers may not
 * know that format: some arches (mips, loongarch) call a non-present
 * hugetlb entry (a migration or hwpoison entry, a marker) present and not
 * a leaf, which would make it a table to map.
 */
static __always_inline enum pt_entry_type
pt_walk_upper_type(struct mm_walk_state *s, enum pt_level level,
		   unsigned long addr, void *entp, const union pt_entry *e)
{
	enum pt_entry_type type = pt_generic_entry_type(level, e);
#ifdef CONFIG_HUGETLB_PAGE
	unsigned long first;
	pte_t pte;

	if (likely(!s->hugetlb_vma) || level != s->hugetlb_level)
		return type;
	/*
	 * On an arch whose pXd helpers classify hugetlb entries as hugetlb
	 * reads them (arch_pt_hugetlb_types), the entry's own type: for a
	 * page of one entry, as 6.12's folio_walk_start() and
	 * follow_page_mask() read it; a page of contiguous entries is read
	 * once more, under the lock, by the block code with huge_ptep_get()
	 * (pt_walk_hugetlb_block()), which on arm64 folds all its entries,
	 * or with MM_WALK_RAW not at all.
	 */
	if (arch_pt_hugetlb_types)
		return type;
	/*
	 * From the first entry of the huge page, as hugetlb_walk() finds
	 * it: arm64's huge_ptep_get() sizes a contiguous block by the page
	 * the entry maps, which is a tail page past the first entry.
	 */
	first = addr & ~((1UL << s->hugetlb_shift) - 1);
	entp -= ((addr - first) >> mm_walk_level_shift(level)) *
		(level == PT_LEVEL_PUD ? sizeof(pud_t) : sizeof(pmd_t));
	pte = huge_ptep_get(s->mm, first, entp);
	if (huge_pte_none(pte))
		return PT_ENTRY_NONE;
	return pte_present(pte) ? PT_ENTRY_LEAF : PT_ENTRY_NONPRESENT;
#else
	return type;
#endif
}

/*
 * A locked walk at a PMD or PUD leaf (present or not): take the leaf's lock
 * (the one huge_pte_lockptr() also gives for hugetlb) and read the entry
 * again under it.  If it became a table meanwhile (a split), drop the lock
 * and let the walk descend; otherwise the lock goes to the state.
 */
static __always_inline enum pt_entry_type
pt_walk_lock_leaf(struct mm_walk_state *s, enum pt_level level,
		  unsigned long addr, void *entp, enum pt_entry_type type,
		  union pt_entry *e)
{
	spinlock_t *ptl;	/* the leaf's lock */

	if (type != PT_ENTRY_LEAF && type != PT_ENTRY_NONPRESENT)
		return type;
	ptl = pt_walk_hugetlb_lockptr(s, entp);
	if (!ptl)
		ptl = level == PT_LEVEL_PUD ? pud_lockptr(s->mm, entp) :
					      pmd_lockptr(s->mm, entp);
	spin_lock(ptl);
	/* Read again under the lock: it may have changed since. */
	if (level == PT_LEVEL_PUD)
		e->pud = pudp_get(entp);
	else
		e->pmd = pmdp_get(entp);
	type = pt_walk_upper_type(s, level, addr, entp, e);
	if (type == PT_ENTRY_TABLE) {
		spin_unlock(ptl);
	} else {
		/* Handed over to the state: see pt_walk_unlock(). */
		s->ptl = ptl;
		__release(ptl);
	}
	return type;
}

/*
 * Tries of a lockless walk at re-reading a PMD whose PTE table went away
 * under it; a locked walk tries until it gets the table, as the legacy
 * walkers do (ACTION_AGAIN).
 */
#define PT_WALK_RETRIES 8

#ifdef CONFIG_PT_WALK_KUNIT_TEST
/*
 * Set by a test while it stubs pt_walk_test_table_gone(): other walks, the
 * benchmark's among them, then skip the stub lookup, which KUnit does on
 * every call made from a test.  Only with the ptwalk tests, which are built
 * in (a kernel with KUnit, as distributions build it, has neither the test
 * nor the exported symbols).
 */
bool pt_walk_test_hooks;

/**
 * pt_walk_test_table_gone() - KUnit hook: make a PTE table look gone
 * @s: the cursor, between reading a PMD that points to a PTE table and
 *	mapping that table
 *
 * Tests replace it with a static stub (kunit_activate_static_stub()) and
 * set pt_walk_test_hooks: to force the retry of the descent, which
 * otherwise only a race takes, or (the stress tests) to wait there, which
 * widens the window of that race for the threads changing the tables.
 *
 * Return: false, or the stub's answer: true to act as if pte_offset_map()
 * had failed.
 */
noinline bool pt_walk_test_table_gone(struct mm_walk_state *s)
{
	KUNIT_STATIC_STUB_REDIRECT(pt_walk_test_table_gone, s);
	return false;
}

static inline bool pt_walk_table_gone(struct mm_walk_state *s)
{
	return unlikely(READ_ONCE(pt_walk_test_hooks)) && pt_walk_test_table_gone(s);
}
#else
static inline bool pt_walk_table_gone(struct mm_walk_state *s)
{
	return false;
}
#endif

/* The bytes of one entry of a level. */
static __always_inline size_t pt_entry_bytes(enum pt_level level)
{
	switch (level) {
	case PT_LEVEL_PTE:
		return sizeof(pte_t);
	case PT_LEVEL_PMD:
		return sizeof(pmd_t);
	case PT_LEVEL_PUD:
		return sizeof(pud_t);
	case PT_LEVEL_P4D:
		return sizeof(p4d_t);
	default:
		return sizeof(pgd_t);
	}
}

/*
 * The entry of @level for @addr, found from the entry of the level above:
 * its live entry @parentp in a locked walk (the mmap lock held, upper
 * tables stay), as the legacy chains do; lockless, from the value of that
 * entry as read and classified, @parent (the *_offset_lockless() helpers),
 * never by reading the entry again: it may have changed since, as gup_fast
 * knows.
 */
static __always_inline void *pt_walk_offset(struct mm_walk_state *s,
					    enum pt_level level,
					    void *parentp, union pt_entry *parent,
					    unsigned long addr, bool locked)
{
	switch (level) {
	case PT_LEVEL_PGD:
		return pgd_offset(s->mm, addr);
	case PT_LEVEL_P4D:
		return locked ? p4d_offset(parentp, addr) :
				p4d_offset_lockless((pgd_t *)parentp, parent->pgd,
						    addr);
	case PT_LEVEL_PUD:
		return locked ? pud_offset(parentp, addr) :
				pud_offset_lockless((p4d_t *)parentp, parent->p4d,
						    addr);
	case PT_LEVEL_PMD:
		return locked ? pmd_offset(parentp, addr) :
				pmd_offset_lockless((pud_t *)parentp, parent->pud,
						    addr);
	default:
		BUILD_BUG();	/* PTE tables are mapped: see __pt_walk_descend() */
		return NULL;
	}
}

/* Read the entry of an upper level, once. */
static __always_inline void pt_walk_read_upper(union pt_entry *e,
					       enum pt_level level, void *readp)
{
	switch (level) {
	case PT_LEVEL_PGD:
		pt_pgdp_read(e, readp);
		break;
	case PT_LEVEL_P4D:
		e->p4d = p4dp_get(readp);
		break;
	case PT_LEVEL_PUD:
		e->pud = pudp_get(readp);
		break;
	case PT_LEVEL_PMD:
		e->pmd = pmdp_get_lockless(readp);
		break;
	default:
		BUILD_BUG();
	}
}

/* How one level of the descent finds its entry. */
enum pt_walk_how {
	PT_WALK_DOWN,	/* from the entry of the level above */
	PT_WALK_STEP,	/* the next entry of the same table */
	PT_WALK_AGAIN,	/* the same entry, read again */
};

/*
 * One level of the descent, above the PTE tables: the one body every level
 * is generated from, with @level, @how and @locked constants in each copy,
 * so that the decoder, the offset and the fold test fold to the code of that
 * level (and of that mode) alone.
 *
 * Find the entry, record where it is and read it into @val, which on the
 * way in is the value of the entry above (lockless walks descend from it):
 * the value of a table for the level below, or of the stop, which the
 * cursor records once, at the stop (see __pt_walk_descend()).
 *
 * Return: the type of the entry: PT_ENTRY_TABLE to go on below.
 */
static __always_inline enum pt_entry_type
pt_walk_level(struct mm_walk_state *s, enum pt_level level, unsigned long addr,
	      enum pt_walk_how how, bool locked, union pt_entry *val)
{
	union pt_entry *parent = val;
	enum pt_entry_type type;
	void *entp, *readp;
	union pt_entry e;

	if (how == PT_WALK_DOWN) {
		void *parentp = level == PT_LEVEL_PGD ? NULL :
				s->pt[level + 1].entp;

		readp = pt_walk_offset(s, level, parentp, parent, addr, locked);
		entp = pt_walk_unfold(level, readp, parentp, parent);
	} else {
		/*
		 * A step is never taken at a folded level (see
		 * __mm_walk_next()); a read again reads the live entry, not
		 * the copy of a folded level's value, which is the value the
		 * table below went away under.
		 */
		entp = s->pt[level].entp;
		if (how == PT_WALK_STEP)
			entp += pt_entry_bytes(level);
		/*
		 * From a contiguous hugetlb page, which is one stop of
		 * @s->nr entries (pt_walk_hugetlb_block()): past its last.
		 */
		if (how == PT_WALK_STEP && level <= PT_LEVEL_PUD &&
		    IS_ENABLED(CONFIG_HUGETLB_PAGE) && arch_pt_hugetlb_blocks &&
		    level == s->level)
			entp += (s->nr - 1) * pt_entry_bytes(level);
		readp = entp;
	}
	if (how != PT_WALK_AGAIN)
		pt_walk_set_entry(s, level, entp, how == PT_WALK_DOWN);
	/* Into @e: @readp may be @parent, a lockless walk's copy. */
	pt_walk_read_upper(&e, level, readp);
	if (locked && (level == PT_LEVEL_PUD || level == PT_LEVEL_PMD)) {
		type = pt_walk_upper_type(s, level, addr, entp, &e);
		type = pt_walk_lock_leaf(s, level, addr, entp, type, &e);
	} else {
		type = pt_generic_entry_type(level, &e);
	}
	*val = e;
	if (type != PT_ENTRY_TABLE)
		return type;
	/*
	 * Kept for mm_walk_table_unchanged() and the rechecks of lockless
	 * callers: the values a lockless walk reached the PTE table through.
	 * A locked walk, which holds the table by its locks, has no use for
	 * them: not stored, as GUP's slow path descends for every page.
	 */
	if (!locked && (level == PT_LEVEL_PUD || level == PT_LEVEL_PMD))
		s->pt[level].entry = e;
	return PT_ENTRY_TABLE;
}

/*
 * Map (and lock, in a locked walk) the PTE table of the PMD entry the
 * descent reached, whose value is @pmd.  NULL when it went away or became
 * a huge leaf since the PMD was read.
 */
static __always_inline pte_t *pt_walk_map_pte(struct mm_walk_state *s,
					      unsigned long addr, pmd_t *pmd,
					      bool locked)
{
	pmd_t *pmdp = s->pt[PT_LEVEL_PMD].entp;
	struct mm_struct *mm = s->mm;
	spinlock_t *ptl;	/* the lock of the entry taken */
	pte_t *ptep;

	s->ptl = NULL;
	if (pt_walk_table_gone(s))
		return NULL;
	if (locked && unlikely(s->hugetlb_vma)) {
		/*
		 * Contiguous hugetlb PTEs (arm64): their lock is the hugetlb
		 * one.  Their table stays while the hugetlb VMA lock is held.
		 */
		ptep = pte_offset_map_nolock(mm, pmdp, addr, &ptl);
		if (ptep) {
			ptl = pt_walk_hugetlb_lockptr(s, ptep);
			spin_lock(ptl);
			s->ptl = ptl;
			__release(ptl);
		}
	} else if (locked) {
		/*
		 * pte_offset_map_lock() without its __cond_lock(): the lock
		 * goes to the state (see pt_walk_unlock()), which sparse
		 * cannot follow.
		 */
		ptep = __pte_offset_map_lock(mm, pmdp, addr, &ptl);
		if (ptep)
			s->ptl = ptl;
	} else {
		/*
		 * Map from the PMD value as read, as gup_fast does:
		 * __pte_offset_map() may clear what it finds bad, which must
		 * not be the live entry without its lock.
		 */
		ptep = pte_offset_map(pmd, addr);
	}
	return ptep;
}

#ifdef CONFIG_HUGETLB_PAGE
/*
 * A contiguous hugetlb page of @nr entries, read at its first entry @ptep
 * as huge_ptep_get() reads it (the access and dirty bits of all its
 * entries folded into the first's), where the arch has no cheaper way to
 * the same value (arm64: arch_pt_hugetlb_block_get()).
 */
#ifndef arch_pt_hugetlb_block_get
static __always_inline pte_t arch_pt_hugetlb_block_get(struct mm_struct *mm,
						       unsigned long addr,
						       pte_t *ptep, unsigned int nr)
{
	return huge_ptep_get(mm, addr, ptep);
}
#endif

/**
 * mm_walk_hugetlb_ptep() - the first entry of the hugetlb page of a stop
 * @s: a locked cursor at a stop in a hugetlb VMA
 *
 * The hugetlb API (huge_ptep_get(), set_huge_pte_at(), huge_ptep_*())
 * takes a huge page by its first entry, which the stop's is not when the
 * walk started inside a page of contiguous entries (arm64 CONT_PTES PTEs
 * or CONT_PMDS PMDs, riscv Svnapot PTEs).  The entries of one page are in
 * one table, under the lock the walk holds for the stop.
 *
 * Return: that entry, as the hugetlb API takes it.
 */
pte_t *mm_walk_hugetlb_ptep(const struct mm_walk_state *s)
{
	unsigned long k = (s->addr & ((1UL << s->hugetlb_shift) - 1)) >>
			  mm_walk_level_shift(s->level);

	return s->entp - k * pt_entry_bytes(s->level);
}
EXPORT_SYMBOL_GPL(mm_walk_hugetlb_ptep);

/*
 * The geometry of a level where contiguous hugetlb pages are: the span of
 * its table, the shift of one entry, the bytes of one.  False at a level
 * that has none: above the PMD, or a level folded into the one above,
 * whose entry is the one above's and is not stepped there.
 */
static __always_inline bool pt_walk_block_level(struct mm_walk_state *s,
						unsigned long *span,
						unsigned int *shift,
						size_t *bytes)
{
	if (s->level == PT_LEVEL_PTE) {
		*span = pt_table_span(PT_LEVEL_PTE);
		*shift = PAGE_SHIFT;
		*bytes = sizeof(pte_t);
		return true;
	}
	if (s->level == PT_LEVEL_PMD && !pt_walk_folded(s, PT_LEVEL_PMD)) {
		*span = pt_table_span(PT_LEVEL_PMD);
		*shift = PMD_SHIFT;
		*bytes = sizeof(pmd_t);
		return true;
	}
	return false;
}

/*
 * With MM_WALK_RUNS, extend a present or none stop of a contiguous hugetlb
 * page to the run of following pages of the same type in the same table
 * (of the walk, of the VMA), as pt_walk_run() does for PTEs: for walkers
 * that only ask whether pages are mapped (mincore()).  Each page is read
 * at its first entry for its type alone (arch_pt_hugetlb_block_peek():
 * without the fold of its access and dirty bits, which a run does not
 * report); the stop's entry stays its first page's, as huge_ptep_get()
 * reads it.
 */
static void pt_walk_hugetlb_run(struct mm_walk_state *s, unsigned long span,
				unsigned int shift, size_t bytes)
{
	unsigned long size = 1UL << s->hugetlb_shift;
	unsigned long addr = s->next, limit;
	void *entp = s->entp + s->nr * bytes;
	bool present = s->type == PT_ENTRY_LEAF;

	if (!(addr & (span - 1)))
		return;		/* at the end of the table */
	limit = min3(ALIGN(addr, span), s->end, s->vm_end);
	for (; addr < limit; addr += size, entp += (size >> shift) * bytes) {
		pte_t pte = arch_pt_hugetlb_block_peek(entp);

		if (present ? !pte_present(pte) : !huge_pte_none(pte))
			break;
	}
	if (addr == s->next)
		return;
	s->next = min(addr, s->end);
	s->nr = (ALIGN(s->next, 1UL << shift) -
		 (s->addr & ~((1UL << shift) - 1))) >> shift;
}

/*
 * A contiguous hugetlb page (arm64: CONT_PTES PTEs or CONT_PMDS PMDs, riscv
 * Svnapot PTEs; arch_pt_hugetlb_blocks) is one stop of @s->nr entries,
 * from the stop's entry to the last entry of the page (clipped to the
 * walk), as hugetlb reads it: with huge_ptep_get() at the page's first
 * entry, which folds the access and dirty bits of all of them, under the
 * lock the walk took for it (huge_pte_lockptr()).  A present stop has the
 * frame of its own entry (arch_pt_hugetlb_block_pte(): mm_walk_addr_pfn()
 * of its address is the page's).  The cursor's entry pointer of the level
 * stays the stop's own, as for any stop (GUP takes the subpage from it);
 * the next step starts @s->nr entries on (pt_walk_level(); the PTE step
 * always does).  With MM_WALK_RUNS, the stop goes on over the following
 * pages of its type (pt_walk_hugetlb_run()).
 *
 * An upper-level entry a locked walk found none is not locked (only leaves
 * are, pt_walk_lock_leaf()): it stays the none stop it was, without a
 * read of the page's first entry that no lock orders against a fault.
 */
static void pt_walk_hugetlb_block(struct mm_walk_state *s)
{
	unsigned long size = 1UL << s->hugetlb_shift;
	unsigned long first = s->addr & ~(size - 1);
	unsigned long end = min(first + size, s->end);
	unsigned long k, span;
	unsigned int shift;
	size_t bytes;
	pte_t pte;

	if (!s->hugetlb_block)
		return;		/* one entry */
	if (!pt_walk_block_level(s, &span, &shift, &bytes))
		return;
	k = (s->addr - first) >> shift;
	s->nr = (ALIGN(end, 1UL << shift) - (s->addr & ~((1UL << shift) - 1))) >> shift;
	s->next = end;
	if (s->level != PT_LEVEL_PTE && !s->ptl)
		return;
	pte = arch_pt_hugetlb_block_get(s->mm, first, mm_walk_hugetlb_ptep(s),
					size >> shift);
	if (huge_pte_none(pte)) {
		s->type = PT_ENTRY_NONE;
	} else if (pte_present(pte)) {
		s->type = PT_ENTRY_LEAF;
		pte = arch_pt_hugetlb_block_pte(pte, k << (shift - PAGE_SHIFT));
	} else {
		s->type = PT_ENTRY_NONPRESENT;
	}
	/* arm64 and riscv: a PMD is a PTE in format. */
	s->entry.pte = pte;
	if ((s->flags & MM_WALK_RUNS) && s->type != PT_ENTRY_NONPRESENT)
		pt_walk_hugetlb_run(s, span, shift, bytes);
}
#endif

/*
 * Move the cursor to the first entry at or below @from that is not a table,
 * for @addr.  With @step, the entry of @from is the one after the current
 * entry of that level (the same table, which the caller has checked);
 * otherwise @from is the top and the descent starts at pgd_offset().
 *
 * The levels above the PTE tables are one body, pt_walk_level(), made once
 * per level with the level a constant: forced unrolling.  The switch enters
 * at @from and goes on down, level by level.
 */
static __always_inline void __pt_walk_descend(struct mm_walk_state *s,
					      unsigned long addr,
					      enum pt_level from, bool step,
					      bool locked)
{
	enum pt_walk_how how = step ? PT_WALK_STEP : PT_WALK_DOWN;
	union pt_entry val;	/* the value of the last entry read */
	enum pt_entry_type type;
	unsigned int tries = 0;
	enum pt_level level;
	pte_t *ptep;

	switch (from) {
	case PT_LEVEL_PGD:
		type = pt_walk_level(s, PT_LEVEL_PGD, addr, how, locked, &val);
		if (type != PT_ENTRY_TABLE) {
			level = PT_LEVEL_PGD;
			goto stop;
		}
		how = PT_WALK_DOWN;
		fallthrough;
	case PT_LEVEL_P4D:
		type = pt_walk_level(s, PT_LEVEL_P4D, addr, how, locked, &val);
		if (type != PT_ENTRY_TABLE) {
			level = PT_LEVEL_P4D;
			goto stop;
		}
		how = PT_WALK_DOWN;
		fallthrough;
	case PT_LEVEL_PUD:
		type = pt_walk_level(s, PT_LEVEL_PUD, addr, how, locked, &val);
		if (type != PT_ENTRY_TABLE) {
			level = PT_LEVEL_PUD;
			goto stop;
		}
		how = PT_WALK_DOWN;
		fallthrough;
	case PT_LEVEL_PMD:
		/* The PTE table: mapped, and locked in a locked walk. */
		while ((type = pt_walk_level(s, PT_LEVEL_PMD, addr, how, locked,
					     &val)) == PT_ENTRY_TABLE) {
			ptep = pt_walk_map_pte(s, addr, &val.pmd, locked);
			if (likely(ptep)) {
				s->pte_mapped = true;
				goto pte;
			}
			/*
			 * The PTE table went away or became a huge leaf since
			 * the PMD was read: read the PMD again.  A locked walk
			 * (which may sleep: see mm_walk_begin()) tries until
			 * it gets a table or a leaf, as the legacy walkers do;
			 * a lockless one gives up, as gup_fast does.
			 */
			s->retries++;
			if (locked) {
				cond_resched();
			} else if (++tries >= PT_WALK_RETRIES) {
				/* Changing faster than it can be read. */
				s->err = -EAGAIN;
				type = PT_ENTRY_NONE;
				break;
			}
			how = PT_WALK_AGAIN;
		}
		level = PT_LEVEL_PMD;
		goto stop;
	default:
		/* A step to the next PTE of the same table. */
		ptep = (pte_t *)s->pt[PT_LEVEL_PTE].entp + s->nr;
		break;
	}
pte:
	pt_walk_set_entry(s, PT_LEVEL_PTE, ptep, from != PT_LEVEL_PTE);
	level = PT_LEVEL_PTE;
#ifdef CONFIG_HUGETLB_PAGE
	if (arch_pt_hugetlb_blocks && locked && unlikely(s->hugetlb_vma) &&
	    s->hugetlb_block && s->hugetlb_level == PT_LEVEL_PTE) {
		/*
		 * A PTE of a contiguous hugetlb page, which
		 * pt_walk_hugetlb_block() reads below with huge_ptep_get()
		 * at the page's first entry: a ptep_get() here would read
		 * the block once more (arm64: contpte_ptep_get(), a fold of
		 * its 16 entries), for nothing.
		 */
		val.pte = __pte(0);
		type = PT_ENTRY_NONE;
		goto stop;
	}
#endif
	val.pte = locked ? ptep_get(ptep) : ptep_get_lockless(ptep);
	type = pt_generic_entry_type(PT_LEVEL_PTE, &val);
stop:
	s->entry = val;
	pt_walk_stop(s, level, type, addr, locked);
#ifdef CONFIG_HUGETLB_PAGE
	if (arch_pt_hugetlb_blocks && locked && unlikely(s->hugetlb_vma) &&
	    s->hugetlb_block && level == s->hugetlb_level &&
	    type != PT_ENTRY_TABLE)
		pt_walk_hugetlb_block(s);
#endif
}

/*
 * The descent, made once for locked and once for lockless walks: the mode
 * is a constant in each, so that neither tests it at every level.
 */
static noinline void pt_walk_descend(struct mm_walk_state *s,
				     unsigned long addr, enum pt_level from,
				     bool step)
{
	if (s->flags & MM_WALK_LOCKED)
		__pt_walk_descend(s, addr, from, step, true);
	else
		__pt_walk_descend(s, addr, from, step, false);
}

/*
 * The lockless descent from the top, GUP-fast's: a copy of its own, with
 * the level to start from, the step and the mode all constants.  The
 * locked one is inline in mm_walk_seek_vma_range(), which the per-address
 * lookups call.
 */
static noinline void pt_walk_seek_lockless(struct mm_walk_state *s,
					   unsigned long addr)
{
	__pt_walk_descend(s, addr, PT_LEVEL_PGD, false, false);
}

/* A PTE, read under the lock or, lockless, once as gup_fast reads it. */
static __always_inline pte_t pt_walk_read_pte(pte_t *ptep, bool locked)
{
	return locked ? ptep_get(ptep) : ptep_get_lockless(ptep);
}

/*
 * The PTE that ended a run or a batch, read by the loop that extended it:
 * the first PTE after the stop, which the next step starts from
 * (pt_walk_multi_step()) without reading it again.
 */
static __always_inline void pt_walk_keep_ahead(struct mm_walk_state *s,
					       pte_t pte)
{
	s->ahead = pte;
	s->ahead_valid = true;
}

/*
 * In a locked walk, the PTEs after the one at @addr, whose value @pte is, in
 * the contiguous block it is one of (arch_pt_pte_block_nr()): they map the
 * next pages of its folio with its attributes, and ptep_get() gives each of
 * them the access and dirty bits it gave @pte.  0 for a PTE of no block.
 */
static __always_inline unsigned int pt_walk_block_rest(pte_t pte,
						       unsigned long addr)
{
	unsigned int nr = arch_pt_pte_block_nr(pte);

	return nr > 1 ? nr - 1 - ((addr >> PAGE_SHIFT) & (nr - 1)) : 0;
}

/*
 * With MM_WALK_BATCH, extend a present PTE to the run of following PTEs in
 * the same table that map the next pages of the same folio.  A locked walk
 * reads a contiguous block (arm64) once: ptep_get() of one of its PTEs reads
 * them all, and the rest of the block is the run's already.
 */
static void pt_walk_batch(struct mm_walk_state *s)
{
	pte_t *ptep = s->pt[PT_LEVEL_PTE].entp;
	bool locked = s->flags & MM_WALK_LOCKED;
	unsigned long pfn = pte_pfn(s->entry.pte);
	unsigned long addr = s->next;
	struct folio *folio;
	unsigned int skip;
	unsigned long last;

	if (pte_special(s->entry.pte) || !pfn_valid(pfn))
		return;
	folio = page_folio(pfn_to_page(pfn));
	last = folio_pfn(folio) + folio_nr_pages(folio) - 1;
	skip = locked ? pt_walk_block_rest(s->entry.pte, s->addr) : 0;
	while (addr < s->end && (addr & (pt_table_span(PT_LEVEL_PTE) - 1)) &&
	       pfn + s->nr <= last && (!locked || addr < s->vm_end)) {
		if (skip) {
			/* The rest of a contiguous block: not read again. */
			skip--;
		} else {
			pte_t pte = pt_walk_read_pte(ptep + s->nr, locked);

			/*
			 * One run: the next pages of the folio, with the
			 * same bits.
			 */
			if (!pte_present(pte) || pte_special(pte) ||
			    pte_pfn(pte) != pfn + s->nr ||
			    pte_write(pte) != pte_write(s->entry.pte) ||
			    pte_dirty(pte) != pte_dirty(s->entry.pte) ||
			    pte_young(pte) != pte_young(s->entry.pte)) {
				pt_walk_keep_ahead(s, pte);
				break;
			}
			if (locked)
				skip = pt_walk_block_rest(pte, addr);
		}
		s->nr++;
		addr += PAGE_SIZE;
	}
	s->next = min(addr, s->end);
}

/*
 * With MM_WALK_RUNS, extend a present or none PTE to the run of following
 * PTEs of the same type in the same table, whatever they map: for walkers
 * that only ask whether pages are mapped (mincore()).  One test per PTE
 * (none for the rest of a contiguous block, in a locked walk); the PTE that
 * ends the run is kept for the next step.
 */
static void pt_walk_run(struct mm_walk_state *s)
{
	pte_t *first = s->pt[PT_LEVEL_PTE].entp, *ptep = first + 1;
	bool locked = s->flags & MM_WALK_LOCKED;
	unsigned long addr = s->next, limit;
	pte_t pte;

	if (!(addr & (pt_table_span(PT_LEVEL_PTE) - 1)))
		return;
	limit = min(ALIGN(addr, pt_table_span(PT_LEVEL_PTE)), s->end);
	if (locked)
		limit = min(limit, s->vm_end);	/* a run stays in its VMA */
	if (s->type == PT_ENTRY_LEAF) {
		unsigned int skip = locked ? pt_walk_block_rest(s->entry.pte, s->addr) : 0;

		for (; addr < limit; ptep++, addr += PAGE_SIZE) {
			/* The rest of a contiguous block is present. */
			if (skip) {
				skip--;
				continue;
			}
			pte = pt_walk_read_pte(ptep, locked);
			if (!pte_present(pte)) {
				pt_walk_keep_ahead(s, pte);
				break;
			}
			if (locked)
				skip = pt_walk_block_rest(pte, addr);
		}
	} else {
		for (; addr < limit; ptep++, addr += PAGE_SIZE) {
			pte = pt_walk_read_pte(ptep, locked);
			if (!pte_none(pte)) {
				pt_walk_keep_ahead(s, pte);
				break;
			}
		}
	}
	s->nr = ptep - first;
	s->next = min(addr, s->end);
}

/*
 * With MM_WALK_TABLE, extend a PTE stop to the end of its table (of the
 * walk, of the VMA), reading nothing: the body reads the PTEs.
 */
static void pt_walk_table(struct mm_walk_state *s)
{
	unsigned long limit;

	limit = min(ALIGN(s->next, pt_table_span(PT_LEVEL_PTE)), s->end);
	if (s->flags & MM_WALK_LOCKED)
		limit = min(limit, s->vm_end);	/* a stop stays in its VMA */
	if (limit <= s->next)
		return;
	s->nr += (ALIGN(limit, PAGE_SIZE) - s->next) >> PAGE_SHIFT;
	s->next = limit;
}

/*
 * With MM_WALK_BATCH, MM_WALK_RUNS or MM_WALK_TABLE: make a PTE stop a
 * batch, a run or the rest of its table.
 */
static __always_inline void pt_walk_extend(struct mm_walk_state *s)
{
	/* A hugetlb entry is one stop, at PTE level too (arm64 contiguous). */
	if (IS_ENABLED(CONFIG_HUGETLB_PAGE) && unlikely(s->hugetlb_vma))
		return;
	if (s->flags & MM_WALK_TABLE)
		pt_walk_table(s);
	else if ((s->flags & MM_WALK_BATCH) && s->type == PT_ENTRY_LEAF)
		pt_walk_batch(s);
	else if ((s->flags & MM_WALK_RUNS) &&
		 (s->type == PT_ENTRY_LEAF || s->type == PT_ENTRY_NONE))
		pt_walk_run(s);
}

/*
 * With MM_WALK_BATCH or MM_WALK_RUNS, where the inline step leaves every
 * stop to __mm_walk_next(): from a PTE stop, the next stop of the same
 * table, in one pass that reads every PTE once (the one that ended the
 * stop's run was read by pt_walk_run() or pt_walk_batch()): skip the PTEs
 * the walk does not report, make the first it does the stop, and extend it.
 *
 * Return: true with the next stop; false at the end of the table (or of
 * the whole pages of the walk, or of the VMA), with the cursor on the last
 * PTE it read and @s->next after it, for the step to what follows.
 */
static bool pt_walk_multi_step(struct mm_walk_state *s)
{
	pte_t *ptep = (pte_t *)s->pt[PT_LEVEL_PTE].entp + s->nr;
	bool locked = s->flags & MM_WALK_LOCKED;
	unsigned long addr = s->next, limit;
	enum pt_entry_type type;
	union pt_entry e;

	/* Contiguous hugetlb pages: the descent's step makes their stops. */
	if (IS_ENABLED(CONFIG_HUGETLB_PAGE) && s->hugetlb_vma && s->hugetlb_block)
		return false;

	limit = ALIGN(addr, pt_table_span(PT_LEVEL_PTE));
	if (addr & (pt_table_span(PT_LEVEL_PTE) - 1))
		limit = min(limit, s->end & PAGE_MASK);
	else
		limit = addr;	/* at the table's end already */
	if (locked)
		limit = min(limit, s->vm_end);	/* the next VMA is looked up */
	for (; addr < limit; ptep++, addr += PAGE_SIZE) {
		if (s->ahead_valid) {
			e.pte = s->ahead;
			s->ahead_valid = false;
		} else {
			e.pte = pt_walk_read_pte(ptep, locked);
		}
		type = pt_generic_entry_type(PT_LEVEL_PTE, &e);
		if (!mm_walk_reported(s, type))
			continue;
		pt_walk_set_entry(s, PT_LEVEL_PTE, ptep, false);
		s->entry = e;
		pt_walk_stop(s, PT_LEVEL_PTE, type, addr, s->flags & MM_WALK_LOCKED);
		pt_walk_extend(s);
		return true;
	}
	s->ahead_valid = false;
	s->pt[PT_LEVEL_PTE].entp = ptep - 1;
	s->nr = 1;
	s->next = addr;
	return false;
}

/*
 * The step from a PMD entry (a THP, a hugetlb page, or a non-present huge
 * entry) to the next entry of the same PMD table at @addr, when that is a
 * huge entry too: without the generic descent and, in a locked walk,
 * without letting go of the lock, which is the lock of the whole PMD table
 * (pmd_lockptr() depends on the table only).  A locked walk stays in its
 * VMA.  Anything else (a PTE table, none, no lock held) takes the long way.
 */
static __always_inline bool pt_walk_next_pmd(struct mm_walk_state *s,
					     unsigned long addr)
{
	pmd_t *pmdp = (pmd_t *)s->pt[PT_LEVEL_PMD].entp + 1;
	bool locked = s->flags & MM_WALK_LOCKED;
	enum pt_entry_type type;
	union pt_entry e;

	if (locked && (!s->ptl || addr >= s->vm_end))
		return false;
	/* Contiguous hugetlb pages: the descent's step makes their stops. */
	if (IS_ENABLED(CONFIG_HUGETLB_PAGE) && arch_pt_hugetlb_blocks &&
	    s->hugetlb_vma && s->hugetlb_block)
		return false;
	if (locked) {
		e.pmd = pmdp_get(pmdp);
		type = pt_walk_upper_type(s, PT_LEVEL_PMD, addr, pmdp, &e);
	} else {
		e.pmd = pmdp_get_lockless(pmdp);
		type = pt_generic_entry_type(PT_LEVEL_PMD, &e);
	}
	if (type != PT_ENTRY_LEAF && type != PT_ENTRY_NONPRESENT)
		return false;
	pt_walk_set_entry(s, PT_LEVEL_PMD, pmdp, false);	/* the same table */
	s->entry = e;
	pt_walk_stop(s, PT_LEVEL_PMD, type, addr, s->flags & MM_WALK_LOCKED);
	return true;
}

#ifdef CONFIG_HUGETLB_PAGE
/*
 * The step from a contiguous hugetlb page (arm64 CONT_PTES PTEs or
 * CONT_PMDS PMDs, riscv Svnapot PTEs) to the next one of the same table,
 * without the descent: what pt_walk_hugetlb_block() makes of the next page,
 * one huge_ptep_get() at its first entry, under the lock the walk holds for
 * the stop.  That lock is the table's for every page of the hstate in it
 * (huge_pte_lockptr()), and the table stays mapped.
 *
 * Return: true at the next stop; false where the descent takes over: the
 * end of the table, of the walk or of the VMA, a page the walk's end clips,
 * a stop that holds no lock (an unlocked none PMD, or after
 * mm_walk_pause()), and a page the walk does not report, which is then
 * the cursor's stop, for the step from it.
 */
static noinline bool pt_walk_next_hugetlb_block(struct mm_walk_state *s)
{
	unsigned long size = 1UL << s->hugetlb_shift;
	unsigned long addr = s->next, span;
	enum pt_level level = s->level;
	unsigned int shift;
	size_t bytes;
	void *entp;
	pte_t pte;

	if (!pt_walk_block_level(s, &span, &shift, &bytes) || !s->ptl ||
	    s->restart || s->err || (level == PT_LEVEL_PTE && !s->pte_mapped))
		return false;
	/* Whole pages only: @addr starts one after an unclipped stop. */
	if (addr + size > s->end || addr + size > s->vm_end ||
	    !(addr & (span - 1)) || WARN_ON_ONCE(addr & (size - 1)))
		return false;
	entp = s->entp + s->nr * bytes;
	pte = arch_pt_hugetlb_block_get(s->mm, addr, entp, size >> shift);
	if (huge_pte_none(pte))
		s->type = PT_ENTRY_NONE;
	else if (pte_present(pte))
		s->type = PT_ENTRY_LEAF;
	else
		s->type = PT_ENTRY_NONPRESENT;
	s->entry.pte = pte;
	s->pt[level].entp = entp;
	s->entp = entp;
	s->addr = addr;
	s->next = addr + size;
	s->nr = size >> shift;
	if (!mm_walk_reported(s, s->type))
		return false;
	if ((s->flags & MM_WALK_RUNS) && s->type != PT_ENTRY_NONPRESENT)
		pt_walk_hugetlb_run(s, span, shift, bytes);
	return true;
}
#else
static inline bool pt_walk_next_hugetlb_block(struct mm_walk_state *s)
{
	return false;
}
#endif

/* The cursor is at a contiguous hugetlb page: pt_walk_next_hugetlb_block(). */
static __always_inline bool pt_walk_at_hugetlb_block(const struct mm_walk_state *s)
{
	return IS_ENABLED(CONFIG_HUGETLB_PAGE) && arch_pt_hugetlb_blocks &&
	       unlikely(s->hugetlb_vma) && s->hugetlb_block && s->nr &&
	       s->level == s->hugetlb_level && s->type != PT_ENTRY_TABLE;
}

/*
 * The out-of-line step: in the table of the current level while the walk
 * has not reached its end, else from the top for the next address, until
 * an entry the walk reports.
 */
static noinline bool pt_walk_next(struct mm_walk_state *s)
{
	for (;;) {
		unsigned long addr;
		enum pt_level from;
		bool step;

		if (pt_walk_at_hugetlb_block(s) && pt_walk_next_hugetlb_block(s))
			return true;
		if (s->nr && s->level == PT_LEVEL_PTE && s->pte_mapped &&
		    (s->flags & MM_WALK_MULTI) && s->next < s->end &&
		    !s->err && pt_walk_multi_step(s))
			return true;
		s->ahead_valid = false;
		addr = s->next;
		if (s->err || addr >= s->end || (s->nr && !addr))
			break;
		/*
		 * Step in the table of the current level while @addr is inside
		 * it; at its end, in the table of the level above, and so on.
		 * The first call descends from the top.
		 */
		from = s->level;
		step = s->nr;
		while (step && from < PT_LEVEL_PGD &&
		       (!(addr & (pt_table_span(from) - 1)) ||
			pt_walk_folded(s, from)))
			from++;
		if (!step)
			from = PT_LEVEL_PGD;
		/*
		 * After mm_walk_end() (or mm_walk_pause()) start again from the
		 * top: nothing the entry pointers point into is held any more.
		 * A lockless walk held its tables by having interrupts off,
		 * which the caller may have turned on since (munmap() then
		 * frees them); a locked walk let go of the PTE table's lock
		 * and mapping and of the VMA (vm_end 0), whose tables may have
		 * changed since (a shared hugetlb PMD table unshared and
		 * freed).  A locked walk also looks the next VMA up from the
		 * top.
		 */
		if (step && (s->restart ||
			     (from == PT_LEVEL_PTE && !s->pte_mapped) ||
			     ((s->flags & MM_WALK_LOCKED) &&
			      (!s->vm_end || addr >= s->vm_end)))) {
			from = PT_LEVEL_PGD;
			step = false;
		}
		s->restart = false;
		if (step && from == PT_LEVEL_PMD && s->level == PT_LEVEL_PMD &&
		    pt_walk_next_pmd(s, addr)) {
			/* The next huge entry of the same table. */
		} else {
			if (!(step && from == PT_LEVEL_PTE)) {
				pt_walk_unlock(s);
				pt_walk_enter_vma(s, addr);
			}
			if ((s->flags & MM_WALK_LOCKED) && !s->in_vma)
				pt_walk_gap(s, addr);
			else if (step || (s->flags & MM_WALK_LOCKED))
				pt_walk_descend(s, addr, from, step);
			else	/* lockless, from the top */
				pt_walk_seek_lockless(s, addr);
		}
		if (s->err)
			break;
		if (!mm_walk_reported(s, s->type))
			continue;
		if ((s->flags & MM_WALK_MULTI) && s->level == PT_LEVEL_PTE)
			pt_walk_extend(s);
		return true;
	}
	mm_walk_end(s);
	return false;
}

/**
 * __mm_walk_next() - the out-of-line step of mm_walk_next()
 * @s: the cursor
 *
 * Steps to the next entry of the current level's table when the walk has
 * not reached the end of that table, or descends from the top for the next
 * address otherwise, and goes on until an entry the walk reports.  The step
 * from one contiguous hugetlb page to the next, which every such page
 * takes, comes first, before the frame of the rest.
 *
 * Return: as mm_walk_next().
 */
bool __mm_walk_next(struct mm_walk_state *s)
{
	if (pt_walk_at_hugetlb_block(s) && pt_walk_next_hugetlb_block(s))
		return true;
	return pt_walk_next(s);
}
EXPORT_SYMBOL_GPL(__mm_walk_next);

/*
 * A locked walk may sleep: the hugetlb VMA lock, cond_resched() while a
 * table keeps changing.  Checked under CONFIG_DEBUG_ATOMIC_SLEEP, without
 * the voluntary preemption point of might_sleep(), which the per-address
 * lookups (folio_walk_start(), GUP) would pass for every address where
 * 6.12's did not.
 */
static __always_inline void pt_walk_might_sleep(void)
{
	__might_sleep(__FILE__, __LINE__);
}

/* No stop yet: a walk that has not started, or a seek that failed. */
static __always_inline void pt_walk_no_stop(struct mm_walk_state *s,
					    unsigned long start)
{
	s->addr = start;
	s->next = start;
	s->level = PT_LEVEL_PGD;
	s->type = PT_ENTRY_NONE;
	s->nr = 0;
	s->entp = NULL;
}

/*
 * Every field of a cursor, before any check.  A seek (@seek, a constant)
 * leaves the stop to its descent, which writes all of it, or to its error
 * path (pt_walk_no_stop()).
 */
static __always_inline void pt_walk_init(struct mm_walk_state *s,
					 struct mm_struct *mm,
					 unsigned long start, unsigned long end,
					 unsigned int flags, bool seek)
{
	if (!seek)
		pt_walk_no_stop(s, start);
	s->mm = mm;
	s->end = end;
	s->flags = flags;
	s->err = 0;
	s->ptl = NULL;
	s->pte_mapped = false;
	s->ahead_valid = false;
	s->hugetlb_vma = NULL;
	s->vm_start = 0;
	s->vm_end = 0;
	s->in_vma = false;
	s->retries = 0;
	s->restart = false;
}

/**
 * mm_walk_begin() - set up a cursor for a walk over a range
 * @s: the cursor
 * @mm: the address space
 * @start: first address of the range
 * @end: end of the range (exclusive)
 * @flags: MM_WALK_* flags
 *
 * Nothing is read or locked until the first mm_walk_next().  A locked walk
 * (MM_WALK_LOCKED) requires the mmap lock of @mm.
 *
 * Only user address spaces are walked: kernel page tables (init_mm, whose
 * tables are early or kernel allocations without a ptdesc level) lie beyond
 * the user limit and are refused.  A lockless walk follows the gup_fast
 * rules: interrupts off, @mm is current->mm.
 *
 * Return: 0, -EINVAL for a NULL @mm, an empty or inverted range, or a
 * lockless walk of another mm; -ERANGE for a range that ends beyond the
 * user address space of @mm (which also refuses non-canonical addresses),
 * or, lockless, beyond what the arch lets gup_fast walk
 * (gup_fast_permitted(): the top table of an s390 mm that has not grown).
 * The error is kept in @s->err and the walk then reports nothing.
 */
int mm_walk_begin(struct mm_walk_state *s, struct mm_struct *mm,
		  unsigned long start, unsigned long end, unsigned int flags)
{
	unsigned long limit;

	pt_walk_init(s, mm, start, end, flags, false);
	if (!mm || start >= end) {
		s->err = -EINVAL;
		return s->err;
	}
	limit = mm->task_size ? mm->task_size : TASK_SIZE;
	if (end > limit) {
		s->err = -ERANGE;
		return s->err;
	}
	if (flags & MM_WALK_LOCKED) {
		mmap_assert_locked(mm);
		pt_walk_might_sleep();
	} else {
		/*
		 * The gup_fast rules: interrupts off hold off the freeing of
		 * the tables of current->mm (TLB flush IPIs or RCU); another
		 * mm's tables are not protected that way.
		 */
		lockdep_assert_irqs_disabled();
		if (WARN_ON_ONCE(mm != current->mm)) {
			s->err = -EINVAL;
			return s->err;
		}
#ifdef gup_fast_permitted
		/*
		 * The arch's own bound for lockless walks: s390 tables only
		 * go up to the mm's ASCE limit, which grows with it, below
		 * task_size; beyond it the top table has no more entries.
		 */
		if (!gup_fast_permitted(start, end)) {
			s->err = -ERANGE;
			return s->err;
		}
#endif
	}
	return 0;
}
EXPORT_SYMBOL_GPL(mm_walk_begin);

/**
 * mm_walk_end() - release what the cursor holds
 * @s: the cursor
 *
 * Unlocks the page table lock and unmaps the PTE table the cursor holds, and
 * drops the hugetlb VMA lock.  The way out of a for_each_pt_leaf() loop left
 * early and after mm_walk_seek_leaf(); calling it again is harmless.  After
 * it, the entry pointers in @s must not be used; the decoded values stay.
 * A walk that goes on after it (mm_walk_pause() in a loop, mm_walk_next())
 * finds its next stop from the top, locked or lockless.
 */
void mm_walk_end(struct mm_walk_state *s)
{
	pt_walk_unlock(s);
	pt_walk_vma_unlock(s);
	s->restart = true;
}
EXPORT_SYMBOL_GPL(mm_walk_end);

/**
 * mm_walk_seek_leaf() - move a cursor to the entry that maps an address
 * @s: the cursor
 * @mm: the address space
 * @addr: the address
 * @flags: MM_WALK_LOCKED, or 0 for a lockless lookup; and MM_WALK_RAW
 *	for the entry of @addr in a contiguous hugetlb page
 *
 * Descends from the top of @mm's page tables to the first entry for @addr
 * that is not a table, whatever its level.  On return @s describes that
 * entry: a present leaf (@s->type PT_ENTRY_LEAF) with its level, size and
 * decoded bits; a non-present leaf; or a none entry at level L, which says
 * that the table of level L - 1 is missing.  A locked seek returns with the
 * lock of the entry held: the caller ends with mm_walk_end() in every case.
 *
 * Return: true when @addr is mapped by a present leaf; false otherwise, with
 * @s->err set for an address outside the user address space of @mm.
 */
bool mm_walk_seek_leaf(struct mm_walk_state *s, struct mm_struct *mm,
		       unsigned long addr, unsigned int flags)
{
	if (mm_walk_begin(s, mm, addr, addr + 1,
			  flags & (MM_WALK_LOCKED | MM_WALK_RAW)))
		return false;
	pt_walk_enter_vma(s, addr);
	if (!(flags & MM_WALK_LOCKED))
		pt_walk_seek_lockless(s, addr);
	else if (!s->in_vma)
		pt_walk_gap(s, addr);
	else
		pt_walk_descend(s, addr, PT_LEVEL_PGD, false);
	return s->type == PT_ENTRY_LEAF;
}
EXPORT_SYMBOL_GPL(mm_walk_seek_leaf);

/* The mmap lock of the VMA's mm, or the i_mmap_rwsem of its file. */
static __always_inline void pt_walk_assert_vma_locked(struct vm_area_struct *vma)
{
	struct address_space *mapping = vma->vm_file ? vma->vm_file->f_mapping : NULL;

	if (mapping && rwsem_is_locked(&mapping->i_mmap_rwsem)) {
#ifdef CONFIG_LOCKDEP
		lockdep_assert(lockdep_is_held(&mapping->i_mmap_rwsem) ||
			       lockdep_is_held(&vma->vm_mm->mmap_lock));
#endif
		return;
	}
	mmap_assert_locked(vma->vm_mm);
}

/* mm_walk_begin_vma(), inline in the seek of one address of a VMA too. */
static __always_inline int __mm_walk_begin_vma(struct mm_walk_state *s,
					       struct vm_area_struct *vma,
					       unsigned long start,
					       unsigned long end,
					       unsigned int flags, bool seek)
{
	/*
	 * No user limit to check: the VMA is the limit (a compat task may
	 * have VMAs above its task_size).
	 */
	pt_walk_init(s, vma->vm_mm, start, end, flags | MM_WALK_LOCKED, seek);
	if (start >= end || start < vma->vm_start || end > vma->vm_end) {
		if (seek)
			pt_walk_no_stop(s, start);
		s->err = -EINVAL;
		return s->err;
	}
	pt_walk_assert_vma_locked(vma);
	pt_walk_might_sleep();
	pt_walk_use_vma(s, vma);
	return 0;
}

/**
 * mm_walk_begin_vma() - set up a locked walk over a range of one VMA
 * @s: the cursor
 * @vma: the VMA, found by the caller under the mmap lock it holds (or, for
 *	a file VMA, under its mapping's i_mmap_rwsem)
 * @start: first address of the range, in @vma
 * @end: end of the range (exclusive), at most @vma->vm_end
 * @flags: MM_WALK_* flags; MM_WALK_LOCKED is implied
 *
 * As mm_walk_begin() for a locked walk, without looking the VMA up again:
 * for callers that walk VMA by VMA (walk_page_range()).  The walk stops at
 * the end of @vma.  The page tables of a file VMA also stay while its
 * mapping's i_mmap_rwsem is held, as for the rmap walkers (free_pgtables()
 * unlinks the VMA from the mapping first): a caller holding that instead of
 * the mmap lock (follow_pfnmap_start()) may walk the VMA too.
 *
 * Return: 0, or -EINVAL for an empty or inverted range, or one that is not
 * inside @vma.
 */
int mm_walk_begin_vma(struct mm_walk_state *s, struct vm_area_struct *vma,
		      unsigned long start, unsigned long end,
		      unsigned int flags)
{
	return __mm_walk_begin_vma(s, vma, start, end, flags, false);
}
EXPORT_SYMBOL_GPL(mm_walk_begin_vma);

/**
 * mm_walk_seek_vma_range() - set up a locked walk of one VMA at its first entry
 * @s: the cursor
 * @vma: the VMA that contains @start, found by the caller under the mmap
 *	lock it holds (or, for a file VMA, its mapping's i_mmap_rwsem: see
 *	mm_walk_begin_vma())
 * @start: the address to seek, and the first of the walk
 * @end: end of the walk (exclusive), at most @vma->vm_end
 * @flags: MM_WALK_* flags for the walk after the first stop (and, for
 *	MM_WALK_RAW, for the first stop too); MM_WALK_LOCKED is implied
 *
 * mm_walk_begin_vma() and a seek in one call: the cursor stops at the entry
 * that maps @start, whatever it is (a present or non-present leaf, or a
 * none entry at the level of a missing table), with its lock held, as
 * mm_walk_seek_leaf() stops.  mm_walk_next() then goes on over the rest of
 * [@start, @end) as @flags ask.  For callers that look up many addresses
 * of one VMA, one at a time (folio_walk_start(), follow_pfnmap_start(),
 * through mm_walk_seek_vma_leaf()) or with the entries that follow (the
 * GUP slow path's batches).  The caller ends with mm_walk_end() in every
 * case, or hands the lock it holds (@s->ptl), the PTE table's mapping and
 * the hugetlb VMA lock over to an end of its own that releases them the
 * same way (folio_walk_end()).
 *
 * Return: true when @start is mapped by a present leaf; false otherwise,
 * with @s->err set (-EINVAL) for an empty or inverted range, or one that
 * is not inside @vma.
 */
bool mm_walk_seek_vma_range(struct mm_walk_state *s,
			    struct vm_area_struct *vma, unsigned long start,
			    unsigned long end, unsigned int flags)
{
	if (__mm_walk_begin_vma(s, vma, start, end, flags, true))
		return false;
	/*
	 * The descent inline: one call from the caller to the entry, which
	 * folio_walk_start() makes for every page of move_pages(), and
	 * follow_page_mask() for every huge leaf or batch of PTEs.
	 */
	__pt_walk_descend(s, start, PT_LEVEL_PGD, false, true);
	return s->type == PT_ENTRY_LEAF;
}
EXPORT_SYMBOL_GPL(mm_walk_seek_vma_range);

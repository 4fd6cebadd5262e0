// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests of the ptwalk cursor on real user address spaces.
 *
 * Each test builds a layout through the normal fault path (writes with
 * put_user(), reads with get_user()), so the expected state of every page is
 * known independently of any walker: untouched pages are holes, read pages
 * map the shared zero page read-only, written pages map a private writable
 * dirty page holding the byte written.  The legacy walk_page_range() gives
 * the frames to compare with.
 */
#include <kunit/test.h>
#include <linux/highmem.h>
#include <linux/huge_mm.h>
#include <linux/mm.h>
#include <linux/mman.h>
#include <linux/pagewalk.h>
#include <linux/prandom.h>
#include <linux/pt_walk.h>
#include <linux/sched/mm.h>
#include <linux/uaccess.h>

enum page_state { PAGE_UNTOUCHED, PAGE_READ, PAGE_WRITTEN };

#define LAYOUT_PAGES	256
#define LAYOUT_SEEDS	1000

struct layout {
	unsigned long start;	/* first page of the walked range */
	unsigned long npages;
	u8 state[LAYOUT_PAGES];
	u8 byte[LAYOUT_PAGES];
	unsigned long pfn[LAYOUT_PAGES];	/* from walk_page_range() */
	bool present[LAYOUT_PAGES];
};

static int legacy_pte_entry(pte_t *ptep, unsigned long addr,
			    unsigned long next, struct mm_walk *walk)
{
	struct layout *l = walk->private;
	pte_t pte = ptep_get(ptep);
	unsigned long i = (addr - l->start) >> PAGE_SHIFT;

	if (i < LAYOUT_PAGES && pte_present(pte)) {
		l->present[i] = true;
		l->pfn[i] = pte_pfn(pte);
	}
	return 0;
}

static const struct mm_walk_ops legacy_ops = {
	.pte_entry	= legacy_pte_entry,
	.walk_lock	= PGWALK_RDLOCK,
};

/* Map an anonymous area in the test's mm; returns its start. */
static unsigned long map_anon(struct kunit *test, unsigned long len)
{
	unsigned long addr;

	addr = kunit_vm_mmap(test, NULL, 0, len, PROT_READ | PROT_WRITE,
			     MAP_PRIVATE | MAP_ANONYMOUS, 0);
	KUNIT_ASSERT_FALSE(test, IS_ERR_VALUE(addr));
	KUNIT_ASSERT_NE(test, addr, 0);
	KUNIT_ASSERT_NOT_NULL(test, current->mm);
	return addr;
}

/* Fault the layout in, then record what the legacy walker sees. */
static void layout_apply(struct kunit *test, struct layout *l)
{
	struct mm_struct *mm = current->mm;
	unsigned long i;
	u8 val;

	for (i = 0; i < l->npages; i++) {
		void __user *p = (void __user *)(l->start + i * PAGE_SIZE);

		if (l->state[i] == PAGE_WRITTEN) {
			KUNIT_ASSERT_EQ(test, put_user(l->byte[i], (u8 __user *)p), 0);
		} else if (l->state[i] == PAGE_READ) {
			/* Untouched anonymous memory reads as zeroes. */
			KUNIT_ASSERT_EQ(test, get_user(val, (u8 __user *)p), 0);
			KUNIT_EXPECT_EQ(test, val, 0);
		}
	}
	memset(l->present, 0, sizeof(l->present));
	mmap_read_lock(mm);
	KUNIT_ASSERT_EQ(test, walk_page_range(mm, l->start,
					      l->start + l->npages * PAGE_SIZE,
					      &legacy_ops, l), 0);
	mmap_read_unlock(mm);
}

/* Check one present PTE stop against the model. */
static void check_pte_leaf(struct kunit *test, const struct layout *l,
			   const struct mm_walk_state *s, unsigned long i)
{
	KUNIT_EXPECT_NE_MSG(test, l->state[i], PAGE_UNTOUCHED, "page %lu", i);
	KUNIT_EXPECT_TRUE_MSG(test, l->present[i], "page %lu", i);
	KUNIT_EXPECT_EQ_MSG(test, mm_walk_pfn(s), l->pfn[i], "page %lu", i);
	KUNIT_EXPECT_EQ_MSG(test, mm_walk_addr_pfn(s), l->pfn[i], "page %lu", i);
	if (l->state[i] == PAGE_READ) {
		KUNIT_EXPECT_TRUE_MSG(test, is_zero_pfn(mm_walk_pfn(s)), "page %lu", i);
		KUNIT_EXPECT_FALSE_MSG(test, mm_walk_is_write(s), "page %lu", i);
	} else if (l->state[i] == PAGE_WRITTEN) {
		u8 *kaddr;

		KUNIT_EXPECT_TRUE_MSG(test, mm_walk_is_write(s), "page %lu", i);
		KUNIT_EXPECT_TRUE_MSG(test, mm_walk_is_dirty(s), "page %lu", i);
		KUNIT_EXPECT_TRUE_MSG(test, mm_walk_is_young(s), "page %lu", i);
		KUNIT_EXPECT_FALSE_MSG(test, mm_walk_is_special(s), "page %lu", i);
		KUNIT_ASSERT_NOT_NULL(test, mm_walk_page(s));
		kaddr = kmap_local_page(mm_walk_page(s));
		KUNIT_EXPECT_EQ_MSG(test, kaddr[0], l->byte[i], "page %lu", i);
		kunmap_local(kaddr);
		KUNIT_EXPECT_PTR_EQ(test, mm_walk_folio(s), page_folio(mm_walk_page(s)));
	}
}

/*
 * Walk the layout with holes reported and check that the stops tile the
 * range exactly, in order, each matching the model.
 */
static void layout_check_walk(struct kunit *test, const struct layout *l,
			      unsigned int flags)
{
	unsigned long end = l->start + l->npages * PAGE_SIZE;
	struct mm_struct *mm = current->mm;
	unsigned long expect = l->start;
	unsigned long leaves = 0, want = 0, i;
	struct mm_walk_state s;

	for (i = 0; i < l->npages; i++)
		want += l->state[i] != PAGE_UNTOUCHED;

	if (flags & MM_WALK_LOCKED)
		mmap_read_lock(mm);
	else
		local_irq_disable();
	for_each_pt_leaf(&s, mm, l->start, end, flags) {
		/* With holes the stops tile the range, else they only ascend. */
		if (flags & MM_WALK_HOLES)
			KUNIT_ASSERT_EQ(test, s.addr, expect);
		else
			KUNIT_ASSERT_GE(test, s.addr, expect);
		KUNIT_ASSERT_GT(test, s.next, s.addr);
		KUNIT_ASSERT_LE(test, s.next, end);
		expect = s.next;
		if (flags & MM_WALK_LOCKED) {
			/* A locked stop at PTE level holds the table's lock. */
			if (s.level == PT_LEVEL_PTE)
				KUNIT_EXPECT_NOT_NULL(test, s.ptl);
		} else {
			KUNIT_EXPECT_NULL(test, s.ptl);
		}
		if (s.type != PT_ENTRY_LEAF) {
			/* A hole: nothing of the model is mapped in it. */
			KUNIT_EXPECT_EQ(test, s.type, PT_ENTRY_NONE);
			for (i = (s.addr - l->start) >> PAGE_SHIFT;
			     i < (s.next - l->start) >> PAGE_SHIFT; i++)
				KUNIT_EXPECT_EQ_MSG(test, l->state[i], PAGE_UNTOUCHED,
						    "page %lu in a hole at level %d", i, s.level);
			continue;
		}
		KUNIT_EXPECT_EQ(test, s.level, PT_LEVEL_PTE);
		KUNIT_EXPECT_EQ(test, mm_walk_leaf_size(&s), PAGE_SIZE);
		KUNIT_EXPECT_FALSE(test, mm_walk_is_clipped(&s));
		check_pte_leaf(test, l, &s, (s.addr - l->start) >> PAGE_SHIFT);
		leaves++;
	}
	if (flags & MM_WALK_LOCKED)
		mmap_read_unlock(mm);
	else
		local_irq_enable();
	KUNIT_EXPECT_EQ(test, s.err, 0);
	if (flags & MM_WALK_HOLES)
		KUNIT_EXPECT_EQ(test, expect, end);
	KUNIT_EXPECT_EQ(test, leaves, want);
	KUNIT_EXPECT_NULL(test, s.ptl);
	KUNIT_EXPECT_FALSE(test, s.pte_mapped);
}

/*
 * The cursor against the model: seeded random layouts of a 256-page range
 * placed across a PMD boundary (two PTE tables), walked locked and lockless,
 * with and without holes.
 */
static void pt_walk_model_random(struct kunit *test)
{
	unsigned long len = 2 * PMD_SIZE, base, seed;
	struct mm_struct *mm;
	struct layout *l;
	struct rnd_state rnd;

	l = kunit_kzalloc(test, sizeof(*l), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, l);
	base = map_anon(test, len);
	mm = current->mm;
	/* The model is of PTE-mapped pages: no THP in this range. */
	if (IS_ENABLED(CONFIG_TRANSPARENT_HUGEPAGE))
		KUNIT_ASSERT_EQ(test, do_madvise(mm, base, len, MADV_NOHUGEPAGE), 0);

	for (seed = 1; seed <= LAYOUT_SEEDS; seed++) {
		unsigned long density, i, pmd_boundary;

		prandom_seed_state(&rnd, seed);
		density = prandom_u32_state(&rnd) % 101;
		l->npages = 1 + prandom_u32_state(&rnd) % LAYOUT_PAGES;
		/* Straddle the PMD boundary inside the mapping when it fits. */
		pmd_boundary = ALIGN(base + 1, PMD_SIZE);
		l->start = pmd_boundary - (prandom_u32_state(&rnd) % l->npages) * PAGE_SIZE;
		if (l->start < base)
			l->start = base;
		for (i = 0; i < l->npages; i++) {
			u32 r = prandom_u32_state(&rnd);

			if (r % 100 >= density)
				l->state[i] = PAGE_UNTOUCHED;
			else
				l->state[i] = (r >> 8) % 4 ? PAGE_WRITTEN : PAGE_READ;
			l->byte[i] = r >> 16;
		}
		layout_apply(test, l);
		layout_check_walk(test, l, MM_WALK_HOLES);
		layout_check_walk(test, l, MM_WALK_HOLES | MM_WALK_LOCKED);
		layout_check_walk(test, l, MM_WALK_LOCKED);
		layout_check_walk(test, l, 0);
		if (test->status == KUNIT_FAILURE) {
			kunit_info(test, "first failing seed %lu", seed);
			return;
		}
		/* Drop everything for the next layout. */
		KUNIT_ASSERT_EQ(test, do_madvise(mm, base, len, MADV_DONTNEED), 0);
	}
}

/* Seeking single addresses: mapped pages, holes in a table, missing tables. */
static void pt_walk_seek(struct kunit *test)
{
	struct mm_struct *mm;
	struct layout *l;
	struct mm_walk_state s;
	unsigned long i, far;

	l = kunit_kzalloc(test, sizeof(*l), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, l);
	l->npages = 16;
	l->start = map_anon(test, l->npages * PAGE_SIZE);
	mm = current->mm;
	for (i = 0; i < l->npages; i++) {
		l->state[i] = i % 3 == 0 ? PAGE_WRITTEN : i % 3 == 1 ? PAGE_READ : PAGE_UNTOUCHED;
		l->byte[i] = 0x40 + i;
	}
	layout_apply(test, l);

	for (i = 0; i < l->npages; i++) {
		unsigned long addr = l->start + i * PAGE_SIZE + (i * 8 % PAGE_SIZE);
		bool found;

		mmap_read_lock(mm);
		found = mm_walk_seek_leaf(&s, mm, addr, MM_WALK_LOCKED);
		KUNIT_EXPECT_EQ(test, s.addr, addr);
		KUNIT_EXPECT_EQ(test, mm_walk_leaf_start(&s), addr & PAGE_MASK);
		if (l->state[i] == PAGE_UNTOUCHED) {
			KUNIT_EXPECT_FALSE(test, found);
			KUNIT_EXPECT_EQ(test, s.type, PT_ENTRY_NONE);
			KUNIT_EXPECT_EQ(test, s.level, PT_LEVEL_PTE);
		} else {
			KUNIT_EXPECT_TRUE(test, found);
			KUNIT_EXPECT_EQ(test, s.level, PT_LEVEL_PTE);
			KUNIT_EXPECT_NOT_NULL(test, s.ptl);
			/*
			 * The tables passed, with the level their constructor
			 * recorded: PTE and PMD tables (and PUD tables where
			 * that level is not folded) are built with one on
			 * x86_64, arm64 and UML; top-level tables are not.
			 */
			KUNIT_ASSERT_NOT_NULL(test, s.pt[PT_LEVEL_PTE].ptdesc);
			KUNIT_ASSERT_NOT_NULL(test, s.pt[PT_LEVEL_PMD].ptdesc);
			KUNIT_EXPECT_EQ(test, ptdesc_level(s.pt[PT_LEVEL_PTE].ptdesc), 0);
			KUNIT_EXPECT_EQ(test, ptdesc_level(s.pt[PT_LEVEL_PMD].ptdesc), 1);
			if (s.pt[PT_LEVEL_PUD].ptdesc)
				KUNIT_EXPECT_EQ(test, ptdesc_level(s.pt[PT_LEVEL_PUD].ptdesc), 2);
			KUNIT_EXPECT_EQ(test, ptdesc_level(s.pt[PT_LEVEL_PGD].ptdesc), -1);
			KUNIT_EXPECT_PTR_EQ(test, s.pt[PT_LEVEL_PGD].table, (void *)mm->pgd);
			/* The lock of the PTE table is the one its ptdesc holds. */
			KUNIT_EXPECT_PTR_EQ(test, s.ptl,
					    pte_lockptr(mm, s.pt[PT_LEVEL_PMD].entp));
			check_pte_leaf(test, l, &s, i);
		}
		mm_walk_end(&s);
		KUNIT_EXPECT_NULL(test, s.ptl);
		mmap_read_unlock(mm);
	}

	/*
	 * An address 1 GiB-aligned far from the mapping: no PMD table there,
	 * so the walk stops at a none entry above the PTE level, and that
	 * entry's size is the size of its level.
	 */
	far = ALIGN(l->start, PUD_SIZE) + 64 * PUD_SIZE;
	mmap_read_lock(mm);
	if (far + PUD_SIZE > mm->task_size || find_vma_intersection(mm, far, far + PUD_SIZE))
		far = 0;
	mmap_read_unlock(mm);
	if (far) {
		local_irq_disable();
		KUNIT_EXPECT_FALSE(test, mm_walk_seek_leaf(&s, mm, far, 0));
		mm_walk_end(&s);
		local_irq_enable();
		KUNIT_EXPECT_EQ(test, s.err, 0);
		KUNIT_EXPECT_EQ(test, s.type, PT_ENTRY_NONE);
		KUNIT_EXPECT_GT(test, s.level, PT_LEVEL_PMD);
		KUNIT_EXPECT_EQ(test, mm_walk_leaf_size(&s),
				1UL << mm_walk_level_shift(s.level));
	}
}

/* Bad input is refused with a clear error and walks nothing. */
static void pt_walk_bad_input(struct kunit *test)
{
	unsigned long start, limit;
	struct mm_struct *mm;
	struct mm_walk_state s;
	int stops;

	start = map_anon(test, PAGE_SIZE);
	mm = current->mm;
	limit = mm->task_size;
	KUNIT_ASSERT_EQ(test, put_user(1, (u8 __user *)start), 0);

#define EXPECT_REFUSED(from, to, error)						\
	do {									\
		stops = 0;							\
		mmap_read_lock(mm);						\
		for_each_pt_leaf(&s, mm, from, to, MM_WALK_HOLES | MM_WALK_LOCKED) \
			stops++;						\
		mmap_read_unlock(mm);						\
		KUNIT_EXPECT_EQ(test, stops, 0);				\
		KUNIT_EXPECT_EQ(test, s.err, error);				\
		KUNIT_EXPECT_NULL(test, s.ptl);					\
	} while (0)

	EXPECT_REFUSED(start, start, -EINVAL);			/* empty */
	EXPECT_REFUSED(start + PAGE_SIZE, start, -EINVAL);	/* inverted */
	EXPECT_REFUSED(limit - PAGE_SIZE, limit + PAGE_SIZE, -ERANGE);
	EXPECT_REFUSED(start, ULONG_MAX, -ERANGE);
#ifdef CONFIG_64BIT
	/* Non-canonical on x86_64 and beyond every arch's user space. */
	EXPECT_REFUSED(1UL << 63, (1UL << 63) + PAGE_SIZE, -ERANGE);
#endif
#undef EXPECT_REFUSED

	KUNIT_EXPECT_EQ(test, mm_walk_begin(&s, NULL, 0, PAGE_SIZE, 0), -EINVAL);
	KUNIT_EXPECT_FALSE(test, mm_walk_seek_leaf(&s, mm, limit, 0));
	KUNIT_EXPECT_EQ(test, s.err, -ERANGE);
	mm_walk_end(&s);

	/* The refused walks changed nothing: the page is still mapped. */
	local_irq_disable();
	KUNIT_EXPECT_TRUE(test, mm_walk_seek_leaf(&s, mm, start, 0));
	mm_walk_end(&s);
	local_irq_enable();
	KUNIT_EXPECT_TRUE(test, mm_walk_is_write(&s));
}

/* Leaving a locked loop early with mm_walk_end() releases the lock. */
static void pt_walk_early_exit(struct kunit *test)
{
	struct mm_struct *mm;
	struct mm_walk_state s;
	unsigned long start, i;
	spinlock_t *ptl = NULL;
	int stops = 0;

	start = map_anon(test, 8 * PAGE_SIZE);
	mm = current->mm;
	for (i = 0; i < 8; i++)
		KUNIT_ASSERT_EQ(test, put_user(1, (u8 __user *)(start + i * PAGE_SIZE)), 0);

	mmap_read_lock(mm);
	for_each_pt_leaf(&s, mm, start, start + 8 * PAGE_SIZE, MM_WALK_LOCKED) {
		if (++stops == 3) {
			ptl = s.ptl;
			break;
		}
	}
	KUNIT_EXPECT_NOT_NULL(test, ptl);
	KUNIT_EXPECT_TRUE(test, s.pte_mapped);
#ifdef CONFIG_LOCKDEP
	KUNIT_EXPECT_TRUE(test, lockdep_is_held(ptl));
#endif
	mm_walk_end(&s);
	KUNIT_EXPECT_NULL(test, s.ptl);
	KUNIT_EXPECT_FALSE(test, s.pte_mapped);
#ifdef CONFIG_LOCKDEP
	KUNIT_EXPECT_FALSE(test, lockdep_is_held(ptl));
#endif
	/* The lock is free: taking it again does not deadlock. */
	if (ptl) {
		spin_lock(ptl);
		spin_unlock(ptl);
	}
	mmap_read_unlock(mm);
	KUNIT_EXPECT_EQ(test, stops, 3);
}

#ifdef CONFIG_TRANSPARENT_HUGEPAGE
/*
 * A THP is one leaf at PMD level, reported once with its size, and the walk
 * does not split it.
 */
static void pt_walk_thp(struct kunit *test)
{
	struct mm_struct *mm;
	struct mm_walk_state s;
	unsigned long base, thp, pfn = 0;
	int pmd_leaves = 0, stops = 0;
	struct folio *folio;

	if (!has_transparent_hugepage())
		kunit_skip(test, "no transparent huge pages on this machine");
	base = map_anon(test, 3 * PMD_SIZE);
	mm = current->mm;
	thp = ALIGN(base, PMD_SIZE);
	KUNIT_ASSERT_EQ(test, do_madvise(mm, thp, PMD_SIZE, MADV_HUGEPAGE), 0);
	KUNIT_ASSERT_EQ(test, put_user(7, (u8 __user *)(thp + 5 * PAGE_SIZE)), 0);

	mmap_read_lock(mm);
	if (!mm_walk_seek_leaf(&s, mm, thp, MM_WALK_LOCKED) || s.level != PT_LEVEL_PMD) {
		mm_walk_end(&s);
		mmap_read_unlock(mm);
		kunit_skip(test, "the fault did not map a THP (none free?)");
	}
	mm_walk_end(&s);

	/* Start the walk inside the THP: the stop is clipped. */
	for_each_pt_leaf(&s, mm, thp + PAGE_SIZE, thp + PMD_SIZE + PAGE_SIZE,
			 MM_WALK_LOCKED | MM_WALK_HOLES) {
		stops++;
		if (s.type != PT_ENTRY_LEAF)
			continue;
		KUNIT_EXPECT_EQ(test, s.level, PT_LEVEL_PMD);
		KUNIT_EXPECT_EQ(test, mm_walk_leaf_size(&s), PMD_SIZE);
		KUNIT_EXPECT_EQ(test, mm_walk_leaf_start(&s), thp);
		KUNIT_EXPECT_EQ(test, s.addr, thp + PAGE_SIZE);
		KUNIT_EXPECT_EQ(test, s.next, thp + PMD_SIZE);
		KUNIT_EXPECT_TRUE(test, mm_walk_is_clipped(&s));
		KUNIT_EXPECT_TRUE(test, mm_walk_is_write(&s));
		KUNIT_EXPECT_TRUE(test, mm_walk_is_dirty(&s));
		KUNIT_EXPECT_NOT_NULL(test, s.ptl);
		folio = mm_walk_folio(&s);
		KUNIT_ASSERT_NOT_NULL(test, folio);
		KUNIT_EXPECT_EQ(test, folio_size(folio), PMD_SIZE);
		KUNIT_EXPECT_EQ(test, folio_pfn(folio), mm_walk_pfn(&s));
		KUNIT_EXPECT_EQ(test, mm_walk_addr_pfn(&s), mm_walk_pfn(&s) + 1);
		pfn = mm_walk_pfn(&s);
		pmd_leaves++;
	}
	KUNIT_EXPECT_EQ(test, pmd_leaves, 1);
	/* The leaf and one hole after it (no table for the next PMD). */
	KUNIT_EXPECT_EQ(test, stops, 2);

	/* Still one PMD leaf, same frames: nothing was split. */
	KUNIT_EXPECT_TRUE(test, mm_walk_seek_leaf(&s, mm, thp + 5 * PAGE_SIZE, MM_WALK_LOCKED));
	KUNIT_EXPECT_EQ(test, s.level, PT_LEVEL_PMD);
	KUNIT_EXPECT_EQ(test, mm_walk_pfn(&s), pfn);
	KUNIT_EXPECT_EQ(test, mm_walk_addr_pfn(&s), pfn + 5);
	mm_walk_end(&s);
	mmap_read_unlock(mm);
}
#endif

static struct kunit_case pt_walk_cases[] = {
	KUNIT_CASE(pt_walk_bad_input),
	KUNIT_CASE(pt_walk_seek),
	KUNIT_CASE(pt_walk_early_exit),
	KUNIT_CASE_SLOW(pt_walk_model_random),
#ifdef CONFIG_TRANSPARENT_HUGEPAGE
	KUNIT_CASE(pt_walk_thp),
#endif
	{}
};

static struct kunit_suite pt_walk_suite = {
	.name = "pt_walk",
	.test_cases = pt_walk_cases,
};

kunit_test_suite(pt_walk_suite);

MODULE_DESCRIPTION("KUnit tests of the ptwalk page table cursor");
MODULE_LICENSE("GPL");

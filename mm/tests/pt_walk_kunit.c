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
#include <linux/delay.h>
#include <linux/highmem.h>
#include <linux/huge_mm.h>
#include <linux/hugetlb.h>
#include <linux/mm.h>
#include <linux/mman.h>
#include <linux/pagewalk.h>
#include <linux/prandom.h>
#include <linux/pt_walk.h>
#include <kunit/static_stub.h>
#include <linux/sched/mm.h>
#include <linux/sched/task_stack.h>
#include <linux/syscalls.h>
#include <linux/swap.h>
#include <linux/uaccess.h>

/*
 * Architectures with PUD-size hugetlb pages (1G with 4K pages) at a PUD
 * level of their own, which a 2-level geometry does not have (with 16K
 * pages they would be 64G).
 */
#if (defined(CONFIG_X86_64) || defined(CONFIG_ARM64_4K_PAGES) || defined(CONFIG_RISCV)) && \
	CONFIG_PGTABLE_LEVELS > 2
#define PT_TEST_HUGETLB_PUD 1
#endif

enum page_state { LAYOUT_UNTOUCHED, LAYOUT_READ, LAYOUT_WRITTEN };

#define LAYOUT_PAGES	256
#define LAYOUT_SEEDS	1000

struct layout {
	unsigned long start;	/* first page of the walked range */
	unsigned long npages;
	u8 state[LAYOUT_PAGES];
	u8 byte[LAYOUT_PAGES];
	unsigned long pfn[LAYOUT_PAGES];	/* from walk_page_range() */
	bool present[LAYOUT_PAGES];
	struct folio *folio[LAYOUT_PAGES];	/* held: see layout_apply() */
	bool release_at_exit;
	unsigned long settle_waits;	/* for pages being migrated */
};

static int legacy_pte_entry(pte_t *ptep, unsigned long addr,
			    unsigned long next, struct mm_walk *walk)
{
	struct layout *l = walk->private;
	pte_t pte = ptep_get(ptep);
	unsigned long i = (addr - l->start) >> PAGE_SHIFT;

	if (i < LAYOUT_PAGES && pte_present(pte)) {
		struct page *page = vm_normal_page(walk->vma, addr, pte);

		l->present[i] = true;
		l->pfn[i] = pte_pfn(pte);
		if (page && !l->folio[i]) {
			l->folio[i] = page_folio(page);
			folio_get(l->folio[i]);
		}
	}
	return 0;
}

/* Drop the references layout_apply() took. */
static void layout_release(void *data)
{
	struct layout *l = data;
	unsigned long i;

	for (i = 0; i < LAYOUT_PAGES; i++) {
		if (l->folio[i])
			folio_put(l->folio[i]);
		l->folio[i] = NULL;
	}
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

/*
 * Every page of the layout that was touched is mapped, and every page held
 * is on an LRU list: none is isolated, as migration isolates the pages it
 * moves before it replaces their PTEs by migration entries.
 */
static bool layout_settled(const struct layout *l)
{
	unsigned long i;

	for (i = 0; i < l->npages; i++) {
		if (l->state[i] != LAYOUT_UNTOUCHED && !l->present[i])
			return false;
		if (l->folio[i] && !folio_test_lru(l->folio[i]))
			return false;
	}
	return true;
}

#define LAYOUT_SETTLE_TRIES	100

/*
 * Fault the layout in, then record what the legacy walker sees.  The pages
 * it maps are held (until the next layout_apply() or the end of the test)
 * once none is being migrated: the model expects every page to stay where
 * it was put, and compaction, which kcompactd may start at any time, moves
 * anonymous pages (a migration entry in the PTE while it copies the page,
 * a new PFN after).  It leaves alone an anonymous page with a reference it
 * cannot account for (isolate_migratepages_block()); one it isolated before
 * the reference was taken is off the LRU lists until its migration ends,
 * and the legacy walk is made again then.
 */
static void layout_apply(struct kunit *test, struct layout *l)
{
	struct mm_struct *mm = current->mm;
	unsigned long i;
	int ret, tries;
	u8 val;

	layout_release(l);
	if (!l->release_at_exit) {
		KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, layout_release, l), 0);
		l->release_at_exit = true;
	}

	for (i = 0; i < l->npages; i++) {
		void __user *p = (void __user *)(l->start + i * PAGE_SIZE);

		if (l->state[i] == LAYOUT_WRITTEN) {
			KUNIT_ASSERT_EQ(test, put_user(l->byte[i], (u8 __user *)p), 0);
		} else if (l->state[i] == LAYOUT_READ) {
			/* Untouched anonymous memory reads as zeroes. */
			KUNIT_ASSERT_EQ(test, get_user(val, (u8 __user *)p), 0);
			KUNIT_EXPECT_EQ(test, val, 0);
		}
	}
	for (tries = 0; ; tries++) {
		layout_release(l);
		memset(l->present, 0, sizeof(l->present));
		mmap_read_lock(mm);
		ret = walk_page_range(mm, l->start, l->start + l->npages * PAGE_SIZE,
				      &legacy_ops, l);
		mmap_read_unlock(mm);
		KUNIT_ASSERT_EQ(test, ret, 0);
		lru_add_drain_all();	/* the new pages onto the LRU lists */
		if (layout_settled(l))
			break;
		KUNIT_ASSERT_LT_MSG(test, tries, LAYOUT_SETTLE_TRIES,
				    "pages of the layout kept moving or unmapped");
		l->settle_waits++;
		msleep(20);
	}
}

/*
 * What a stop said, recorded inside the walk (atomic context: a page table
 * lock, or interrupts off) and checked after it, where KUnit may sleep and
 * a failed assertion does not leave a lock held.
 */
struct stop_rec {
	unsigned long addr, next, start, size, pfn, addr_pfn;
	enum pt_level level;
	enum pt_entry_type type;
	unsigned int nr;
	bool write, dirty, young, special, clipped, locked;
};

#define MAX_STOPS	(LAYOUT_PAGES + 8)

static void record_stop(struct stop_rec *r, const struct mm_walk_state *s,
			const struct pt_leaf *leaf)
{
	r->addr = leaf->addr;
	r->next = leaf->next;
	r->level = leaf->level;
	r->type = leaf->type;
	r->nr = leaf->nr;
	r->locked = s->ptl;
	r->start = mm_walk_leaf_start(leaf);
	r->size = mm_walk_leaf_size(leaf);
	r->clipped = mm_walk_is_clipped(leaf);
	if (leaf->type != PT_ENTRY_LEAF)
		return;
	r->write = mm_walk_is_write(leaf);
	r->dirty = mm_walk_is_dirty(leaf);
	r->young = mm_walk_is_young(leaf);
	r->special = mm_walk_is_special(leaf);
	r->pfn = mm_walk_pfn(leaf);
	r->addr_pfn = mm_walk_addr_pfn(leaf);
}

/*
 * The entry pointers a stop kept, for every level from the stop's up,
 * recorded inside the walk and checked after it.
 */
struct ptr_rec {
	unsigned long addr;
	enum pt_level level;
	void *entp[PT_NR_LEVELS];
	void *table[PT_NR_LEVELS];
	struct ptdesc *ptdesc[PT_NR_LEVELS];
};

/*
 * The stop's own entry is the leaf's (in a loop, the cursor's PTE entry may
 * be behind it in the same table); the levels above are the cursor's.
 */
static void record_ptrs(struct ptr_rec *r, const struct mm_walk_state *s,
			const struct pt_leaf *leaf)
{
	int l;

	r->addr = leaf->addr;
	r->level = leaf->level;
	for (l = 0; l < PT_NR_LEVELS; l++) {
		r->entp[l] = l == leaf->level ? leaf->entp : s->pt[l].entp;
		/* Only the levels passed have a table. */
		r->table[l] = l >= leaf->level ? mm_walk_table(s, l) : NULL;
		r->ptdesc[l] = l >= leaf->level ? mm_walk_ptdesc(s, l) : NULL;
	}
}

/* Bytes of a table of @level: its entries times their size. */
static unsigned long table_bytes(enum pt_level level)
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
 * Every entry pointer a stop kept lies inside the table recorded for it
 * (for a folded level, the table of the level it is folded into), never on
 * the stack, and is the entry the legacy pgd_offset() -> p4d_offset() ->
 * pud_offset() -> pmd_offset() chain gives.  The caller holds the mmap
 * lock: the upper tables the chain reads stay.
 */
static void check_ptrs(struct kunit *test, struct mm_struct *mm,
		       const struct ptr_rec *r)
{
	unsigned long addr = r->addr;
	struct ptdesc *legacy_pte_ptdesc;
	void *legacy[PT_NR_LEVELS];
	int l, owner;

	legacy[PT_LEVEL_PGD] = pgd_offset(mm, addr);
	legacy[PT_LEVEL_P4D] = p4d_offset(legacy[PT_LEVEL_PGD], addr);
	legacy[PT_LEVEL_PUD] = pud_offset(legacy[PT_LEVEL_P4D], addr);
	legacy[PT_LEVEL_PMD] = pmd_offset(legacy[PT_LEVEL_PUD], addr);
	legacy[PT_LEVEL_PTE] = NULL;
	legacy_pte_ptdesc = page_ptdesc(pmd_page(pmdp_get(legacy[PT_LEVEL_PMD])));
	/*
	 * The descent tests for a folded level only where the arch says one
	 * may be (arch_pt_run_time_folds): a level the legacy helpers fold
	 * here must be one of them.  arm64's run-time folds read the table
	 * above at the folded level's index, the entry above at index 0
	 * alone, and are not folds to the cursor (see <asm/pt_walk.h>).
	 */
	for (l = PT_LEVEL_PMD; l < PT_LEVEL_PGD; l++)
		KUNIT_EXPECT_TRUE_MSG(test, legacy[l] != legacy[l + 1] ||
				      pt_level_may_fold(l) ||
				      (IS_ENABLED(CONFIG_ARM64) &&
				       !((addr >> mm_walk_level_shift(l)) &
					 (table_bytes(l) / sizeof(pte_t) - 1))),
				      "%lx: level %d folded, not in arch_pt_run_time_folds",
				      addr, l);

	for (l = r->level; l < PT_NR_LEVELS; l++) {
		void *entp = r->entp[l], *table;

		KUNIT_EXPECT_FALSE_MSG(test, object_is_on_stack(entp),
				       "%lx: level %d entry is on the stack", addr, l);
		/* A folded level shares the entry of the level above. */
		owner = l;
		while (pt_level_may_fold(owner) && r->entp[owner] == r->entp[owner + 1])
			owner++;
		table = r->table[owner];
		KUNIT_EXPECT_PTR_EQ_MSG(test, r->table[l], table, "%lx: level %d", addr, l);
		KUNIT_EXPECT_TRUE_MSG(test, entp >= table && entp < table + table_bytes(owner),
				      "%lx: level %d entry outside its table", addr, l);
		if (owner != l)
			KUNIT_EXPECT_NULL_MSG(test, r->ptdesc[l], "%lx: level %d", addr, l);
		else if (l == PT_LEVEL_PTE)
			/* The page the legacy PMD points to (HIGHPTE: kmapped). */
			KUNIT_EXPECT_PTR_EQ_MSG(test, r->ptdesc[l], legacy_pte_ptdesc,
						"%lx: level %d", addr, l);
		else if (l < PT_LEVEL_PGD)
			KUNIT_EXPECT_PTR_EQ_MSG(test, r->ptdesc[l], virt_to_ptdesc(table),
						"%lx: level %d", addr, l);
		if (l == PT_LEVEL_PTE)
			KUNIT_EXPECT_EQ_MSG(test, (entp - table) / sizeof(pte_t),
					    pte_index(addr), "%lx", addr);
		else
			KUNIT_EXPECT_PTR_EQ_MSG(test, entp, legacy[l],
						"%lx: level %d", addr, l);
	}
	KUNIT_EXPECT_PTR_EQ(test, r->table[PT_LEVEL_PGD], (void *)mm->pgd);
}

/* Check one present PTE stop against the model. */
static void check_pte_leaf(struct kunit *test, const struct layout *l,
			   const struct stop_rec *r, unsigned long i)
{
	KUNIT_EXPECT_NE_MSG(test, l->state[i], LAYOUT_UNTOUCHED, "page %lu", i);
	KUNIT_EXPECT_TRUE_MSG(test, l->present[i], "page %lu", i);
	KUNIT_EXPECT_EQ_MSG(test, r->pfn, l->pfn[i], "page %lu", i);
	KUNIT_EXPECT_EQ_MSG(test, r->addr_pfn, l->pfn[i], "page %lu", i);
	if (l->state[i] == LAYOUT_READ) {
		KUNIT_EXPECT_TRUE_MSG(test, is_zero_pfn(r->pfn), "page %lu", i);
		KUNIT_EXPECT_FALSE_MSG(test, r->write, "page %lu", i);
	} else if (l->state[i] == LAYOUT_WRITTEN) {
		u8 *kaddr;

		KUNIT_EXPECT_TRUE_MSG(test, r->write, "page %lu", i);
		KUNIT_EXPECT_TRUE_MSG(test, r->dirty, "page %lu", i);
		KUNIT_EXPECT_TRUE_MSG(test, r->young, "page %lu", i);
		KUNIT_EXPECT_FALSE_MSG(test, r->special, "page %lu", i);
		if (!pfn_valid(r->addr_pfn)) {
			KUNIT_FAIL(test, "page %lu: pfn %lx has no struct page", i, r->addr_pfn);
			return;
		}
		kaddr = kmap_local_page(pfn_to_page(r->addr_pfn));
		KUNIT_EXPECT_EQ_MSG(test, kaddr[0], l->byte[i], "page %lu", i);
		kunmap_local(kaddr);
	}
}

/*
 * Walk the layout and check that the stops are in order and, with holes
 * reported, tile the range exactly, each matching the model.
 */
/* Not a walk flag: the body lets go of everything at every third stop. */
#define TEST_PAUSE	BIT(31)

static void layout_check_walk(struct kunit *test, const struct layout *l,
			      struct stop_rec *recs, unsigned int flags)
{
	unsigned long end = l->start + l->npages * PAGE_SIZE;
	struct mm_struct *mm = current->mm;
	unsigned long expect = l->start;
	unsigned long leaves = 0, want = 0, i;
	const struct pt_leaf *leaf;
	struct mm_walk_state s;
	unsigned int n = 0, k;

	for (i = 0; i < l->npages; i++)
		want += l->state[i] != LAYOUT_UNTOUCHED;

	if (flags & MM_WALK_LOCKED)
		mmap_read_lock(mm);
	else
		local_irq_disable();
	for_each_pt_leaf(leaf, &s, mm, l->start, end, flags & ~TEST_PAUSE) {
		if (n < MAX_STOPS)
			record_stop(&recs[n], &s, leaf);
		/* The next stop is found from the top, at the same place. */
		if ((flags & TEST_PAUSE) && n % 3 == 1)
			mm_walk_pause(leaf);
		n++;
	}
	mm_walk_end(&s);
	if (flags & MM_WALK_LOCKED)
		mmap_read_unlock(mm);
	else
		local_irq_enable();

	KUNIT_EXPECT_EQ(test, s.err, 0);
	KUNIT_EXPECT_NULL(test, s.ptl);
	KUNIT_EXPECT_FALSE(test, s.pte_mapped);
	KUNIT_ASSERT_LE(test, n, MAX_STOPS);
	for (k = 0; k < n; k++) {
		const struct stop_rec *r = &recs[k];

		/* With holes the stops tile the range, else they only ascend. */
		if (flags & MM_WALK_HOLES)
			KUNIT_EXPECT_EQ(test, r->addr, expect);
		else
			KUNIT_EXPECT_GE(test, r->addr, expect);
		KUNIT_EXPECT_GT(test, r->next, r->addr);
		KUNIT_EXPECT_LE(test, r->next, end);
		if (test->status == KUNIT_FAILURE)
			return;
		expect = r->next;
		/* A locked stop at PTE level holds the table's lock. */
		if ((flags & MM_WALK_LOCKED) && r->level == PT_LEVEL_PTE)
			KUNIT_EXPECT_TRUE(test, r->locked);
		if (!(flags & MM_WALK_LOCKED))
			KUNIT_EXPECT_FALSE(test, r->locked);
		/*
		 * MM_WALK_RUNS: a run covers @nr whole pages of its kind, and
		 * is as long as it can be: the next stop, if it follows at
		 * once in the same PTE table, is of the other kind.
		 */
		if ((flags & MM_WALK_RUNS) && r->level == PT_LEVEL_PTE) {
			KUNIT_EXPECT_EQ(test, r->next - r->addr,
					(unsigned long)r->nr * PAGE_SIZE);
			if (k + 1 < n && recs[k + 1].addr == r->next &&
			    recs[k + 1].level == PT_LEVEL_PTE &&
			    (r->next & ~PMD_MASK) && !(flags & TEST_PAUSE))
				KUNIT_EXPECT_NE_MSG(test, recs[k + 1].type, r->type,
						    "run at %lx cut short",
						    r->addr - l->start);
		} else {
			KUNIT_EXPECT_EQ(test, r->nr, 1);
		}
		if (r->type != PT_ENTRY_LEAF) {
			/* A hole: nothing of the model is mapped in it. */
			KUNIT_EXPECT_EQ(test, r->type, PT_ENTRY_NONE);
			for (i = (r->addr - l->start) >> PAGE_SHIFT;
			     i < (r->next - l->start) >> PAGE_SHIFT; i++)
				KUNIT_EXPECT_EQ_MSG(test, l->state[i], LAYOUT_UNTOUCHED,
						    "page %lu in a hole at level %d", i, r->level);
			continue;
		}
		KUNIT_EXPECT_EQ(test, r->level, PT_LEVEL_PTE);
		KUNIT_EXPECT_EQ(test, r->size, PAGE_SIZE);
		KUNIT_EXPECT_FALSE(test, r->clipped);
		check_pte_leaf(test, l, r, (r->addr - l->start) >> PAGE_SHIFT);
		/* The other pages of a run: mapped in the model. */
		for (i = ((r->addr - l->start) >> PAGE_SHIFT) + 1;
		     i < (r->next - l->start) >> PAGE_SHIFT; i++)
			KUNIT_EXPECT_NE_MSG(test, l->state[i], LAYOUT_UNTOUCHED,
					    "page %lu in a run of present PTEs", i);
		leaves += r->nr;
	}
	if (flags & MM_WALK_HOLES)
		KUNIT_EXPECT_EQ(test, expect, end);
	KUNIT_EXPECT_EQ(test, leaves, want);
}

/*
 * The cursor against the model: seeded random layouts of a 256-page range
 * placed across a PMD boundary (two PTE tables), walked locked and lockless,
 * with and without holes.
 */
static void pt_walk_model_random(struct kunit *test)
{
	/* Room for the largest layout after a PMD boundary, any page size. */
	unsigned long len = 2 * PMD_SIZE + LAYOUT_PAGES * PAGE_SIZE, base, seed;
	struct stop_rec *recs;
	struct mm_struct *mm;
	struct layout *l;
	struct rnd_state rnd;

	l = kunit_kzalloc(test, sizeof(*l), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, l);
	recs = kunit_kcalloc(test, MAX_STOPS, sizeof(*recs), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, recs);
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
				l->state[i] = LAYOUT_UNTOUCHED;
			else
				l->state[i] = (r >> 8) % 4 ? LAYOUT_WRITTEN : LAYOUT_READ;
			l->byte[i] = r >> 16;
		}
		layout_apply(test, l);
		layout_check_walk(test, l, recs, MM_WALK_HOLES);
		layout_check_walk(test, l, recs, MM_WALK_HOLES | MM_WALK_LOCKED);
		layout_check_walk(test, l, recs, MM_WALK_LOCKED);
		layout_check_walk(test, l, recs, 0);
		layout_check_walk(test, l, recs, MM_WALK_HOLES | TEST_PAUSE);
		layout_check_walk(test, l, recs, MM_WALK_LOCKED | TEST_PAUSE);
		/* Runs of present, and of none, PTEs. */
		layout_check_walk(test, l, recs, MM_WALK_HOLES | MM_WALK_RUNS);
		layout_check_walk(test, l, recs, MM_WALK_HOLES | MM_WALK_RUNS |
					      MM_WALK_LOCKED);
		layout_check_walk(test, l, recs, MM_WALK_RUNS | MM_WALK_LOCKED);
		layout_check_walk(test, l, recs, MM_WALK_HOLES | MM_WALK_RUNS |
					      MM_WALK_LOCKED | TEST_PAUSE);
		if (test->status == KUNIT_FAILURE) {
			kunit_info(test, "first failing seed %lu", seed);
			return;
		}
		/* Drop everything for the next layout. */
		KUNIT_ASSERT_EQ(test, do_madvise(mm, base, len, MADV_DONTNEED), 0);
	}
	if (l->settle_waits)
		kunit_info(test, "%lu waits for pages being moved", l->settle_waits);
}

/*
 * The level a PUD table's ptdesc records: s390 (CRST tables) and powerpc
 * (a kmem cache) allocate PUD tables without pagetable_pud_ctor(), which
 * leaves it unrecorded (-1).
 */
#if defined(CONFIG_S390) || defined(CONFIG_PPC)
#define PUD_CTOR_LEVEL	-1
#else
#define PUD_CTOR_LEVEL	2
#endif

/* Seeking single addresses: mapped pages, holes in a table, missing tables. */
static void pt_walk_seek(struct kunit *test)
{
	struct mm_struct *mm;
	struct layout *l;
	struct mm_walk_state s;
	unsigned long i, far, k;
	bool far_ok;

	l = kunit_kzalloc(test, sizeof(*l), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, l);
	l->npages = 16;
	l->start = map_anon(test, l->npages * PAGE_SIZE);
	mm = current->mm;
	for (i = 0; i < l->npages; i++) {
		static const u8 states[] = { LAYOUT_WRITTEN, LAYOUT_READ, LAYOUT_UNTOUCHED };

		l->state[i] = states[i % 3];
		l->byte[i] = 0x40 + i;
	}
	layout_apply(test, l);

	for (i = 0; i < l->npages; i++) {
		unsigned long addr = l->start + i * PAGE_SIZE + (i * 8 % PAGE_SIZE);

		struct stop_rec r;
		spinlock_t *held, *expected = NULL;	/* PTE table locks */
		int lvl[PT_NR_LEVELS];
		bool found;
		int k;

		/* Record under the lock; check after it is dropped. */
		mmap_read_lock(mm);
		found = mm_walk_seek_leaf(&s, mm, addr, MM_WALK_LOCKED);
		record_stop(&r, &s, &s.leaf);
		held = s.ptl;
		for (k = 0; k < PT_NR_LEVELS; k++)
			lvl[k] = k >= s.level && mm_walk_ptdesc(&s, k) ?
				 ptdesc_level(mm_walk_ptdesc(&s, k)) : -2;
		mm_walk_end(&s);
		if (found)
			expected = pte_lockptr(mm, s.pt[PT_LEVEL_PMD].entp);
		mmap_read_unlock(mm);

		KUNIT_EXPECT_NULL(test, s.ptl);
		KUNIT_EXPECT_EQ(test, r.addr, addr);
		KUNIT_EXPECT_EQ(test, r.start, addr & PAGE_MASK);
		KUNIT_EXPECT_EQ(test, r.level, PT_LEVEL_PTE);
		if (l->state[i] == LAYOUT_UNTOUCHED) {
			KUNIT_EXPECT_FALSE(test, found);
			KUNIT_EXPECT_EQ(test, r.type, PT_ENTRY_NONE);
			continue;
		}
		KUNIT_EXPECT_TRUE(test, found);
		/* The PTE table's lock, which its ptdesc holds, was held. */
		KUNIT_EXPECT_NOT_NULL(test, held);
		KUNIT_EXPECT_PTR_EQ(test, held, expected);
		/*
		 * The tables passed, with the level their constructor recorded:
		 * PTE and PMD tables (and PUD tables where that level is not
		 * folded, see PUD_CTOR_LEVEL) are built with one; the
		 * top-level table is not (-2: no ptdesc, a folded level).
		 */
		KUNIT_EXPECT_EQ(test, lvl[PT_LEVEL_PTE], 0);
		if (s.pt[PT_LEVEL_PMD].entp == s.pt[PT_LEVEL_PUD].entp)
			KUNIT_EXPECT_EQ(test, lvl[PT_LEVEL_PMD], -2);	/* folded */
		else
			KUNIT_EXPECT_EQ(test, lvl[PT_LEVEL_PMD], 1);
		/*
		 * arm64 without LPA2 reads the top page as the PUD table
		 * where the PUD folds at run time (see <asm/pt_walk.h>).
		 */
		if (lvl[PT_LEVEL_PUD] != -2)
			KUNIT_EXPECT_EQ(test, lvl[PT_LEVEL_PUD],
					mm_walk_table(&s, PT_LEVEL_PUD) == (void *)mm->pgd ?
					-1 : PUD_CTOR_LEVEL);
		KUNIT_EXPECT_EQ(test, lvl[PT_LEVEL_PGD], -1);
		KUNIT_EXPECT_PTR_EQ(test, mm_walk_table(&s, PT_LEVEL_PGD), (void *)mm->pgd);
		check_pte_leaf(test, l, &r, i);
	}

	/*
	 * An address PUD-aligned far from the mapping: no PMD table there,
	 * so the walk stops at a none entry above the PTE level, and that
	 * entry's size is the size of its level.
	 */
	/*
	 * Below the mapping (mmap() goes top down): above it may lie beyond
	 * what a lockless walk may read (the ASCE limit of an s390 mm).
	 */
	far_ok = false;
	mmap_read_lock(mm);
	for (k = 64; k && !far_ok; k /= 4) {
		far = ALIGN_DOWN(l->start, PUD_SIZE) - k * PUD_SIZE;
		far_ok = far < l->start && !find_vma_intersection(mm, far, far + PUD_SIZE);
	}
	/*
	 * Or above it, in the user address space, where mmap() goes bottom
	 * up or little lies below (32-bit arm: three 1G PUD entries).
	 */
	for (k = 1; k <= 4 && !far_ok; k++) {
		unsigned long limit = mm->task_size ? mm->task_size : TASK_SIZE;

		far = ALIGN(l->start + l->npages * PAGE_SIZE, PUD_SIZE) + (k - 1) * PUD_SIZE;
		far_ok = far > l->start && far < limit && limit - far >= PUD_SIZE &&
			 !find_vma_intersection(mm, far, far + PUD_SIZE);
	}
	mmap_read_unlock(mm);
	KUNIT_EXPECT_TRUE(test, far_ok);
	if (far_ok) {
		local_irq_disable();
		KUNIT_EXPECT_FALSE(test, mm_walk_seek_leaf(&s, mm, far, 0));
		mm_walk_end(&s);
		local_irq_enable();
		KUNIT_EXPECT_EQ(test, s.err, 0);
		KUNIT_EXPECT_EQ(test, s.type, PT_ENTRY_NONE);
		/*
		 * Above the PMD level, but where the PMD is folded and with
		 * PAE (its 4 PMD tables are allocated with the mm) the PMD
		 * entry is the highest that can be none.
		 */
		if (PTRS_PER_PMD == 1 || IS_ENABLED(CONFIG_X86_PAE))
			KUNIT_EXPECT_EQ(test, s.level, PT_LEVEL_PMD);
		else
			KUNIT_EXPECT_GT(test, s.level, PT_LEVEL_PMD);
		KUNIT_EXPECT_EQ(test, mm_walk_leaf_size(&s.leaf),
				1UL << mm_walk_level_shift(s.level));
	}
}

/*
 * The span a table of the lowest level above the PMD maps (1 GiB with 4K
 * pages, 4 MiB on i386 without PAE): crossing it steps the entry of an upper
 * table, which is folded into the top one on 2- and 3-level geometries and
 * on riscv Sv39 and Sv48 at run time.
 */
static unsigned long upper_span(void)
{
	unsigned long pud_size = PUD_SIZE;

	/* Where the PMD is folded, the PUD is too, into the top. */
	return pud_size > PMD_SIZE ? pud_size : PGDIR_SIZE;
}

/*
 * The cursor keeps only pointers into live page tables, on every geometry:
 * a walk and seeks across a boundary of @span, locked and lockless, checked
 * against the legacy chain.
 */
static void entry_pointers_across(struct kunit *test, unsigned long span)
{
	unsigned long raw, b, addrs[4];
	struct ptr_rec recs[8];
	const struct pt_leaf *leaf;
	struct mm_walk_state s;
	struct mm_struct *mm = current->mm;
	unsigned int n, k, mode;

	/* A window of 2 PMDs on each side of a free span boundary. */
	raw = -ENOMEM;
	for (b = span; b && b + 2 * PMD_SIZE <= mm->task_size; b += span) {
		/* Below mmap_min_addr or taken: the next one. */
		if (b < 2 * PMD_SIZE)
			continue;
		raw = kunit_vm_mmap(test, NULL, b - 2 * PMD_SIZE, 4 * PMD_SIZE,
				    PROT_READ | PROT_WRITE,
				    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE |
				    MAP_FIXED_NOREPLACE, 0);
		if (!IS_ERR_VALUE(raw))
			break;
	}
	KUNIT_ASSERT_FALSE_MSG(test, IS_ERR_VALUE(raw), "no free %lx boundary", span);
	KUNIT_ASSERT_EQ(test, raw, b - 2 * PMD_SIZE);
	if (IS_ENABLED(CONFIG_TRANSPARENT_HUGEPAGE))
		KUNIT_ASSERT_EQ(test, do_madvise(mm, raw, 4 * PMD_SIZE, MADV_NOHUGEPAGE), 0);
	addrs[0] = b - PMD_SIZE;
	addrs[1] = b - PAGE_SIZE;
	addrs[2] = b;
	addrs[3] = b + PMD_SIZE + PAGE_SIZE;
	if (addrs[0] == addrs[1])
		addrs[0] -= PAGE_SIZE;
	for (k = 0; k < ARRAY_SIZE(addrs); k++)
		KUNIT_ASSERT_EQ(test, put_user(k + 1, (u8 __user *)addrs[k]), 0);

	for (mode = 0; mode < 2; mode++) {
		unsigned int flags = mode ? MM_WALK_LOCKED : 0;

		/* A walk over the boundary: it steps the upper entries. */
		n = 0;
		mmap_read_lock(mm);
		if (!mode)
			local_irq_disable();
		for_each_pt_leaf(leaf, &s, mm, addrs[0], addrs[3] + PAGE_SIZE, flags) {
			if (n < ARRAY_SIZE(recs))
				record_ptrs(&recs[n], &s, leaf);
			n++;
		}
		if (!mode)
			local_irq_enable();
		KUNIT_EXPECT_EQ(test, s.err, 0);
		KUNIT_EXPECT_EQ_MSG(test, n, ARRAY_SIZE(addrs), "mode %u", mode);
		for (k = 0; k < min_t(unsigned int, n, ARRAY_SIZE(addrs)); k++) {
			KUNIT_EXPECT_EQ(test, recs[k].addr, addrs[k]);
			KUNIT_EXPECT_EQ(test, recs[k].level, PT_LEVEL_PTE);
			check_ptrs(test, mm, &recs[k]);
		}

		/* Seeks: to each page, and to the hole before the last. */
		for (k = 0; k < ARRAY_SIZE(addrs); k++) {
			bool found;

			if (!mode)
				local_irq_disable();
			found = mm_walk_seek_leaf(&s, mm, addrs[k], flags);
			record_ptrs(&recs[k], &s, &s.leaf);
			mm_walk_end(&s);
			if (!mode)
				local_irq_enable();
			KUNIT_EXPECT_TRUE(test, found);
			check_ptrs(test, mm, &recs[k]);
		}
		if (!mode)
			local_irq_disable();
		mm_walk_seek_leaf(&s, mm, addrs[3] - PMD_SIZE, flags);
		record_ptrs(&recs[0], &s, &s.leaf);
		mm_walk_end(&s);
		if (!mode)
			local_irq_enable();
		KUNIT_EXPECT_NE(test, s.type, PT_ENTRY_LEAF);
		check_ptrs(test, mm, &recs[0]);
		mmap_read_unlock(mm);
	}
	kunit_info(test, "pages on both sides of %lx, a boundary of %lx", b, span);
}

/*
 * Across a boundary of every upper level's entries the address space has
 * room for: a PUD-size one (a PGD one where the PUD is folded), P4D-size and
 * PGD-size ones.  A level folded at run time is among them: arm64 without
 * LPA2 reads its top table as the P4D one (pgd_to_folded_p4d()), whose
 * entries the walk steps at a P4D boundary.
 */
static void pt_walk_entry_pointers(struct kunit *test)
{
	unsigned long spans[] = { upper_span(), P4D_SIZE, PGDIR_SIZE };
	unsigned int i, j, crossed = 0;

	if (!current->mm)
		map_anon(test, PAGE_SIZE);
	for (i = 0; i < ARRAY_SIZE(spans); i++) {
		unsigned long span = spans[i];

		for (j = 0; j < i; j++)
			if (spans[j] == span)
				span = 0;
		/* 32-bit: a span of 4G is 0; a top entry may map it all. */
		if (!span || span > current->mm->task_size - 2 * PMD_SIZE)
			continue;
		entry_pointers_across(test, span);
		crossed++;
	}
	KUNIT_EXPECT_GT(test, crossed, 0);
}

#ifdef CONFIG_64BIT
/*
 * High user addresses: a page at each hint of 4T, 1P and 8P that the
 * address space has room for, and at its top (s390 adds a region-second table to the mm
 * for the first, a region-first table for the last; x86, arm64 and riscv
 * place mappings above 128T only on such a hint), walked and sought with
 * every pointer checked.
 */
static void pt_walk_high_addresses(struct kunit *test)
{
	unsigned long hints[] = { 1UL << 42, 1UL << 50, 1UL << 53, 0 };
	unsigned int k, n, mapped = 0;
	const struct pt_leaf *leaf;
	struct mm_walk_state s;
	struct ptr_rec rec;
	struct mm_struct *mm;
	unsigned long addr;
	int i;

	map_anon(test, PAGE_SIZE);
	mm = current->mm;
	/* And the top of the address space, whatever its size. */
	hints[ARRAY_SIZE(hints) - 1] = ALIGN_DOWN(mm->task_size - 2 * PMD_SIZE, PMD_SIZE);
	for (k = 0; k < ARRAY_SIZE(hints); k++) {
		if (hints[k] + 2 * PMD_SIZE > mm->task_size)
			continue;
		addr = kunit_vm_mmap(test, NULL, hints[k], 2 * PAGE_SIZE,
				     PROT_READ | PROT_WRITE,
				     MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, 0);
		if (IS_ERR_VALUE(addr)) {
			kunit_info(test, "no mapping at %lx (%ld)", hints[k], (long)addr);
			continue;
		}
		KUNIT_ASSERT_EQ(test, addr, hints[k]);
		mapped++;
#ifdef CONFIG_S390
		/* The mm grew a region table for it: its ASCE limit is above. */
		KUNIT_EXPECT_GE(test, mm->context.asce_limit - 1, addr + 2 * PAGE_SIZE - 1);
#endif
		KUNIT_ASSERT_EQ(test, put_user(0x11, (u8 __user *)addr), 0);
		KUNIT_ASSERT_EQ(test, put_user(0x22, (u8 __user *)(addr + PAGE_SIZE)), 0);
		for (i = 0; i < 2; i++) {
			unsigned int flags = i ? MM_WALK_LOCKED : 0;

			n = 0;
			mmap_read_lock(mm);
			if (!i)
				local_irq_disable();
			for_each_pt_leaf(leaf, &s, mm, addr - PMD_SIZE, addr + 2 * PAGE_SIZE,
					 flags | MM_WALK_HOLES) {
				if (leaf->type == PT_ENTRY_LEAF && leaf->addr == addr + PAGE_SIZE)
					record_ptrs(&rec, &s, leaf);
				n += leaf->type == PT_ENTRY_LEAF;
			}
			if (!i)
				local_irq_enable();
			KUNIT_EXPECT_EQ(test, s.err, 0);
			KUNIT_EXPECT_EQ_MSG(test, n, 2, "%lx", addr);
			if (n == 2)
				check_ptrs(test, mm, &rec);
			if (!i)
				local_irq_disable();
			KUNIT_EXPECT_TRUE(test, mm_walk_seek_leaf(&s, mm, addr, flags));
			record_ptrs(&rec, &s, &s.leaf);
			mm_walk_end(&s);
			if (!i)
				local_irq_enable();
			check_ptrs(test, mm, &rec);
			mmap_read_unlock(mm);
		}
	}
	kunit_info(test, "%u of %zu high hints mapped", mapped, ARRAY_SIZE(hints));
	KUNIT_EXPECT_GT(test, mapped, 0);
}
#endif

/*
 * A replacement of pt_walk_test_table_gone(): the first @table_gone
 * descents to a PTE table find it gone, as when khugepaged collapses it
 * under the walk.
 */
static unsigned int table_gone;

static bool fake_table_gone(struct mm_walk_state *s)
{
	if (!table_gone)
		return false;
	table_gone--;
	return true;
}

/*
 * A locked walk whose PTE table keeps going away tries again until it gets
 * it, as the legacy walkers do (ACTION_AGAIN): it neither fails nor skips.
 * A lockless one gives up with -EAGAIN after a few tries, as gup_fast does.
 */
static void pt_walk_retry(struct kunit *test)
{
	unsigned long start, k;
	const struct pt_leaf *leaf;
	struct mm_walk_state s;
	struct mm_struct *mm;
	unsigned int n = 0;
	bool found;

	start = map_anon(test, 4 * PAGE_SIZE);
	mm = current->mm;
	for (k = 0; k < 4; k++)
		KUNIT_ASSERT_EQ(test, put_user(k, (u8 __user *)(start + k * PAGE_SIZE)), 0);
	kunit_activate_static_stub(test, pt_walk_test_table_gone, fake_table_gone);
	WRITE_ONCE(pt_walk_test_hooks, true);

	table_gone = 50;
	mmap_read_lock(mm);
	for_each_pt_leaf(leaf, &s, mm, start, start + 4 * PAGE_SIZE, MM_WALK_LOCKED)
		n++;
	KUNIT_EXPECT_EQ(test, s.err, 0);
	KUNIT_EXPECT_EQ(test, n, 4);
	KUNIT_EXPECT_EQ(test, s.retries, 50);

	table_gone = 50;
	found = mm_walk_seek_leaf(&s, mm, start + PAGE_SIZE, MM_WALK_LOCKED);
	mm_walk_end(&s);
	KUNIT_EXPECT_TRUE(test, found);
	KUNIT_EXPECT_EQ(test, s.err, 0);
	KUNIT_EXPECT_EQ(test, s.retries, 50);
	mmap_read_unlock(mm);

	table_gone = 50;
	local_irq_disable();
	found = mm_walk_seek_leaf(&s, mm, start + PAGE_SIZE, 0);
	mm_walk_end(&s);
	local_irq_enable();
	KUNIT_EXPECT_FALSE(test, found);
	KUNIT_EXPECT_EQ(test, s.err, -EAGAIN);
	KUNIT_EXPECT_GT(test, table_gone, 0);
	WRITE_ONCE(pt_walk_test_hooks, false);
	kunit_deactivate_static_stub(test, pt_walk_test_table_gone);
}

/* Bad input is refused with a clear error and walks nothing. */
static void pt_walk_bad_input(struct kunit *test)
{
	unsigned long start, limit;
	struct mm_struct *mm;
	const struct pt_leaf *leaf;
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
		for_each_pt_leaf(leaf, &s, mm, from, to, MM_WALK_HOLES | MM_WALK_LOCKED) \
			stops++;						\
		mmap_read_unlock(mm);						\
		KUNIT_EXPECT_EQ(test, stops, 0);				\
		KUNIT_EXPECT_EQ(test, s.err, error);				\
		KUNIT_EXPECT_NULL(test, s.ptl);					\
	} while (0)

	EXPECT_REFUSED(start, start, -EINVAL);			/* empty */
	EXPECT_REFUSED(start + PAGE_SIZE, start, -EINVAL);	/* inverted */
	/* s390 user space ends one page below the top: nothing above. */
	if (limit + PAGE_SIZE > limit)
		EXPECT_REFUSED(limit - PAGE_SIZE, limit + PAGE_SIZE, -ERANGE);
	EXPECT_REFUSED(start, ULONG_MAX, -ERANGE);
#ifdef CONFIG_64BIT
	/* Non-canonical on x86_64, beyond user space on all but s390. */
	if ((1UL << 63) >= limit)
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
	KUNIT_EXPECT_TRUE(test, mm_walk_is_write(&s.leaf));
}

/*
 * Two VMAs and the gap between them inside one PTE table: a locked walk
 * reports the gap as one hole at PT_LEVEL_PGD (it reads no table there),
 * not as the none PTEs of the table, however it steps (inline, runs); a
 * lockless walk, which knows no VMAs, reports those PTEs.  And a walk of
 * one VMA refuses a range outside it.
 */
static void pt_walk_vma_edges(struct kunit *test)
{
	unsigned long start, gap, b, end, i;
	struct vm_area_struct *vma;
	const struct pt_leaf *leaf;
	struct mm_walk_state s;
	struct mm_struct *mm;
	unsigned int flags[] = { MM_WALK_HOLES, MM_WALK_HOLES | MM_WALK_RUNS };
	int k, n;

	/* 12 pages inside one PTE table; the middle 4 unmapped. */
	start = ALIGN(map_anon(test, 2 * PMD_SIZE), PMD_SIZE) + 8 * PAGE_SIZE;
	mm = current->mm;
	gap = start + 4 * PAGE_SIZE;
	b = start + 8 * PAGE_SIZE;
	end = start + 12 * PAGE_SIZE;
	for (i = 0; i < 12; i++)
		KUNIT_ASSERT_EQ(test, put_user(1, (u8 __user *)(start + i * PAGE_SIZE)), 0);
	KUNIT_ASSERT_EQ(test, vm_munmap(gap, 4 * PAGE_SIZE), 0);

	for (k = 0; k < ARRAY_SIZE(flags); k++) {
		unsigned long pages = 0, gaps = 0;

		n = 0;
		mmap_read_lock(mm);
		for_each_pt_leaf(leaf, &s, mm, start, end, flags[k] | MM_WALK_LOCKED) {
			n++;
			if (leaf->nr == 0) {
				gaps++;
				KUNIT_EXPECT_EQ(test, leaf->level, PT_LEVEL_PGD);
				KUNIT_EXPECT_EQ(test, leaf->addr, gap);
				KUNIT_EXPECT_EQ(test, leaf->next, b);
				continue;
			}
			KUNIT_EXPECT_EQ(test, leaf->level, PT_LEVEL_PTE);
			KUNIT_EXPECT_EQ(test, leaf->type, PT_ENTRY_LEAF);
			KUNIT_EXPECT_TRUE(test, leaf->next <= gap || leaf->addr >= b);
			pages += leaf->nr;
		}
		mmap_read_unlock(mm);
		KUNIT_EXPECT_EQ(test, s.err, 0);
		KUNIT_EXPECT_EQ_MSG(test, gaps, 1, "flags %x", flags[k]);
		KUNIT_EXPECT_EQ_MSG(test, pages, 8, "flags %x", flags[k]);
		/* One stop a page, or a run on each side of the gap. */
		KUNIT_EXPECT_EQ_MSG(test, n, k ? 3 : 9, "flags %x", flags[k]);
	}

	/* Lockless: the none PTEs of the gap, one stop each. */
	n = 0;
	local_irq_disable();
	for_each_pt_leaf(leaf, &s, mm, start, end, MM_WALK_HOLES)
		n += leaf->level == PT_LEVEL_PTE && leaf->type == PT_ENTRY_NONE;
	local_irq_enable();
	KUNIT_EXPECT_EQ(test, n, 4);

	/* A walk of one VMA: empty, inverted or outside it is refused. */
	mmap_read_lock(mm);
	vma = vma_lookup(mm, start);
	KUNIT_ASSERT_NOT_NULL(test, vma);
	KUNIT_EXPECT_EQ(test, mm_walk_begin_vma(&s, vma, start, start, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, mm_walk_begin_vma(&s, vma, gap, start, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, mm_walk_begin_vma(&s, vma, start, b, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, mm_walk_begin_vma(&s, vma, vma->vm_start - PAGE_SIZE,
						gap, 0), -EINVAL);
	KUNIT_EXPECT_FALSE(test, mm_walk_next(&s));
	KUNIT_EXPECT_FALSE(test, mm_walk_seek_vma_leaf(&s, vma, b));
	KUNIT_EXPECT_EQ(test, s.err, -EINVAL);
	mm_walk_end(&s);
	mmap_read_unlock(mm);
}

/*
 * A locked walk with holes over small VMAs whose tables are missing: each
 * hole stops at the end of its VMA (a missing PMD or PUD table covers far
 * more), the next VMA and the gap before it are stops of their own.
 */
static void pt_walk_holes_in_vmas(struct kunit *test)
{
	unsigned long b, p = PAGE_SIZE, ret;
	const struct pt_leaf *leaf;
	struct mm_walk_state s;
	struct mm_struct *mm;
	struct {
		unsigned long addr, next;
		unsigned int nr;
		enum pt_entry_type type;
	} got[8];
	int n = 0, i;

	/*
	 * [b, b + 2p) read-only, [b + 2p, b + 4p) read-write, a gap, then
	 * [b + 6p, b + 8p) read-only: none ever touched, in a PMD range of
	 * their own (so no PTE table: the holes are at PMD level or above).
	 */
	b = ALIGN(map_anon(test, 3 * PMD_SIZE), PMD_SIZE);
	mm = current->mm;
	KUNIT_ASSERT_EQ(test, vm_munmap(b, PMD_SIZE), 0);
	ret = kunit_vm_mmap(test, NULL, b, 2 * p, PROT_READ,
			    MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, 0);
	KUNIT_ASSERT_EQ(test, ret, b);
	ret = kunit_vm_mmap(test, NULL, b + 2 * p, 2 * p, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, 0);
	KUNIT_ASSERT_EQ(test, ret, b + 2 * p);
	ret = kunit_vm_mmap(test, NULL, b + 6 * p, 2 * p, PROT_READ,
			    MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, 0);
	KUNIT_ASSERT_EQ(test, ret, b + 6 * p);

	mmap_read_lock(mm);
	for_each_pt_leaf(leaf, &s, mm, b, b + 8 * p, MM_WALK_LOCKED | MM_WALK_HOLES) {
		if (n < ARRAY_SIZE(got)) {
			got[n].addr = leaf->addr;
			got[n].next = leaf->next;
			got[n].nr = leaf->nr;
			got[n].type = leaf->type;
		}
		n++;
	}
	mmap_read_unlock(mm);
	KUNIT_EXPECT_EQ(test, s.err, 0);
	KUNIT_ASSERT_EQ(test, n, 4);
	for (i = 0; i < n; i++) {
		static const unsigned long start[] = { 0, 2, 4, 6 }, end[] = { 2, 4, 6, 8 };

		KUNIT_EXPECT_EQ_MSG(test, got[i].addr, b + start[i] * p, "stop %d", i);
		KUNIT_EXPECT_EQ_MSG(test, got[i].next, b + end[i] * p, "stop %d", i);
		KUNIT_EXPECT_EQ_MSG(test, got[i].type, PT_ENTRY_NONE, "stop %d", i);
		/* The gap between VMAs has no entry: @nr 0. */
		KUNIT_EXPECT_EQ_MSG(test, got[i].nr, i == 2 ? 0 : 1, "stop %d", i);
	}
}

/*
 * mm_walk_seek_vma_range(): the first stop is the entry that maps @start,
 * whatever it is, as a seek stops (a hole or a none PTE too, which a walk
 * without MM_WALK_HOLES would not report), held under its lock; then
 * mm_walk_next() goes on over the rest of the range as the flags ask.  The
 * VMA is one PMD range and two pages: pages 0 and 2 written, the rest of
 * the first PTE table none, no PTE table for the last two pages.
 */
static void pt_walk_seek_vma_range(struct kunit *test)
{
	const unsigned long p = PAGE_SIZE, ptes = PMD_SIZE / PAGE_SIZE;
	static const struct {
		unsigned long start;	/* pages from the VMA's start */
		unsigned int flags;
		bool table;		/* a PTE stop, or a missing table */
		enum pt_entry_type type;
		long more;		/* stops after the first; -1: ptes - 1 */
	} want[] = {
		{ 0, 0, true, PT_ENTRY_LEAF, 1 },
		{ 1, 0, true, PT_ENTRY_NONE, 1 },
		{ 2, 0, true, PT_ENTRY_LEAF, 0 },
		{ 1, MM_WALK_HOLES, true, PT_ENTRY_NONE, -1 },
		{ ~0UL, 0, false, PT_ENTRY_NONE, 0 },	/* the PMD range after */
	};
	struct vm_area_struct *vma;
	struct mm_walk_state s;
	struct mm_struct *mm;
	unsigned long b, e, ret, start;
	spinlock_t *held, *expected;
	unsigned int i;
	bool found;
	long more;

	/* In a PROT_NONE mapping, which the VMA cannot merge with. */
	b = kunit_vm_mmap(test, NULL, 0, 3 * PMD_SIZE, PROT_NONE,
			  MAP_PRIVATE | MAP_ANONYMOUS, 0);
	KUNIT_ASSERT_FALSE(test, IS_ERR_VALUE(b));
	b = ALIGN(b, PMD_SIZE);
	e = b + PMD_SIZE + 2 * p;
	mm = current->mm;
	ret = kunit_vm_mmap(test, NULL, b, e - b, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, 0);
	KUNIT_ASSERT_EQ(test, ret, b);
	if (IS_ENABLED(CONFIG_TRANSPARENT_HUGEPAGE))
		KUNIT_ASSERT_EQ(test, do_madvise(mm, b, e - b, MADV_NOHUGEPAGE), 0);
	KUNIT_ASSERT_EQ(test, put_user(1, (u8 __user *)b), 0);
	KUNIT_ASSERT_EQ(test, put_user(1, (u8 __user *)(b + 2 * p)), 0);

	for (i = 0; i < ARRAY_SIZE(want); i++) {
		start = want[i].start == ~0UL ? b + PMD_SIZE :
			b + want[i].start * p;
		mmap_read_lock(mm);
		vma = vma_lookup(mm, start);
		KUNIT_ASSERT_NOT_NULL(test, vma);
		KUNIT_ASSERT_EQ(test, vma->vm_end, e);
		found = mm_walk_seek_vma_range(&s, vma, start, e, want[i].flags);
		held = s.ptl;
		expected = want[i].table ?
			   pte_lockptr(mm, s.pt[PT_LEVEL_PMD].entp) : NULL;
		KUNIT_EXPECT_EQ_MSG(test, s.err, 0, "case %u", i);
		KUNIT_EXPECT_EQ_MSG(test, found, want[i].type == PT_ENTRY_LEAF,
				    "case %u", i);
		KUNIT_EXPECT_EQ_MSG(test, s.type, want[i].type, "case %u", i);
		KUNIT_EXPECT_EQ_MSG(test, s.addr, start, "case %u", i);
		KUNIT_EXPECT_EQ_MSG(test, s.nr, 1, "case %u", i);
		if (want[i].table) {
			KUNIT_EXPECT_EQ_MSG(test, s.level, PT_LEVEL_PTE, "case %u", i);
			KUNIT_EXPECT_EQ_MSG(test, s.next, start + p, "case %u", i);
			KUNIT_EXPECT_PTR_EQ_MSG(test, held, expected, "case %u", i);
		} else {
			/* A missing table, clipped to the range (the VMA). */
			KUNIT_EXPECT_GT_MSG(test, s.level, PT_LEVEL_PTE, "case %u", i);
			KUNIT_EXPECT_EQ_MSG(test, s.next, e, "case %u", i);
		}
		more = 0;
		while (mm_walk_next(&s))
			more++;
		mmap_read_unlock(mm);
		KUNIT_EXPECT_EQ_MSG(test, s.err, 0, "case %u", i);
		KUNIT_EXPECT_NULL(test, s.ptl);
		/* With holes: page 2, then each none PTE, then the PMD hole. */
		KUNIT_EXPECT_EQ_MSG(test, more,
				    want[i].more < 0 ? (long)ptes - 1 : want[i].more,
				    "case %u", i);
	}

	/* Refused: empty, inverted, beyond the VMA; nothing is held. */
	mmap_read_lock(mm);
	vma = vma_lookup(mm, b);
	KUNIT_ASSERT_NOT_NULL(test, vma);
	for (i = 0; i < 3; i++) {
		static const long from[] = { 0, 2, 0 }, to[] = { 0, 1, 1 };

		found = mm_walk_seek_vma_range(&s, vma, b + from[i] * p,
					       i == 2 ? e + p : b + to[i] * p, 0);
		KUNIT_EXPECT_FALSE_MSG(test, found, "refusal %u", i);
		KUNIT_EXPECT_EQ_MSG(test, s.err, -EINVAL, "refusal %u", i);
		KUNIT_EXPECT_EQ_MSG(test, s.type, PT_ENTRY_NONE, "refusal %u", i);
		KUNIT_EXPECT_EQ_MSG(test, s.nr, 0, "refusal %u", i);
		KUNIT_EXPECT_NULL(test, s.ptl);
		KUNIT_EXPECT_FALSE(test, mm_walk_next(&s));
		mm_walk_end(&s);
	}
	mmap_read_unlock(mm);
}

/* Leaving a locked loop early with mm_walk_end() releases the lock. */
static void pt_walk_early_exit(struct kunit *test)
{
	struct mm_struct *mm;
	const struct pt_leaf *leaf;
	struct mm_walk_state s;
	unsigned long start, i;
	spinlock_t *ptl = NULL;
	int stops = 0;

	start = map_anon(test, 8 * PAGE_SIZE);
	mm = current->mm;
	for (i = 0; i < 8; i++)
		KUNIT_ASSERT_EQ(test, put_user(1, (u8 __user *)(start + i * PAGE_SIZE)), 0);

	mmap_read_lock(mm);
	for_each_pt_leaf(leaf, &s, mm, start, start + 8 * PAGE_SIZE, MM_WALK_LOCKED) {
		if (++stops == 3) {
			ptl = s.ptl;
			break;
		}
	}
	KUNIT_EXPECT_NOT_NULL(test, ptl);
	KUNIT_EXPECT_TRUE(test, s.pte_mapped);
#ifdef CONFIG_LOCKDEP
	if (ptl)
		KUNIT_EXPECT_TRUE(test, lockdep_is_held(ptl));
#endif
	mm_walk_end(&s);
	KUNIT_EXPECT_NULL(test, s.ptl);
	KUNIT_EXPECT_FALSE(test, s.pte_mapped);
#ifdef CONFIG_LOCKDEP
	if (ptl)
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
/* A PMD-aligned, THP-enabled, empty 2 MiB range in the test's mm. */
static unsigned long map_thp_range(struct kunit *test)
{
	unsigned long thp;

	if (!has_transparent_hugepage())
		kunit_skip(test, "no transparent huge pages on this machine");
	thp = ALIGN(map_anon(test, 3 * PMD_SIZE), PMD_SIZE);
	KUNIT_ASSERT_EQ(test, do_madvise(current->mm, thp, PMD_SIZE, MADV_HUGEPAGE), 0);
	return thp;
}

/*
 * A THP is one leaf at PMD level, reported once with its size, and the walk
 * does not split it.
 */
static void pt_walk_thp(struct kunit *test)
{
	struct mm_struct *mm;
	const struct pt_leaf *leaf;
	struct mm_walk_state s;
	struct stop_rec recs[4], seek;
	unsigned long thp;
	unsigned int stops = 0;
	struct folio *folio;
	bool found;

	thp = map_thp_range(test);
	mm = current->mm;
	KUNIT_ASSERT_EQ(test, put_user(7, (u8 __user *)(thp + 5 * PAGE_SIZE)), 0);

	mmap_read_lock(mm);
	if (!mm_walk_seek_leaf(&s, mm, thp, MM_WALK_LOCKED) || s.level != PT_LEVEL_PMD) {
		mm_walk_end(&s);
		mmap_read_unlock(mm);
		kunit_skip(test, "the fault did not map a THP (none free?)");
	}
	mm_walk_end(&s);

	/* Start the walk inside the THP: the stop is clipped. */
	for_each_pt_leaf(leaf, &s, mm, thp + PAGE_SIZE, thp + PMD_SIZE + PAGE_SIZE,
			 MM_WALK_LOCKED | MM_WALK_HOLES) {
		if (stops < ARRAY_SIZE(recs))
			record_stop(&recs[stops], &s, leaf);
		stops++;
	}
	/* Seek inside it again: still one PMD leaf, nothing was split. */
	found = mm_walk_seek_leaf(&s, mm, thp + 5 * PAGE_SIZE, MM_WALK_LOCKED);
	record_stop(&seek, &s, &s.leaf);
	mm_walk_end(&s);
	mmap_read_unlock(mm);

	/* The leaf and one hole after it (no table for the next PMD). */
	KUNIT_ASSERT_EQ(test, stops, 2);
	KUNIT_EXPECT_EQ(test, recs[0].type, PT_ENTRY_LEAF);
	KUNIT_EXPECT_EQ(test, recs[0].level, PT_LEVEL_PMD);
	KUNIT_EXPECT_EQ(test, recs[0].size, PMD_SIZE);
	KUNIT_EXPECT_EQ(test, recs[0].start, thp);
	KUNIT_EXPECT_EQ(test, recs[0].addr, thp + PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, recs[0].next, thp + PMD_SIZE);
	KUNIT_EXPECT_TRUE(test, recs[0].clipped);
	KUNIT_EXPECT_TRUE(test, recs[0].write);
	KUNIT_EXPECT_TRUE(test, recs[0].dirty);
	KUNIT_EXPECT_TRUE(test, recs[0].locked);
	KUNIT_EXPECT_EQ(test, recs[0].addr_pfn, recs[0].pfn + 1);
	KUNIT_ASSERT_TRUE(test, pfn_valid(recs[0].pfn));
	folio = pfn_folio(recs[0].pfn);
	KUNIT_EXPECT_EQ(test, folio_size(folio), PMD_SIZE);
	KUNIT_EXPECT_EQ(test, folio_pfn(folio), recs[0].pfn);
	KUNIT_EXPECT_EQ(test, recs[1].type, PT_ENTRY_NONE);
	KUNIT_EXPECT_EQ(test, recs[1].addr, thp + PMD_SIZE);

	KUNIT_EXPECT_TRUE(test, found);
	KUNIT_EXPECT_EQ(test, seek.level, PT_LEVEL_PMD);
	KUNIT_EXPECT_EQ(test, seek.pfn, recs[0].pfn);
	KUNIT_EXPECT_EQ(test, seek.addr_pfn, recs[0].pfn + 5);
}

#define THP_RUN		4	/* THPs side by side */
#define THP_RUN_STOPS	(THP_RUN + PTRS_PER_PTE + 4)

/*
 * The leaves of [@start, @end) as seeks from the top find them, one address
 * after the other: what a walk must report, whatever way it steps.
 */
static unsigned int seek_leaves(struct kunit *test, unsigned long start,
				unsigned long end, struct stop_rec *exp)
{
	struct mm_struct *mm = current->mm;
	struct mm_walk_state s;
	struct stop_rec r;
	unsigned long addr;
	unsigned int n = 0;

	mmap_read_lock(mm);
	for (addr = start; addr < end; addr = r.start + r.size) {
		mm_walk_seek_leaf(&s, mm, addr, MM_WALK_LOCKED);
		record_stop(&r, &s, &s.leaf);
		mm_walk_end(&s);
		if (r.type != PT_ENTRY_LEAF)
			continue;
		if (n == THP_RUN_STOPS)
			break;
		exp[n] = r;
		exp[n].addr = max(r.start, start);
		exp[n].next = min(r.start + r.size, end);
		n++;
	}
	mmap_read_unlock(mm);
	return n;
}

/*
 * THPs side by side, one of them split into a PTE table with a hole: a walk
 * steps from huge leaf to huge leaf of one PMD table without a descent, and
 * in and out of the PTE table.  Its leaves are those that seeks from the top
 * find, locked and lockless, and when the body lets go of everything.
 */
static void pt_walk_thp_run(struct kunit *test)
{
	static const unsigned int modes[] = {
		MM_WALK_LOCKED, 0, MM_WALK_LOCKED | MM_WALK_HOLES,
		MM_WALK_LOCKED | TEST_PAUSE, TEST_PAUSE,
	};
	unsigned long base, start, end, i;
	struct stop_rec *exp, *got;
	struct mm_struct *mm;
	const struct pt_leaf *leaf;
	struct mm_walk_state s;
	unsigned int n, m, k, j;

	if (!has_transparent_hugepage())
		kunit_skip(test, "no transparent huge pages on this machine");
	/* 512M THPs (64K pages) on a 2G machine: no room for the run. */
	if ((THP_RUN + 1) * PMD_SIZE > totalram_pages() << PAGE_SHIFT)
		kunit_skip(test, "no room for %d THPs of %lu MiB", THP_RUN + 1,
			   PMD_SIZE >> 20);
	exp = kunit_kcalloc(test, THP_RUN_STOPS, sizeof(*exp), GFP_KERNEL);
	got = kunit_kcalloc(test, THP_RUN_STOPS, sizeof(*got), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, exp);
	KUNIT_ASSERT_NOT_NULL(test, got);
	base = ALIGN(map_anon(test, (THP_RUN + 1) * PMD_SIZE), PMD_SIZE);
	mm = current->mm;	/* made by the first kunit_vm_mmap() */
	KUNIT_ASSERT_EQ(test, do_madvise(mm, base, THP_RUN * PMD_SIZE, MADV_HUGEPAGE), 0);
	for (i = 0; i < THP_RUN; i++)
		KUNIT_ASSERT_EQ(test, put_user(i, (u8 __user *)(base + i * PMD_SIZE)), 0);
	/* Split the third: a PTE table, with a hole at its second page. */
	KUNIT_ASSERT_EQ(test, do_madvise(mm, base + 2 * PMD_SIZE + PAGE_SIZE, PAGE_SIZE,
					 MADV_DONTNEED), 0);
	/* From inside the first to inside the last: both clipped. */
	start = base + PAGE_SIZE;
	end = base + THP_RUN * PMD_SIZE - PAGE_SIZE;
	m = seek_leaves(test, start, end, exp);
	for (j = 0, i = 0; j < m; j++)
		i += exp[j].level == PT_LEVEL_PMD;
	if (i < 2)
		kunit_skip(test, "the faults mapped %lu THPs (none free?)", i);

	for (k = 0; k < ARRAY_SIZE(modes); k++) {
		unsigned int flags = modes[k] & ~TEST_PAUSE;

		n = 0;
		mmap_read_lock(mm);
		if (!(flags & MM_WALK_LOCKED))
			local_irq_disable();
		for_each_pt_leaf(leaf, &s, mm, start, end, flags) {
			if (leaf->type == PT_ENTRY_LEAF && n < THP_RUN_STOPS)
				record_stop(&got[n++], &s, leaf);
			if ((modes[k] & TEST_PAUSE) && n % 2)
				mm_walk_pause(leaf);
		}
		if (!(flags & MM_WALK_LOCKED))
			local_irq_enable();
		mmap_read_unlock(mm);
		KUNIT_EXPECT_EQ(test, s.err, 0);
		KUNIT_ASSERT_EQ_MSG(test, n, m, "mode %x", modes[k]);
		for (j = 0; j < n; j++) {
			KUNIT_EXPECT_EQ_MSG(test, got[j].addr, exp[j].addr, "mode %x stop %u",
					    modes[k], j);
			KUNIT_EXPECT_EQ_MSG(test, got[j].next, exp[j].next, "mode %x stop %u",
					    modes[k], j);
			KUNIT_EXPECT_EQ_MSG(test, got[j].level, exp[j].level, "mode %x stop %u",
					    modes[k], j);
			KUNIT_EXPECT_EQ_MSG(test, got[j].pfn, exp[j].pfn, "mode %x stop %u",
					    modes[k], j);
			KUNIT_EXPECT_EQ(test, got[j].locked, !!(flags & MM_WALK_LOCKED));
			if (test->status == KUNIT_FAILURE)
				return;
		}
	}
}

/*
 * The span of the address space one PMD table maps, or 0 where the PMD level
 * is folded at compile time (its table is the one above).
 */
static unsigned long pmd_table_span(void)
{
	return PTRS_PER_PMD > 1 ? PTRS_PER_PMD * PMD_SIZE : 0;
}

/*
 * Map THPs at @base + i * PMD_SIZE for @first <= i < 4, in a VMA of four
 * PMDs at @base; returns how many of them are THPs.
 */
static unsigned int map_thps_at(struct kunit *test, unsigned long base,
				unsigned int first)
{
	struct mm_struct *mm = current->mm;
	struct mm_walk_state s;
	unsigned int i, n = 0;
	unsigned long ret;

	ret = kunit_vm_mmap(test, NULL, base, 4 * PMD_SIZE, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, 0);
	KUNIT_EXPECT_EQ(test, ret, base);
	if (ret != base)
		return 0;
	KUNIT_EXPECT_EQ(test, do_madvise(mm, base, 4 * PMD_SIZE, MADV_HUGEPAGE), 0);
	for (i = first; i < 4; i++)
		KUNIT_EXPECT_EQ(test, put_user(i, (u8 __user *)(base + i * PMD_SIZE)), 0);
	mmap_read_lock(mm);
	for (i = first; i < 4; i++) {
		n += mm_walk_seek_leaf(&s, mm, base + i * PMD_SIZE, MM_WALK_LOCKED) &&
		     s.level == PT_LEVEL_PMD;
		mm_walk_end(&s);
	}
	mmap_read_unlock(mm);
	return n;
}

#define RESUME_SOAK	16

/*
 * While a lockless walk is let go of: unmap its four PMDs at @base, which
 * zaps and frees their PMD table (@old_table, nothing else maps its range),
 * and map THPs again from the second PMD on, in a new PMD table.  Not in the
 * page just freed, which the allocator would hand back first: @soak takes
 * it, and the caller keeps @soak until the walk is over.  When the old
 * table's page is among them, it is filled with the PMD of the last THP, as
 * a freed table reused for something else would read: a walk that steps on
 * in it reports that THP's page at every PMD.
 */
static void resume_remap(struct kunit *test, unsigned long base, void *old_table,
			 struct page **soak)
{
	struct mm_struct *mm = current->mm;
	struct mm_walk_state s;
	unsigned int i, j;
	pmd_t last;

	KUNIT_EXPECT_EQ(test, vm_munmap(base, 4 * PMD_SIZE), 0);
	for (i = 0; i < RESUME_SOAK; i++)
		soak[i] = alloc_page(GFP_KERNEL);
	map_thps_at(test, base, 1);
	mmap_read_lock(mm);
	if (!mm_walk_seek_leaf(&s, mm, base + 3 * PMD_SIZE, MM_WALK_LOCKED) ||
	    s.level != PT_LEVEL_PMD) {
		mm_walk_end(&s);
		mmap_read_unlock(mm);
		return;
	}
	last = s.entry.pmd;
	mm_walk_end(&s);
	mmap_read_unlock(mm);
	for (i = 0; i < RESUME_SOAK; i++) {
		pmd_t *table = soak[i] ? page_address(soak[i]) : NULL;

		if (!table || virt_to_page(old_table) != soak[i])
			continue;
		for (j = 0; j < PTRS_PER_PMD; j++)
			WRITE_ONCE(table[j], last);
	}
}

/*
 * A lockless walk let go of at a PMD-level stop (mm_walk_pause() in a loop,
 * or mm_walk_end() between two mm_walk_next() of a cursor), then interrupts
 * on, goes on from the top.  Meanwhile munmap() has zapped and freed the PMD
 * table the stop was in, and the range was mapped again with THPs, in a new
 * PMD table: the walk must report those, from the new table, not step on
 * in the freed one (all none by then, so that it reported nothing more;
 * KASAN reports the read).
 */
static void pt_walk_lockless_resume(struct kunit *test)
{
	unsigned long span = pmd_table_span(), raw, base, i;
	struct stop_rec first, after[4];
	const struct pt_leaf *leaf;
	struct mm_walk_state s;
	struct mm_struct *mm;
	void *old_table, *new_table;
	struct page *soak[RESUME_SOAK];
	unsigned long pfns[4];
	unsigned int stops_before, stops_after, nthp, mode;
	bool paused;

	if (!has_transparent_hugepage())
		kunit_skip(test, "no transparent huge pages on this machine");
	if (!span)
		kunit_skip(test, "no PMD tables: the PMD level is folded");
	/* A PMD table of its own: the range it maps has no other VMA. */
	raw = kunit_vm_mmap(test, NULL, 0, 2 * span, PROT_NONE,
			    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, 0);
	if (IS_ERR_VALUE(raw) || !raw)
		kunit_skip(test, "no room for two PMD table spans");
	mm = current->mm;
	base = ALIGN(raw, span);
	KUNIT_ASSERT_EQ(test, vm_munmap(raw, 2 * span), 0);

	/* Mode 0: a for_each_pt_leaf() loop; mode 1: mm_walk_next(). */
	for (mode = 0; mode < 2; mode++) {
		KUNIT_ASSERT_EQ(test, vm_munmap(base, 4 * PMD_SIZE), 0);
		if (map_thps_at(test, base, 0) < 2)
			kunit_skip(test, "the faults mapped fewer than 2 THPs (none free?)");
		mmap_read_lock(mm);
		mm_walk_seek_leaf(&s, mm, base, MM_WALK_LOCKED);
		old_table = mm_walk_table(&s, PT_LEVEL_PMD);
		mm_walk_end(&s);
		mmap_read_unlock(mm);

		stops_before = 0;
		stops_after = 0;
		paused = false;
		memset(&first, 0, sizeof(first));
		memset(after, 0, sizeof(after));
		local_irq_disable();
		if (mode == 0) {
			for_each_pt_leaf(leaf, &s, mm, base, base + 4 * PMD_SIZE, 0) {
				if (paused) {
					if (stops_after < ARRAY_SIZE(after))
						record_stop(&after[stops_after], &s, leaf);
					stops_after++;
					continue;
				}
				record_stop(&first, &s, leaf);
				stops_before++;
				mm_walk_pause(leaf);
				paused = true;
				local_irq_enable();
				resume_remap(test, base, old_table, soak);
				local_irq_disable();
			}
		} else {
			mm_walk_begin(&s, mm, base, base + 4 * PMD_SIZE, 0);
			while (mm_walk_next(&s)) {
				if (paused) {
					if (stops_after < ARRAY_SIZE(after))
						record_stop(&after[stops_after], &s, &s.leaf);
					stops_after++;
					continue;
				}
				record_stop(&first, &s, &s.leaf);
				stops_before++;
				mm_walk_end(&s);
				paused = true;
				local_irq_enable();
				resume_remap(test, base, old_table, soak);
				local_irq_disable();
			}
		}
		local_irq_enable();
		if (paused)
			for (i = 0; i < RESUME_SOAK; i++)
				if (soak[i])
					__free_page(soak[i]);

		KUNIT_EXPECT_EQ_MSG(test, s.err, 0, "mode %u", mode);
		KUNIT_EXPECT_EQ_MSG(test, stops_before, 1, "mode %u", mode);
		KUNIT_EXPECT_EQ_MSG(test, first.level, PT_LEVEL_PMD, "mode %u", mode);
		KUNIT_EXPECT_EQ_MSG(test, first.addr, base, "mode %u", mode);
		/* What a walk from the top finds now, and whether its table is new. */
		mmap_read_lock(mm);
		for (nthp = 0, new_table = NULL, i = 1; i < 4; i++) {
			if (mm_walk_seek_leaf(&s, mm, base + i * PMD_SIZE, MM_WALK_LOCKED) &&
			    s.level == PT_LEVEL_PMD)
				pfns[nthp++] = mm_walk_pfn(&s.leaf);
			new_table = mm_walk_table(&s, PT_LEVEL_PMD);
			mm_walk_end(&s);
		}
		mmap_read_unlock(mm);
		if (new_table == old_table)
			kunit_skip(test, "mode %u: the new PMD table is the old one's page again",
				   mode);
		/* Only THPs after the pause: their stops are the expected ones. */
		if (nthp < 3)
			kunit_skip(test, "mode %u: the faults after the pause mapped %u THPs",
				   mode, nthp);
		KUNIT_EXPECT_EQ_MSG(test, stops_after, nthp,
				    "mode %u: %u stops after the pause, %u THPs mapped there",
				    mode, stops_after, nthp);
		for (i = 0; i < min(stops_after, nthp); i++) {
			KUNIT_EXPECT_EQ(test, after[i].level, PT_LEVEL_PMD);
			KUNIT_EXPECT_EQ(test, after[i].addr, base + (i + 1) * PMD_SIZE);
			KUNIT_EXPECT_EQ_MSG(test, after[i].pfn, pfns[i],
					    "mode %u: stop %lu has another THP's page", mode, i);
		}
	}
}

/*
 * mm_walk_leaf_unchanged(): a lockless stop holds while nothing changes;
 * after a THP collapse (MADV_COLLAPSE) replaced the PMD entry the walk went
 * through to a PTE, the stop no longer holds, as gup_fast's recheck of the
 * PMD finds.  The PMD table stays (a collapse frees only the PTE table), so
 * the cursor's PMD entry pointer can still be read for the check.
 */
static void pt_walk_lockless_recheck(struct kunit *test)
{
	struct mm_walk_state s, saved;
	struct mm_struct *mm;
	unsigned long base, i;
	bool found;
	int ret;

	if (!has_transparent_hugepage())
		kunit_skip(test, "no transparent huge pages on this machine");
	base = ALIGN(map_anon(test, 2 * PMD_SIZE), PMD_SIZE);
	mm = current->mm;
	/* 4K pages first: a PTE table under one PMD. */
	KUNIT_ASSERT_EQ(test, do_madvise(mm, base, PMD_SIZE, MADV_NOHUGEPAGE), 0);
	for (i = 0; i < PMD_SIZE / PAGE_SIZE; i++)
		KUNIT_ASSERT_EQ(test, put_user(1, (u8 __user *)(base + i * PAGE_SIZE)), 0);

	local_irq_disable();
	found = mm_walk_seek_leaf(&s, mm, base + 5 * PAGE_SIZE, 0);
	KUNIT_EXPECT_TRUE(test, found);
	KUNIT_EXPECT_EQ(test, s.level, PT_LEVEL_PTE);
	KUNIT_EXPECT_TRUE(test, mm_walk_leaf_unchanged(&s, &s.leaf));
	/* The PMD value kept is the live one, a table. */
	KUNIT_EXPECT_TRUE(test, pmd_same(pmdp_get_lockless(s.pt[PT_LEVEL_PMD].entp),
					 s.pt[PT_LEVEL_PMD].entry.pmd));
	KUNIT_EXPECT_FALSE(test, pmd_leaf(s.pt[PT_LEVEL_PMD].entry.pmd));
	saved = s;
	mm_walk_end(&s);
	local_irq_enable();

	KUNIT_ASSERT_EQ(test, do_madvise(mm, base, PMD_SIZE, MADV_HUGEPAGE), 0);
	ret = do_madvise(mm, base, PMD_SIZE, MADV_COLLAPSE);
	if (ret)
		kunit_skip(test, "MADV_COLLAPSE failed (%d): no THP free?", ret);

	/* Only the PMD is read: the PTE table is gone. */
	local_irq_disable();
	KUNIT_EXPECT_FALSE(test, mm_walk_leaf_unchanged(&saved, &saved.leaf));
	found = mm_walk_seek_leaf(&s, mm, base + 5 * PAGE_SIZE, 0);
	KUNIT_EXPECT_TRUE(test, found);
	KUNIT_EXPECT_EQ(test, s.level, PT_LEVEL_PMD);
	KUNIT_EXPECT_TRUE(test, mm_walk_leaf_unchanged(&s, &s.leaf));
	mm_walk_end(&s);
	local_irq_enable();
}
#endif

/*
 * Shared anonymous memory (shmem): written pages are PTE leaves of the
 * shmem folios the legacy walker sees, untouched pages are holes.
 */
static void pt_walk_shmem(struct kunit *test)
{
	struct stop_rec *recs;
	struct layout *l;
	unsigned long i;

	l = kunit_kzalloc(test, sizeof(*l), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, l);
	l->npages = 64;
	l->start = kunit_vm_mmap(test, NULL, 0, l->npages * PAGE_SIZE,
				 PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, 0);
	KUNIT_ASSERT_FALSE(test, IS_ERR_VALUE(l->start));
	/* A read fault would map a page of the file, not the zero page. */
	for (i = 0; i < l->npages; i++) {
		l->state[i] = (i * 7) % 5 < 2 ? LAYOUT_WRITTEN : LAYOUT_UNTOUCHED;
		l->byte[i] = 0x80 + i;
	}
	layout_apply(test, l);
	recs = kunit_kcalloc(test, MAX_STOPS, sizeof(*recs), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, recs);
	layout_check_walk(test, l, recs, MM_WALK_HOLES | MM_WALK_LOCKED);
	layout_check_walk(test, l, recs, 0);
}

#ifdef CONFIG_HUGETLB_PAGE
/*
 * Map @size bytes of hugetlb memory with pages of 2^@shift bytes, without a
 * reservation: only the page the test touches comes from the pool.
 */
static unsigned long map_hugetlb(unsigned long size, unsigned int shift)
{
	return ksys_mmap_pgoff(0, size, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB |
			       MAP_NORESERVE | (shift << MAP_HUGE_SHIFT), -1, 0);
}

/*
 * hugetlb pages are leaves at their own level (PMD for 2M, PUD for 1G on
 * x86_64), reported once, with the hugetlb VMA lock held by a locked walk.
 */
static void pt_walk_hugetlb_size(struct kunit *test, unsigned int shift,
				 enum pt_level level)
{
	unsigned long size = 1UL << shift, addr;
	struct vm_area_struct *vma_locked[8], *vma;
	struct stop_rec recs[8], seek, none;
	unsigned int stops = 0, k;
	bool found, none_found;
	const struct pt_leaf *leaf;
	struct mm_walk_state s;
	struct ptr_rec ptrs;
	struct mm_struct *mm;
	struct folio *folio;
	int leaves = 0;

	/* Any mapping first: it gives the test an mm. */
	map_anon(test, PAGE_SIZE);
	mm = current->mm;
	addr = map_hugetlb(2 * size, shift);
	if (IS_ERR_VALUE(addr))
		kunit_skip(test, "no %lu KiB hugetlb pages (boot with hugepagesz=, hugepages=)",
			   size >> 10);
	if (put_user(0x5a, (u8 __user *)(addr + size + 3 * PAGE_SIZE))) {
		vm_munmap(addr, 2 * size);
		kunit_skip(test, "the %lu KiB hugetlb pool is empty", size >> 10);
	}

	mmap_read_lock(mm);
	for_each_pt_leaf(leaf, &s, mm, addr, addr + 2 * size, MM_WALK_LOCKED | MM_WALK_HOLES) {
		if (stops < ARRAY_SIZE(recs)) {
			record_stop(&recs[stops], &s, leaf);
			vma_locked[stops] = s.hugetlb_vma;
		}
		/* The lock hugetlb takes for the entry (huge_pte_lock()). */
		if (leaf->type == PT_ENTRY_LEAF && s.hugetlb_vma)
			KUNIT_EXPECT_PTR_EQ(test, s.ptl,
					    huge_pte_lockptr(hstate_vma(s.hugetlb_vma), mm,
							     leaf->entp));
		stops++;
	}
	KUNIT_EXPECT_NULL(test, s.hugetlb_vma);
	KUNIT_EXPECT_NULL(test, s.ptl);
	/* Seek inside it: the frame of the page written. */
	found = mm_walk_seek_leaf(&s, mm, addr + size + 3 * PAGE_SIZE, MM_WALK_LOCKED);
	record_stop(&seek, &s, &s.leaf);
	record_ptrs(&ptrs, &s, &s.leaf);
	mm_walk_end(&s);
	/* A PUD leaf on a folded PUD is the top entry, never a copy of it. */
	check_ptrs(test, mm, &ptrs);
	mmap_read_unlock(mm);

	/*
	 * What mprotect(PROT_NONE) writes (hugetlb_change_protection()) is
	 * still a present leaf to the mm, with its frame, at every level
	 * (x86: _PAGE_PROTNONE in place of _PAGE_PRESENT).
	 */
	mmap_write_lock(mm);
	vma = find_vma(mm, addr);
	KUNIT_ASSERT_NOT_NULL(test, vma);
	KUNIT_EXPECT_GT(test, hugetlb_change_protection(vma, addr, addr + 2 * size,
							vm_get_page_prot(VM_NONE), 0), 0);
	mmap_write_downgrade(mm);
	none_found = mm_walk_seek_leaf(&s, mm, addr + size + 3 * PAGE_SIZE, MM_WALK_LOCKED);
	record_stop(&none, &s, &s.leaf);
	mm_walk_end(&s);
	mmap_read_unlock(mm);
	KUNIT_EXPECT_TRUE(test, none_found);
	KUNIT_EXPECT_EQ(test, none.type, PT_ENTRY_LEAF);
	KUNIT_EXPECT_EQ(test, none.level, level);
	KUNIT_EXPECT_EQ(test, none.pfn, seek.pfn);
	KUNIT_EXPECT_FALSE(test, none.write);

	/* The first half was never touched: holes, then the one leaf. */
	KUNIT_ASSERT_GE(test, stops, 2);
	KUNIT_ASSERT_LE(test, stops, ARRAY_SIZE(recs));
	for (k = 0; k < stops; k++) {
		/* The hugetlb VMA lock is held at every stop in the VMA. */
		KUNIT_EXPECT_NOT_NULL(test, vma_locked[k]);
		if (recs[k].addr < addr + size) {
			KUNIT_EXPECT_EQ(test, recs[k].type, PT_ENTRY_NONE);
			continue;
		}
		KUNIT_EXPECT_EQ(test, recs[k].type, PT_ENTRY_LEAF);
		KUNIT_EXPECT_EQ(test, recs[k].level, level);
		/* A contiguous page: one stop of all its entries. */
		KUNIT_EXPECT_EQ(test, recs[k].size * recs[k].nr, size);
		KUNIT_EXPECT_FALSE(test, recs[k].clipped);
		KUNIT_EXPECT_EQ(test, recs[k].addr, addr + size);
		KUNIT_EXPECT_EQ(test, recs[k].next, addr + 2 * size);
		KUNIT_EXPECT_TRUE(test, recs[k].write);
		KUNIT_EXPECT_TRUE(test, recs[k].dirty);
		KUNIT_EXPECT_TRUE(test, recs[k].locked);
		if (!pfn_valid(recs[k].pfn)) {
			KUNIT_FAIL(test, "pfn %lx has no struct page", recs[k].pfn);
			continue;
		}
		folio = pfn_folio(recs[k].pfn);
		KUNIT_EXPECT_TRUE(test, folio_test_hugetlb(folio));
		KUNIT_EXPECT_EQ(test, folio_size(folio), size);
		KUNIT_EXPECT_EQ(test, folio_pfn(folio), recs[k].pfn);
		leaves++;
	}
	KUNIT_EXPECT_EQ(test, leaves, 1);

	KUNIT_EXPECT_TRUE(test, found);
	KUNIT_EXPECT_EQ(test, seek.level, level);
	KUNIT_EXPECT_EQ(test, seek.addr_pfn, pfn_valid(seek.pfn) ?
			folio_pfn(pfn_folio(seek.pfn)) + 3 : seek.pfn + 3);
	if (found && pfn_valid(seek.addr_pfn)) {
		u8 *kaddr = kmap_local_page(pfn_to_page(seek.addr_pfn));

		KUNIT_EXPECT_EQ(test, kaddr[0], 0x5a);
		kunmap_local(kaddr);
	}
	KUNIT_EXPECT_EQ(test, vm_munmap(addr, 2 * size), 0);
}

static void pt_walk_hugetlb_pmd(struct kunit *test)
{
	pt_walk_hugetlb_size(test, PMD_SHIFT, PT_LEVEL_PMD);
}

#ifdef PT_TEST_HUGETLB_PUD
static void pt_walk_hugetlb_pud(struct kunit *test)
{
	pt_walk_hugetlb_size(test, PUD_SHIFT, PT_LEVEL_PUD);
}
#endif

#if defined(CONFIG_ARM64) || defined(CONFIG_RISCV_ISA_SVNAPOT)
/*
 * Contiguous hugetlb sizes: arm64's CONT_PTES PTEs (64K with 4K pages) and
 * CONT_PMDS PMDs (32M), riscv's 64K Svnapot PTEs: one stop, under the
 * hugetlb lock.
 */
#ifdef CONFIG_ARM64
#define PT_TEST_CONT_PTE_SHIFT	CONT_PTE_SHIFT
#else
#define PT_TEST_CONT_PTE_SHIFT	(PAGE_SHIFT + NAPOT_CONT64KB_ORDER)
#endif

static void pt_walk_hugetlb_cont_pte(struct kunit *test)
{
	pt_walk_hugetlb_size(test, PT_TEST_CONT_PTE_SHIFT, PT_LEVEL_PTE);
}
#endif

#ifdef CONFIG_ARM64
static void pt_walk_hugetlb_cont_pmd(struct kunit *test)
{
	pt_walk_hugetlb_size(test, CONT_PMD_SHIFT, PT_LEVEL_PMD);
}
#endif

#if defined(CONFIG_ARM64) || defined(CONFIG_RISCV_ISA_SVNAPOT)
/*
 * Two contiguous hugetlb pages side by side, walked from inside the first:
 * two stops, each up to the end of its page (the first from the walk's
 * start, at the frame of its address), whatever step leads from one to the
 * next (for PMDs, the step inside one PMD table under its lock).
 */
static void pt_walk_hugetlb_cont_adjacent(struct kunit *test, unsigned int shift,
					  enum pt_level level)
{
	unsigned long size = 1UL << shift, addr, start, k;
	struct mm_walk_state s;
	const struct pt_leaf *leaf;
	struct stop_rec recs[4];
	unsigned int stops = 0;

	map_anon(test, PAGE_SIZE);
	addr = map_hugetlb(2 * size, shift);
	if (IS_ERR_VALUE(addr))
		kunit_skip(test, "no %lu KiB hugetlb pages (boot with hugepagesz=, hugepages=)",
			   size >> 10);
	for (k = 0; k < 2; k++) {
		if (put_user(0x60 + k, (u8 __user *)(addr + k * size))) {
			vm_munmap(addr, 2 * size);
			kunit_skip(test, "the %lu KiB hugetlb pool has fewer than 2 pages",
				   size >> 10);
		}
	}
	/* Inside the first page, past its first entry. */
	start = addr + size / 2 + PAGE_SIZE;
	mmap_read_lock(current->mm);
	for_each_pt_leaf(leaf, &s, current->mm, start, addr + 2 * size, MM_WALK_LOCKED) {
		if (stops < ARRAY_SIZE(recs))
			record_stop(&recs[stops], &s, leaf);
		stops++;
	}
	mmap_read_unlock(current->mm);
	KUNIT_ASSERT_EQ(test, stops, 2);
	for (k = 0; k < 2; k++) {
		unsigned long from = k ? addr + size : start;

		KUNIT_EXPECT_EQ_MSG(test, recs[k].type, PT_ENTRY_LEAF, "page %lu", k);
		KUNIT_EXPECT_EQ_MSG(test, recs[k].level, level, "page %lu", k);
		KUNIT_EXPECT_EQ_MSG(test, recs[k].addr, from, "page %lu", k);
		KUNIT_EXPECT_EQ_MSG(test, recs[k].next, addr + (k + 1) * size, "page %lu", k);
		/* From the entry of its address to the page's last entry. */
		KUNIT_EXPECT_EQ_MSG(test, recs[k].nr,
				    (addr + (k + 1) * size - ALIGN_DOWN(from, recs[k].size)) /
				    recs[k].size, "page %lu", k);
		KUNIT_EXPECT_TRUE_MSG(test, recs[k].dirty, "page %lu", k);
		if (!pfn_valid(recs[k].pfn)) {
			KUNIT_FAIL(test, "page %lu: pfn %lx has no struct page", k, recs[k].pfn);
			continue;
		}
		KUNIT_EXPECT_EQ_MSG(test, recs[k].addr_pfn,
				    folio_pfn(pfn_folio(recs[k].pfn)) +
				    ((from - addr - k * size) >> PAGE_SHIFT), "page %lu", k);
		KUNIT_EXPECT_EQ_MSG(test, folio_size(pfn_folio(recs[k].pfn)), size,
				    "page %lu", k);
	}
	/* Two folios. */
	if (pfn_valid(recs[0].pfn) && pfn_valid(recs[1].pfn))
		KUNIT_EXPECT_PTR_NE(test, pfn_folio(recs[0].pfn), pfn_folio(recs[1].pfn));
	KUNIT_EXPECT_EQ(test, vm_munmap(addr, 2 * size), 0);
}

/*
 * MM_WALK_RAW: each entry of a contiguous hugetlb page is a stop of its
 * own, of one entry, whose value is the entry as ptep_get() or pmdp_get()
 * reads it (arm64's ptep_get() folds a contiguous PTE's block itself),
 * under the lock hugetlb takes.  The page's last entry alone is made old
 * first (for PMDs: pmdp_test_and_clear_young(), which clears one entry),
 * so that a stop folded over the page would show as young.  A seek in the
 * last entry with the flag stops at that entry, old.
 */
struct raw_stop {
	struct stop_rec r;
	void *entp, *want;	/* the stop's entry, the legacy chain's */
	u64 val, raw;		/* the stop's value, ptep_get()'s or pmdp_get()'s */
	unsigned long raw_pfn;	/* pte_pfn() or pmd_pfn() of that */
	spinlock_t *ptl;
};

static void pt_walk_hugetlb_cont_raw(struct kunit *test, unsigned int shift,
				     enum pt_level level)
{
	unsigned int eshift = level == PT_LEVEL_PTE ? PAGE_SHIFT : PMD_SHIFT;
	unsigned long size = 1UL << shift, esize = 1UL << eshift;
	unsigned long addr, start, last, in, k, n = size / esize;
	const unsigned int flags = MM_WALK_LOCKED | MM_WALK_RAW;
	struct raw_stop *got;
	struct vm_area_struct *vma;
	const struct pt_leaf *leaf;
	struct mm_walk_state s;
	unsigned int stops = 0;
	struct mm_struct *mm;
	spinlock_t *ptl;	/* the huge page's lock */
	struct folio *folio;
	pmd_t *pmdp;
	int young;

	map_anon(test, PAGE_SIZE);
	mm = current->mm;
	addr = map_hugetlb(size, shift);
	if (IS_ERR_VALUE(addr))
		kunit_skip(test, "no %lu KiB hugetlb pages (boot with hugepagesz=, hugepages=)",
			   size >> 10);
	if (put_user(0x61, (u8 __user *)addr)) {
		vm_munmap(addr, size);
		kunit_skip(test, "the %lu KiB hugetlb pool is empty", size >> 10);
	}
	got = kunit_kcalloc(test, n, sizeof(*got), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, got);
	last = addr + size - esize;
	/* Inside an entry, where it maps more than a page. */
	in = level == PT_LEVEL_PTE ? 0 : PAGE_SIZE;
	start = addr + in;

	mmap_read_lock(mm);
	vma = vma_lookup(mm, addr);
	if (!vma) {
		mmap_read_unlock(mm);
		KUNIT_FAIL_AND_ABORT(test, "no VMA at %#lx", addr);
	}
	pmdp = pmd_off(mm, last);
	ptl = huge_pte_lock(hstate_vma(vma), mm, (pte_t *)pmdp);
#ifdef CONFIG_TRANSPARENT_HUGEPAGE	/* pmdp_test_and_clear_young() */
	if (level == PT_LEVEL_PMD)
		young = pmdp_test_and_clear_young(vma, last, pmdp);
	else
#endif
		young = ptep_test_and_clear_young(vma, last, pte_offset_kernel(pmdp, last));
	spin_unlock(ptl);
	KUNIT_EXPECT_EQ(test, young, 1);

	for_each_pt_leaf(leaf, &s, mm, start, addr + size, flags) {
		if (stops < n) {
			unsigned long a = leaf->addr;

			record_stop(&got[stops].r, &s, leaf);
			got[stops].entp = leaf->entp;
			got[stops].ptl = s.ptl;
			/* The legacy chain's entry, read under the walk's lock. */
			pmdp = pmd_off(mm, a);
			if (level == PT_LEVEL_PTE) {
				pte_t *ptep = pte_offset_kernel(pmdp, a);

				got[stops].want = ptep;
				got[stops].raw = pte_val(ptep_get(ptep));
				got[stops].raw_pfn = pte_pfn(ptep_get(ptep));
				got[stops].val = pte_val(leaf->entry.pte);
			} else {
				got[stops].want = pmdp;
				got[stops].raw = pmd_val(pmdp_get(pmdp));
				got[stops].raw_pfn = pmd_pfn(pmdp_get(pmdp));
				got[stops].val = pmd_val(leaf->entry.pmd);
			}
		}
		stops++;
	}
	mmap_read_unlock(mm);

	KUNIT_ASSERT_EQ(test, stops, n);
	folio = NULL;
	for (k = 0; k < n; k++) {
		struct stop_rec *r = &got[k].r;

		KUNIT_EXPECT_EQ_MSG(test, r->type, PT_ENTRY_LEAF, "entry %lu", k);
		KUNIT_EXPECT_EQ_MSG(test, r->level, level, "entry %lu", k);
		KUNIT_EXPECT_EQ_MSG(test, r->nr, 1, "entry %lu", k);
		KUNIT_EXPECT_EQ_MSG(test, r->addr, k ? addr + k * esize : start, "entry %lu", k);
		KUNIT_EXPECT_EQ_MSG(test, r->next, addr + (k + 1) * esize, "entry %lu", k);
		KUNIT_EXPECT_PTR_EQ_MSG(test, got[k].entp, got[k].want, "entry %lu", k);
		KUNIT_EXPECT_EQ_MSG(test, got[k].val, got[k].raw, "entry %lu", k);
		KUNIT_EXPECT_PTR_EQ_MSG(test, got[k].ptl,
					huge_pte_lockptr(hstate_vma(vma), mm, got[k].want),
					"entry %lu", k);
		if (!pfn_valid(r->pfn)) {
			KUNIT_FAIL(test, "entry %lu: pfn %lx has no struct page", k, r->pfn);
			continue;
		}
		if (!k)
			folio = pfn_folio(r->pfn);
		/*
		 * The frame the entry holds: on arm64 its own, on riscv the
		 * page's first (its NAPOT PTEs all hold the page's value).
		 */
		KUNIT_EXPECT_EQ_MSG(test, r->pfn, got[k].raw_pfn, "entry %lu", k);
		KUNIT_EXPECT_EQ_MSG(test, r->pfn, folio_pfn(folio) +
				    (IS_ENABLED(CONFIG_RISCV) ? 0 : k * (esize >> PAGE_SHIFT)),
				    "entry %lu", k);
		/* One entry made old: the others stay young. */
		if (level == PT_LEVEL_PMD)
			KUNIT_EXPECT_EQ_MSG(test, r->young, k != n - 1, "entry %lu", k);
	}
	KUNIT_EXPECT_EQ(test, folio_size(folio), size);

	/* A seek in the last entry: that entry, old. */
	mmap_read_lock(mm);
	KUNIT_EXPECT_TRUE(test, mm_walk_seek_leaf(&s, mm, last + in, flags));
	record_stop(&got[0].r, &s, &s.leaf);
	got[0].entp = s.leaf.entp;
	mm_walk_end(&s);
	mmap_read_unlock(mm);
	KUNIT_EXPECT_EQ(test, got[0].r.nr, 1);
	KUNIT_EXPECT_EQ(test, got[0].r.addr, last + in);
	KUNIT_EXPECT_EQ(test, got[0].r.next, last + in + 1);
	KUNIT_EXPECT_PTR_EQ(test, got[0].entp, got[n - 1].want);
	if (level == PT_LEVEL_PMD)
		KUNIT_EXPECT_FALSE(test, got[0].r.young);
	KUNIT_EXPECT_EQ(test, vm_munmap(addr, size), 0);
}

static void pt_walk_hugetlb_cont_pte_raw(struct kunit *test)
{
	pt_walk_hugetlb_cont_raw(test, PT_TEST_CONT_PTE_SHIFT, PT_LEVEL_PTE);
}

#ifdef CONFIG_ARM64
static void pt_walk_hugetlb_cont_pmd_raw(struct kunit *test)
{
	pt_walk_hugetlb_cont_raw(test, CONT_PMD_SHIFT, PT_LEVEL_PMD);
}
#endif

static void pt_walk_hugetlb_cont_pte_adjacent(struct kunit *test)
{
	pt_walk_hugetlb_cont_adjacent(test, PT_TEST_CONT_PTE_SHIFT, PT_LEVEL_PTE);
}

#ifdef CONFIG_ARM64
static void pt_walk_hugetlb_cont_pmd_adjacent(struct kunit *test)
{
	pt_walk_hugetlb_cont_adjacent(test, CONT_PMD_SHIFT, PT_LEVEL_PMD);
}
#endif
#endif
#endif

/*
 * The edges of the user address space: address 0 and the last user page
 * are walked (as holes here), one past the end is refused.
 */
static void pt_walk_edges(struct kunit *test)
{
	struct stop_rec recs[2];
	struct mm_struct *mm;
	const struct pt_leaf *leaf;
	struct mm_walk_state s;
	unsigned long last;
	unsigned int n;
	bool found;

	map_anon(test, PAGE_SIZE);
	mm = current->mm;
	last = mm->task_size - PAGE_SIZE;

	/* Nothing is mapped at 0 or in the last page of a fresh test mm. */
	local_irq_disable();
	found = mm_walk_seek_leaf(&s, mm, 0, 0);
	record_stop(&recs[0], &s, &s.leaf);
	mm_walk_end(&s);
	local_irq_enable();
	KUNIT_EXPECT_FALSE(test, found);
	KUNIT_EXPECT_EQ(test, s.err, 0);
	KUNIT_EXPECT_EQ(test, recs[0].type, PT_ENTRY_NONE);
	KUNIT_EXPECT_EQ(test, recs[0].addr, 0);

	n = 0;
	mmap_read_lock(mm);
	for_each_pt_leaf(leaf, &s, mm, last, mm->task_size, MM_WALK_LOCKED | MM_WALK_HOLES) {
		if (n < ARRAY_SIZE(recs))
			record_stop(&recs[n], &s, leaf);
		n++;
	}
	mmap_read_unlock(mm);
	KUNIT_EXPECT_EQ(test, s.err, 0);
	KUNIT_ASSERT_EQ(test, n, 1);
	KUNIT_EXPECT_EQ(test, recs[0].type, PT_ENTRY_NONE);
	KUNIT_EXPECT_EQ(test, recs[0].addr, last);
	KUNIT_EXPECT_EQ(test, recs[0].next, mm->task_size);

	n = 0;
	local_irq_disable();
	for_each_pt_leaf(leaf, &s, mm, 0, PAGE_SIZE, MM_WALK_HOLES)
		n++;
	local_irq_enable();
	KUNIT_EXPECT_EQ(test, s.err, 0);
	KUNIT_EXPECT_EQ(test, n, 1);
}

#ifdef CONFIG_TRANSPARENT_HUGEPAGE
/*
 * MM_WALK_BATCH: a THP split to PTEs by MADV_DONTNEED of its first page
 * leaves 511 PTEs mapping the rest of the same folio with the same bits:
 * one stop with @nr 511.  Without batching, 511 stops.
 */
static void pt_walk_batch_thp(struct kunit *test)
{
	unsigned long thp, start_pfn = 0, next = 0;
	unsigned int n = 0, nr = 0, plain = 0;
	const struct pt_leaf *leaf;
	struct mm_walk_state s;
	struct mm_struct *mm;
	enum pt_level level;
	bool found;

	thp = map_thp_range(test);
	mm = current->mm;
	KUNIT_ASSERT_EQ(test, put_user(7, (u8 __user *)thp), 0);
	mmap_read_lock(mm);
	found = mm_walk_seek_leaf(&s, mm, thp, MM_WALK_LOCKED);
	level = s.level;
	mm_walk_end(&s);
	mmap_read_unlock(mm);
	if (!found || level != PT_LEVEL_PMD)
		kunit_skip(test, "the fault did not map a THP (none free?)");
	KUNIT_ASSERT_EQ(test, do_madvise(mm, thp, PAGE_SIZE, MADV_DONTNEED), 0);

	mmap_read_lock(mm);
	for_each_pt_leaf(leaf, &s, mm, thp, thp + PMD_SIZE, MM_WALK_LOCKED | MM_WALK_BATCH) {
		if (!n++) {
			nr = leaf->nr;
			level = leaf->level;
			start_pfn = mm_walk_pfn(leaf);
			next = leaf->next;
		}
	}
	for_each_pt_leaf(leaf, &s, mm, thp, thp + PMD_SIZE, MM_WALK_LOCKED)
		plain++;
	mmap_read_unlock(mm);

	KUNIT_EXPECT_EQ(test, n, 1);
	KUNIT_EXPECT_EQ(test, level, PT_LEVEL_PTE);
	KUNIT_EXPECT_EQ(test, nr, PTRS_PER_PTE - 1);
	KUNIT_EXPECT_EQ(test, next, thp + PMD_SIZE);
	KUNIT_EXPECT_EQ(test, plain, PTRS_PER_PTE - 1);
	if (pfn_valid(start_pfn))
		KUNIT_EXPECT_EQ(test, folio_nr_pages(pfn_folio(start_pfn)), PTRS_PER_PTE);
}
#endif

#ifdef CONFIG_TRANSPARENT_HUGEPAGE
/*
 * A read fault in a THP-eligible range maps the huge zero page: a read-only
 * PMD leaf that is_huge_zero_pmd() recognises.
 */
static void pt_walk_huge_zero(struct kunit *test)
{
	unsigned long thp, pfn;
	struct mm_walk_state s;
	struct mm_struct *mm;
	enum pt_level level;
	bool found, zero, write;
	u8 val;

	thp = map_thp_range(test);
	mm = current->mm;
	KUNIT_ASSERT_EQ(test, get_user(val, (u8 __user *)(thp + 9 * PAGE_SIZE)), 0);
	KUNIT_EXPECT_EQ(test, val, 0);

	mmap_read_lock(mm);
	found = mm_walk_seek_leaf(&s, mm, thp + 9 * PAGE_SIZE, MM_WALK_LOCKED);
	level = s.level;
	zero = level == PT_LEVEL_PMD && is_huge_zero_pmd(s.entry.pmd);
	write = mm_walk_is_write(&s.leaf);
	pfn = mm_walk_pfn(&s.leaf);
	mm_walk_end(&s);
	mmap_read_unlock(mm);

	KUNIT_EXPECT_TRUE(test, found);
	if (level != PT_LEVEL_PMD)
		kunit_skip(test, "no huge zero page (use_zero_page off?)");
	KUNIT_EXPECT_TRUE(test, zero);
	KUNIT_EXPECT_FALSE(test, write);
	KUNIT_EXPECT_TRUE(test, is_huge_zero_folio(pfn_folio(pfn)));
}
#endif

static struct kunit_case pt_walk_cases[] = {
	KUNIT_CASE(pt_walk_bad_input),
	KUNIT_CASE(pt_walk_vma_edges),
	KUNIT_CASE(pt_walk_holes_in_vmas),
	KUNIT_CASE(pt_walk_seek_vma_range),
	KUNIT_CASE(pt_walk_seek),
	KUNIT_CASE(pt_walk_entry_pointers),
#ifdef CONFIG_64BIT
	KUNIT_CASE(pt_walk_high_addresses),
#endif
	KUNIT_CASE(pt_walk_retry),
	KUNIT_CASE(pt_walk_early_exit),
	KUNIT_CASE_SLOW(pt_walk_model_random),
#ifdef CONFIG_TRANSPARENT_HUGEPAGE
	KUNIT_CASE(pt_walk_thp),
	KUNIT_CASE(pt_walk_thp_run),
	KUNIT_CASE(pt_walk_lockless_resume),
	KUNIT_CASE(pt_walk_lockless_recheck),
#endif
	KUNIT_CASE(pt_walk_edges),
#ifdef CONFIG_TRANSPARENT_HUGEPAGE
	KUNIT_CASE(pt_walk_batch_thp),
	KUNIT_CASE(pt_walk_huge_zero),
#endif
	KUNIT_CASE(pt_walk_shmem),
#ifdef CONFIG_HUGETLB_PAGE
	KUNIT_CASE(pt_walk_hugetlb_pmd),
#if defined(CONFIG_ARM64) || defined(CONFIG_RISCV_ISA_SVNAPOT)
	KUNIT_CASE(pt_walk_hugetlb_cont_pte),
	KUNIT_CASE(pt_walk_hugetlb_cont_pte_adjacent),
	KUNIT_CASE(pt_walk_hugetlb_cont_pte_raw),
#endif
#ifdef CONFIG_ARM64
	KUNIT_CASE(pt_walk_hugetlb_cont_pmd),
	KUNIT_CASE(pt_walk_hugetlb_cont_pmd_adjacent),
	KUNIT_CASE(pt_walk_hugetlb_cont_pmd_raw),
#endif
#ifdef PT_TEST_HUGETLB_PUD
	KUNIT_CASE(pt_walk_hugetlb_pud),
#endif
#endif
	{}
};

static struct kunit_suite pt_walk_suite = {
	.name = "pt_walk",
	.test_cases = pt_walk_cases,
};

kunit_test_suite(pt_walk_suite);

MODULE_DESCRIPTION("KUnit tests of the ptwalk page table cursor");
MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
MODULE_LICENSE("GPL");

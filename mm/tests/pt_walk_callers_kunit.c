// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests of the first callers of the ptwalk cursor, on real user
 * address spaces:
 *  - walk_page_range() with leaf_entry: the stops it reports;
 *  - mincore(), whose walk is now one leaf_entry: compared with the base
 *    kernel's per-level walk (pmd_entry, pte_hole, and its hugetlb walk),
 *    kept here as the reference, and with what the test itself mapped;
 *  - the GUP slow path (follow_page_mask(), now one mm_walk_seek_leaf()):
 *    the pages and reference counts it returns, checked against what the
 *    test wrote and mapped.
 */
#include <kunit/static_stub.h>
#include <kunit/test.h>
#include <linux/anon_inodes.h>
#include <linux/cred.h>
#include <linux/highmem.h>
#include <linux/huge_mm.h>
#include <linux/hugetlb.h>
#include <linux/mm.h>
#include <linux/memremap.h>
#include <linux/mman.h>
#include <linux/pagemap.h>
#include <linux/pagewalk.h>
#include <linux/pfn_t.h>
#include <linux/pgalloc.h>
#include <linux/pt_walk.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/shmem_fs.h>
#include <linux/swap.h>
#include <linux/swapops.h>
#include <linux/syscalls.h>
#include <linux/uaccess.h>

#include <asm/tlb.h>

#include "../internal.h"
#include "../swap.h"
#include "pt_walk_legacy.h"

/*
 * Architectures with PUD-size hugetlb pages (1G with 4K pages) at a PUD
 * level of their own, which a 2-level geometry does not have (with 16K
 * pages they would be 64G).
 */
#if (defined(CONFIG_X86_64) || defined(CONFIG_ARM64_4K_PAGES) || defined(CONFIG_RISCV)) && \
	CONFIG_PGTABLE_LEVELS > 2
#define PT_TEST_HUGETLB_PUD 1
#endif

/*
 * The reference: mincore()'s walk as the base kernel (6.12) does it, one
 * callback per level and hugetlb entries read as pte_t.
 */
static unsigned char ref_mincore_page(struct address_space *mapping,
				      pgoff_t index)
{
	unsigned char present = 0;
	struct folio *folio;

	folio = filemap_get_incore_folio(mapping, index);
	if (!IS_ERR(folio)) {
		present = folio_test_uptodate(folio);
		folio_put(folio);
	}
	return present;
}

static int ref_unmapped(unsigned long addr, unsigned long end,
			struct vm_area_struct *vma, unsigned char *vec)
{
	unsigned long nr = (end - addr) >> PAGE_SHIFT;
	unsigned long i;

	if (vma->vm_file) {
		pgoff_t pgoff = linear_page_index(vma, addr);

		for (i = 0; i < nr; i++, pgoff++)
			vec[i] = ref_mincore_page(vma->vm_file->f_mapping, pgoff);
	} else {
		memset(vec, 0, nr);
	}
	return nr;
}

static int ref_mincore_hole(unsigned long addr, unsigned long end,
			    __always_unused int depth, struct mm_walk *walk)
{
	walk->private += ref_unmapped(addr, end, walk->vma, walk->private);
	return 0;
}

#ifdef CONFIG_HUGETLB_PAGE
/* The base kernel's mincore_hugetlb(), on the legacy hugetlb walk. */
static int ref_mincore_hugetlb(pte_t *pte, unsigned long addr,
			       unsigned long end, void *private)
{
	struct mm_walk *walk = private;
	unsigned char *vec = walk->private;
	unsigned char present;

	if (!pte)	/* a missing table: the walk's pte_hole */
		return ref_mincore_hole(addr, end, -1, walk);
	present = !huge_pte_none_mostly(huge_ptep_get(walk->mm, addr, pte));
	for (; addr != end; vec++, addr += PAGE_SIZE)
		*vec = present;
	walk->private = vec;
	return 0;
}
#endif

static int ref_mincore_pmd(pmd_t *pmd, unsigned long addr, unsigned long end,
			   struct mm_walk *walk)
{
	struct vm_area_struct *vma = walk->vma;
	unsigned char *vec = walk->private;
	int nr = (end - addr) >> PAGE_SHIFT;
	spinlock_t *ptl;	/* the THP's or the PTE table's lock */
	pte_t *ptep;

	ptl = pmd_trans_huge_lock(pmd, vma);
	if (ptl) {
		/* Taken by pmd_trans_huge_lock(), which sparse cannot see. */
		__acquire(ptl);
		memset(vec, 1, nr);
		spin_unlock(ptl);
		goto out;
	}
	/* pte_offset_map_lock() without the __cond_lock() sparse trips on. */
	ptep = __pte_offset_map_lock(walk->mm, pmd, addr, &ptl);
	if (!ptep) {
		walk->action = ACTION_AGAIN;
		return 0;
	}
	__acquire(RCU);
	__acquire(ptl);
	for (; addr != end; ptep++, addr += PAGE_SIZE) {
		pte_t pte = ptep_get(ptep);

		if (pte_none_mostly(pte)) {
			ref_unmapped(addr, addr + PAGE_SIZE, vma, vec);
		} else if (pte_present(pte)) {
			*vec = 1;
		} else {
			swp_entry_t entry = pte_to_swp_entry(pte);

			if (non_swap_entry(entry))
				*vec = 1;
			else
#ifdef CONFIG_SWAP
				*vec = ref_mincore_page(swap_address_space(entry),
							swap_cache_index(entry));
#else
				*vec = 1;
#endif
		}
		vec++;
	}
	pte_unmap_unlock(ptep - 1, ptl);
out:
	walk->private += nr;
	return 0;
}

static const struct mm_walk_ops ref_mincore_ops = {
	.pmd_entry	= ref_mincore_pmd,
	.pte_hole	= ref_mincore_hole,
	.walk_lock	= PGWALK_RDLOCK,
};

/* The base do_mincore(), for the VMAs these tests map (all walkable). */
static long ref_do_mincore(unsigned long addr, unsigned long pages,
			   unsigned char *vec)
{
	struct vm_area_struct *vma;
	unsigned long end;
	int err;

	vma = vma_lookup(current->mm, addr);
	if (!vma)
		return -ENOMEM;
	end = min(vma->vm_end, addr + (pages << PAGE_SHIFT));
#ifdef CONFIG_HUGETLB_PAGE
	if (is_vm_hugetlb_page(vma)) {
		struct mm_walk walk = {
			.mm = vma->vm_mm, .vma = vma, .private = vec,
		};

		err = legacy_walk_hugetlb_range(vma, addr, end,
						ref_mincore_hugetlb, &walk);
		return err < 0 ? err : (end - addr) >> PAGE_SHIFT;
	}
#endif
	err = walk_page_range(vma->vm_mm, addr, end, &ref_mincore_ops, vec);
	if (err < 0)
		return err;
	return (end - addr) >> PAGE_SHIFT;
}

/* The loop of sys_mincore() around @fn, with a kernel @vec. */
static long run_mincore(long (*fn)(unsigned long, unsigned long, unsigned char *),
			unsigned long start, unsigned long pages,
			unsigned char *vec)
{
	long ret = 0;

	while (pages) {
		mmap_read_lock(current->mm);
		ret = fn(start, min(pages, PAGE_SIZE), vec);
		mmap_read_unlock(current->mm);
		if (ret <= 0)
			break;
		pages -= ret;
		vec += ret;
		start += ret << PAGE_SHIFT;
		ret = 0;
	}
	return ret;
}

/*
 * mincore() of [@start, @start + @pages pages) by the patched kernel and by
 * the reference: same return value, same bytes.  With @expect, the bytes
 * are also what the test mapped.
 */
static void check_mincore(struct kunit *test, unsigned long start,
			  unsigned long pages, const u8 *expect, long expect_ret)
{
	u8 *got, *ref;
	long ret, ref_ret;
	unsigned long i;

	got = kunit_kzalloc(test, pages, GFP_KERNEL);
	ref = kunit_kzalloc(test, pages, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, got);
	KUNIT_ASSERT_NOT_NULL(test, ref);
	memset(got, 0xee, pages);
	memset(ref, 0xee, pages);

	ret = run_mincore(do_mincore, start, pages, got);
	ref_ret = run_mincore(ref_do_mincore, start, pages, ref);
	KUNIT_EXPECT_EQ(test, ret, ref_ret);
	KUNIT_EXPECT_EQ(test, ret, expect_ret);
	for (i = 0; i < pages; i++) {
		KUNIT_EXPECT_EQ_MSG(test, got[i], ref[i], "page %lu of %lu", i, pages);
		if (got[i] != ref[i])
			break;
	}
	if (!expect)
		return;
	for (i = 0; i < pages; i++) {
		KUNIT_EXPECT_EQ_MSG(test, got[i], expect[i], "page %lu of %lu", i, pages);
		if (got[i] != expect[i])
			break;
	}
}

static unsigned long map_anon(struct kunit *test, unsigned long len,
			      unsigned long prot)
{
	unsigned long addr;

	addr = kunit_vm_mmap(test, NULL, 0, len, prot,
			     MAP_PRIVATE | MAP_ANONYMOUS, 0);
	KUNIT_ASSERT_FALSE(test, IS_ERR_VALUE(addr));
	KUNIT_ASSERT_NOT_NULL(test, current->mm);
	return addr;
}

/*
 * The PTE that maps @addr, its table mapped (pte_offset_map(): a kmap with
 * HIGHPTE; pte_unmap() it), and its lock; NULL if there is no PTE table.
 */
static pte_t *test_pte(struct mm_struct *mm, unsigned long addr,
		       spinlock_t **ptl)
{
	pmd_t *pmd = pmd_off(mm, addr);

	if (!pmd || !pmd_present(pmdp_get(pmd)) || pmd_leaf(pmdp_get(pmd)))
		return NULL;
	*ptl = pte_lockptr(mm, pmd);
	return pte_offset_map(pmd, addr);
}

/* The end of test_pte(); the __acquire() tells sparse of its RCU lock. */
static void test_pte_unmap(pte_t *ptep)
{
	__acquire(RCU);
	pte_unmap(ptep);
}

/*
 * Page @addr under migration (a migration entry for the page it maps) and
 * the next page a marker; what the two PTEs held goes to @orig.  False when
 * there is no PTE table there.
 */
static bool set_migration_and_marker(struct mm_struct *mm, unsigned long addr,
				     pte_t orig[2])
{
	spinlock_t *ptl;	/* the PTE table's lock */
	pte_t *ptep;

	mmap_write_lock(mm);
	ptep = test_pte(mm, addr, &ptl);
	if (!ptep) {
		mmap_write_unlock(mm);
		return false;
	}
	spin_lock(ptl);
	orig[0] = ptep_get(ptep);
	orig[1] = ptep_get(ptep + 1);
	set_pte_at(mm, addr, ptep,
		   swp_entry_to_pte(make_readable_migration_entry(pte_pfn(orig[0]))));
	set_pte_at(mm, addr + PAGE_SIZE, ptep + 1, make_pte_marker(PTE_MARKER_POISONED));
	spin_unlock(ptl);
	test_pte_unmap(ptep);
	mmap_write_unlock(mm);
	return true;
}

/* Put back @n PTEs from @addr (one PTE table) as @orig holds them. */
static void restore_ptes(struct mm_struct *mm, unsigned long addr,
			 const pte_t *orig, int n)
{
	spinlock_t *ptl;	/* the PTE table's lock */
	pte_t *ptep;
	int i;

	mmap_write_lock(mm);
	ptep = test_pte(mm, addr, &ptl);
	if (ptep) {
		spin_lock(ptl);
		for (i = 0; i < n; i++)
			set_pte_at(mm, addr + i * PAGE_SIZE, ptep + i, orig[i]);
		spin_unlock(ptl);
		test_pte_unmap(ptep);
	}
	mmap_write_unlock(mm);
}

#define ANON_PAGES	96

/*
 * Anonymous memory: written pages, pages read (the zero page) and untouched
 * pages, then a migration entry and a marker written over two of them.
 */
static void mincore_anon(struct kunit *test)
{
	struct mm_struct *mm;
	unsigned long start, i;
	pte_t orig[2];
	u8 *expect;
	u8 val;

	start = map_anon(test, ANON_PAGES * PAGE_SIZE, PROT_READ | PROT_WRITE);
	mm = current->mm;
	/* PTE-mapped pages: with 64K pages the range could hold a THP. */
	if (IS_ENABLED(CONFIG_TRANSPARENT_HUGEPAGE))
		KUNIT_ASSERT_EQ(test, do_madvise(mm, start, ANON_PAGES * PAGE_SIZE,
						 MADV_NOHUGEPAGE), 0);
	expect = kunit_kzalloc(test, ANON_PAGES, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, expect);
	for (i = 0; i < ANON_PAGES; i++) {
		u8 __user *p = (u8 __user *)(start + i * PAGE_SIZE);

		if (i % 3 == 0) {
			KUNIT_ASSERT_EQ(test, put_user(i, p), 0);
			expect[i] = 1;
		} else if (i % 5 == 1) {
			KUNIT_ASSERT_EQ(test, get_user(val, p), 0);
			KUNIT_EXPECT_EQ(test, val, 0);
			expect[i] = 1;
		}
	}
	check_mincore(test, start, ANON_PAGES, expect, 0);
	/* Inside the range, and a range that ends inside it. */
	check_mincore(test, start + 7 * PAGE_SIZE, 20, expect + 7, 0);

	/*
	 * Page 3 under migration: still in memory.  Page 4 (untouched) with
	 * a marker: like a none entry.
	 */
	if (!set_migration_and_marker(mm, start + 3 * PAGE_SIZE, orig)) {
		KUNIT_FAIL(test, "no PTE table for the anonymous range");
		return;
	}

	check_mincore(test, start, ANON_PAGES, expect, 0);

	restore_ptes(mm, start + 3 * PAGE_SIZE, orig, 2);
}

/*
 * Holes between VMAs and addresses outside any VMA: -ENOMEM after the part
 * before the hole, as the base kernel does.
 */
static void mincore_holes(struct kunit *test)
{
	unsigned long start, limit;
	u8 expect[16] = { 0 };

	start = map_anon(test, 16 * PAGE_SIZE, PROT_READ | PROT_WRITE);
	KUNIT_ASSERT_EQ(test, put_user(1, (u8 __user *)start), 0);
	expect[0] = 1;
	KUNIT_ASSERT_EQ(test, vm_munmap(start + 8 * PAGE_SIZE, 4 * PAGE_SIZE), 0);

	check_mincore(test, start, 8, expect, 0);
	/* Across the hole: the first 8 pages are reported, then -ENOMEM. */
	check_mincore(test, start, 16, NULL, -ENOMEM);
	/* In the hole, and past the end of the address space. */
	check_mincore(test, start + 8 * PAGE_SIZE, 2, NULL, -ENOMEM);
	limit = current->mm->task_size;
	check_mincore(test, limit - PAGE_SIZE, 1, NULL, -ENOMEM);
	check_mincore(test, limit, 4, NULL, -ENOMEM);
}

/*
 * shmem: a shared mapping whose written pages are mapped or only in the page
 * cache (zapped), a private read-only mapping of the same file that sees the
 * page cache, and a COW copy.
 */
static void mincore_shmem(struct kunit *test)
{
	const unsigned long pages = 64;
	unsigned long shared, private, i;
	struct file *file;
	u8 *expect;
	u8 val;

	file = shmem_file_setup("ptwalk-mincore", pages * PAGE_SIZE, VM_NORESERVE);
	KUNIT_ASSERT_FALSE(test, IS_ERR(file));
	shared = kunit_vm_mmap(test, file, 0, pages * PAGE_SIZE,
			       PROT_READ | PROT_WRITE, MAP_SHARED, 0);
	private = kunit_vm_mmap(test, file, 0, pages * PAGE_SIZE,
				PROT_READ | PROT_WRITE, MAP_PRIVATE, 0);
	fput(file);
	KUNIT_ASSERT_FALSE(test, IS_ERR_VALUE(shared));
	KUNIT_ASSERT_FALSE(test, IS_ERR_VALUE(private));
	expect = kunit_kzalloc(test, pages, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, expect);

	for (i = 0; i < pages; i += 4) {
		KUNIT_ASSERT_EQ(test, put_user(i, (u8 __user *)(shared + i * PAGE_SIZE)), 0);
		expect[i] = 1;
	}
	/* Every other written page leaves the page tables, not the cache. */
	KUNIT_ASSERT_EQ(test, do_madvise(current->mm, shared, PAGE_SIZE, MADV_DONTNEED), 0);
	KUNIT_ASSERT_EQ(test, do_madvise(current->mm, shared + 8 * PAGE_SIZE,
					 8 * PAGE_SIZE, MADV_DONTNEED), 0);
	check_mincore(test, shared, pages, expect, 0);
	check_mincore(test, private, pages, expect, 0);

	/* Private: a read maps the cache page, a write a COW copy. */
	KUNIT_ASSERT_EQ(test, get_user(val, (u8 __user *)(private + 4 * PAGE_SIZE)), 0);
	KUNIT_EXPECT_EQ(test, val, 4);
	KUNIT_ASSERT_EQ(test, put_user(9, (u8 __user *)(private + 9 * PAGE_SIZE)), 0);
	expect[9] = 1;
	check_mincore(test, private, pages, expect, 0);
}

#ifdef CONFIG_TRANSPARENT_HUGEPAGE
/* A PMD-aligned, THP-enabled, empty 2 MiB range inside a larger mapping. */
static unsigned long map_thp_range(struct kunit *test)
{
	unsigned long thp;

	if (!has_transparent_hugepage())
		kunit_skip(test, "no transparent huge pages on this machine");
	/* Room before and after it in the same mapping. */
	thp = ALIGN(map_anon(test, 3 * PMD_SIZE, PROT_READ | PROT_WRITE) + 1, PMD_SIZE);
	KUNIT_ASSERT_EQ(test, do_madvise(current->mm, thp, PMD_SIZE, MADV_HUGEPAGE), 0);
	return thp;
}

/* Fault a THP in at @thp; skip the test if the fault mapped PTEs. */
static void fault_thp(struct kunit *test, unsigned long thp)
{
	struct mm_walk_state s;
	bool huge;

	KUNIT_ASSERT_EQ(test, put_user(1, (u8 __user *)(thp + 5 * PAGE_SIZE)), 0);
	mmap_read_lock(current->mm);
	huge = mm_walk_seek_leaf(&s, current->mm, thp, MM_WALK_LOCKED) &&
	       s.level == PT_LEVEL_PMD;
	mm_walk_end(&s);
	mmap_read_unlock(current->mm);
	if (!huge)
		kunit_skip(test, "the fault did not map a THP (none free?)");
}

/* A THP under migration is in memory as a whole, as the THP was. */
static void mincore_thp_migration(struct kunit *test, unsigned long thp,
				  const u8 *expect, unsigned long pages)
{
#ifdef CONFIG_ARCH_ENABLE_THP_MIGRATION
	struct mm_struct *mm = current->mm;
	spinlock_t *ptl;	/* the THP's lock */
	pmd_t *pmdp, orig;

	mmap_write_lock(mm);
	pmdp = pmd_off(mm, thp);
	ptl = pmd_lock(mm, pmdp);
	orig = pmdp_get(pmdp);
	set_pmd_at(mm, thp, pmdp,
		   swp_entry_to_pmd(make_readable_migration_entry(pmd_pfn(orig))));
	spin_unlock(ptl);
	mmap_write_unlock(mm);

	check_mincore(test, thp - 4 * PAGE_SIZE, pages, expect, 0);

	mmap_write_lock(mm);
	ptl = pmd_lock(mm, pmdp);
	set_pmd_at(mm, thp, pmdp, orig);
	spin_unlock(ptl);
	mmap_write_unlock(mm);
#endif
}

/* A THP is in memory as a whole; so is a THP under migration. */
static void mincore_thp(struct kunit *test)
{
	const unsigned long pages = PMD_SIZE / PAGE_SIZE + 8;
	unsigned long thp;
	u8 *expect;

	thp = map_thp_range(test);
	fault_thp(test, thp);
	expect = kunit_kzalloc(test, pages, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, expect);
	memset(expect + 4, 1, PMD_SIZE / PAGE_SIZE);
	check_mincore(test, thp - 4 * PAGE_SIZE, pages, expect, 0);
	mincore_thp_migration(test, thp, expect, pages);
}
#endif /* CONFIG_TRANSPARENT_HUGEPAGE */

#ifdef CONFIG_HUGETLB_PAGE
/*
 * Map @size bytes of hugetlb memory with pages of 2^@shift bytes, without a
 * reservation: only the pages the test touches come from the pool.
 */
static unsigned long map_hugetlb(struct kunit *test, unsigned long size,
				 unsigned int shift)
{
	struct hstate *h = size_to_hstate(1UL << shift);
	unsigned long addr;

	if (!h)
		kunit_skip(test, "no %lu KiB hugetlb pages (boot with hugepagesz=, hugepages=)",
			   (1UL << shift) >> 10);
	if (!h->free_huge_pages)
		kunit_skip(test, "the %lu KiB hugetlb pool is empty", (1UL << shift) >> 10);
	/* kunit_vm_mmap() gives the test an mm; ksys_mmap_pgoff() does not. */
	map_anon(test, PAGE_SIZE, PROT_NONE);
	addr = ksys_mmap_pgoff(0, size, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB |
			       MAP_NORESERVE | (shift << MAP_HUGE_SHIFT), -1, 0);
	KUNIT_ASSERT_FALSE(test, IS_ERR_VALUE(addr));
	return addr;
}

/*
 * Write @entry (a non-present entry, or @orig back) over the hugetlb entry
 * at @addr, as the hugetlb code writes its entries; *@old gets what was
 * there.  The migration entry's pfn is that of the huge page.
 */
static void hugetlb_swap_entry(struct kunit *test, unsigned long addr,
			       unsigned long size, pte_t entry, pte_t *old)
{
	struct mm_struct *mm = current->mm;
	spinlock_t *ptl;	/* the huge page's lock */
	pte_t *ptep, cur;

	mmap_write_lock(mm);
	ptep = huge_pte_offset(mm, addr, size);
	if (!ptep) {
		mmap_write_unlock(mm);
		KUNIT_FAIL(test, "no hugetlb entry at %lx", addr);
		return;
	}
	ptl = huge_pte_lockptr(size_to_hstate(size), mm, ptep);
	spin_lock(ptl);
	cur = huge_ptep_get(mm, addr, ptep);
	if (old) {
		*old = cur;
		if (is_swap_pte(entry) && pte_present(cur) &&
		    is_migration_entry(pte_to_swp_entry(entry)))
			entry = swp_entry_to_pte(make_readable_migration_entry(pte_pfn(cur)));
	}
	set_huge_pte_at(mm, addr, ptep, entry, size);
	spin_unlock(ptl);
	mmap_write_unlock(mm);
}

/* Whether the hugetlb entry at @addr reads as present (huge_ptep_get()). */
static bool hugetlb_entry_present(struct kunit *test, unsigned long addr,
				  unsigned long size)
{
	struct mm_struct *mm = current->mm;
	bool present = false;
	pte_t *ptep;

	mmap_read_lock(mm);
	ptep = huge_pte_offset(mm, addr, size);
	if (ptep)
		present = pte_present(huge_ptep_get(mm, addr, ptep));
	mmap_read_unlock(mm);
	return present;
}

/*
 * A locked seek stops at the hugetlb entry at @addr at its hstate's level,
 * classified in the format hugetlb writes it in: a non-present entry (a
 * migration entry, a marker) is a non-present leaf, never a table to map,
 * whatever the arch's pmd_present() says of it (mips calls it present).
 */
static void check_hugetlb_stop(struct kunit *test, unsigned long addr,
			       unsigned int shift, enum pt_entry_type type)
{
	enum pt_level level = shift == PMD_SHIFT ? PT_LEVEL_PMD : PT_LEVEL_PUD;
	struct mm_struct *mm = current->mm;
	struct vm_area_struct *vma;
	struct mm_walk_state s;

	mmap_read_lock(mm);
	vma = vma_lookup(mm, addr);
	KUNIT_ASSERT_NOT_NULL(test, vma);
	KUNIT_EXPECT_EQ(test, mm_walk_seek_vma_leaf(&s, vma, addr),
			type == PT_ENTRY_LEAF);
	KUNIT_EXPECT_EQ_MSG(test, s.level, level, "hugetlb entry at %lx", addr);
	KUNIT_EXPECT_EQ_MSG(test, s.type, type, "hugetlb entry at %lx", addr);
	KUNIT_EXPECT_NOT_NULL(test, s.ptl);
	mm_walk_end(&s);
	mmap_read_unlock(mm);
}

/*
 * Two huge pages, the first faulted in: its pages are in memory, the
 * second's are not; both walks see the huge page at its own level.
 */
static void mincore_hugetlb_size(struct kunit *test, unsigned int shift)
{
	unsigned long size = 1UL << shift, pages = 2 * size / PAGE_SIZE;
	unsigned long addr;
	u8 *expect;
	pte_t orig;

	addr = map_hugetlb(test, 2 * size, shift);
	KUNIT_ASSERT_EQ(test, put_user(1, (u8 __user *)(addr + 3 * PAGE_SIZE)), 0);
	expect = kvzalloc(pages, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, expect);
	memset(expect, 1, size / PAGE_SIZE);
	check_mincore(test, addr, pages, expect, 0);
	check_mincore(test, addr + size - 2 * PAGE_SIZE, 4, expect + size / PAGE_SIZE - 2, 0);

	/*
	 * The huge page under migration: in memory.  A marker in its place:
	 * not in memory (huge_pte_none_mostly() in the base kernel).
	 */
	check_hugetlb_stop(test, addr, shift, PT_ENTRY_LEAF);
	hugetlb_swap_entry(test, addr, size,
			   swp_entry_to_pte(make_readable_migration_entry(0)), &orig);
	if (hugetlb_entry_present(test, addr, size)) {
		/*
		 * 32-bit arm's huge_ptep_get() sets the valid bit of every
		 * entry that is not zero: it has no non-present hugetlb
		 * entries (no hugetlb migration, no markers) to walk.
		 */
		hugetlb_swap_entry(test, addr, size, orig, NULL);
		kvfree(expect);
		kunit_skip(test, "huge_ptep_get() reads a non-present entry as present");
	}
	check_hugetlb_stop(test, addr, shift, PT_ENTRY_NONPRESENT);
	check_mincore(test, addr, pages, expect, 0);
	hugetlb_swap_entry(test, addr, size, make_pte_marker(PTE_MARKER_POISONED), NULL);
	check_hugetlb_stop(test, addr, shift, PT_ENTRY_NONPRESENT);
	memset(expect, 0, size / PAGE_SIZE);
	check_mincore(test, addr, pages, expect, 0);
	hugetlb_swap_entry(test, addr, size, orig, NULL);
	check_hugetlb_stop(test, addr, shift, PT_ENTRY_LEAF);
	kvfree(expect);
}

static void mincore_hugetlb_pmd(struct kunit *test)
{
	mincore_hugetlb_size(test, PMD_SHIFT);
}

#ifdef PT_TEST_HUGETLB_PUD
static void mincore_hugetlb_pud(struct kunit *test)
{
	mincore_hugetlb_size(test, PUD_SHIFT);
}
#endif

#if defined(CONFIG_ARM64) || defined(CONFIG_RISCV_ISA_SVNAPOT)
#define CONT_PAGES_MAX	4

/* One stop of a walk over contiguous hugetlb pages. */
struct cont_stop {
	unsigned long addr, next;
	enum pt_entry_type type;
	unsigned int nr;
};

/*
 * The stops a locked walk of [@start, @end) with @flags makes over @n
 * contiguous hugetlb pages of @size from @base whose entries are of
 * @types, worked out from the layout: one stop a page, clipped to the
 * walk, at the level of its entries (of 1 << @shift bytes each, @span to a
 * table); with MM_WALK_RUNS, a present or none stop goes on over the pages
 * of its type that follow it in the same table.
 */
static unsigned int cont_model(unsigned long base, unsigned long size,
			       unsigned int shift, unsigned long span,
			       const enum pt_entry_type *types,
			       unsigned long start, unsigned long end,
			       unsigned int flags, struct cont_stop *out)
{
	unsigned long addr = start;
	unsigned int n = 0, i;

	while (addr < end) {
		enum pt_entry_type type = types[(addr - base) / size];
		unsigned long next = min(ALIGN(addr + 1, size), end);
		bool reported = type == PT_ENTRY_LEAF ||
				(type == PT_ENTRY_NONE && (flags & MM_WALK_HOLES)) ||
				(type == PT_ENTRY_NONPRESENT && (flags & MM_WALK_NONPRESENT));

		if (reported && (flags & MM_WALK_RUNS) && n &&
		    type != PT_ENTRY_NONPRESENT && out[n - 1].type == type &&
		    out[n - 1].next == addr && (addr & (span - 1)))
			out[n - 1].next = next;
		else if (reported)
			out[n++] = (struct cont_stop){ addr, next, type, 0 };
		addr = next;
	}
	for (i = 0; i < n; i++)
		out[i].nr = (ALIGN(out[i].next, 1UL << shift) -
			     ALIGN_DOWN(out[i].addr, 1UL << shift)) >> shift;
	return n;
}

/* One walk of [@start, @end) with @flags, going on from each stop or not. */
static void check_cont_walk(struct kunit *test, unsigned long base,
			    unsigned long size, const enum pt_entry_type *types,
			    const unsigned long *pfn, unsigned long start,
			    unsigned long end, unsigned int flags, bool pause)
{
	unsigned int shift = size < PMD_SIZE ? PAGE_SHIFT : PMD_SHIFT;
	unsigned long span = size < PMD_SIZE ? PMD_SIZE : PUD_SIZE;
	struct cont_stop want[CONT_PAGES_MAX], got[CONT_PAGES_MAX + 1];
	struct mm_struct *mm = current->mm;
	const struct pt_leaf *leaf;
	unsigned int nwant, ngot = 0, i;
	struct mm_walk_state s;

	nwant = cont_model(base, size, shift, span, types, start, end, flags, want);
	mmap_read_lock(mm);
	for_each_pt_leaf(leaf, &s, mm, start, end, MM_WALK_LOCKED | flags) {
		if (ngot > CONT_PAGES_MAX)
			break;
		got[ngot++] = (struct cont_stop){ leaf->addr, leaf->next,
						  leaf->type, leaf->nr };
		KUNIT_EXPECT_EQ(test, leaf->level,
				shift == PAGE_SHIFT ? PT_LEVEL_PTE : PT_LEVEL_PMD);
		if (leaf->type == PT_ENTRY_LEAF) {
			unsigned long k = (leaf->addr - base) / size;
			unsigned long first = base + k * size;
			pte_t pte = huge_ptep_get(mm, first,
						  huge_pte_offset(mm, first, size));

			KUNIT_EXPECT_EQ(test, mm_walk_addr_pfn(leaf),
					pfn[k] + ((leaf->addr - first) >> PAGE_SHIFT));
			KUNIT_EXPECT_EQ(test, mm_walk_is_dirty(leaf), !!pte_dirty(pte));
		}
		if (pause)
			mm_walk_pause(leaf);
	}
	if (ngot > CONT_PAGES_MAX)
		mm_walk_end(&s);
	mmap_read_unlock(mm);
	KUNIT_EXPECT_EQ_MSG(test, ngot, nwant, "flags %x, [%lx, %lx), pause %d",
			    flags, start - base, end - base, pause);
	for (i = 0; i < min(ngot, nwant); i++) {
		KUNIT_EXPECT_TRUE_MSG(test, got[i].addr == want[i].addr &&
				      got[i].next == want[i].next &&
				      got[i].type == want[i].type &&
				      got[i].nr == want[i].nr,
				      "flags %x, [%lx, %lx), pause %d, stop %u: [%lx, %lx) type %d nr %u, want [%lx, %lx) type %d nr %u",
				      flags, start - base, end - base, pause, i,
				      got[i].addr - base, got[i].next - base, got[i].type,
				      got[i].nr, want[i].addr - base, want[i].next - base,
				      want[i].type, want[i].nr);
	}
}

/*
 * The stops of for_each_pt_leaf() over the layout, against cont_model(),
 * over ranges from page boundaries and from inside pages, with every flag
 * that changes them, going on from each stop (the step from one page to
 * the next of its table) or letting go of everything at each (the descent
 * from the top).  A present stop maps its address to the frame of that
 * address in the page @pfn[] gives, with the dirty bit huge_ptep_get()
 * folds for the page.
 */
static void check_cont_walks(struct kunit *test, unsigned long base,
			     unsigned long size, unsigned int n,
			     const enum pt_entry_type *types,
			     const unsigned long *pfn)
{
	const unsigned int flags[] = {
		0, MM_WALK_HOLES, MM_WALK_NONPRESENT,
		MM_WALK_HOLES | MM_WALK_NONPRESENT,
		MM_WALK_RUNS | MM_WALK_HOLES | MM_WALK_NONPRESENT, MM_WALK_RUNS,
	};
	const unsigned long ranges[][2] = {
		{ 0, n * size },
		{ 3 * PAGE_SIZE, n * size - 2 * PAGE_SIZE },
		{ size - PAGE_SIZE, size + PAGE_SIZE },
		{ size + 5 * PAGE_SIZE, n * size },
	};
	unsigned int f, r;

	for (f = 0; f < ARRAY_SIZE(flags); f++) {
		for (r = 0; r < ARRAY_SIZE(ranges); r++) {
			unsigned long start = base + ranges[r][0];
			unsigned long end = base + ranges[r][1];

			check_cont_walk(test, base, size, types, pfn, start, end,
					flags[f], false);
			check_cont_walk(test, base, size, types, pfn, start, end,
					flags[f], true);
		}
	}
}

/*
 * Contiguous hugetlb pages (arm64 CONT_PTES PTEs and CONT_PMDS PMDs, riscv
 * Svnapot): one stop a page, and the step from one to the next of the same
 * table, as the layout changes under the walks: pages faulted in one by
 * one, then some under migration.  The @n pages are placed in one table of
 * their entries, or (@straddle) half in one and half in the next, where
 * the walks are checked once both tables exist.  mincore() (a walk with
 * MM_WALK_RUNS, which goes over pages of a kind without folding their
 * bits) against the base kernel's hugetlb walk and the layout.
 */
static void hugetlb_cont_walks(struct kunit *test, unsigned long size,
			       unsigned int n, bool straddle)
{
	unsigned long span = size < PMD_SIZE ? PMD_SIZE : PUD_SIZE;
	struct hstate *h = size_to_hstate(size);
	enum pt_entry_type types[CONT_PAGES_MAX];
	unsigned long pfn[CONT_PAGES_MAX] = { 0 };
	pte_t orig[CONT_PAGES_MAX];
	unsigned long base, area, pages, i;
	/* The order pages are faulted in; then those made migration entries. */
	const unsigned int fault4[] = { 0, 2, 1, 3 }, migrate4[] = { 3, 1 };
	const unsigned int fault2[] = { 0, 1 }, migrate2[] = { 1 };
	const unsigned int *fault, *migrate;
	u8 *expect;

	/* Two pages where the pool has fewer than four free. */
	if (h && h->free_huge_pages < n)
		n = 2;
	if (!h || h->free_huge_pages < n)
		kunit_skip(test, "fewer than %u free %lu KiB hugetlb pages (hugepages=)",
			   n, size >> 10);
	KUNIT_ASSERT_TRUE(test, n == 2 || n == 4);
	fault = n == 4 ? fault4 : fault2;
	migrate = n == 4 ? migrate4 : migrate2;
	pages = n * size / PAGE_SIZE;

	/* Placed in a reserved area, at a table's start or across two. */
	area = map_anon(test, 3 * span, PROT_NONE);
	base = ALIGN(area, span) + (straddle ? span - n / 2 * size : 0);
	base = ksys_mmap_pgoff(base, n * size, PROT_READ | PROT_WRITE,
			       MAP_FIXED | MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB |
			       MAP_NORESERVE | (ilog2(size) << MAP_HUGE_SHIFT), -1, 0);
	KUNIT_ASSERT_FALSE(test, IS_ERR_VALUE(base));
	expect = kunit_kzalloc(test, pages, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, expect);
	for (i = 0; i < n; i++)
		types[i] = PT_ENTRY_NONE;
	check_mincore(test, base, pages, expect, 0);
	for (i = 0; i < n; i++) {
		unsigned int k = fault[i];
		pte_t *ptep;

		KUNIT_ASSERT_EQ(test, put_user(k + 1, (u8 __user *)(base + k * size)), 0);
		mmap_read_lock(current->mm);
		ptep = huge_pte_offset(current->mm, base + k * size, size);
		if (ptep)
			pfn[k] = pte_pfn(huge_ptep_get(current->mm, base + k * size, ptep));
		mmap_read_unlock(current->mm);
		KUNIT_ASSERT_NOT_NULL(test, ptep);
		types[k] = PT_ENTRY_LEAF;
		memset(expect + k * size / PAGE_SIZE, 1, size / PAGE_SIZE);
		/* Each table has an entry: none of the walks stops above. */
		if (!straddle || (i >= 1 && fault[0] < n / 2 && fault[1] >= n / 2))
			check_cont_walks(test, base, size, n, types, pfn);
		check_mincore(test, base, pages, expect, 0);
	}
	/* Under migration: non-present, and in memory for mincore(). */
	for (i = 0; i < n / 2; i++) {
		unsigned int k = migrate[i];

		hugetlb_swap_entry(test, base + k * size, size,
				   swp_entry_to_pte(make_readable_migration_entry(0)),
				   &orig[k]);
		types[k] = PT_ENTRY_NONPRESENT;
		check_cont_walks(test, base, size, n, types, pfn);
		check_mincore(test, base, pages, expect, 0);
	}
	for (i = 0; i < n / 2; i++)
		hugetlb_swap_entry(test, base + migrate[i] * size, size,
				   orig[migrate[i]], NULL);
	/* The pages go back to the pool, for the next placement. */
	KUNIT_EXPECT_EQ(test, vm_munmap(base, n * size), 0);
}

static void mincore_hugetlb_cont_pte(struct kunit *test)
{
#ifdef CONFIG_ARM64
	unsigned long size = CONT_PTE_SIZE;
#else
	unsigned long size = PAGE_SIZE << NAPOT_CONT64KB_ORDER;
#endif

	hugetlb_cont_walks(test, size, 4, false);
	hugetlb_cont_walks(test, size, 4, true);
}

#ifdef CONFIG_ARM64
static void mincore_hugetlb_cont_pmd(struct kunit *test)
{
	hugetlb_cont_walks(test, CONT_PMD_SIZE, 2, false);
	hugetlb_cont_walks(test, CONT_PMD_SIZE, 2, true);
}
#endif
#endif
#endif /* CONFIG_HUGETLB_PAGE */

static struct kunit_case pt_walk_mincore_cases[] = {
	KUNIT_CASE(mincore_anon),
	KUNIT_CASE(mincore_holes),
	KUNIT_CASE(mincore_shmem),
#ifdef CONFIG_TRANSPARENT_HUGEPAGE
	KUNIT_CASE(mincore_thp),
#endif
#ifdef CONFIG_HUGETLB_PAGE
	KUNIT_CASE(mincore_hugetlb_pmd),
#ifdef PT_TEST_HUGETLB_PUD
	KUNIT_CASE(mincore_hugetlb_pud),
#endif
#if defined(CONFIG_ARM64) || defined(CONFIG_RISCV_ISA_SVNAPOT)
	KUNIT_CASE(mincore_hugetlb_cont_pte),
#endif
#ifdef CONFIG_ARM64
	KUNIT_CASE(mincore_hugetlb_cont_pmd),
#endif
#endif
	{}
};

static struct kunit_suite pt_walk_mincore_suite = {
	.name = "pt_walk_mincore",
	.test_cases = pt_walk_mincore_cases,
};

/*
 * walk_page_range() with leaf_entry: every stop of a range over two VMAs
 * and the gap between them, as the test mapped it.
 */
struct leaf_rec {
	unsigned long addr, next;
	enum pt_level level;
	enum pt_entry_type type;
	unsigned int nr;
	bool in_vma;
};

struct leaf_recs {
	unsigned int n, stop_after;
	struct leaf_rec rec[32];
};

static int record_leaf(struct mm_walk_state *s, struct mm_walk *walk)
{
	struct leaf_recs *r = walk->private;

	if (r->n < ARRAY_SIZE(r->rec))
		r->rec[r->n] = (struct leaf_rec){
			.addr = s->addr, .next = s->next, .level = s->level,
			.type = s->type, .nr = s->nr, .in_vma = walk->vma,
		};
	r->n++;
	return r->stop_after && r->n == r->stop_after ? 7 : 0;
}

static int leaf_walk(unsigned long start, unsigned long end,
		     unsigned int flags, struct leaf_recs *r)
{
	struct mm_walk_ops ops = {
		.leaf_entry	= record_leaf,
		.leaf_flags	= flags,
		.walk_lock	= PGWALK_RDLOCK,
	};
	int ret;

	mmap_read_lock(current->mm);
	ret = walk_page_range(current->mm, start, end, &ops, r);
	mmap_read_unlock(current->mm);
	return ret;
}

static void expect_rec(struct kunit *test, const struct leaf_rec *r,
		       unsigned long addr, unsigned long next,
		       enum pt_level level, enum pt_entry_type type, bool in_vma)
{
	KUNIT_EXPECT_EQ(test, r->addr, addr);
	KUNIT_EXPECT_EQ(test, r->next, next);
	KUNIT_EXPECT_EQ(test, r->level, level);
	KUNIT_EXPECT_EQ(test, r->type, type);
	KUNIT_EXPECT_EQ(test, r->in_vma, in_vma);
}

static void leaf_entry_ranges(struct kunit *test)
{
	struct leaf_recs *r;
	unsigned long a, p = PAGE_SIZE;
	int i;

	r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, r);
	/*
	 * [a, a + 4p) written at 0 and 2, gap [a + 4p, a + 6p), [a + 6p,
	 * a + 8p) written at 7: in one PTE table, without THPs.
	 */
	a = map_anon(test, 2 * PMD_SIZE, PROT_READ | PROT_WRITE);
	if (IS_ENABLED(CONFIG_TRANSPARENT_HUGEPAGE))
		KUNIT_ASSERT_EQ(test, do_madvise(current->mm, a, 2 * PMD_SIZE,
						 MADV_NOHUGEPAGE), 0);
	a = ALIGN(a, PMD_SIZE);
	KUNIT_ASSERT_EQ(test, put_user(1, (u8 __user *)a), 0);
	KUNIT_ASSERT_EQ(test, put_user(1, (u8 __user *)(a + 2 * p)), 0);
	KUNIT_ASSERT_EQ(test, put_user(1, (u8 __user *)(a + 7 * p)), 0);
	KUNIT_ASSERT_EQ(test, vm_munmap(a + 4 * p, 2 * p), 0);

	/* Leaves only. */
	KUNIT_EXPECT_EQ(test, leaf_walk(a, a + 8 * p, 0, r), 0);
	KUNIT_ASSERT_EQ(test, r->n, 3);
	expect_rec(test, &r->rec[0], a, a + p, PT_LEVEL_PTE, PT_ENTRY_LEAF, true);
	expect_rec(test, &r->rec[1], a + 2 * p, a + 3 * p, PT_LEVEL_PTE, PT_ENTRY_LEAF, true);
	expect_rec(test, &r->rec[2], a + 7 * p, a + 8 * p, PT_LEVEL_PTE, PT_ENTRY_LEAF, true);

	/* With holes: every page of the range, the gap once, outside a VMA. */
	memset(r, 0, sizeof(*r));
	KUNIT_EXPECT_EQ(test, leaf_walk(a, a + 8 * p, MM_WALK_HOLES, r), 0);
	KUNIT_ASSERT_EQ(test, r->n, 7);
	for (i = 0; i < 4; i++)
		expect_rec(test, &r->rec[i], a + i * p, a + (i + 1) * p, PT_LEVEL_PTE,
			   i % 2 ? PT_ENTRY_NONE : PT_ENTRY_LEAF, true);
	expect_rec(test, &r->rec[4], a + 4 * p, a + 6 * p, PT_LEVEL_PGD, PT_ENTRY_NONE, false);
	KUNIT_EXPECT_EQ(test, r->rec[4].nr, 0);
	expect_rec(test, &r->rec[5], a + 6 * p, a + 7 * p, PT_LEVEL_PTE, PT_ENTRY_NONE, true);
	expect_rec(test, &r->rec[6], a + 7 * p, a + 8 * p, PT_LEVEL_PTE, PT_ENTRY_LEAF, true);

	/*
	 * MM_WALK_RUNS: runs of present, and of none, PTEs as one stop each,
	 * in [a + 16p, a + 32p) with pages 20 to 23 written.
	 */
	for (i = 20; i < 24; i++)
		KUNIT_ASSERT_EQ(test, put_user(1, (u8 __user *)(a + i * p)), 0);
	memset(r, 0, sizeof(*r));
	KUNIT_EXPECT_EQ(test, leaf_walk(a + 16 * p, a + 32 * p,
					MM_WALK_HOLES | MM_WALK_RUNS, r), 0);
	KUNIT_ASSERT_EQ(test, r->n, 3);
	expect_rec(test, &r->rec[0], a + 16 * p, a + 20 * p, PT_LEVEL_PTE, PT_ENTRY_NONE, true);
	KUNIT_EXPECT_EQ(test, r->rec[0].nr, 4);
	expect_rec(test, &r->rec[1], a + 20 * p, a + 24 * p, PT_LEVEL_PTE, PT_ENTRY_LEAF, true);
	KUNIT_EXPECT_EQ(test, r->rec[1].nr, 4);
	expect_rec(test, &r->rec[2], a + 24 * p, a + 32 * p, PT_LEVEL_PTE, PT_ENTRY_NONE, true);
	KUNIT_EXPECT_EQ(test, r->rec[2].nr, 8);

	/* A positive return stops the walk and is returned. */
	memset(r, 0, sizeof(*r));
	r->stop_after = 2;
	KUNIT_EXPECT_EQ(test, leaf_walk(a, a + 8 * p, MM_WALK_HOLES, r), 7);
	KUNIT_EXPECT_EQ(test, r->n, 2);

	/* Bad ranges: refused, nothing called. */
	memset(r, 0, sizeof(*r));
	KUNIT_EXPECT_EQ(test, leaf_walk(a + p, a + p, MM_WALK_HOLES, r), -EINVAL);
	KUNIT_EXPECT_EQ(test, leaf_walk(a + 2 * p, a, MM_WALK_HOLES, r), -EINVAL);
	KUNIT_EXPECT_EQ(test, r->n, 0);
}

/*
 * Rescheduling: a walk over PTE tables that each map one page (so that no
 * stop ends at a table's end) lets go of its locks and reschedules once
 * per table it enters when that is due, as the per-PMD legacy walkers do.
 * Each call asks for a reschedule; the next call, in the next table, finds
 * it done (cond_resched() scheduled, which clears the request).  The test
 * thread runs SCHED_FIFO meanwhile, so that the scheduler asks for no
 * reschedule of its own (a tick, a wakeup) between two calls; one is
 * allowed all the same, where a walk that does not reschedule leaves every
 * one of them due.
 */
#define RESCHED_TABLES	16

struct resched_rec {
	unsigned int n, still_due;
};

static int resched_leaf(struct mm_walk_state *s, struct mm_walk *walk)
{
	struct resched_rec *r = walk->private;

	if (r->n++ && need_resched())
		r->still_due++;
	set_tsk_need_resched(current);
	set_preempt_need_resched();
	return 0;
}

static void leaf_entry_resched(struct kunit *test)
{
	const struct mm_walk_ops ops = {
		.leaf_entry	= resched_leaf,
		.walk_lock	= PGWALK_RDLOCK,
	};
	unsigned long a, i, len = RESCHED_TABLES * PMD_SIZE;
	struct resched_rec r = {};
	int ret;

	/* 8 GiB with 64K pages: not accounted, only 16 pages are written. */
	a = kunit_vm_mmap(test, NULL, 0, len + PMD_SIZE, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, 0);
	KUNIT_ASSERT_FALSE(test, IS_ERR_VALUE(a));
	a = ALIGN(a, PMD_SIZE);
	if (IS_ENABLED(CONFIG_TRANSPARENT_HUGEPAGE))
		KUNIT_ASSERT_EQ(test, do_madvise(current->mm, a, len,
						 MADV_NOHUGEPAGE), 0);
	for (i = 0; i < RESCHED_TABLES; i++)
		KUNIT_ASSERT_EQ(test, put_user(1, (u8 __user *)(a + i * PMD_SIZE +
								5 * PAGE_SIZE)), 0);
	sched_set_fifo(current);
	mmap_read_lock(current->mm);
	ret = walk_page_range(current->mm, a, a + len, &ops, &r);
	mmap_read_unlock(current->mm);
	sched_set_normal(current, 0);
	cond_resched();
	KUNIT_EXPECT_EQ(test, ret, 0);
	KUNIT_EXPECT_EQ(test, r.n, RESCHED_TABLES);
	/* Without rescheduling, all RESCHED_TABLES - 1 would be due. */
	KUNIT_EXPECT_LE_MSG(test, r.still_due, 1,
			    "%u of %u tables crossed without rescheduling",
			    r.still_due, RESCHED_TABLES - 1);
}

/*
 * walk->action from leaf_entry: ACTION_AGAIN reports the stop again, read
 * afresh; ACTION_CONTINUE changes nothing; the walk resets it every call.
 */
struct action_rec {
	unsigned int n;
	unsigned long addr[8];
	enum page_walk_action seen[8];
	enum page_walk_action set[8];
};

static int action_leaf(struct mm_walk_state *s, struct mm_walk *walk)
{
	struct action_rec *r = walk->private;

	if (r->n < ARRAY_SIZE(r->addr)) {
		r->addr[r->n] = s->addr;
		r->seen[r->n] = walk->action;
		walk->action = r->set[r->n];
	}
	r->n++;
	return 0;
}

static void leaf_entry_action(struct kunit *test)
{
	const struct mm_walk_ops ops = {
		.leaf_entry	= action_leaf,
		.walk_lock	= PGWALK_RDLOCK,
	};
	struct action_rec *r;
	unsigned long a, p = PAGE_SIZE;
	int i, ret;

	r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, r);
	a = map_anon(test, 4 * p, PROT_READ | PROT_WRITE);
	for (i = 0; i < 3; i++)
		KUNIT_ASSERT_EQ(test, put_user(1, (u8 __user *)(a + i * p)), 0);
	/* Pages 0, 1, 2: again at 1 (twice), continue at 0 and 2. */
	r->set[0] = ACTION_CONTINUE;
	r->set[1] = ACTION_AGAIN;
	r->set[2] = ACTION_AGAIN;
	r->set[3] = ACTION_SUBTREE;
	r->set[4] = ACTION_CONTINUE;
	mmap_read_lock(current->mm);
	ret = walk_page_range(current->mm, a, a + 4 * p, &ops, r);
	mmap_read_unlock(current->mm);
	KUNIT_EXPECT_EQ(test, ret, 0);
	KUNIT_ASSERT_EQ(test, r->n, 5);
	KUNIT_EXPECT_EQ(test, r->addr[0], a);
	KUNIT_EXPECT_EQ(test, r->addr[1], a + p);
	KUNIT_EXPECT_EQ(test, r->addr[2], a + p);
	KUNIT_EXPECT_EQ(test, r->addr[3], a + p);
	KUNIT_EXPECT_EQ(test, r->addr[4], a + 2 * p);
	for (i = 0; i < 5; i++)
		KUNIT_EXPECT_EQ_MSG(test, r->seen[i], ACTION_SUBTREE, "call %d", i);
}

#if defined(CONFIG_X86) || defined(CONFIG_UML)
/*
 * A corrupt PMD (pmd_bad(): a table entry without _PAGE_RW on x86 and UML)
 * is a hole of type PT_ENTRY_BAD with MM_WALK_HOLES, never descended into,
 * and nothing without; the entry is left as it is.
 */
static int record_bad(struct mm_walk_state *s, struct mm_walk *walk)
{
	unsigned long *r = walk->private;

	if (s->level == PT_LEVEL_PMD && s->type == PT_ENTRY_BAD &&
	    mm_walk_is_hole(&s->leaf))
		r[0]++;
	r[1]++;
	return 0;
}

static void leaf_entry_bad_entry(struct kunit *test)
{
	const struct mm_walk_ops ops = {
		.leaf_entry	= record_bad,
		.leaf_flags	= MM_WALK_HOLES,
		.walk_lock	= PGWALK_RDLOCK,
	};
	unsigned long b, seen[2] = {}, n = 0, bad = 0, plain = 0;
	const struct pt_leaf *leaf;
	struct mm_walk_state s;
	struct mm_struct *mm;
	pmd_t *pmdp, orig;
	int ret;

	b = ALIGN(map_anon(test, 2 * PMD_SIZE, PROT_READ | PROT_WRITE), PMD_SIZE);
	mm = current->mm;
	if (IS_ENABLED(CONFIG_TRANSPARENT_HUGEPAGE))
		KUNIT_ASSERT_EQ(test, do_madvise(mm, b, PMD_SIZE, MADV_NOHUGEPAGE), 0);
	KUNIT_ASSERT_EQ(test, put_user(1, (u8 __user *)(b + 3 * PAGE_SIZE)), 0);

	/* The write lock keeps every other walker of the mm away. */
	mmap_write_lock(mm);
	pmdp = pmd_off(mm, b);
	orig = pmdp_get(pmdp);
	KUNIT_ASSERT_TRUE_MSG(test, pmd_present(orig) && !pmd_leaf(orig),
			      "no PTE table at %lx", b);
	set_pmd(pmdp, __pmd(pmd_val(orig) & ~_PAGE_RW));
	KUNIT_EXPECT_TRUE(test, pmd_bad(pmdp_get(pmdp)));

	for_each_pt_leaf(leaf, &s, mm, b, b + PMD_SIZE, MM_WALK_LOCKED | MM_WALK_HOLES) {
		n++;
		if (leaf->type == PT_ENTRY_BAD && leaf->level == PT_LEVEL_PMD &&
		    leaf->addr == b && leaf->next == b + PMD_SIZE &&
		    mm_walk_is_hole(leaf))
			bad++;
	}
	for_each_pt_leaf(leaf, &s, mm, b, b + PMD_SIZE, MM_WALK_LOCKED)
		plain++;
	ret = walk_page_range(mm, b, b + PMD_SIZE, &ops, seen);
	/* Untouched by the walks. */
	KUNIT_EXPECT_EQ(test, pmd_val(pmdp_get(pmdp)), pmd_val(orig) & ~_PAGE_RW);
	set_pmd(pmdp, orig);
	mmap_write_unlock(mm);

	KUNIT_EXPECT_EQ(test, n, 1);
	KUNIT_EXPECT_EQ(test, bad, 1);
	KUNIT_EXPECT_EQ(test, plain, 0);
	KUNIT_EXPECT_EQ(test, ret, 0);
	KUNIT_EXPECT_EQ(test, seen[0], 1);
	KUNIT_EXPECT_EQ(test, seen[1], 1);
}
#endif

/*
 * MM_WALK_TABLE: a stop at PTE level is the rest of its PTE table (of the
 * walk), whatever the PTEs after the first hold; the first is the first
 * the walk reports.
 */
static void leaf_entry_table(struct kunit *test)
{
	unsigned long a, p = PAGE_SIZE, t = PMD_SIZE;
	struct leaf_recs *r;

	r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, r);
	a = ALIGN(map_anon(test, 3 * t, PROT_READ | PROT_WRITE), t);
	/* PTEs, not a THP, where there are THPs. */
	if (IS_ENABLED(CONFIG_TRANSPARENT_HUGEPAGE))
		KUNIT_ASSERT_EQ(test, do_madvise(current->mm, a, 2 * t, MADV_NOHUGEPAGE), 0);
	KUNIT_ASSERT_EQ(test, put_user(1, (u8 __user *)(a + 2 * p)), 0);
	KUNIT_ASSERT_EQ(test, put_user(1, (u8 __user *)(a + 5 * p)), 0);
	KUNIT_ASSERT_EQ(test, put_user(1, (u8 __user *)(a + t + 3 * p)), 0);

	/* With holes: from the walk's start (none), then the next table. */
	KUNIT_EXPECT_EQ(test, leaf_walk(a + p, a + t + 8 * p,
					MM_WALK_HOLES | MM_WALK_TABLE, r), 0);
	KUNIT_ASSERT_EQ(test, r->n, 2);
	expect_rec(test, &r->rec[0], a + p, a + t, PT_LEVEL_PTE, PT_ENTRY_NONE, true);
	KUNIT_EXPECT_EQ(test, r->rec[0].nr, PTRS_PER_PTE - 1);
	expect_rec(test, &r->rec[1], a + t, a + t + 8 * p, PT_LEVEL_PTE,
		   PT_ENTRY_NONE, true);
	KUNIT_EXPECT_EQ(test, r->rec[1].nr, 8);

	/* Without: from the first present PTE of each table. */
	memset(r, 0, sizeof(*r));
	KUNIT_EXPECT_EQ(test, leaf_walk(a + p, a + t + 8 * p, MM_WALK_TABLE, r), 0);
	KUNIT_ASSERT_EQ(test, r->n, 2);
	expect_rec(test, &r->rec[0], a + 2 * p, a + t, PT_LEVEL_PTE, PT_ENTRY_LEAF, true);
	KUNIT_EXPECT_EQ(test, r->rec[0].nr, PTRS_PER_PTE - 2);
	expect_rec(test, &r->rec[1], a + t + 3 * p, a + t + 8 * p, PT_LEVEL_PTE,
		   PT_ENTRY_LEAF, true);
	KUNIT_EXPECT_EQ(test, r->rec[1].nr, 5);

	/* A walk ending inside a page: that page is the stop's last. */
	memset(r, 0, sizeof(*r));
	KUNIT_EXPECT_EQ(test, leaf_walk(a + 2 * p, a + 6 * p + 1, MM_WALK_TABLE, r), 0);
	KUNIT_ASSERT_EQ(test, r->n, 1);
	expect_rec(test, &r->rec[0], a + 2 * p, a + 6 * p + 1, PT_LEVEL_PTE,
		   PT_ENTRY_LEAF, true);
	KUNIT_EXPECT_EQ(test, r->rec[0].nr, 5);
}

/*
 * walk_leaf_unlock(): the callback lets go of the stop's lock, sleeps and
 * changes the page tables (zaps a page), and the walk goes on with what
 * is there then, after the stop or (ACTION_AGAIN) at it.
 */
struct unlock_rec {
	unsigned long zap_at, again_at;
	unsigned int n, held_after;
	unsigned long addr[8];
	enum pt_entry_type type[8];
};

static int unlock_leaf(struct mm_walk_state *s, struct mm_walk *walk)
{
	struct unlock_rec *r = walk->private;
	spinlock_t *ptl = s->ptl;
	unsigned long zap = 0;

	if (r->n < ARRAY_SIZE(r->addr)) {
		r->addr[r->n] = s->addr;
		r->type[r->n] = s->type;
	}
	r->n++;
	if (s->addr == r->zap_at) {
		zap = s->next;
		r->zap_at = 0;
	} else if (s->addr == r->again_at) {
		zap = s->addr;
		r->again_at = 0;
		walk->action = ACTION_AGAIN;
	}
	if (!zap)
		return 0;
	walk_leaf_unlock(walk);
	walk_leaf_unlock(walk);
	/* The lock is free: this CPU would spin on it forever otherwise. */
	if (!ptl || !spin_trylock(ptl))
		r->held_after++;
	else
		spin_unlock(ptl);
	cond_resched();
	zap_page_range_single(walk->vma, zap, PAGE_SIZE, NULL);
	return 0;
}

static void leaf_entry_unlock(struct kunit *test)
{
	const struct mm_walk_ops ops = {
		.leaf_entry	= unlock_leaf,
		.leaf_flags	= MM_WALK_HOLES,
		.walk_lock	= PGWALK_RDLOCK,
	};
	const enum pt_entry_type leaf = PT_ENTRY_LEAF, none = PT_ENTRY_NONE;
	unsigned long a, p = PAGE_SIZE;
	struct unlock_rec *r;
	int i, ret;

	r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, r);
	a = map_anon(test, 4 * p, PROT_READ | PROT_WRITE);
	for (i = 0; i < 4; i++)
		KUNIT_ASSERT_EQ(test, put_user(1, (u8 __user *)(a + i * p)), 0);
	/* At page 1, zap page 2; at page 3, zap page 3 and read it again. */
	r->zap_at = a + p;
	r->again_at = a + 3 * p;
	mmap_read_lock(current->mm);
	ret = walk_page_range(current->mm, a, a + 4 * p, &ops, r);
	mmap_read_unlock(current->mm);
	KUNIT_EXPECT_EQ(test, ret, 0);
	KUNIT_EXPECT_EQ(test, r->held_after, 0);
	KUNIT_ASSERT_EQ(test, r->n, 5);
	KUNIT_EXPECT_EQ(test, r->addr[0], a);
	KUNIT_EXPECT_EQ(test, r->type[0], leaf);
	KUNIT_EXPECT_EQ(test, r->addr[1], a + p);
	KUNIT_EXPECT_EQ(test, r->type[1], leaf);
	KUNIT_EXPECT_EQ(test, r->addr[2], a + 2 * p);
	KUNIT_EXPECT_EQ(test, r->type[2], none);
	KUNIT_EXPECT_EQ(test, r->addr[3], a + 3 * p);
	KUNIT_EXPECT_EQ(test, r->type[3], leaf);
	KUNIT_EXPECT_EQ(test, r->addr[4], a + 3 * p);
	KUNIT_EXPECT_EQ(test, r->type[4], none);
}

#ifdef CONFIG_TRANSPARENT_HUGEPAGE
/* A THP is one stop at PMD level, and stays a THP. */
static void leaf_entry_thp(struct kunit *test)
{
	struct mm_walk_state s;
	struct leaf_recs *r;
	unsigned long thp;
	enum pt_level level;

	r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, r);
	thp = map_thp_range(test);
	fault_thp(test, thp);
	KUNIT_EXPECT_EQ(test, leaf_walk(thp + PAGE_SIZE, thp + PMD_SIZE, 0, r), 0);
	KUNIT_ASSERT_EQ(test, r->n, 1);
	expect_rec(test, &r->rec[0], thp + PAGE_SIZE, thp + PMD_SIZE, PT_LEVEL_PMD,
		   PT_ENTRY_LEAF, true);
	mmap_read_lock(current->mm);
	mm_walk_seek_leaf(&s, current->mm, thp, MM_WALK_LOCKED);
	level = s.level;
	mm_walk_end(&s);
	mmap_read_unlock(current->mm);
	KUNIT_EXPECT_EQ(test, level, PT_LEVEL_PMD);
}
#endif

#ifdef CONFIG_HUGETLB_PAGE
/*
 * hugetlb: one stop per huge page at its level (no pte_t),
 * and a none entry at that level for the one not faulted in.
 */
static void leaf_entry_hugetlb(struct kunit *test)
{
	enum pt_entry_type type[2];
	struct vm_area_struct *held[2];
	enum pt_level level[2];
	const struct pt_leaf *leaf;
	struct mm_walk_state s;
	struct leaf_recs *r;
	unsigned long addr;
	unsigned int n = 0;

	r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, r);
	addr = map_hugetlb(test, 2 * PMD_SIZE, PMD_SHIFT);
	KUNIT_ASSERT_EQ(test, put_user(1, (u8 __user *)addr), 0);
	KUNIT_EXPECT_EQ(test, leaf_walk(addr, addr + 2 * PMD_SIZE, MM_WALK_HOLES, r), 0);
	KUNIT_ASSERT_EQ(test, r->n, 2);
	expect_rec(test, &r->rec[0], addr, addr + PMD_SIZE, PT_LEVEL_PMD, PT_ENTRY_LEAF, true);
	/*
	 * The same stops when the body lets go of everything at each stop, as
	 * a walk that reschedules does (the hugetlb VMA lock included).
	 */
	mmap_read_lock(current->mm);
	for_each_pt_leaf(leaf, &s, current->mm, addr, addr + 2 * PMD_SIZE,
			 MM_WALK_LOCKED | MM_WALK_HOLES) {
		if (n < ARRAY_SIZE(level)) {
			level[n] = leaf->level;
			type[n] = leaf->type;
			held[n] = s.hugetlb_vma;
		}
		n++;
		mm_walk_pause(leaf);
	}
	mmap_read_unlock(current->mm);
	KUNIT_ASSERT_EQ(test, n, 2);
	KUNIT_EXPECT_EQ(test, level[0], PT_LEVEL_PMD);
	KUNIT_EXPECT_EQ(test, type[0], PT_ENTRY_LEAF);
	KUNIT_EXPECT_EQ(test, type[1], PT_ENTRY_NONE);
	KUNIT_EXPECT_TRUE(test, held[0] && held[1]);
	/*
	 * At PUD level if the second huge page needs a PMD table of its own;
	 * where the PMD is folded, its entries are the top table's.
	 */
	expect_rec(test, &r->rec[1], addr + PMD_SIZE, addr + 2 * PMD_SIZE,
		   PTRS_PER_PMD == 1 || ((addr + PMD_SIZE) & ~PUD_MASK) ?
		   PT_LEVEL_PMD : PT_LEVEL_PUD,
		   PT_ENTRY_NONE, true);
}
#endif

#ifdef CONFIG_MEMORY_FAILURE
/*
 * memory-failure: when the page of an "action required" error is already
 * poisoned, memory_failure() looks for where the current task maps it with
 * kill_accessing_process(), a leaf_entry walk of the whole mm that finds
 * the hwpoison entry of the page, at its level, and sends the task SIGBUS
 * for the poisoned address, with the size of the mapping.  Pages are
 * poisoned with MF_SW_SIMULATED, as MADV_HWPOISON does, and unpoisoned
 * by a KUnit action when the test ends.
 */
static void unpoison_action(void *pfn)
{
	unpoison_memory((unsigned long)pfn);
}

/* Unpoisoned at the end of the test, whatever ends it. */
static void poison(struct kunit *test, unsigned long pfn)
{
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, unpoison_action,
							(void *)pfn), 0);
	/* Recovered: the page is unmapped, a hwpoison entry left in its place. */
	KUNIT_ASSERT_EQ(test, memory_failure(pfn, MF_SW_SIMULATED), 0);
}

/*
 * What an "action required" memory_failure() of @pfn did in a task that
 * shares the test's mm: its return and the SIGBUS it sent.  Not the test's
 * own kernel thread: a kernel thread's signals carry no siginfo.
 */
struct mce_probe {
	unsigned long pfn;
	int ret;
	int sig;
	int code;
	unsigned long addr;
	short lsb;
	struct completion done;
};

static int mce_probe_fn(void *arg)
{
	struct mce_probe *p = arg;
	kernel_siginfo_t info = {};
	/* Only the task itself changes its sighand (exec). */
	struct sighand_struct *sighand = rcu_dereference_protected(current->sighand, 1);
	enum pid_type type;
	sigset_t mask;

	p->ret = memory_failure(p->pfn, MF_ACTION_REQUIRED | MF_SW_SIMULATED);
	siginitsetinv(&mask, sigmask(SIGBUS));
	spin_lock_irq(&sighand->siglock);
	p->sig = dequeue_signal(&mask, &info, &type);
	spin_unlock_irq(&sighand->siglock);
	p->code = info.si_code;
	p->addr = (unsigned long)info.si_addr;
	p->lsb = info.si_addr_lsb;
	complete(&p->done);
	/* A user-mode thread that has not exec'd does not return. */
	do_exit(0);
}

/*
 * kill_accessing_process() found @pfn at @addr, mapped 2^@lsb bytes; with
 * @addr 0, that it did not find it (no signal).
 */
static void expect_mce_sigbus(struct kunit *test, unsigned long pfn,
			      unsigned long addr, short lsb)
{
	struct mce_probe p = { .pfn = pfn };

	init_completion(&p.done);
	/* CLONE_VM: the test's mm; SIGCHLD, which a kernel thread ignores: reaped. */
	KUNIT_ASSERT_GT(test, user_mode_thread(mce_probe_fn, &p, SIGCHLD), 0);
	wait_for_completion(&p.done);
	if (!addr) {
		KUNIT_EXPECT_EQ(test, p.ret, 0);
		KUNIT_EXPECT_EQ(test, p.sig, 0);
		return;
	}
	KUNIT_EXPECT_EQ(test, p.ret, -EHWPOISON);
	KUNIT_ASSERT_EQ(test, p.sig, SIGBUS);
	KUNIT_EXPECT_EQ(test, p.code, BUS_MCEERR_AR);
	KUNIT_EXPECT_EQ(test, p.addr, addr);
	KUNIT_EXPECT_EQ(test, p.lsb, lsb);
}

static bool is_hwpoison_pte(struct mm_struct *mm, unsigned long addr)
{
	spinlock_t *ptl;	/* the PTE table's lock */
	bool ret = false;
	pte_t *ptep, pte;

	mmap_read_lock(mm);
	ptep = test_pte(mm, addr, &ptl);
	if (ptep) {
		pte = ptep_get(ptep);
		ret = is_swap_pte(pte) && is_hwpoison_entry(pte_to_swp_entry(pte));
		test_pte_unmap(ptep);
	}
	mmap_read_unlock(mm);
	return ret;
}

/* Two pages of one PTE table poisoned: the walk finds the one asked for. */
static void leaf_entry_memory_failure(struct kunit *test)
{
	const int n = 8, bad[2] = { 2, 5 };
	unsigned long addr, pfn[2];
	struct mm_struct *mm;
	struct page *page;
	int i;

	addr = map_anon(test, n * PAGE_SIZE, PROT_READ | PROT_WRITE);
	mm = current->mm;
	for (i = 0; i < n; i++)
		KUNIT_ASSERT_EQ(test, put_user(i + 1, (u8 __user *)(addr + i * PAGE_SIZE)), 0);
	for (i = 0; i < 2; i++) {
		KUNIT_ASSERT_EQ(test, get_user_pages_fast(addr + bad[i] * PAGE_SIZE, 1, 0,
							  &page), 1);
		pfn[i] = page_to_pfn(page);
		put_page(page);
	}
	for (i = 0; i < 2; i++) {
		poison(test, pfn[i]);
		KUNIT_ASSERT_TRUE(test, is_hwpoison_pte(mm, addr + bad[i] * PAGE_SIZE));
	}
	expect_mce_sigbus(test, pfn[1], addr + bad[1] * PAGE_SIZE, PAGE_SHIFT);
	expect_mce_sigbus(test, pfn[0], addr + bad[0] * PAGE_SIZE, PAGE_SHIFT);
	/* The first one's hwpoison entry zapped: not found, the other still is. */
	KUNIT_ASSERT_EQ(test, do_madvise(mm, addr + bad[0] * PAGE_SIZE, PAGE_SIZE,
					 MADV_DONTNEED), 0);
	expect_mce_sigbus(test, pfn[0], 0, 0);
	expect_mce_sigbus(test, pfn[1], addr + bad[1] * PAGE_SIZE, PAGE_SHIFT);
}

#ifdef CONFIG_HUGETLB_PAGE
/*
 * The hstates below PUD size, one parameter each: a poisoned huge page is
 * lost to its pool (kunit.sh boots with one page more of each), which a
 * pool of one gigantic page cannot spare.  Contiguous sizes included
 * (arm64: 64K of 16 PTEs, 32M of 16 PMDs), whose hwpoison entry hugetlb
 * writes into every entry of the page.
 */
static const void *mf_hstate_gen(const void *prev, char *desc)
{
	const struct hstate *h = prev ? (const struct hstate *)prev + 1 : hstates;

	for (; h < hstates + hugetlb_max_hstate; h++) {
		if (huge_page_size((struct hstate *)h) >= PUD_SIZE)
			continue;
		snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%lu KiB",
			 huge_page_size((struct hstate *)h) >> 10);
		return h;
	}
	return NULL;
}

/*
 * A hugetlb page with its fourth page poisoned: the hwpoison entry is the
 * huge page's, the address the fourth page's and the size the huge page's
 * (6.12: huge_page_shift() of the VMA's hstate, the huge page as a unit).
 */
static void leaf_entry_memory_failure_hugetlb(struct kunit *test)
{
	struct hstate *h = (struct hstate *)test->param_value;
	unsigned long size = huge_page_size(h), addr, pfn;
	struct mm_struct *mm;
	struct page *page;
	pte_t *ptep, pte;

	addr = map_hugetlb(test, size, huge_page_shift(h));
	mm = current->mm;
	KUNIT_ASSERT_EQ(test, put_user(1, (u8 __user *)addr), 0);
	KUNIT_ASSERT_EQ(test, get_user_pages_fast(addr + 3 * PAGE_SIZE, 1, 0, &page), 1);
	pfn = page_to_pfn(page);
	put_page(page);
	poison(test, pfn);
	mmap_read_lock(mm);
	ptep = huge_pte_offset(mm, addr, size);
	pte = ptep ? huge_ptep_get(mm, addr, ptep) : __pte(0);
	mmap_read_unlock(mm);
	KUNIT_ASSERT_TRUE(test, is_swap_pte(pte) && is_hwpoison_entry(pte_to_swp_entry(pte)));
	expect_mce_sigbus(test, pfn, addr + 3 * PAGE_SIZE, huge_page_shift(h));
}
#endif
#endif

#ifdef CONFIG_PGSTE
/*
 * s390: s390_enable_skey(), the leaf_entry walk of a whole mm that KVM makes
 * when a guest first uses storage keys, against what ptep_zap_key() does to
 * every PTE of every PTE table of a VMA, none PTEs included: in the PTE's
 * PGSTE, the guest key's access-control and fetch-protection bits cleared
 * and its referenced and changed bits set; for a present writable page, its
 * storage key back to the default.  A write-protected page keeps its key.
 */
#define SKEY_PAGES	40
#define SKEY_TEST_KEY	0x50	/* access control 5, no fetch protection */
#define SKEY_TEST_ACC	(5UL << 60)	/* the same in a PGSTE */
#define SKEY_KEY_BITS	0xf8	/* access control and fetch protection */

/* The PGSTE of a PTE: the second half of an s390 PTE table with PGSTEs. */
static unsigned long *test_pgste(pte_t *ptep)
{
	return (unsigned long *)(ptep + PTRS_PER_PTE);
}

/* Page @i: 0 none, 1 written, 2 written then write-protected. */
static int skey_kind(int i)
{
	return i % 5 == 1 ? 0 : i % 5 == 3 ? 2 : 1;
}

/* What the test saw of a page, under its PTE table's lock. */
struct skey_seen {
	bool table;		/* the page has a PTE table */
	bool present;
	unsigned long pgste;
	unsigned char key;	/* access control and fetch protection */
};

/*
 * Runs @fn on the PTE of page @i of @addr and its PGSTE, under the PTE
 * table's lock, which @fn must not sleep under: it only records what it
 * sees in @seen, which the test checks after.
 */
static void skey_pte(struct mm_struct *mm, unsigned long addr, int i,
		     void (*fn)(struct mm_struct *, unsigned long, pte_t *, int,
				struct skey_seen *),
		     struct skey_seen *seen)
{
	unsigned long a = addr + i * PAGE_SIZE;
	spinlock_t *ptl;	/* the PTE table's lock */
	pte_t *ptep;

	memset(seen, 0, sizeof(*seen));
	ptep = test_pte(mm, a, &ptl);
	if (!ptep)
		return;
	seen->table = true;
	spin_lock(ptl);
	fn(mm, a, ptep, i, seen);
	spin_unlock(ptl);
	test_pte_unmap(ptep);
}

/*
 * Before the walk: the guest key of every PGSTE access-control 5 with fetch
 * protection, not referenced, not changed; every page's storage key
 * SKEY_TEST_KEY, and the pages of kind 2 write-protected.
 */
static void skey_set(struct mm_struct *mm, unsigned long a, pte_t *ptep,
		     int i, struct skey_seen *seen)
{
	unsigned long *pgste = test_pgste(ptep);
	pte_t pte = ptep_get(ptep);

	WRITE_ONCE(*pgste, (READ_ONCE(*pgste) &
			    ~(PGSTE_ACC_BITS | PGSTE_GR_BIT | PGSTE_GC_BIT)) |
		   SKEY_TEST_ACC | PGSTE_FP_BIT);
	seen->present = pte_present(pte);
	if (!seen->present)
		return;
	page_set_storage_key(pte_val(pte) & PAGE_MASK, SKEY_TEST_KEY, 1);
	if (skey_kind(i) == 2)
		ptep_set_wrprotect(mm, a, ptep);
}

/*
 * After the walk: the PGSTE and the storage key, which then goes back to
 * the default before the page goes back to the mm.
 */
static void skey_read(struct mm_struct *mm, unsigned long a, pte_t *ptep,
		      int i, struct skey_seen *seen)
{
	pte_t pte = ptep_get(ptep);

	seen->pgste = READ_ONCE(*test_pgste(ptep));
	seen->present = pte_present(pte);
	if (!seen->present)
		return;
	seen->key = page_get_storage_key(pte_val(pte) & PAGE_MASK) & SKEY_KEY_BITS;
	page_set_storage_key(pte_val(pte) & PAGE_MASK, PAGE_DEFAULT_KEY, 1);
}

/* page_table_allocate_pgste back as it was, whatever ends the test. */
static void skey_restore_pgste(void *saved)
{
	page_table_allocate_pgste = (long)saved;
}

static void leaf_entry_s390_enable_skey(struct kunit *test)
{
	long saved = page_table_allocate_pgste;
	struct skey_seen *seen;
	struct mm_struct *mm;
	unsigned long addr;
	int i;

	seen = kunit_kcalloc(test, SKEY_PAGES, sizeof(*seen), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, seen);
	/* The mm of a KVM process: PTE tables with PGSTEs. */
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, skey_restore_pgste,
							(void *)saved), 0);
	page_table_allocate_pgste = 1;
	addr = map_anon(test, SKEY_PAGES * PAGE_SIZE, PROT_READ | PROT_WRITE);
	kunit_release_action(test, skey_restore_pgste, (void *)saved);
	mm = current->mm;
	KUNIT_ASSERT_TRUE(test, mm_alloc_pgste(mm));
	KUNIT_ASSERT_EQ(test, s390_enable_sie(), 0);
	for (i = 0; i < SKEY_PAGES; i++)
		if (skey_kind(i))
			KUNIT_ASSERT_EQ(test, put_user(1, (u8 __user *)(addr + i * PAGE_SIZE)), 0);
	mmap_write_lock(mm);
	for (i = 0; i < SKEY_PAGES; i++)
		skey_pte(mm, addr, i, skey_set, &seen[i]);
	mmap_write_unlock(mm);
	for (i = 0; i < SKEY_PAGES; i++) {
		KUNIT_ASSERT_TRUE_MSG(test, seen[i].table, "page %d", i);
		KUNIT_EXPECT_EQ_MSG(test, seen[i].present, skey_kind(i) != 0,
				    "page %d", i);
	}

	KUNIT_ASSERT_EQ(test, s390_enable_skey(), 0);
	KUNIT_EXPECT_TRUE(test, mm_uses_skeys(mm));

	mmap_write_lock(mm);
	for (i = 0; i < SKEY_PAGES; i++)
		skey_pte(mm, addr, i, skey_read, &seen[i]);
	mmap_write_unlock(mm);
	/* What ptep_zap_key() leaves. */
	for (i = 0; i < SKEY_PAGES; i++) {
		KUNIT_ASSERT_TRUE_MSG(test, seen[i].table, "page %d", i);
		KUNIT_EXPECT_EQ_MSG(test, seen[i].pgste & (PGSTE_ACC_BITS | PGSTE_FP_BIT),
				    0, "page %d", i);
		KUNIT_EXPECT_EQ_MSG(test, seen[i].pgste & (PGSTE_GR_BIT | PGSTE_GC_BIT),
				    PGSTE_GR_BIT | PGSTE_GC_BIT, "page %d", i);
		KUNIT_EXPECT_EQ_MSG(test, seen[i].present, skey_kind(i) != 0,
				    "page %d", i);
		if (seen[i].present)
			KUNIT_EXPECT_EQ_MSG(test, seen[i].key, skey_kind(i) == 2 ?
					    SKEY_TEST_KEY : PAGE_DEFAULT_KEY,
					    "page %d", i);
	}
}
#endif

#if defined(CONFIG_X86_64) && !defined(CONFIG_UML)
static void leaf_entry_prot_none_pfn(struct kunit *test);
#endif

static struct kunit_case pt_walk_leaf_entry_cases[] = {
	KUNIT_CASE(leaf_entry_ranges),
	KUNIT_CASE(leaf_entry_resched),
	KUNIT_CASE(leaf_entry_action),
	KUNIT_CASE(leaf_entry_unlock),
#if defined(CONFIG_X86) || defined(CONFIG_UML)
	KUNIT_CASE(leaf_entry_bad_entry),
#endif
	KUNIT_CASE(leaf_entry_table),
#ifdef CONFIG_TRANSPARENT_HUGEPAGE
	KUNIT_CASE(leaf_entry_thp),
#endif
#ifdef CONFIG_HUGETLB_PAGE
	KUNIT_CASE(leaf_entry_hugetlb),
#endif
#if defined(CONFIG_X86_64) && !defined(CONFIG_UML)
	KUNIT_CASE(leaf_entry_prot_none_pfn),
#endif
#ifdef CONFIG_MEMORY_FAILURE
	KUNIT_CASE(leaf_entry_memory_failure),
#ifdef CONFIG_HUGETLB_PAGE
	KUNIT_CASE_PARAM(leaf_entry_memory_failure_hugetlb, mf_hstate_gen),
#endif
#endif
#ifdef CONFIG_PGSTE
	KUNIT_CASE(leaf_entry_s390_enable_skey),
#endif
	{}
};

static struct kunit_suite pt_walk_leaf_entry_suite = {
	.name = "pt_walk_leaf_entry",
	.test_cases = pt_walk_leaf_entry_cases,
};

/*
 * GUP, slow path: get_user_pages_remote() and pin_user_pages_remote() with
 * the mmap lock held, so every page goes through follow_page_mask().
 */
static long gup(unsigned long addr, unsigned long nr, unsigned int flags,
		struct page **pages)
{
	struct mm_struct *mm = current->mm;
	long ret;

	mmap_read_lock(mm);
	if (flags & FOLL_PIN)
		ret = pin_user_pages_remote(mm, addr, nr, flags & ~FOLL_PIN,
					    pages, NULL);
	else
		ret = get_user_pages_remote(mm, addr, nr, flags, pages, NULL);
	mmap_read_unlock(mm);
	return ret;
}

static u8 page_byte(struct page *page)
{
	u8 *p = kmap_local_page(page);
	u8 val = *p;

	kunmap_local(p);
	return val;
}

#define GUP_PAGES	8

/*
 * Anonymous pages: GET takes one reference, PIN GUP_PIN_COUNTING_BIAS, and
 * the pages hold what the test wrote.
 */
static void gup_anon(struct kunit *test)
{
	struct page *pages[GUP_PAGES], *again[GUP_PAGES];
	int refs[GUP_PAGES];
	unsigned long start, i;

	start = map_anon(test, GUP_PAGES * PAGE_SIZE, PROT_READ | PROT_WRITE);
	for (i = 0; i < GUP_PAGES; i++)
		KUNIT_ASSERT_EQ(test, put_user(0x40 + i, (u8 __user *)(start + i * PAGE_SIZE)), 0);

	KUNIT_ASSERT_EQ(test, gup(start, GUP_PAGES, FOLL_GET, pages), GUP_PAGES);
	for (i = 0; i < GUP_PAGES; i++) {
		KUNIT_EXPECT_EQ(test, page_byte(pages[i]), 0x40 + i);
		KUNIT_EXPECT_TRUE(test, PageAnon(pages[i]));
	}
	/*
	 * FOLL_TOUCH marks the pages accessed, which may queue them, with a
	 * reference, for activation: count after those queues are drained.
	 */
	lru_add_drain_all();
	for (i = 0; i < GUP_PAGES; i++)
		refs[i] = page_ref_count(pages[i]);
	/* A second GET: the same pages, one more reference each. */
	KUNIT_ASSERT_EQ(test, gup(start, GUP_PAGES, FOLL_GET | FOLL_WRITE, again), GUP_PAGES);
	lru_add_drain_all();
	for (i = 0; i < GUP_PAGES; i++) {
		KUNIT_EXPECT_PTR_EQ(test, again[i], pages[i]);
		KUNIT_EXPECT_EQ(test, page_ref_count(pages[i]), refs[i] + 1);
		put_page(again[i]);
	}
	/* PIN: the pin bias, and folio_maybe_dma_pinned(). */
	KUNIT_ASSERT_EQ(test, gup(start, GUP_PAGES, FOLL_PIN | FOLL_WRITE, again), GUP_PAGES);
	lru_add_drain_all();
	for (i = 0; i < GUP_PAGES; i++) {
		KUNIT_EXPECT_PTR_EQ(test, again[i], pages[i]);
		KUNIT_EXPECT_EQ(test, page_ref_count(pages[i]),
				refs[i] + GUP_PIN_COUNTING_BIAS);
		KUNIT_EXPECT_TRUE(test, folio_maybe_dma_pinned(page_folio(pages[i])));
	}
	unpin_user_pages(again, GUP_PAGES);
	for (i = 0; i < GUP_PAGES; i++) {
		KUNIT_EXPECT_EQ(test, page_ref_count(pages[i]), refs[i]);
		put_page(pages[i]);
	}
}

/*
 * Untouched anonymous memory: a read maps the zero page, a write a new
 * page; a core dump (FOLL_DUMP) skips both holes and the zero page.
 */
static void gup_zero_page(struct kunit *test)
{
	struct page *page, *dump;
	unsigned long start;
	u8 val;

	start = map_anon(test, 4 * PAGE_SIZE, PROT_READ | PROT_WRITE);
	KUNIT_ASSERT_EQ(test, get_user(val, (u8 __user *)start), 0);
	KUNIT_EXPECT_EQ(test, val, 0);

	KUNIT_ASSERT_EQ(test, gup(start, 1, FOLL_GET, &page), 1);
	KUNIT_EXPECT_TRUE(test, is_zero_page(page));
	put_page(page);

#ifdef CONFIG_ELF_CORE
	KUNIT_EXPECT_NULL(test, get_dump_page(start));
	KUNIT_EXPECT_NULL(test, get_dump_page(start + PAGE_SIZE));
#endif

	/* A write breaks COW: a new anonymous page holding zeroes. */
	KUNIT_ASSERT_EQ(test, gup(start, 1, FOLL_GET | FOLL_WRITE, &page), 1);
	KUNIT_EXPECT_FALSE(test, is_zero_page(page));
	KUNIT_EXPECT_TRUE(test, PageAnon(page));
	KUNIT_EXPECT_EQ(test, page_byte(page), 0);
	put_page(page);
	KUNIT_ASSERT_EQ(test, put_user(0x77, (u8 __user *)start), 0);
#ifdef CONFIG_ELF_CORE
	dump = get_dump_page(start);
	KUNIT_ASSERT_NOT_NULL(test, dump);
	KUNIT_EXPECT_EQ(test, page_byte(dump), 0x77);
	put_page(dump);
#endif
}

/*
 * Read-only private memory: a write is refused, unless forced (ptrace),
 * and then goes to a private copy, never to the file.
 */
static void gup_force(struct kunit *test)
{
	unsigned long shared, private;
	struct page *page, *cache;
	struct file *file;
	u8 val;

	file = shmem_file_setup("ptwalk-gup", 2 * PAGE_SIZE, VM_NORESERVE);
	KUNIT_ASSERT_FALSE(test, IS_ERR(file));
	shared = kunit_vm_mmap(test, file, 0, 2 * PAGE_SIZE,
			       PROT_READ | PROT_WRITE, MAP_SHARED, 0);
	private = kunit_vm_mmap(test, file, 0, 2 * PAGE_SIZE, PROT_READ,
				MAP_PRIVATE, 0);
	fput(file);
	KUNIT_ASSERT_FALSE(test, IS_ERR_VALUE(shared));
	KUNIT_ASSERT_FALSE(test, IS_ERR_VALUE(private));
	KUNIT_ASSERT_EQ(test, put_user(0x11, (u8 __user *)shared), 0);
	KUNIT_ASSERT_EQ(test, get_user(val, (u8 __user *)private), 0);
	KUNIT_ASSERT_EQ(test, val, 0x11);

	/* The private mapping maps the page cache page. */
	KUNIT_ASSERT_EQ(test, gup(shared, 1, FOLL_GET, &cache), 1);
	KUNIT_ASSERT_EQ(test, gup(private, 1, FOLL_GET, &page), 1);
	KUNIT_EXPECT_PTR_EQ(test, page, cache);
	put_page(page);

	KUNIT_EXPECT_EQ(test, gup(private, 1, FOLL_GET | FOLL_WRITE, &page), -EFAULT);
	KUNIT_ASSERT_EQ(test, gup(private, 1, FOLL_GET | FOLL_WRITE | FOLL_FORCE, &page), 1);
	KUNIT_EXPECT_PTR_NE(test, page, cache);
	KUNIT_EXPECT_TRUE(test, PageAnon(page));
	KUNIT_EXPECT_EQ(test, page_byte(page), 0x11);
	memset_page(page, 0, 0x22, 1);
	put_page(page);

	KUNIT_ASSERT_EQ(test, get_user(val, (u8 __user *)private), 0);
	KUNIT_EXPECT_EQ(test, val, 0x22);
	KUNIT_ASSERT_EQ(test, get_user(val, (u8 __user *)shared), 0);
	KUNIT_EXPECT_EQ(test, val, 0x11);
	KUNIT_EXPECT_EQ(test, page_byte(cache), 0x11);
	put_page(cache);
}

/* No VMA, or a VMA without access: -EFAULT, and nothing returned. */
static void gup_bad_address(struct kunit *test)
{
	struct page *page = NULL, *pages[2];
	unsigned long start;

	start = map_anon(test, 4 * PAGE_SIZE, PROT_READ | PROT_WRITE);
	KUNIT_ASSERT_EQ(test, vm_munmap(start + PAGE_SIZE, PAGE_SIZE), 0);
	KUNIT_EXPECT_EQ(test, gup(start + PAGE_SIZE, 1, FOLL_GET, &page), -EFAULT);
	KUNIT_EXPECT_NULL(test, page);
	/* The pages before the hole are returned, then the walk stops. */
	KUNIT_ASSERT_EQ(test, put_user(1, (u8 __user *)start), 0);
	KUNIT_ASSERT_EQ(test, gup(start, 2, FOLL_GET, pages), 1);
	KUNIT_EXPECT_EQ(test, page_byte(pages[0]), 1);
	put_page(pages[0]);
	start = map_anon(test, PAGE_SIZE, PROT_NONE);
	KUNIT_EXPECT_EQ(test, gup(start, 1, FOLL_GET, &page), -EFAULT);
	KUNIT_EXPECT_NULL(test, page);
}

/* The page a VM_PFNMAP mapping of the test's file maps. */
static int pfnmap_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct page *page = file->private_data;

	return remap_pfn_range(vma, vma->vm_start, page_to_pfn(page),
			       PAGE_SIZE, vma->vm_page_prot);
}

static const struct file_operations pfnmap_fops = {
	.mmap = pfnmap_mmap,
};

/*
 * A shared mapping of an anonymous-inode file whose mmap() is @fops's, with
 * @priv as its private data: the address, or 0 after a failed expectation.
 */
static unsigned long map_test_file(struct kunit *test, const char *name,
				   const struct file_operations *fops, void *priv,
				   unsigned long len, unsigned long prot)
{
	struct file *file = anon_inode_getfile(name, fops, priv, O_RDWR);
	unsigned long addr;

	if (IS_ERR(file)) {
		KUNIT_FAIL(test, "anon_inode_getfile: %ld", PTR_ERR(file));
		return 0;
	}
	addr = kunit_vm_mmap(test, file, 0, len, prot, MAP_SHARED, 0);
	fput(file);
	if (IS_ERR_VALUE(addr)) {
		KUNIT_FAIL(test, "mmap of %s: %ld", name, (long)addr);
		return 0;
	}
	return addr;
}

/* A VM_PFNMAP mapping of one page of its own at *@addr; NULL on failure. */
static struct page *map_pfnmap(struct kunit *test, unsigned long len,
			       unsigned long prot, unsigned long *addr)
{
	struct page *mapped;

	mapped = alloc_page(GFP_KERNEL | __GFP_ZERO);
	KUNIT_ASSERT_NOT_NULL(test, mapped);
	/* pfnmap_mmap() maps the first page. */
	*addr = map_test_file(test, "ptwalk-pfnmap", &pfnmap_fops, mapped, len,
			      prot);
	if (!*addr) {
		__free_page(mapped);
		return NULL;
	}
	return mapped;
}

#if defined(CONFIG_X86_64) && !defined(CONFIG_UML)
/*
 * mprotect: where the CPU has L1TF, mprotect(PROT_NONE) of a VM_PFNMAP
 * mapping by a task without CAP_SYS_ADMIN fails with -EACCES, changing
 * nothing, when a present entry maps a pfn at or above l1tf_pfn_limit()
 * that is not memory (pfn_modify_allowed(): its inverted PROT_NONE entry
 * could point at memory); mprotect_fixup() looks at every present entry
 * with a leaf_entry walk.  The CPU's L1TF bug bit is set for the test
 * where QEMU's CPU does not have it, and taken back after.
 */
static int high_pfnmap_mmap(struct file *file, struct vm_area_struct *vma)
{
	unsigned long pfn = *(unsigned long *)file->private_data;

	/* The VMA's first page left none: a hole the walk passes over. */
	return remap_pfn_range(vma, vma->vm_start + PAGE_SIZE, pfn,
			       vma->vm_end - vma->vm_start - PAGE_SIZE,
			       vma->vm_page_prot);
}

static const struct file_operations high_pfnmap_fops = {
	.mmap = high_pfnmap_mmap,
};

/*
 * mprotect_fixup() of the VMA [@start, @end) to no access, as
 * do_mprotect_pkey() calls it, by a task without CAP_SYS_ADMIN when
 * @unprivileged: its error.
 */
static int test_mprotect_none(struct kunit *test, unsigned long start,
			      unsigned long end, bool unprivileged)
{
	struct mm_struct *mm = current->mm;
	struct vm_area_struct *vma, *prev;
	const struct cred *old = NULL;
	struct cred *cred = NULL;
	struct vma_iterator vmi;
	struct mmu_gather tlb;
	int err;

	if (unprivileged) {
		cred = prepare_creds();
		KUNIT_ASSERT_NOT_NULL(test, cred);
		cap_lower(cred->cap_effective, CAP_SYS_ADMIN);
		old = override_creds(cred);
	}
	mmap_write_lock(mm);
	vma_iter_init(&vmi, mm, start);
	vma = vma_find(&vmi, end);
	err = -EINVAL;	/* not one VMA: the test's mistake, not mprotect's */
	if (vma && vma->vm_start == start && vma->vm_end == end) {
		prev = vma_prev(&vmi);
		vma = vma_find(&vmi, end);
		tlb_gather_mmu(&tlb, mm);
		err = mprotect_fixup(&vmi, &tlb, vma, &prev, start, end,
				     vma->vm_flags & ~VM_ACCESS_FLAGS);
		tlb_finish_mmu(&tlb);
	}
	mmap_write_unlock(mm);
	if (unprivileged) {
		revert_creds(old);
		put_cred(cred);
	}
	return err;
}

/* The access flags of the VMA at @addr, and whether page 1 is present. */
static unsigned long test_vma_access(unsigned long addr, bool *present)
{
	struct mm_struct *mm = current->mm;
	struct vm_area_struct *vma;
	unsigned long flags;
	spinlock_t *ptl;	/* the PTE table's lock */
	pte_t *ptep;

	mmap_read_lock(mm);
	vma = vma_lookup(mm, addr);
	flags = vma ? vma->vm_flags & VM_ACCESS_FLAGS : 0;
	ptep = test_pte(mm, addr + PAGE_SIZE, &ptl);
	*present = ptep && pte_present(ptep_get(ptep));
	if (ptep)
		test_pte_unmap(ptep);
	mmap_read_unlock(mm);
	return flags;
}

static void clear_l1tf_bug(void *unused)
{
	clear_bit(X86_BUG_L1TF, (unsigned long *)boot_cpu_data.x86_capability);
}

static void leaf_entry_prot_none_pfn(struct kunit *test)
{
	const unsigned long len = 4 * PAGE_SIZE, rw = VM_READ | VM_WRITE;
	bool had = boot_cpu_has_bug(X86_BUG_L1TF), present;
	unsigned long high = l1tf_pfn_limit() + 16, low = l1tf_pfn_limit() - 16;
	unsigned long a, b, c;

	a = map_test_file(test, "ptwalk-high", &high_pfnmap_fops, &high, len,
			  PROT_READ | PROT_WRITE);
	b = map_test_file(test, "ptwalk-high", &high_pfnmap_fops, &high, len,
			  PROT_READ | PROT_WRITE);
	c = map_test_file(test, "ptwalk-low", &high_pfnmap_fops, &low, len,
			  PROT_READ | PROT_WRITE);
	KUNIT_ASSERT_TRUE(test, a && b && c);
	if (!had) {
		set_bit(X86_BUG_L1TF, (unsigned long *)boot_cpu_data.x86_capability);
		KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, clear_l1tf_bug, NULL), 0);
	}
	/* Not memory, above the limit, unprivileged: refused, nothing changed. */
	KUNIT_EXPECT_EQ(test, test_mprotect_none(test, a, a + len, true), -EACCES);
	KUNIT_EXPECT_EQ(test, test_vma_access(a, &present), rw);
	KUNIT_EXPECT_TRUE(test, present);
	/* With CAP_SYS_ADMIN; below the limit: done. */
	KUNIT_EXPECT_EQ(test, test_mprotect_none(test, b, b + len, false), 0);
	KUNIT_EXPECT_EQ(test, test_vma_access(b, &present), 0);
	KUNIT_EXPECT_EQ(test, test_mprotect_none(test, c, c + len, true), 0);
	KUNIT_EXPECT_EQ(test, test_vma_access(c, &present), 0);
}
#endif

/* A VM_PFNMAP mapping has no pages to give: -EFAULT (GUP-fast: none). */
static void gup_pfnmap(struct kunit *test)
{
	struct page *page = NULL, *mapped;
	unsigned long addr;
	u8 val;

	mapped = map_pfnmap(test, PAGE_SIZE, PROT_READ, &addr);
	if (!mapped)
		return;
	memset_page(mapped, 0, 0x5a, 1);
	KUNIT_EXPECT_EQ(test, get_user(val, (u8 __user *)addr), 0);
	KUNIT_EXPECT_EQ(test, val, 0x5a);
	KUNIT_EXPECT_EQ(test, gup(addr, 1, FOLL_GET, &page), -EFAULT);
	KUNIT_EXPECT_NULL(test, page);
	/* Nor GUP-fast: its PTE is special. */
	if (IS_ENABLED(CONFIG_HAVE_GUP_FAST))
		KUNIT_EXPECT_EQ(test, get_user_pages_fast_only(addr, 1, 0, &page), 0);
	KUNIT_EXPECT_NULL(test, page);
	/* The mapping goes with the test's mm; the page after it. */
	vm_munmap(addr, PAGE_SIZE);
	__free_page(mapped);
}

#ifdef CONFIG_TRANSPARENT_HUGEPAGE
/*
 * A THP: pages of the one folio, taken from its PMD leaf without splitting
 * it; FOLL_SPLIT_PMD (uprobes) splits it first.
 */
static void gup_thp(struct kunit *test)
{
	struct page *pages[4], *pin;
	struct mm_walk_state s;
	struct folio *folio;
	unsigned long thp, i;
	enum pt_level level;
	int refs;

	thp = map_thp_range(test);
	fault_thp(test, thp);
	KUNIT_ASSERT_EQ(test, gup(thp + 5 * PAGE_SIZE, 4, FOLL_GET, pages), 4);
	folio = page_folio(pages[0]);
	KUNIT_EXPECT_EQ(test, folio_size(folio), PMD_SIZE);
	for (i = 0; i < 4; i++)
		KUNIT_EXPECT_PTR_EQ(test, pages[i], folio_page(folio, 5 + i));
	KUNIT_EXPECT_EQ(test, page_byte(pages[0]), 1);
	/* A large folio is pinned with one reference and its pincount. */
	lru_add_drain_all();
	refs = folio_ref_count(folio);
	KUNIT_ASSERT_EQ(test, gup(thp + 5 * PAGE_SIZE, 1, FOLL_PIN, &pin), 1);
	lru_add_drain_all();
	KUNIT_EXPECT_PTR_EQ(test, pin, folio_page(folio, 5));
	KUNIT_EXPECT_EQ(test, folio_ref_count(folio), refs + 1);
	KUNIT_EXPECT_TRUE(test, folio_maybe_dma_pinned(folio));
	unpin_user_page(pin);
	KUNIT_EXPECT_EQ(test, folio_ref_count(folio), refs);
	KUNIT_EXPECT_FALSE(test, folio_maybe_dma_pinned(folio));
	for (i = 0; i < 4; i++)
		put_page(pages[i]);
	KUNIT_EXPECT_EQ(test, folio_ref_count(folio), refs - 4);

	mmap_read_lock(current->mm);
	mm_walk_seek_leaf(&s, current->mm, thp, MM_WALK_LOCKED);
	level = s.level;
	mm_walk_end(&s);
	mmap_read_unlock(current->mm);
	KUNIT_EXPECT_EQ(test, level, PT_LEVEL_PMD);

	KUNIT_ASSERT_EQ(test, gup(thp + 5 * PAGE_SIZE, 1, FOLL_GET | FOLL_SPLIT_PMD, pages), 1);
	KUNIT_EXPECT_EQ(test, page_byte(pages[0]), 1);
	put_page(pages[0]);
	mmap_read_lock(current->mm);
	mm_walk_seek_leaf(&s, current->mm, thp + 5 * PAGE_SIZE, MM_WALK_LOCKED);
	level = s.level;
	mm_walk_end(&s);
	mmap_read_unlock(current->mm);
	KUNIT_EXPECT_EQ(test, level, PT_LEVEL_PTE);
}
#endif

#ifdef CONFIG_HUGETLB_PAGE
/* A hugetlb page, at its own level: pages of the one folio. */
static void gup_hugetlb_size(struct kunit *test, unsigned int shift)
{
	unsigned long size = 1UL << shift, addr;
	struct page *pages[2], *mid[2];
	struct folio *folio;
	int refs;

	addr = map_hugetlb(test, size, shift);
	KUNIT_ASSERT_EQ(test, put_user(0x33, (u8 __user *)(addr + 3 * PAGE_SIZE)), 0);
	KUNIT_ASSERT_EQ(test, gup(addr + 3 * PAGE_SIZE, 1, FOLL_GET, pages), 1);
	folio = page_folio(pages[0]);
	KUNIT_EXPECT_EQ(test, folio_size(folio), size);
	KUNIT_EXPECT_TRUE(test, folio_test_hugetlb(folio));
	KUNIT_EXPECT_PTR_EQ(test, pages[0], folio_page(folio, 3));
	KUNIT_EXPECT_EQ(test, page_byte(pages[0]), 0x33);
	/*
	 * Two pages across the middle of the huge page: for arm64's
	 * contiguous PMDs (32M of 16 PMDs), the last page of one PMD and the
	 * first of the next, each from its own entry.
	 */
	KUNIT_ASSERT_EQ(test, gup(addr + size / 2 - PAGE_SIZE, 2, FOLL_GET, mid), 2);
	KUNIT_EXPECT_PTR_EQ(test, mid[0], folio_page(folio, size / PAGE_SIZE / 2 - 1));
	KUNIT_EXPECT_PTR_EQ(test, mid[1], folio_page(folio, size / PAGE_SIZE / 2));
	put_page(mid[0]);
	put_page(mid[1]);
	refs = folio_ref_count(folio);
	/* The last page of the huge page, and the first one. */
	KUNIT_ASSERT_EQ(test, gup(addr + size - PAGE_SIZE, 1, FOLL_GET | FOLL_WRITE,
				  pages + 1), 1);
	KUNIT_EXPECT_PTR_EQ(test, pages[1], folio_page(folio, size / PAGE_SIZE - 1));
	KUNIT_EXPECT_EQ(test, folio_ref_count(folio), refs + 1);
	put_page(pages[1]);
	put_page(pages[0]);
	KUNIT_EXPECT_EQ(test, folio_ref_count(folio), refs - 1);
}

static void gup_hugetlb_pmd(struct kunit *test)
{
	gup_hugetlb_size(test, PMD_SHIFT);
}

#ifdef PT_TEST_HUGETLB_PUD
static void gup_hugetlb_pud(struct kunit *test)
{
	gup_hugetlb_size(test, PUD_SHIFT);
}
#endif

#if defined(CONFIG_ARM64) || defined(CONFIG_RISCV_ISA_SVNAPOT)
/* Contiguous hugetlb pages: arm64 CONT_PTES and CONT_PMDS, riscv Svnapot. */
static void gup_hugetlb_cont_pte(struct kunit *test)
{
#ifdef CONFIG_ARM64
	gup_hugetlb_size(test, CONT_PTE_SHIFT);
#else
	gup_hugetlb_size(test, PAGE_SHIFT + NAPOT_CONT64KB_ORDER);
#endif
}
#endif

#if defined(CONFIG_ARM64) || defined(CONFIG_RISCV_ISA_SVNAPOT)
/*
 * One GUP call over two contiguous hugetlb pages of @size, from inside the
 * first: each page is one stop of the walk, whose pages follow_page_mask()
 * takes together (follow_hugetlb_block(): after the first PTE, or after
 * the first PMD's pages).  The expectation is each address's page in its
 * folio, and one reference (GET) or one pin per page taken, on the folio
 * of the page.
 */
static void gup_hugetlb_cont_range(struct kunit *test, unsigned long size)
{
	const unsigned int flags[] = { FOLL_GET, FOLL_PIN | FOLL_LONGTERM };
	unsigned long n = size / PAGE_SIZE, nr = 2 * n - 5, addr, i;
	struct folio *folio[2];
	int refs[2], pins[2];
	struct page **pages;
	unsigned int f;

	addr = map_hugetlb(test, 2 * size, ilog2(size));
	for (i = 0; i < 2; i++) {
		struct page *page;

		KUNIT_ASSERT_EQ(test, put_user(i, (u8 __user *)(addr + i * size)), 0);
		KUNIT_ASSERT_EQ(test, gup(addr + i * size, 1, FOLL_GET, &page), 1);
		folio[i] = page_folio(page);
		put_page(page);
		KUNIT_ASSERT_EQ(test, folio_size(folio[i]), size);
	}
	pages = kunit_kcalloc(test, nr, sizeof(*pages), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, pages);
	for (f = 0; f < ARRAY_SIZE(flags); f++) {
		for (i = 0; i < 2; i++) {
			refs[i] = folio_ref_count(folio[i]);
			pins[i] = atomic_read(&folio[i]->_pincount);
		}
		KUNIT_ASSERT_EQ(test, gup(addr + 3 * PAGE_SIZE, nr, flags[f], pages), nr);
		for (i = 0; i < nr; i++) {
			unsigned long k = 3 + i;

			KUNIT_EXPECT_PTR_EQ_MSG(test, pages[i], folio_page(folio[k / n], k % n),
						"flags %x, page %lu", flags[f], i);
		}
		/* n - 3 pages of the first folio, n - 2 of the second. */
		KUNIT_EXPECT_EQ(test, folio_ref_count(folio[0]), refs[0] + (int)(n - 3));
		KUNIT_EXPECT_EQ(test, folio_ref_count(folio[1]), refs[1] + (int)(n - 2));
		if (flags[f] & FOLL_PIN) {
			KUNIT_EXPECT_EQ(test, atomic_read(&folio[0]->_pincount),
					pins[0] + (int)(n - 3));
			KUNIT_EXPECT_EQ(test, atomic_read(&folio[1]->_pincount),
					pins[1] + (int)(n - 2));
			unpin_user_pages(pages, nr);
		} else {
			for (i = 0; i < nr; i++)
				put_page(pages[i]);
		}
		KUNIT_EXPECT_EQ(test, folio_ref_count(folio[0]), refs[0]);
		KUNIT_EXPECT_EQ(test, folio_ref_count(folio[1]), refs[1]);
	}
}

static void gup_hugetlb_cont_pte_range(struct kunit *test)
{
#ifdef CONFIG_ARM64
	gup_hugetlb_cont_range(test, CONT_PTE_SIZE);
#else
	gup_hugetlb_cont_range(test, PAGE_SIZE << NAPOT_CONT64KB_ORDER);
#endif
}
#endif

#ifdef CONFIG_ARM64
/* Two 32M pages (4K pages: CONT_PMDS PMDs), 16379 pages in one call. */
static void gup_hugetlb_cont_pmd_range(struct kunit *test)
{
	gup_hugetlb_cont_range(test, CONT_PMD_SIZE);
}
#endif

#ifdef CONFIG_ARM64
static void gup_hugetlb_cont_pmd(struct kunit *test)
{
	gup_hugetlb_size(test, CONT_PMD_SHIFT);
}
#endif
#endif /* CONFIG_HUGETLB_PAGE */

/*
 * Batches of PTEs (follow_pte_batch()): a GUP of many pages takes the PTEs
 * after the first of one table under one lock, for as long as each would
 * give its page alone.  The expectation comes from GUP one page at a time
 * (nr_pages 1: never batched) with the same flags, and from the layout the
 * test made: where the batch must stop, and one reference (GET) or one pin
 * per page.
 */
#define BATCH_PAGES	24

/* Anonymous memory mapped with PTEs only (no THP). */
static unsigned long map_ptes(struct kunit *test, unsigned long len,
			      unsigned long prot)
{
	unsigned long start = map_anon(test, len, prot);

	if (IS_ENABLED(CONFIG_TRANSPARENT_HUGEPAGE))
		KUNIT_ASSERT_EQ(test, do_madvise(current->mm, start, len,
						 MADV_NOHUGEPAGE), 0);
	return start;
}

static void write_pages(struct kunit *test, unsigned long start,
			unsigned long nr)
{
	unsigned long i;

	for (i = 0; i < nr; i++)
		KUNIT_ASSERT_EQ(test, put_user(0x20 + i, (u8 __user *)(start + i * PAGE_SIZE)), 0);
}

/* References one page took: a pin of a small folio is a bias. */
static int batch_refs(struct folio *folio, unsigned int flags, int pages)
{
	if ((flags & FOLL_PIN) && !folio_test_large(folio))
		return pages * GUP_PIN_COUNTING_BIAS;
	return pages;
}

/*
 * GUP @nr pages from @start with @flags (FOLL_GET or FOLL_PIN among them)
 * and check the result: @expect pages (the count a layout gives, at most
 * @nr), the pages GUP one at a time gives, and the references on their
 * folios, which go back to what they were once the pages are released.
 */
static void check_batch(struct kunit *test, unsigned long start,
			unsigned long nr, unsigned int flags, long expect)
{
	struct page **pages, **one;
	long got, alone, i, j;
	int *before;

	pages = kunit_kcalloc(test, nr, sizeof(*pages), GFP_KERNEL);
	one = kunit_kcalloc(test, nr, sizeof(*one), GFP_KERNEL);
	before = kunit_kcalloc(test, nr, sizeof(*before), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, pages);
	KUNIT_ASSERT_NOT_NULL(test, one);
	KUNIT_ASSERT_NOT_NULL(test, before);

	/* The reference: one page at a time, up to the first refusal. */
	for (alone = 0; alone < nr; alone++) {
		if (gup(start + alone * PAGE_SIZE, 1, flags, &one[alone]) != 1)
			break;
		if (flags & FOLL_PIN)
			unpin_user_page(one[alone]);
		else
			put_page(one[alone]);
	}
	KUNIT_ASSERT_EQ(test, alone, expect);

	lru_add_drain_all();
	for (i = 0; i < expect; i++)
		before[i] = folio_ref_count(page_folio(one[i]));
	got = gup(start, nr, flags, pages);
	lru_add_drain_all();
	KUNIT_ASSERT_EQ(test, got, expect ? expect : -EFAULT);
	for (i = 0; i < expect; i++) {
		struct folio *folio = page_folio(one[i]);
		int same = 0;

		KUNIT_EXPECT_PTR_EQ_MSG(test, pages[i], one[i], "page %ld", i);
		for (j = 0; j < expect; j++)
			same += page_folio(one[j]) == folio;
		KUNIT_EXPECT_EQ_MSG(test, folio_ref_count(folio),
				    before[i] + batch_refs(folio, flags, same),
				    "page %ld", i);
		if (flags & FOLL_PIN)
			KUNIT_EXPECT_TRUE(test, folio_maybe_dma_pinned(folio));
	}
	if (got <= 0)
		return;
	if (flags & FOLL_PIN)
		unpin_user_pages(pages, got);
	else
		for (i = 0; i < got; i++)
			put_page(pages[i]);
	for (i = 0; i < expect; i++)
		KUNIT_EXPECT_EQ_MSG(test, folio_ref_count(page_folio(one[i])),
				    before[i], "page %ld", i);
}

/*
 * A batch ends at the end of its PTE table; the next table is a batch of
 * its own.  The pages hold what was written, GET and PIN.
 */
static void gup_batch_table_end(struct kunit *test)
{
	unsigned long start, i;
	struct page *pages[BATCH_PAGES];

	start = ALIGN(map_ptes(test, 3 * PMD_SIZE, PROT_READ | PROT_WRITE), PMD_SIZE) +
		PMD_SIZE - 5 * PAGE_SIZE;
	write_pages(test, start, BATCH_PAGES);
	check_batch(test, start, BATCH_PAGES, FOLL_GET, BATCH_PAGES);
	check_batch(test, start, BATCH_PAGES, FOLL_PIN | FOLL_WRITE, BATCH_PAGES);
	KUNIT_ASSERT_EQ(test, gup(start, BATCH_PAGES, FOLL_GET, pages), BATCH_PAGES);
	for (i = 0; i < BATCH_PAGES; i++) {
		KUNIT_EXPECT_EQ(test, page_byte(pages[i]), 0x20 + i);
		put_page(pages[i]);
	}
}

/*
 * A none PTE (zapped) and non-present ones (a migration entry, a marker) end
 * the batch: without FOLL_NOFAULT the fault path takes the none PTE (a new
 * page) and GUP goes on; with it, GUP stops there.
 */
static void gup_batch_nonpresent(struct kunit *test)
{
	struct page *pages[BATCH_PAGES];
	struct mm_struct *mm;
	unsigned long start, i;
	pte_t orig[2];

	start = map_ptes(test, BATCH_PAGES * PAGE_SIZE, PROT_READ | PROT_WRITE);
	mm = current->mm;	/* the test's mm, made by the first mapping */
	write_pages(test, start, BATCH_PAGES);
	KUNIT_ASSERT_EQ(test, do_madvise(mm, start + 7 * PAGE_SIZE, PAGE_SIZE,
					 MADV_DONTNEED), 0);
	check_batch(test, start, BATCH_PAGES, FOLL_GET | FOLL_NOFAULT, 7);
	check_batch(test, start, BATCH_PAGES, FOLL_PIN | FOLL_NOFAULT, 7);
	KUNIT_ASSERT_EQ(test, gup(start, BATCH_PAGES, FOLL_GET | FOLL_WRITE, pages),
			BATCH_PAGES);
	for (i = 0; i < BATCH_PAGES; i++) {
		KUNIT_EXPECT_EQ(test, page_byte(pages[i]), i == 7 ? 0 : 0x20 + i);
		put_page(pages[i]);
	}

	/* Page 3 under migration, page 4 a marker. */
	if (!set_migration_and_marker(mm, start + 3 * PAGE_SIZE, orig)) {
		KUNIT_FAIL(test, "no PTE table for the anonymous range");
		return;
	}

	check_batch(test, start, BATCH_PAGES, FOLL_GET | FOLL_NOFAULT, 3);
	check_batch(test, start + 5 * PAGE_SIZE, 8, FOLL_PIN | FOLL_NOFAULT, 8);

	restore_ptes(mm, start + 3 * PAGE_SIZE, orig, 2);
}

/*
 * A PTE that needs a write fault ends a FOLL_WRITE batch: a page only read
 * (the zero page, read-only), and a page shared after fork-like COW is not
 * tested here.  A read takes the zero page in the same batch.
 */
static void gup_batch_write_fault(struct kunit *test)
{
	struct page *pages[BATCH_PAGES];
	unsigned long start, i;
	u8 val;

	start = map_ptes(test, BATCH_PAGES * PAGE_SIZE, PROT_READ | PROT_WRITE);
	write_pages(test, start, BATCH_PAGES);
	KUNIT_ASSERT_EQ(test, do_madvise(current->mm, start + 10 * PAGE_SIZE,
					 PAGE_SIZE, MADV_DONTNEED), 0);
	KUNIT_ASSERT_EQ(test, get_user(val, (u8 __user *)(start + 10 * PAGE_SIZE)), 0);
	KUNIT_EXPECT_EQ(test, val, 0);
	check_batch(test, start, BATCH_PAGES, FOLL_GET | FOLL_WRITE | FOLL_NOFAULT, 10);
	check_batch(test, start, BATCH_PAGES, FOLL_PIN | FOLL_WRITE | FOLL_NOFAULT, 10);
	KUNIT_ASSERT_EQ(test, gup(start, BATCH_PAGES, FOLL_GET, pages), BATCH_PAGES);
	KUNIT_EXPECT_TRUE(test, is_zero_page(pages[10]));
	for (i = 0; i < BATCH_PAGES; i++)
		put_page(pages[i]);
	/* Without FOLL_NOFAULT the fault breaks COW and GUP goes on. */
	check_batch(test, start, BATCH_PAGES, FOLL_GET | FOLL_WRITE, BATCH_PAGES);
}

#if defined(CONFIG_HAVE_ARCH_USERFAULTFD_WP) && defined(CONFIG_USERFAULTFD)
/*
 * uffd-wp: in a read-only private mapping, FOLL_FORCE writes go to the
 * exclusive anonymous pages without a fault, unless the PTE is
 * write-protected for userfaultfd: that PTE ends the batch.
 */
static void gup_batch_uffd_wp(struct kunit *test)
{
	const unsigned int flags = FOLL_GET | FOLL_WRITE | FOLL_FORCE;
	struct page *pages[BATCH_PAGES];
	struct mm_struct *mm;
	struct vm_area_struct *vma;
	unsigned long start, i;
	spinlock_t *ptl;	/* the PTE table's lock */
	pte_t *ptep, orig;

	start = map_ptes(test, BATCH_PAGES * PAGE_SIZE, PROT_READ);
	mm = current->mm;
	/* Exclusive anonymous pages, mapped read-only. */
	KUNIT_ASSERT_EQ(test, gup(start, BATCH_PAGES, flags, pages), BATCH_PAGES);
	for (i = 0; i < BATCH_PAGES; i++)
		put_page(pages[i]);
	check_batch(test, start, BATCH_PAGES, flags | FOLL_NOFAULT, BATCH_PAGES);

	mmap_write_lock(mm);
	vma = vma_lookup(mm, start);
	if (!vma) {
		mmap_write_unlock(mm);
		KUNIT_FAIL(test, "no VMA for the range");
		return;
	}
	vm_flags_set(vma, VM_UFFD_WP);	/* may sleep: before the table is mapped */
	ptep = test_pte(mm, start + 6 * PAGE_SIZE, &ptl);
	if (!ptep) {
		vm_flags_clear(vma, VM_UFFD_WP);
		mmap_write_unlock(mm);
		KUNIT_FAIL(test, "no PTE table for the range");
		return;
	}
	spin_lock(ptl);
	orig = ptep_get(ptep);
	set_pte_at(mm, start + 6 * PAGE_SIZE, ptep, pte_mkuffd_wp(orig));
	spin_unlock(ptl);
	test_pte_unmap(ptep);
	mmap_write_unlock(mm);

	check_batch(test, start, BATCH_PAGES, flags | FOLL_NOFAULT, 6);
	check_batch(test, start + 7 * PAGE_SIZE, 8, flags | FOLL_NOFAULT, 8);

	restore_ptes(mm, start + 6 * PAGE_SIZE, &orig, 1);
	mmap_write_lock(mm);
	vma = vma_lookup(mm, start);
	if (vma)
		vm_flags_clear(vma, VM_UFFD_WP);
	mmap_write_unlock(mm);
}
#endif

#ifdef CONFIG_NUMA_BALANCING
/*
 * NUMA hinting: a PTE made PROT_NONE by the balancer ends a batch that
 * honours NUMA faults (FOLL_HONOR_NUMA_FAULT), and not one that does not.
 */
static void gup_batch_numa(struct kunit *test)
{
	struct mm_struct *mm;
	unsigned long start;
	spinlock_t *ptl;	/* the PTE table's lock */
	pte_t *ptep, orig;

	start = map_ptes(test, BATCH_PAGES * PAGE_SIZE, PROT_READ | PROT_WRITE);
	mm = current->mm;
	write_pages(test, start, BATCH_PAGES);
	mmap_write_lock(mm);
	ptep = test_pte(mm, start + 12 * PAGE_SIZE, &ptl);
	if (!ptep) {
		mmap_write_unlock(mm);
		KUNIT_FAIL(test, "no PTE table for the range");
		return;
	}
	spin_lock(ptl);
	orig = ptep_get(ptep);
	set_pte_at(mm, start + 12 * PAGE_SIZE, ptep, pte_modify(orig, vm_get_page_prot(VM_NONE)));
	spin_unlock(ptl);
	test_pte_unmap(ptep);
	flush_tlb_range(vma_lookup(mm, start), start, start + BATCH_PAGES * PAGE_SIZE);
	mmap_write_unlock(mm);
	KUNIT_EXPECT_TRUE(test, pte_protnone(pte_modify(orig, vm_get_page_prot(VM_NONE))));

	check_batch(test, start, BATCH_PAGES,
		    FOLL_GET | FOLL_HONOR_NUMA_FAULT | FOLL_NOFAULT, 12);
	check_batch(test, start, BATCH_PAGES, FOLL_PIN | FOLL_NOFAULT, BATCH_PAGES);

	restore_ptes(mm, start + 12 * PAGE_SIZE, &orig, 1);
}
#endif

/* A fatal signal pending: GUP takes nothing and says -EINTR. */
static void gup_batch_fatal_signal(struct kunit *test)
{
	struct page *pages[BATCH_PAGES], *pins[BATCH_PAGES];
	struct sighand_struct *sighand;
	int refs[BATCH_PAGES];
	unsigned long start, i;
	long ret;

	start = map_ptes(test, BATCH_PAGES * PAGE_SIZE, PROT_READ | PROT_WRITE);
	write_pages(test, start, BATCH_PAGES);
	KUNIT_ASSERT_EQ(test, gup(start, BATCH_PAGES, FOLL_GET, pages), BATCH_PAGES);
	lru_add_drain_all();
	for (i = 0; i < BATCH_PAGES; i++)
		refs[i] = page_ref_count(pages[i]);

	/*
	 * SIGKILL queued on the test's thread, as send_sig() would, without
	 * the group exit that would end the thread.  A kthread's sighand does
	 * not change under it.
	 */
	sighand = rcu_dereference_protected(current->sighand, true);
	spin_lock_irq(&sighand->siglock);
	sigaddset(&current->pending.signal, SIGKILL);
	set_tsk_thread_flag(current, TIF_SIGPENDING);
	spin_unlock_irq(&sighand->siglock);
	KUNIT_EXPECT_TRUE(test, fatal_signal_pending(current));
	mmap_read_lock(current->mm);
	ret = pin_user_pages_remote(current->mm, start, BATCH_PAGES, FOLL_WRITE,
				    pins, NULL);
	mmap_read_unlock(current->mm);
	spin_lock_irq(&sighand->siglock);
	sigdelset(&current->pending.signal, SIGKILL);
	recalc_sigpending();
	spin_unlock_irq(&sighand->siglock);
	KUNIT_EXPECT_FALSE(test, fatal_signal_pending(current));

	KUNIT_EXPECT_EQ(test, ret, -EINTR);
	lru_add_drain_all();
	for (i = 0; i < BATCH_PAGES; i++) {
		KUNIT_EXPECT_EQ(test, page_ref_count(pages[i]), refs[i]);
		put_page(pages[i]);
	}
}

/*
 * What fork() does to the parent's PTEs of @nr private anonymous pages from
 * @addr: each is write-protected and its page is no longer exclusive.  The
 * reference the child's mapping would hold goes to @child[], so that
 * unsharing copies the page (the parent cannot reuse it).
 */
static bool share_like_fork(struct mm_struct *mm, unsigned long addr,
			    unsigned long nr, struct page **child)
{
	struct vm_area_struct *vma;
	spinlock_t *ptl;	/* the PTE table's lock */
	unsigned long i;
	pte_t *ptep;

	mmap_write_lock(mm);
	vma = vma_lookup(mm, addr);
	for (i = 0; vma && i < nr; i++) {
		unsigned long a = addr + i * PAGE_SIZE;

		ptep = test_pte(mm, a, &ptl);
		if (!ptep)
			break;
		spin_lock(ptl);
		child[i] = vm_normal_page(vma, a, ptep_get(ptep));
		if (child[i]) {
			get_page(child[i]);
			ptep_set_wrprotect(mm, a, ptep);
			ClearPageAnonExclusive(child[i]);
		}
		spin_unlock(ptl);
		test_pte_unmap(ptep);
		if (!child[i])
			break;
	}
	if (vma)
		flush_tlb_range(vma, addr, addr + nr * PAGE_SIZE);
	mmap_write_unlock(mm);
	if (i == nr)
		return true;
	while (i--)
		put_page(child[i]);
	return false;
}

/*
 * A read pin (FOLL_PIN without FOLL_WRITE) of anonymous pages shared after
 * fork must unshare them first (-EMLINK, then a FAULT_FLAG_UNSHARE fault):
 * such a PTE ends the batch, untouched; a FOLL_GET batch takes it.  Without
 * FOLL_NOFAULT the pin goes on with private copies of the shared pages.
 */
static void gup_batch_unshare(struct kunit *test)
{
	struct page *pages[BATCH_PAGES], *child[4];
	unsigned long start, i;

	start = map_ptes(test, BATCH_PAGES * PAGE_SIZE, PROT_READ | PROT_WRITE);
	write_pages(test, start, BATCH_PAGES);
	KUNIT_ASSERT_TRUE(test, share_like_fork(current->mm, start + 5 * PAGE_SIZE,
						ARRAY_SIZE(child), child));

	check_batch(test, start, BATCH_PAGES, FOLL_PIN | FOLL_NOFAULT, 5);
	check_batch(test, start + 9 * PAGE_SIZE, BATCH_PAGES - 9,
		    FOLL_PIN | FOLL_NOFAULT, BATCH_PAGES - 9);
	check_batch(test, start, BATCH_PAGES, FOLL_GET | FOLL_NOFAULT, BATCH_PAGES);

	KUNIT_EXPECT_EQ(test, gup(start, BATCH_PAGES, FOLL_PIN, pages), BATCH_PAGES);
	for (i = 0; i < BATCH_PAGES; i++) {
		bool shared = i >= 5 && i < 5 + ARRAY_SIZE(child);

		KUNIT_EXPECT_EQ_MSG(test, page_byte(pages[i]), 0x20 + i, "page %lu", i);
		KUNIT_EXPECT_TRUE_MSG(test, PageAnonExclusive(pages[i]), "page %lu", i);
		if (shared)
			KUNIT_EXPECT_PTR_NE_MSG(test, pages[i], child[i - 5],
						"page %lu not copied", i);
	}
	unpin_user_pages(pages, BATCH_PAGES);
	for (i = 0; i < ARRAY_SIZE(child); i++)
		put_page(child[i]);
}

#define MIXED_PAGES	12
#define MIXED_SPECIAL	7

/*
 * A VM_MIXEDMAP mapping of the test's pages: each a normal page
 * (vm_insert_page()) but page MIXED_SPECIAL, inserted by PFN, which is a
 * special PTE where the arch has them.
 */
static int mixedmap_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct page **mapped = file->private_data;
	unsigned long i, addr;
	vm_fault_t fault;
	int err;

	vm_flags_set(vma, VM_MIXEDMAP);
	for (i = 0; i < MIXED_PAGES; i++) {
		addr = vma->vm_start + i * PAGE_SIZE;
		if (i != MIXED_SPECIAL) {
			err = vm_insert_page(vma, addr, mapped[i]);
			if (err)
				return err;
			continue;
		}
		fault = vmf_insert_mixed(vma, addr,
					 pfn_to_pfn_t(page_to_pfn(mapped[i])));
		if (fault != VM_FAULT_NOPAGE)
			return -EFAULT;
	}
	return 0;
}

static const struct file_operations mixedmap_fops = {
	.mmap = mixedmap_mmap,
};

/*
 * A special PTE inside a batch (VM_MIXEDMAP): it has no page to give, so it
 * ends a FOLL_GET batch and GUP says -EFAULT there, as page by page; a
 * populate (no pages asked for) steps over it.  Where the arch has no
 * special PTEs, the PFN's page is mapped as a normal one and is taken.
 */
static void gup_batch_mixedmap(struct kunit *test)
{
	const long expect = IS_ENABLED(CONFIG_ARCH_HAS_PTE_SPECIAL) ?
			    MIXED_SPECIAL : MIXED_PAGES;
	struct page *mapped[MIXED_PAGES], *pages[MIXED_PAGES];
	unsigned long addr, i;
	long got;

	for (i = 0; i < MIXED_PAGES; i++) {
		mapped[i] = alloc_page(GFP_KERNEL | __GFP_ZERO);
		if (!mapped[i])
			goto free;
		memset_page(mapped[i], 0, 0x60 + i, 1);
	}
	addr = map_test_file(test, "ptwalk-mixedmap", &mixedmap_fops, mapped,
			     MIXED_PAGES * PAGE_SIZE, PROT_READ);
	if (!addr)
		goto free;

	check_batch(test, addr, MIXED_PAGES, FOLL_GET, expect);
	check_batch(test, addr, MIXED_PAGES, FOLL_PIN, expect);
	got = gup(addr, MIXED_PAGES, FOLL_GET, pages);
	KUNIT_EXPECT_EQ(test, got, expect);
	for (i = 0; i < got; i++) {
		KUNIT_EXPECT_PTR_EQ_MSG(test, pages[i], mapped[i], "page %lu", i);
		put_page(pages[i]);
	}
	/* No pages asked for: every PTE is stepped over, the special one too. */
	mmap_read_lock(current->mm);
	got = get_user_pages_remote(current->mm, addr, MIXED_PAGES, 0, NULL, NULL);
	mmap_read_unlock(current->mm);
	KUNIT_EXPECT_EQ(test, got, MIXED_PAGES);
	vm_munmap(addr, MIXED_PAGES * PAGE_SIZE);
	i = MIXED_PAGES;
free:
	while (i--)
		__free_page(mapped[i]);
}

/*
 * Whether the page mapped at @addr, writable and not the zero page, is
 * marked accessed: 1 if so, 0 if not, -1 if no such page is mapped there.
 * Read from the PTE, not with GUP, which would mark it.
 */
static int pte_page_referenced(struct mm_struct *mm, unsigned long addr)
{
	struct vm_area_struct *vma;
	struct page *page = NULL;
	spinlock_t *ptl;	/* the PTE table's lock */
	int ret = -1;
	pte_t *ptep;
	pte_t pte;

	mmap_read_lock(mm);
	vma = vma_lookup(mm, addr);
	ptep = vma ? test_pte(mm, addr, &ptl) : NULL;
	if (ptep) {
		spin_lock(ptl);
		pte = ptep_get(ptep);
		if (pte_present(pte) && pte_write(pte))
			page = vm_normal_page(vma, addr, pte);
		if (page)
			ret = folio_test_referenced(page_folio(page));
		spin_unlock(ptl);
		test_pte_unmap(ptep);
	}
	mmap_read_unlock(mm);
	return ret;
}

/*
 * No pages asked for (MADV_POPULATE_*, mlock(), MAP_POPULATE): every page
 * of the range is faulted in and touched (FOLL_TOUCH marks it accessed), in
 * batches as when pages are asked for, and the count is of all of them.
 * Written pages, holes and zero-page reads, anonymous.
 */
static void gup_batch_populate(struct kunit *test)
{
	struct page *pages[BATCH_PAGES];
	unsigned long start, i;
	u8 val;

	start = map_ptes(test, BATCH_PAGES * PAGE_SIZE, PROT_READ | PROT_WRITE);
	write_pages(test, start, BATCH_PAGES);
	KUNIT_ASSERT_EQ(test, do_madvise(current->mm, start + 4 * PAGE_SIZE,
					 3 * PAGE_SIZE, MADV_DONTNEED), 0);
	KUNIT_ASSERT_EQ(test, do_madvise(current->mm, start + 15 * PAGE_SIZE,
					 PAGE_SIZE, MADV_DONTNEED), 0);
	KUNIT_ASSERT_EQ(test, get_user(val, (u8 __user *)(start + 15 * PAGE_SIZE)), 0);
	KUNIT_EXPECT_EQ(test, val, 0);	/* the zero page */

	/* Not yet accessed, as far as reclaim knows. */
	KUNIT_ASSERT_EQ(test, gup(start, 4, FOLL_GET, pages), 4);
	KUNIT_ASSERT_EQ(test, gup(start + 7 * PAGE_SIZE, BATCH_PAGES - 7, FOLL_GET,
				  pages + 7), BATCH_PAGES - 7);
	for (i = 0; i < BATCH_PAGES; i++) {
		if (i >= 4 && i < 7)
			continue;
		if (!is_zero_page(pages[i]))
			folio_clear_referenced(page_folio(pages[i]));
		put_page(pages[i]);
	}

	KUNIT_ASSERT_EQ(test, do_madvise(current->mm, start, BATCH_PAGES * PAGE_SIZE,
					 MADV_POPULATE_WRITE), 0);
	/* All present, written to and marked accessed, seen in the PTEs. */
	for (i = 0; i < BATCH_PAGES; i++) {
		bool hole = (i >= 4 && i < 7) || i == 15;
		int referenced = pte_page_referenced(current->mm, start + i * PAGE_SIZE);

		KUNIT_EXPECT_EQ_MSG(test, referenced, 1, "page %lu (hole: %d)", i, hole);
	}
	/* One reference each to the pages, which hold what was written. */
	check_batch(test, start, BATCH_PAGES, FOLL_GET | FOLL_WRITE | FOLL_NOFAULT,
		    BATCH_PAGES);
	KUNIT_ASSERT_EQ(test, gup(start, BATCH_PAGES, FOLL_GET | FOLL_NOFAULT, pages),
			BATCH_PAGES);
	for (i = 0; i < BATCH_PAGES; i++) {
		bool hole = (i >= 4 && i < 7) || i == 15;

		KUNIT_EXPECT_EQ_MSG(test, page_byte(pages[i]), hole ? 0 : 0x20 + i,
				    "page %lu", i);
		put_page(pages[i]);
	}
}

/*
 * mlock() (here MAP_LOCKED) of a shmem mapping whose pages are in the page
 * cache: the fault maps some around the first, the populate takes the rest
 * in batches; every page ends up mapped, locked in memory, the cache's.
 */
static void gup_batch_mlock(struct kunit *test)
{
	const unsigned long pages = 3 * BATCH_PAGES;
	unsigned long shared, locked, i;
	struct page *page, *mapped;
	struct file *file;

	file = shmem_file_setup("ptwalk-mlock", pages * PAGE_SIZE, VM_NORESERVE);
	KUNIT_ASSERT_FALSE(test, IS_ERR(file));
	shared = kunit_vm_mmap(test, file, 0, pages * PAGE_SIZE,
			       PROT_READ | PROT_WRITE, MAP_SHARED, 0);
	KUNIT_ASSERT_FALSE(test, IS_ERR_VALUE(shared));
	/* In the cache, all but pages 30 to 33; none mapped by @shared. */
	for (i = 0; i < pages; i++) {
		u8 __user *p = (u8 __user *)(shared + i * PAGE_SIZE);

		if (i < 30 || i > 33)
			KUNIT_ASSERT_EQ(test, put_user(i, p), 0);
	}
	KUNIT_ASSERT_EQ(test, do_madvise(current->mm, shared, pages * PAGE_SIZE,
					 MADV_DONTNEED), 0);
	locked = kunit_vm_mmap(test, file, 0, pages * PAGE_SIZE, PROT_READ,
			       MAP_SHARED | MAP_LOCKED, 0);
	fput(file);
	KUNIT_ASSERT_FALSE(test, IS_ERR_VALUE(locked));

	for (i = 0; i < pages; i++) {
		if (gup(locked + i * PAGE_SIZE, 1, FOLL_GET | FOLL_NOFAULT, &page) != 1) {
			KUNIT_FAIL(test, "page %lu not mapped", i);
			continue;
		}
		KUNIT_EXPECT_TRUE_MSG(test, folio_test_mlocked(page_folio(page)),
				      "page %lu", i);
		KUNIT_EXPECT_EQ_MSG(test, page_byte(page), i < 30 || i > 33 ? i : 0,
				    "page %lu", i);
		if (gup(shared + i * PAGE_SIZE, 1, FOLL_GET, &mapped) == 1) {
			KUNIT_EXPECT_PTR_EQ_MSG(test, page, mapped, "page %lu", i);
			put_page(mapped);
		}
		put_page(page);
	}
}

#ifdef CONFIG_TRANSPARENT_HUGEPAGE
/*
 * A batch across the end of a large folio: a THP mapped by PTEs (split with
 * FOLL_SPLIT_PMD), its second half zapped and faulted again as small pages.
 * Each page of the large folio takes its own reference (a pin: one, and the
 * folio's pincount), each small page its own.
 */
static void gup_batch_folio_end(struct kunit *test)
{
	unsigned long thp, mid;
	struct page *page;

	thp = map_thp_range(test);
	fault_thp(test, thp);
	KUNIT_ASSERT_EQ(test, gup(thp, 1, FOLL_GET | FOLL_SPLIT_PMD, &page), 1);
	KUNIT_EXPECT_EQ(test, folio_size(page_folio(page)), PMD_SIZE);
	put_page(page);
	mid = thp + PMD_SIZE / 2;
	KUNIT_ASSERT_EQ(test, do_madvise(current->mm, mid, PMD_SIZE / 2,
					 MADV_DONTNEED), 0);
	write_pages(test, mid, 8);
	KUNIT_ASSERT_EQ(test, gup(mid, 1, FOLL_GET, &page), 1);
	KUNIT_EXPECT_FALSE(test, folio_test_large(page_folio(page)));
	put_page(page);

	check_batch(test, mid - 6 * PAGE_SIZE, 12, FOLL_GET, 12);
	check_batch(test, mid - 6 * PAGE_SIZE, 12, FOLL_PIN | FOLL_WRITE, 12);
	/* A batch of one large folio's pages only. */
	check_batch(test, thp + 3 * PAGE_SIZE, 20, FOLL_PIN, 20);
}
#endif

/*
 * GUP-fast: get_user_pages_fast_only() (FOLL_FAST_ONLY: no slow path
 * behind it) takes what the lockless walk can take, from the start of the
 * range to the first entry it cannot.  The expectation is the number of
 * pages the test's layout lets it take (hand-computed in each case), and,
 * for those, the slow path's pages (GUP with the mmap lock, page by page
 * from the same range) with one more reference each.
 */
static void check_fast(struct kunit *test, unsigned long addr, unsigned long nr,
		       unsigned int flags, long expected)
{
	struct page **fast, **slow;
	long got, i, j;
	int *refs;

	if (!IS_ENABLED(CONFIG_HAVE_GUP_FAST))
		kunit_skip(test, "no GUP-fast on this architecture");
	fast = kunit_kcalloc(test, nr, sizeof(*fast), GFP_KERNEL);
	slow = kunit_kcalloc(test, nr, sizeof(*slow), GFP_KERNEL);
	refs = kunit_kcalloc(test, nr, sizeof(*refs), GFP_KERNEL);
	KUNIT_ASSERT_TRUE(test, fast && slow && refs);
	/* The slow path never takes fewer pages than the fast one. */
	got = expected ? gup(addr, expected, FOLL_GET | flags, slow) : 0;
	KUNIT_ASSERT_EQ(test, got, expected);
	lru_add_drain_all();
	for (i = 0; i < expected; i++)
		refs[i] = folio_ref_count(page_folio(slow[i]));

	got = get_user_pages_fast_only(addr, nr, flags, fast);
	KUNIT_EXPECT_EQ_MSG(test, got, expected, "GUP-fast of %lu pages at +%#lx",
			    nr, addr & ~PMD_MASK);
	lru_add_drain_all();
	for (i = 0; i < min(got, expected); i++) {
		int more = 0;

		KUNIT_EXPECT_PTR_EQ_MSG(test, fast[i], slow[i], "page %ld", i);
		/* The pages of one large folio take references on it. */
		for (j = 0; j < got; j++)
			more += page_folio(fast[j]) == page_folio(fast[i]);
		KUNIT_EXPECT_EQ_MSG(test, folio_ref_count(page_folio(fast[i])), refs[i] + more,
				    "page %ld", i);
	}
	for (i = 0; i < got; i++)
		put_page(fast[i]);
	for (i = 0; i < expected; i++)
		KUNIT_EXPECT_EQ_MSG(test, folio_ref_count(page_folio(slow[i])), refs[i],
				    "page %ld", i);
	for (i = 0; i < expected; i++)
		put_page(slow[i]);
}

/* Written anonymous pages: all of them, read or write, got or pinned. */
static void gup_fast_anon(struct kunit *test)
{
	struct page *pages[GUP_PAGES], *pinned[GUP_PAGES];
	unsigned long start, i;
	int refs[GUP_PAGES];

	start = map_ptes(test, GUP_PAGES * PAGE_SIZE, PROT_READ | PROT_WRITE);
	for (i = 0; i < GUP_PAGES; i++)
		KUNIT_ASSERT_EQ(test, put_user(0x40 + i, (u8 __user *)(start + i * PAGE_SIZE)), 0);
	check_fast(test, start, GUP_PAGES, 0, GUP_PAGES);
	check_fast(test, start, GUP_PAGES, FOLL_WRITE, GUP_PAGES);
	check_fast(test, start + 3 * PAGE_SIZE, 2, FOLL_WRITE, 2);

	/* Pinned (through pin_user_pages_fast()): the pin bias, each. */
	KUNIT_ASSERT_EQ(test, gup(start, GUP_PAGES, FOLL_GET, pages), GUP_PAGES);
	lru_add_drain_all();
	for (i = 0; i < GUP_PAGES; i++)
		refs[i] = page_ref_count(pages[i]);
	KUNIT_ASSERT_EQ(test, pin_user_pages_fast(start, GUP_PAGES, FOLL_WRITE |
						  FOLL_LONGTERM, pinned), GUP_PAGES);
	for (i = 0; i < GUP_PAGES; i++) {
		KUNIT_EXPECT_PTR_EQ(test, pinned[i], pages[i]);
		KUNIT_EXPECT_EQ(test, page_ref_count(pages[i]),
				refs[i] + GUP_PIN_COUNTING_BIAS);
		KUNIT_EXPECT_TRUE(test, folio_maybe_dma_pinned(page_folio(pages[i])));
	}
	unpin_user_pages(pinned, GUP_PAGES);
	for (i = 0; i < GUP_PAGES; i++) {
		KUNIT_EXPECT_EQ(test, page_ref_count(pages[i]), refs[i]);
		put_page(pages[i]);
	}
}

/*
 * The PTE at @addr made read-only (@none false) or PROT_NONE, as
 * mprotect() and NUMA hinting write them; what it held goes to @orig.
 */
static void protect_pte(struct kunit *test, unsigned long addr, bool none,
			pte_t *orig)
{
	struct mm_struct *mm = current->mm;
	spinlock_t *ptl;	/* the PTE table's lock */
	pte_t *ptep;

	mmap_write_lock(mm);
	ptep = test_pte(mm, addr, &ptl);
	if (!ptep) {
		mmap_write_unlock(mm);
		KUNIT_FAIL(test, "no PTE table at %#lx", addr);
		return;
	}
	spin_lock(ptl);
	*orig = ptep_get(ptep);
	set_pte_at(mm, addr, ptep, none ? pte_modify(*orig, vm_get_page_prot(VM_NONE)) :
					  pte_wrprotect(*orig));
	spin_unlock(ptl);
	test_pte_unmap(ptep);
	flush_tlb_range(vma_lookup(mm, addr), addr, addr + PAGE_SIZE);
	mmap_write_unlock(mm);
}

/*
 * Where GUP-fast stops: at the zero page (a special PTE), at a hole, at a
 * read-only PTE for a write, at a PROT_NONE PTE.
 */
static void gup_fast_stops(struct kunit *test)
{
	unsigned long start, i;
	pte_t orig[2], none;
	u8 val = 0xff;

	if (!IS_ENABLED(CONFIG_HAVE_GUP_FAST))
		kunit_skip(test, "no GUP-fast on this architecture");
	/* 0-2 written, 3 read (the zero page), 4-6 written, 7 a hole. */
	start = map_ptes(test, 8 * PAGE_SIZE, PROT_READ | PROT_WRITE);
	for (i = 0; i < 7; i++) {
		u8 __user *p = (u8 __user *)(start + i * PAGE_SIZE);

		KUNIT_ASSERT_EQ(test, i == 3 ? get_user(val, p) : put_user(i, p), 0);
	}
	KUNIT_ASSERT_EQ(test, val, 0);
	check_fast(test, start, 8, 0, 3);
	check_fast(test, start + 4 * PAGE_SIZE, 4, 0, 3);
	check_fast(test, start + 7 * PAGE_SIZE, 1, 0, 0);

	/* Page 5 read-only: taken for a read, not for a write. */
	protect_pte(test, start + 5 * PAGE_SIZE, false, &orig[0]);
	check_fast(test, start + 4 * PAGE_SIZE, 3, 0, 3);
	check_fast(test, start + 4 * PAGE_SIZE, 3, FOLL_WRITE, 1);
	restore_ptes(current->mm, start + 5 * PAGE_SIZE, &orig[0], 1);
	check_fast(test, start + 4 * PAGE_SIZE, 3, FOLL_WRITE, 3);

	/*
	 * Page 1 PROT_NONE: not even for a read, where the arch's helpers
	 * tell (pte_protnone() with NUMA balancing, pte_access_permitted()):
	 * without NUMA balancing, riscv and s390 let a read through, in 6.12
	 * as here.
	 */
	protect_pte(test, start + PAGE_SIZE, true, &orig[1]);
	none = pte_modify(orig[1], vm_get_page_prot(VM_NONE));
	check_fast(test, start, 3, 0,
		   pte_protnone(none) || !pte_access_permitted(none, false) ? 1 : 3);
	restore_ptes(current->mm, start + PAGE_SIZE, &orig[1], 1);
	check_fast(test, start, 3, 0, 3);
}

static unsigned int fast_table_gone;

/* The PTE table went away between the PMD read and its mapping. */
static bool fake_fast_table_gone(struct mm_walk_state *s)
{
	if (!fast_table_gone)
		return false;
	fast_table_gone--;
	return true;
}

/*
 * Across a PTE table's end, and with a PTE table that goes away under the
 * walk (the cursor's test hook): read again from its PMD a few times, then
 * given up, and the pages before it are the ones taken.
 */
static void gup_fast_tables(struct kunit *test)
{
	unsigned long start, mid, i;

	if (!IS_ENABLED(CONFIG_HAVE_GUP_FAST))
		kunit_skip(test, "no GUP-fast on this architecture");
	start = map_ptes(test, 2 * PMD_SIZE, PROT_READ | PROT_WRITE);
	mid = ALIGN(start + 1, PMD_SIZE);
	for (i = 0; i < 8; i++)
		KUNIT_ASSERT_EQ(test, put_user(i, (u8 __user *)(mid - 4 * PAGE_SIZE +
							      i * PAGE_SIZE)), 0);
	check_fast(test, mid - 4 * PAGE_SIZE, 8, FOLL_WRITE, 8);

	kunit_activate_static_stub(test, pt_walk_test_table_gone, fake_fast_table_gone);
	WRITE_ONCE(pt_walk_test_hooks, true);
	/* Once, for the first table: read again, and all taken. */
	fast_table_gone = 1;
	check_fast(test, mid - 4 * PAGE_SIZE, 8, FOLL_WRITE, 8);
	KUNIT_EXPECT_EQ(test, fast_table_gone, 0);
	/* For the second table, until the walk gives up: the first's pages. */
	fast_table_gone = 0;
	check_fast(test, mid - 4 * PAGE_SIZE, 4, 0, 4);
	fast_table_gone = 1000;
	check_fast(test, mid, 4, 0, 0);
	KUNIT_EXPECT_LT(test, fast_table_gone, 1000);
	KUNIT_EXPECT_GT(test, fast_table_gone, 0);
	WRITE_ONCE(pt_walk_test_hooks, false);
	kunit_deactivate_static_stub(test, pt_walk_test_table_gone);
}

/* Shared memory: the page cache pages; VM_PFNMAP: none. */
static void gup_fast_shmem(struct kunit *test)
{
	struct file *file;
	unsigned long addr;

	if (!IS_ENABLED(CONFIG_HAVE_GUP_FAST))
		kunit_skip(test, "no GUP-fast on this architecture");
	file = shmem_file_setup("ptwalk-gup-fast", 4 * PAGE_SIZE, VM_NORESERVE);
	KUNIT_ASSERT_FALSE(test, IS_ERR(file));
	addr = kunit_vm_mmap(test, file, 0, 4 * PAGE_SIZE, PROT_READ | PROT_WRITE,
			     MAP_SHARED, 0);
	fput(file);
	KUNIT_ASSERT_FALSE(test, IS_ERR_VALUE(addr));
	KUNIT_ASSERT_EQ(test, put_user(1, (u8 __user *)addr), 0);
	KUNIT_ASSERT_EQ(test, put_user(2, (u8 __user *)(addr + PAGE_SIZE)), 0);
	check_fast(test, addr, 4, FOLL_WRITE, 2);
}

#ifdef CONFIG_TRANSPARENT_HUGEPAGE
/* A THP: pages of its folio, from its PMD leaf, as many as asked. */
static void gup_fast_thp(struct kunit *test)
{
	unsigned long thp;

	thp = map_thp_range(test);
	fault_thp(test, thp);
	check_fast(test, thp + 5 * PAGE_SIZE, 4, 0, 4);
	check_fast(test, thp + PMD_SIZE - 2 * PAGE_SIZE, 2, FOLL_WRITE, 2);
	/* Into the hole after it: the THP's pages, then the end. */
	check_fast(test, thp + PMD_SIZE - 2 * PAGE_SIZE, 4, 0, 2);
}
#endif

#ifdef CONFIG_HUGETLB_PAGE
/* A hugetlb page, at its own level: pages of the one folio. */
static void gup_fast_hugetlb_size(struct kunit *test, unsigned int shift)
{
	unsigned long size = 1UL << shift, addr;

	if (!IS_ENABLED(CONFIG_HAVE_GUP_FAST))
		kunit_skip(test, "no GUP-fast on this architecture");
	addr = map_hugetlb(test, 2 * size, shift);
	KUNIT_ASSERT_EQ(test, put_user(0x33, (u8 __user *)(addr + 3 * PAGE_SIZE)), 0);
	check_fast(test, addr + 3 * PAGE_SIZE, 4, FOLL_WRITE, 4);
	check_fast(test, addr + size - 2 * PAGE_SIZE, 4, 0, 2);
}

static void gup_fast_hugetlb_pmd(struct kunit *test)
{
	gup_fast_hugetlb_size(test, PMD_SHIFT);
}

#ifdef PT_TEST_HUGETLB_PUD
static void gup_fast_hugetlb_pud(struct kunit *test)
{
	gup_fast_hugetlb_size(test, PUD_SHIFT);
}
#endif
#endif /* CONFIG_HUGETLB_PAGE */

#if defined(CONFIG_ZONE_DEVICE) && defined(CONFIG_GET_FREE_REGION)
#define DEVMAP_PAGES	16
#define DEVMAP_HOLE	9

/*
 * A VM_MIXEDMAP mapping of device memory, each page a devmap PTE (what a
 * device-dax or fsdax mapping has) but page DEVMAP_HOLE, left unmapped.
 */
static int devmap_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct dev_pagemap *pgmap = file->private_data;
	unsigned long i, pfn = PHYS_PFN(pgmap->range.start);
	vm_fault_t fault;

	vm_flags_set(vma, VM_MIXEDMAP);
	for (i = 0; i < DEVMAP_PAGES; i++) {
		if (i == DEVMAP_HOLE)
			continue;
		fault = vmf_insert_mixed(vma, vma->vm_start + i * PAGE_SIZE,
					 __pfn_to_pfn_t(pfn + i, PFN_DEV | PFN_MAP));
		if (fault != VM_FAULT_NOPAGE)
			return -EFAULT;
	}
	return 0;
}

static const struct file_operations devmap_fops = {
	.mmap = devmap_mmap,
};

/*
 * A run of devmap PTEs: each page is taken with a reference on its
 * dev_pagemap too, got or pinned, in one batch up to the hole, as page by
 * page.  The memory behind the pages is never
 * touched (there is none: the range is hot-plugged struct pages only).
 * memunmap_pages() waits for every dev_pagemap reference: GUP must have
 * given back all it took.
 */
static void gup_batch_devmap(struct kunit *test)
{
	struct page *pages[DEVMAP_PAGES];
	struct dev_pagemap *pgmap;
	struct resource *res;
	unsigned long addr, i;
	void *mem;

	pgmap = kunit_kzalloc(test, sizeof(*pgmap), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, pgmap);
	res = request_free_mem_region(&iomem_resource, SZ_2M, "ptwalk-devmap");
	KUNIT_ASSERT_FALSE(test, IS_ERR(res));
	pgmap->type = MEMORY_DEVICE_GENERIC;
	pgmap->range.start = res->start;
	pgmap->range.end = res->end;
	pgmap->nr_range = 1;
	mem = memremap_pages(pgmap, NUMA_NO_NODE);
	if (IS_ERR(mem)) {
		KUNIT_FAIL(test, "memremap_pages: %ld", PTR_ERR(mem));
		goto release;
	}
	addr = map_test_file(test, "ptwalk-devmap", &devmap_fops, pgmap,
			     DEVMAP_PAGES * PAGE_SIZE, PROT_READ | PROT_WRITE);
	if (!addr)
		goto unmap;

	check_batch(test, addr, DEVMAP_PAGES, FOLL_GET | FOLL_NOFAULT, DEVMAP_HOLE);
	check_batch(test, addr, DEVMAP_PAGES, FOLL_PIN | FOLL_WRITE | FOLL_NOFAULT,
		    DEVMAP_HOLE);
	check_batch(test, addr + (DEVMAP_HOLE + 1) * PAGE_SIZE,
		    DEVMAP_PAGES - DEVMAP_HOLE - 1, FOLL_PIN | FOLL_LONGTERM,
		    DEVMAP_PAGES - DEVMAP_HOLE - 1);
	KUNIT_EXPECT_EQ(test, gup(addr, DEVMAP_PAGES, FOLL_GET | FOLL_NOFAULT, pages),
			DEVMAP_HOLE);
	for (i = 0; i < DEVMAP_HOLE; i++) {
		KUNIT_EXPECT_PTR_EQ_MSG(test, pages[i],
					pfn_to_page(PHYS_PFN(res->start) + i),
					"page %lu", i);
		KUNIT_EXPECT_TRUE(test, is_zone_device_page(pages[i]));
		put_page(pages[i]);
	}
	/*
	 * GUP-fast, as 6.12's rules have it: gup_fast_folio_allowed() looks
	 * for secretmem in the mapping of every order-0 folio, and a device
	 * page has none, so with CONFIG_SECRETMEM it takes nothing and leaves
	 * the range to the slow path; without, the pages before the hole.
	 */
	if (IS_ENABLED(CONFIG_HAVE_GUP_FAST))
		check_fast(test, addr, DEVMAP_PAGES, 0,
			   IS_ENABLED(CONFIG_SECRETMEM) ? 0 : DEVMAP_HOLE);
	vm_munmap(addr, DEVMAP_PAGES * PAGE_SIZE);
unmap:
	memunmap_pages(pgmap);
release:
	release_mem_region(res->start, resource_size(res));
}
#endif

static struct kunit_case pt_walk_gup_cases[] = {
	KUNIT_CASE(gup_anon),
	KUNIT_CASE(gup_zero_page),
	KUNIT_CASE(gup_force),
	KUNIT_CASE(gup_bad_address),
	KUNIT_CASE(gup_pfnmap),
	KUNIT_CASE(gup_batch_table_end),
	KUNIT_CASE(gup_batch_nonpresent),
	KUNIT_CASE(gup_batch_write_fault),
#if defined(CONFIG_HAVE_ARCH_USERFAULTFD_WP) && defined(CONFIG_USERFAULTFD)
	KUNIT_CASE(gup_batch_uffd_wp),
#endif
#ifdef CONFIG_NUMA_BALANCING
	KUNIT_CASE(gup_batch_numa),
#endif
	KUNIT_CASE(gup_batch_fatal_signal),
	KUNIT_CASE(gup_batch_unshare),
	KUNIT_CASE(gup_batch_mixedmap),
#if defined(CONFIG_ZONE_DEVICE) && defined(CONFIG_GET_FREE_REGION)
	KUNIT_CASE(gup_batch_devmap),
#endif
	KUNIT_CASE(gup_batch_populate),
	KUNIT_CASE(gup_batch_mlock),
#ifdef CONFIG_TRANSPARENT_HUGEPAGE
	KUNIT_CASE(gup_thp),
	KUNIT_CASE(gup_batch_folio_end),
#endif
#ifdef CONFIG_HUGETLB_PAGE
	KUNIT_CASE(gup_hugetlb_pmd),
#ifdef PT_TEST_HUGETLB_PUD
	KUNIT_CASE(gup_hugetlb_pud),
#endif
#if defined(CONFIG_ARM64) || defined(CONFIG_RISCV_ISA_SVNAPOT)
	KUNIT_CASE(gup_hugetlb_cont_pte),
	KUNIT_CASE(gup_hugetlb_cont_pte_range),
#endif
#ifdef CONFIG_ARM64
	KUNIT_CASE(gup_hugetlb_cont_pmd),
	KUNIT_CASE(gup_hugetlb_cont_pmd_range),
#endif
#endif
	KUNIT_CASE(gup_fast_anon),
	KUNIT_CASE(gup_fast_stops),
	KUNIT_CASE(gup_fast_tables),
	KUNIT_CASE(gup_fast_shmem),
#ifdef CONFIG_TRANSPARENT_HUGEPAGE
	KUNIT_CASE(gup_fast_thp),
#endif
#ifdef CONFIG_HUGETLB_PAGE
	KUNIT_CASE(gup_fast_hugetlb_pmd),
#ifdef PT_TEST_HUGETLB_PUD
	KUNIT_CASE(gup_fast_hugetlb_pud),
#endif
#endif
	{}
};

static struct kunit_suite pt_walk_gup_suite = {
	.name = "pt_walk_gup",
	.test_cases = pt_walk_gup_cases,
};

/*
 * Where the PMD is folded into the PUD at compile time, 6.12's
 * folio_walk_start() asks the arch's pud_leaf() of the folded level, which
 * mips answers from the entry's bits: a hugetlb page of PMD size is a PUD
 * leaf there, whose pud_*() helpers are the generic BUG()s.  The cursor
 * stops at the level hugetlb_walk() finds it at: the PMD (the same entry).
 */
static enum folio_walk_level fw_folded_level(enum folio_walk_level level)
{
#ifdef __PAGETABLE_PMD_FOLDED
	if (level == FW_LEVEL_PUD)
		return FW_LEVEL_PMD;
#endif
	return level;
}

/*
 * folio_walk_start() and follow_pfnmap_start() on the cursor, against
 * 6.12's per-level descents (pt_walk_legacy.h): the same folio, page,
 * level, entry (pointer and value) and lock, for every kind of entry.
 */
struct fw_seen {
	struct folio *folio;
	struct page *page;
	enum folio_walk_level level;
	void *entp;
	pud_t entry;	/* the pte_t, pmd_t or pud_t, in the bytes of a pud_t */
	spinlock_t *ptl;
};

static void fw_look(struct vm_area_struct *vma, unsigned long addr,
		    folio_walk_flags_t flags, bool legacy, struct fw_seen *seen)
{
	struct folio_walk fw;

	memset(&fw, 0, sizeof(fw));
	memset(seen, 0, sizeof(*seen));
	seen->folio = legacy ? legacy_folio_walk_start(&fw, vma, addr, flags) :
			       folio_walk_start(&fw, vma, addr, flags);
	if (!seen->folio)
		return;
	/*
	 * Held by the lookup, which sparse cannot see (pt_walk_legacy.h): the
	 * lock and, for a PTE, the RCU read lock of the table's mapping.
	 */
	__acquire(fw.ptl);
	seen->page = fw.page;
	seen->level = fw.level;
	seen->entp = fw.ptep;
	seen->ptl = fw.ptl;
	if (fw.level == FW_LEVEL_PTE)
		memcpy(&seen->entry, &fw.pte, sizeof(fw.pte));
	else if (fw.level == FW_LEVEL_PMD)
		memcpy(&seen->entry, &fw.pmd, sizeof(fw.pmd));
	else
		seen->entry = fw.pud;
	/* folio_walk_end(), each way on a path of its own for sparse. */
	if (fw.level == FW_LEVEL_PTE) {
		__acquire(RCU);
		pte_unmap_unlock(fw.ptep, fw.ptl);
	} else {
		spin_unlock(fw.ptl);
	}
	vma_pgtable_walk_end(vma);
}

/*
 * Each page of [@start, @start + @nr pages) with every combination of
 * flags: what folio_walk_start() finds, as 6.12 found it.  Returns the
 * number of lookups that found a folio.
 */
static unsigned long check_folio_walk(struct kunit *test, unsigned long start,
				      unsigned long nr)
{
	struct mm_struct *mm = current->mm;
	unsigned long addr, found = 0;
	struct vm_area_struct *vma;
	struct fw_seen got, ref;
	int flags;

	mmap_read_lock(mm);
	for (addr = start; addr < start + nr * PAGE_SIZE; addr += PAGE_SIZE) {
		unsigned long i = (addr - start) / PAGE_SIZE;

		vma = vma_lookup(mm, addr);
		if (!vma) {
			KUNIT_FAIL(test, "no VMA at %#lx", addr);
			break;
		}
		for (flags = 0; flags < 4; flags++) {
			folio_walk_flags_t fwf = (__force folio_walk_flags_t)flags;

			fw_look(vma, addr, fwf, false, &got);
			fw_look(vma, addr, fwf, true, &ref);
			KUNIT_EXPECT_PTR_EQ_MSG(test, got.folio, ref.folio,
						"page %lu, flags %d", i, flags);
			if (!got.folio || got.folio != ref.folio)
				continue;
			found++;
			KUNIT_EXPECT_PTR_EQ_MSG(test, got.page, ref.page,
						"page %lu, flags %d", i, flags);
			KUNIT_EXPECT_EQ_MSG(test, got.level,
					    fw_folded_level(ref.level),
					    "page %lu, flags %d", i, flags);
			KUNIT_EXPECT_PTR_EQ_MSG(test, got.entp, ref.entp,
						"page %lu, flags %d", i, flags);
			KUNIT_EXPECT_PTR_EQ_MSG(test, got.ptl, ref.ptl,
						"page %lu, flags %d", i, flags);
			KUNIT_EXPECT_EQ_MSG(test, memcmp(&got.entry, &ref.entry,
							 sizeof(got.entry)), 0,
					    "page %lu, flags %d", i, flags);
		}
	}
	mmap_read_unlock(mm);
	return found;
}

/*
 * Anonymous memory: written pages, the zero page, a hole, a migration
 * entry and a marker; shared memory; a VM_PFNMAP page (no folio).
 */
static void folio_walk_kinds(struct kunit *test)
{
	struct page *mapped, *migrating;
	unsigned long start, addr, i;
	struct file *file;
	pte_t orig[2];
	u8 val = 0xff;

	/* 0-2 written, 3 the zero page, 4 a hole, 5 migration, 6 marker, 7. */
	start = map_ptes(test, 8 * PAGE_SIZE, PROT_READ | PROT_WRITE);
	for (i = 0; i < 8; i++) {
		u8 __user *p = (u8 __user *)(start + i * PAGE_SIZE);

		if (i != 4)
			KUNIT_ASSERT_EQ(test, i == 3 ? get_user(val, p) : put_user(i, p), 0);
	}
	KUNIT_ASSERT_EQ(test, val, 0);
	/* A page under migration is locked (pfn_swap_entry_to_page()). */
	KUNIT_ASSERT_EQ(test, gup(start + 5 * PAGE_SIZE, 1, FOLL_GET, &migrating), 1);
	lock_page(migrating);
	if (!set_migration_and_marker(current->mm, start + 5 * PAGE_SIZE, orig)) {
		unlock_page(migrating);
		put_page(migrating);
		KUNIT_FAIL(test, "no PTE table for the range");
		return;
	}
	/*
	 * The 4 written pages, 4 ways each; the zero page with FW_ZEROPAGE,
	 * the migration entry with FW_MIGRATION (2 ways each).
	 */
	KUNIT_EXPECT_EQ(test, check_folio_walk(test, start, 8), 4 * 4 + 2 + 2);
	restore_ptes(current->mm, start + 5 * PAGE_SIZE, orig, 2);
	unlock_page(migrating);
	put_page(migrating);

	file = shmem_file_setup("ptwalk-folio-walk", 2 * PAGE_SIZE, VM_NORESERVE);
	KUNIT_ASSERT_FALSE(test, IS_ERR(file));
	addr = kunit_vm_mmap(test, file, 0, 2 * PAGE_SIZE, PROT_READ | PROT_WRITE,
			     MAP_SHARED, 0);
	fput(file);
	KUNIT_ASSERT_FALSE(test, IS_ERR_VALUE(addr));
	KUNIT_ASSERT_EQ(test, put_user(1, (u8 __user *)addr), 0);
	KUNIT_EXPECT_EQ(test, check_folio_walk(test, addr, 2), 4);

	mapped = map_pfnmap(test, PAGE_SIZE, PROT_READ | PROT_WRITE, &addr);
	if (!mapped)
		return;
	KUNIT_EXPECT_EQ(test, check_folio_walk(test, addr, 1), 0);
	vm_munmap(addr, PAGE_SIZE);
	__free_page(mapped);
}

#ifdef CONFIG_TRANSPARENT_HUGEPAGE
/* The THP at @thp made a migration entry (@set), or put back as *@saved. */
static void thp_migration_entry(unsigned long thp, pmd_t *saved, bool set)
{
#ifdef CONFIG_ARCH_ENABLE_THP_MIGRATION
	struct mm_struct *mm = current->mm;
	spinlock_t *ptl;	/* the THP's lock */
	pmd_t *pmdp;

	mmap_write_lock(mm);
	pmdp = pmd_off(mm, thp);
	ptl = pmd_lock(mm, pmdp);
	if (set) {
		*saved = pmdp_get(pmdp);
		set_pmd_at(mm, thp, pmdp,
			   swp_entry_to_pmd(make_readable_migration_entry(pmd_pfn(*saved))));
	} else {
		set_pmd_at(mm, thp, pmdp, *saved);
	}
	spin_unlock(ptl);
	mmap_write_unlock(mm);
#endif
}

/* A THP (a PMD leaf), and the same THP under migration. */
static void folio_walk_thp(struct kunit *test)
{
	unsigned long thp;
	struct page *page;
	pmd_t saved;

	thp = map_thp_range(test);
	fault_thp(test, thp);
	/* A hole, then 3 pages of the THP, 4 ways each. */
	KUNIT_EXPECT_EQ(test, check_folio_walk(test, thp - PAGE_SIZE, 4), 3 * 4);
	/* The last 2 pages of the THP, then a hole. */
	KUNIT_EXPECT_EQ(test, check_folio_walk(test, thp + PMD_SIZE - 2 * PAGE_SIZE, 3),
			2 * 4);
	if (!IS_ENABLED(CONFIG_ARCH_ENABLE_THP_MIGRATION))
		return;
	/* A folio under migration is locked (pfn_swap_entry_to_page()). */
	KUNIT_ASSERT_EQ(test, gup(thp, 1, FOLL_GET, &page), 1);
	folio_lock(page_folio(page));
	thp_migration_entry(thp, &saved, true);
	/* Found with FW_MIGRATION only. */
	KUNIT_EXPECT_EQ(test, check_folio_walk(test, thp, 2), 2 * 2);
	thp_migration_entry(thp, &saved, false);
	folio_unlock(page_folio(page));
	put_page(page);
}
#endif

#ifdef CONFIG_HUGETLB_PAGE
/* A hugetlb page at its own level, and the hole after it. */
static void folio_walk_hugetlb_size(struct kunit *test, unsigned int shift)
{
	unsigned long size = 1UL << shift, addr;

	addr = map_hugetlb(test, 2 * size, shift);
	KUNIT_ASSERT_EQ(test, put_user(1, (u8 __user *)addr), 0);
	KUNIT_EXPECT_EQ(test, check_folio_walk(test, addr + size - 2 * PAGE_SIZE, 4),
			2 * 4);
}

static void folio_walk_hugetlb_pmd(struct kunit *test)
{
	folio_walk_hugetlb_size(test, PMD_SHIFT);
}

#ifdef PT_TEST_HUGETLB_PUD
static void folio_walk_hugetlb_pud(struct kunit *test)
{
	folio_walk_hugetlb_size(test, PUD_SHIFT);
}
#endif

#if defined(CONFIG_ARM64) || defined(CONFIG_RISCV_ISA_SVNAPOT)
/*
 * A contiguous hugetlb page (arm64 CONT_PTES PTEs or CONT_PMDS PMDs, riscv
 * Svnapot PTEs) whose last entry alone is made old, with the helper of its
 * level, as the page aging of a walker that reads entries one by one
 * leaves it: folio_walk_start() reports the entry at the address as 6.12's
 * descent read it (ptep_get(), pmdp_get()), not the page's entry folded
 * over its entries as huge_ptep_get() reads it, which is young.  Its first
 * pages, the last two of its last entry, then a hole.
 */
static void folio_walk_hugetlb_cont(struct kunit *test, unsigned int shift,
				    unsigned int entry_shift)
{
	unsigned long size = 1UL << shift, addr, last;
	struct vm_area_struct *vma;
	spinlock_t *ptl;	/* the huge page's lock */
	struct mm_struct *mm;
	pmd_t *pmdp;
	int young;

	/* The test's mm comes with its first mapping. */
	addr = map_hugetlb(test, 2 * size, shift);
	mm = current->mm;
	KUNIT_ASSERT_EQ(test, put_user(1, (u8 __user *)addr), 0);
	last = addr + size - (1UL << entry_shift);
	mmap_read_lock(mm);
	vma = vma_lookup(mm, addr);
	if (!vma) {
		mmap_read_unlock(mm);
		KUNIT_FAIL_AND_ABORT(test, "no VMA at %#lx", addr);
	}
	pmdp = pmd_off(mm, last);
	ptl = huge_pte_lock(hstate_vma(vma), mm, (pte_t *)pmdp);
#ifdef CONFIG_TRANSPARENT_HUGEPAGE	/* pmdp_test_and_clear_young() */
	if (entry_shift == PMD_SHIFT)
		young = pmdp_test_and_clear_young(vma, last, pmdp);
	else
#endif
		young = ptep_test_and_clear_young(vma, last,
						  pte_offset_kernel(pmdp, last));
	spin_unlock(ptl);
	mmap_read_unlock(mm);
	KUNIT_ASSERT_EQ(test, young, 1);
	KUNIT_EXPECT_EQ(test, check_folio_walk(test, addr, 2), 2 * 4);
	KUNIT_EXPECT_EQ(test, check_folio_walk(test, addr + size - 2 * PAGE_SIZE, 4),
			2 * 4);
}

static void folio_walk_hugetlb_cont_pte(struct kunit *test)
{
#ifdef CONFIG_ARM64
	folio_walk_hugetlb_cont(test, CONT_PTE_SHIFT, PAGE_SHIFT);
#else
	folio_walk_hugetlb_cont(test, PAGE_SHIFT + NAPOT_CONT64KB_ORDER, PAGE_SHIFT);
#endif
}
#endif

#if defined(CONFIG_ARM64) && defined(CONFIG_TRANSPARENT_HUGEPAGE)
static void folio_walk_hugetlb_cont_pmd(struct kunit *test)
{
	folio_walk_hugetlb_cont(test, CONT_PMD_SHIFT, PMD_SHIFT);
}
#endif
#endif /* CONFIG_HUGETLB_PAGE */

/* follow_pfnmap_start() at @addr, new and 6.12's: the same answer. */
static void check_pfnmap(struct kunit *test, unsigned long addr, int expected)
{
	struct follow_pfnmap_args got = {}, ref = {};
	struct mm_struct *mm = current->mm;
	int err, ref_err;

	mmap_read_lock(mm);
	got.vma = vma_lookup(mm, addr);
	if (!got.vma) {
		mmap_read_unlock(mm);
		KUNIT_FAIL(test, "no VMA at %#lx", addr);
		return;
	}
	ref.vma = got.vma;
	got.address = addr;
	ref.address = addr;
	err = follow_pfnmap_start(&got);
	if (!err)
		follow_pfnmap_end(&got);
	ref_err = legacy_follow_pfnmap_start(&ref);
	if (!ref_err)
		follow_pfnmap_end(&ref);
	mmap_read_unlock(mm);
	KUNIT_EXPECT_EQ(test, ref_err, expected);
	KUNIT_EXPECT_EQ(test, err, expected);
	if (err || ref_err)
		return;
	KUNIT_EXPECT_EQ(test, got.pfn, ref.pfn);
	KUNIT_EXPECT_EQ(test, pgprot_val(got.pgprot), pgprot_val(ref.pgprot));
	KUNIT_EXPECT_EQ(test, got.writable, ref.writable);
	KUNIT_EXPECT_EQ(test, got.special, ref.special);
	KUNIT_EXPECT_PTR_EQ(test, got.lock, ref.lock);
	KUNIT_EXPECT_PTR_EQ(test, got.ptep, ref.ptep);
}

/*
 * A VM_PFNMAP page (its pfn: the page the test mapped), the hole after it
 * in its VMA, and memory that is not VM_IO or VM_PFNMAP.
 */
static void follow_pfnmap(struct kunit *test)
{
	struct follow_pfnmap_args args = {};
	struct page *mapped;
	unsigned long addr;

	mapped = map_pfnmap(test, 2 * PAGE_SIZE, PROT_READ | PROT_WRITE,
			    &addr);
	if (!mapped)
		return;
	check_pfnmap(test, addr, 0);
	check_pfnmap(test, addr + PAGE_SIZE, -EINVAL);
	mmap_read_lock(current->mm);
	args.vma = vma_lookup(current->mm, addr);
	args.address = addr;
	KUNIT_ASSERT_NOT_NULL(test, args.vma);
	KUNIT_ASSERT_EQ(test, follow_pfnmap_start(&args), 0);
	KUNIT_EXPECT_EQ(test, args.pfn, page_to_pfn(mapped));
	KUNIT_EXPECT_TRUE(test, args.writable);
	follow_pfnmap_end(&args);
	mmap_read_unlock(current->mm);
	vm_munmap(addr, 2 * PAGE_SIZE);
	__free_page(mapped);

	addr = map_anon(test, PAGE_SIZE, PROT_READ | PROT_WRITE);
	KUNIT_ASSERT_EQ(test, put_user(1, (u8 __user *)addr), 0);
	check_pfnmap(test, addr, -EINVAL);
}

static struct kunit_case pt_walk_lookup_cases[] = {
	KUNIT_CASE(folio_walk_kinds),
#ifdef CONFIG_TRANSPARENT_HUGEPAGE
	KUNIT_CASE(folio_walk_thp),
#endif
#ifdef CONFIG_HUGETLB_PAGE
	KUNIT_CASE(folio_walk_hugetlb_pmd),
#ifdef PT_TEST_HUGETLB_PUD
	KUNIT_CASE(folio_walk_hugetlb_pud),
#endif
#if defined(CONFIG_ARM64) || defined(CONFIG_RISCV_ISA_SVNAPOT)
	KUNIT_CASE(folio_walk_hugetlb_cont_pte),
#endif
#if defined(CONFIG_ARM64) && defined(CONFIG_TRANSPARENT_HUGEPAGE)
	KUNIT_CASE(folio_walk_hugetlb_cont_pmd),
#endif
#endif
	KUNIT_CASE(follow_pfnmap),
	{}
};

static struct kunit_suite pt_walk_lookup_suite = {
	.name = "pt_walk_lookup",
	.test_cases = pt_walk_lookup_cases,
};

kunit_test_suites(&pt_walk_mincore_suite, &pt_walk_leaf_entry_suite,
		  &pt_walk_gup_suite, &pt_walk_lookup_suite);

MODULE_DESCRIPTION("KUnit tests of mincore() and GUP on the ptwalk cursor");
MODULE_LICENSE("GPL");

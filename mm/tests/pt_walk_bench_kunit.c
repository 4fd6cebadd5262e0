// SPDX-License-Identifier: GPL-2.0-only
/*
 * ptwalk benchmark, run as a KUnit suite of its own (bench/, never part of
 * the tests): time walkers over the same populated anonymous mapping in one
 * boot and print ns per leaf and the ratio to a raw nested pgd..pte loop,
 * the floor.  Each walker counts the present PTEs it sees; the counts must
 * agree, so a walker that skips work cannot look fast.
 *
 * Walkers over the range: the raw loop (locked, as a real user would be),
 * for_each_pt_leaf() locked and lockless, walk_page_range() with leaf_entry,
 * with a pte_entry callback, and with a pmd_entry that open-codes the PTE
 * loop.  Walkers per address: 6.12's folio_walk_start() (the copy in
 * pt_walk_legacy.h: the series puts the kernel's own on the cursor), and
 * mm_walk_seek_leaf() locked (looking the VMA up, and in a known VMA) and
 * lockless.
 */
#include <kunit/test.h>
#include <linux/hugetlb.h>
#include <linux/ktime.h>
#include <linux/mm.h>
#include <linux/mman.h>
#include <linux/pagewalk.h>
#include <linux/pt_walk.h>
#include <linux/sort.h>
#include <linux/syscalls.h>

#include "pt_walk_legacy.h"

static unsigned long bench_mib = 256;
module_param(bench_mib, ulong, 0444);
MODULE_PARM_DESC(bench_mib, "size of the benchmarked mapping in MiB");

static bool bench_insn;
module_param(bench_insn, bool, 0444);
MODULE_PARM_DESC(bench_insn,
		 "run each walker once between the instruction count markers");

#define BENCH_REPS 7

/*
 * Markers for an instruction counter outside the guest
 * (bench/insn-profile/tbprof.c, under QEMU TCG): it counts what runs from a
 * call of the first to the next call of the second.  Different bodies, so
 * that the compiler cannot merge them.
 */
static int bench_insn_phase;

static noinline void pt_walk_bench_insn_begin(void)
{
	WRITE_ONCE(bench_insn_phase, 1);
}

static noinline void pt_walk_bench_insn_end(void)
{
	WRITE_ONCE(bench_insn_phase, 0);
}

static unsigned long raw_pte_range(struct mm_struct *mm, pmd_t *pmdp,
				   unsigned long addr, unsigned long end)
{
	unsigned long n = 0;
	spinlock_t *ptl;	/* the PTE table's lock */
	pte_t *ptep, *start;

	start = pte_offset_map_lock(mm, pmdp, addr, &ptl);
	if (!start)
		return 0;
	for (ptep = start; addr < end; ptep++, addr += PAGE_SIZE)
		n += pte_present(ptep_get(ptep));
	pte_unmap_unlock(start, ptl);
	return n;
}

/* The floor: the per-level loops every hand-written walker open-codes. */
static unsigned long raw_walk(struct mm_struct *mm, unsigned long addr,
			      unsigned long end)
{
	unsigned long n = 0, pgd_next, p4d_next, pud_next, pmd_next;
	pgd_t *pgdp = pgd_offset(mm, addr);

	do {
		p4d_t *p4dp;

		pgd_next = pgd_addr_end(addr, end);
		if (pgd_none_or_clear_bad(pgdp))
			continue;
		p4dp = p4d_offset(pgdp, addr);
		do {
			pud_t *pudp;

			p4d_next = p4d_addr_end(addr, pgd_next);
			if (p4d_none_or_clear_bad(p4dp))
				continue;
			pudp = pud_offset(p4dp, addr);
			do {
				pmd_t *pmdp;

				pud_next = pud_addr_end(addr, p4d_next);
				/* A huge leaf (hugetlb 1G) counts its pages. */
				if (pud_leaf(pudp_get(pudp))) {
					n += (pud_next - addr) >> PAGE_SHIFT;
					continue;
				}
				if (pud_none_or_clear_bad(pudp))
					continue;
				pmdp = pmd_offset(pudp, addr);
				do {
					pmd_t pmd = pmdp_get_lockless(pmdp);

					pmd_next = pmd_addr_end(addr, pud_next);
					if (pmd_none(pmd))
						continue;
					if (pmd_leaf(pmd)) {
						n += (pmd_next - addr) >> PAGE_SHIFT;
						continue;
					}
					n += raw_pte_range(mm, pmdp, addr, pmd_next);
				} while (pmdp++, addr = pmd_next, addr != pud_next);
			} while (pudp++, addr = pud_next, addr != p4d_next);
		} while (p4dp++, addr = p4d_next, addr != pgd_next);
	} while (pgdp++, addr = pgd_next, addr != end);
	return n;
}

static int bench_pte_entry(pte_t *ptep, unsigned long addr,
			   unsigned long next, struct mm_walk *walk)
{
	unsigned long *n = walk->private;

	*n += pte_present(ptep_get(ptep));
	return 0;
}

static const struct mm_walk_ops bench_ops = {
	.pte_entry	= bench_pte_entry,
	.walk_lock	= PGWALK_RDLOCK,
};

/* The legacy pmd_entry walker: THP lock or the PTE table, by hand. */
static int bench_pmd_entry(pmd_t *pmdp, unsigned long addr,
			   unsigned long next, struct mm_walk *walk)
{
	unsigned long *n = walk->private;
	spinlock_t *ptl;	/* the THP's lock */

	ptl = pmd_trans_huge_lock(pmdp, walk->vma);
	if (ptl) {
		*n += (next - addr) >> PAGE_SHIFT;
		spin_unlock(ptl);
		return 0;
	}
	*n += raw_pte_range(walk->mm, pmdp, addr, next);
	return 0;
}

static const struct mm_walk_ops bench_pmd_ops = {
	.pmd_entry	= bench_pmd_entry,
	.walk_lock	= PGWALK_RDLOCK,
};

static int bench_leaf_entry(struct mm_walk_state *s, struct mm_walk *walk)
{
	unsigned long *n = walk->private;

	*n += (s->next - s->addr) >> PAGE_SHIFT;
	return 0;
}

#ifdef CONFIG_HUGETLB_PAGE
/* The legacy hugetlb walker's callback: every level read as a pte_t. */
static int bench_legacy_hugetlb(pte_t *ptep, unsigned long addr,
				unsigned long next, void *private)
{
	struct mm_struct *mm = current->mm;
	unsigned long *n = private;

	if (ptep && pte_present(huge_ptep_get(mm, addr, ptep)))
		*n += (next - addr) >> PAGE_SHIFT;
	return 0;
}
#endif

static const struct mm_walk_ops bench_leaf_ops = {
	.leaf_entry	= bench_leaf_entry,
	.walk_lock	= PGWALK_RDLOCK,
};

/* leaf_entry with runs of present (or of none) PTEs, as mincore() walks. */
static const struct mm_walk_ops bench_leaf_runs_ops = {
	.leaf_entry	= bench_leaf_entry,
	.leaf_flags	= MM_WALK_RUNS,
	.walk_lock	= PGWALK_RDLOCK,
};

enum {
	W_RAW, W_LEAF_LOCKED, W_LEAF_LOCKLESS, W_LEAF_ENTRY, W_LEAF_RUNS, W_PAGEWALK,
	W_PMD_ENTRY, W_HUGETLB_LEGACY, W_FOLIO_WALK, W_SEEK_LOCKED, W_SEEK_VMA,
	W_SEEK_LOCKLESS, W_GUP_GET, W_GUP_PIN, W_NR
};

/*
 * The walkers each kind of memory can take: the pte_entry walk splits THPs
 * and, like the pmd_entry walk, skips hugetlb VMAs, where the legacy walker
 * is the 6.12 hugetlb walk (hugetlb_walk() per huge page).
 */
#define W_ALL		(BIT(W_NR) - 1)
#define W_PTE_ONLY	(BIT(W_PAGEWALK) | BIT(W_PMD_ENTRY))
#define W_FOR_4K	(W_ALL & ~BIT(W_HUGETLB_LEGACY))
/* GUP with FOLL_WRITE would fault the holes in: not on the sparse layout. */
#define W_FOR_SPARSE	(W_FOR_4K & ~BIT(W_GUP_GET) & ~BIT(W_GUP_PIN))
#define W_FOR_THP	(W_ALL & ~BIT(W_HUGETLB_LEGACY) & ~BIT(W_PAGEWALK))
#define W_FOR_HUGETLB	(W_ALL & ~W_PTE_ONLY)

static const char * const walker_name[W_NR] = {
	[W_RAW]			= "raw pgd..pte loop",
	[W_LEAF_LOCKED]		= "for_each_pt_leaf locked",
	[W_LEAF_LOCKLESS]	= "for_each_pt_leaf lockless",
	[W_LEAF_ENTRY]		= "walk_page_range leaf_entry",
	[W_LEAF_RUNS]		= "walk_page_range leaf_entry runs",
	[W_PAGEWALK]		= "walk_page_range pte_entry",
	[W_PMD_ENTRY]		= "walk_page_range pmd_entry",
	[W_HUGETLB_LEGACY]	= "6.12 hugetlb walk",
	[W_FOLIO_WALK]		= "folio_walk_start per page",
	[W_SEEK_LOCKED]		= "mm_walk_seek_leaf locked",
	[W_SEEK_VMA]		= "mm_walk_seek_vma_leaf",
	[W_SEEK_LOCKLESS]	= "mm_walk_seek_leaf lockless",
	[W_GUP_GET]		= "get_user_pages + put",
	[W_GUP_PIN]		= "pin_user_pages + unpin",
};

/*
 * A for_each_pt_leaf() loop on its own, which scripts/codegen.sh checks with
 * objdump: no indirect call, and no call but to the out-of-line step.  It
 * counts the leaves of each scenario.
 */
static noinline unsigned long bench_leaf_loop(struct mm_walk_state *s,
					      struct mm_struct *mm,
					      unsigned long start,
					      unsigned long end)
{
	const struct pt_leaf *leaf;
	unsigned long n = 0;

	for_each_pt_leaf(leaf, s, mm, start, end, MM_WALK_LOCKED)
		n++;
	return n;
}

/*
 * The GUP slow path (the mmap lock held, as gup_test does), 512 pages a
 * call, FOLL_WRITE, and the release of the pages: it counts the pages
 * taken.  No legacy GUP runs in the same kernel; scripts/users-bench.sh
 * compares with the base kernel.
 */
static unsigned long bench_gup(struct mm_struct *mm, unsigned long start,
			       unsigned long end, bool pin)
{
	struct page **pages;
	unsigned long addr, n = 0;
	long got;

	pages = kvmalloc_array(512, sizeof(*pages), GFP_KERNEL);
	if (!pages)
		return 0;
	mmap_read_lock(mm);
	for (addr = start; addr < end; addr += got * PAGE_SIZE) {
		unsigned long nr = min(512UL, (end - addr) >> PAGE_SHIFT);

		if (pin)
			got = pin_user_pages_remote(mm, addr, nr, FOLL_WRITE, pages, NULL);
		else
			got = get_user_pages_remote(mm, addr, nr, FOLL_WRITE, pages, NULL);
		if (got <= 0)
			break;
		if (pin)
			unpin_user_pages(pages, got);
		else
			release_pages(pages, got);
		n += got;
	}
	mmap_read_unlock(mm);
	kvfree(pages);
	return n;
}

static unsigned long run_walker(int w, struct mm_struct *mm,
				unsigned long start, unsigned long end)
{
	struct vm_area_struct *vma;
	const struct pt_leaf *leaf;
	struct mm_walk_state s;
	struct folio_walk fw;
	unsigned long n = 0, pages = 0, addr;

	switch (w) {
	case W_RAW:
		mmap_read_lock(mm);
		n = raw_walk(mm, start, end);
		mmap_read_unlock(mm);
		break;
	case W_LEAF_LOCKED:
		/* The count in a variable of its own, as in a real caller. */
		mmap_read_lock(mm);
		for_each_pt_leaf(leaf, &s, mm, start, end, MM_WALK_LOCKED)
			pages += (leaf->next - leaf->addr) >> PAGE_SHIFT;
		mmap_read_unlock(mm);
		n = pages;
		break;
	case W_LEAF_LOCKLESS:
		local_irq_disable();
		for_each_pt_leaf(leaf, &s, mm, start, end, 0)
			pages += (leaf->next - leaf->addr) >> PAGE_SHIFT;
		local_irq_enable();
		n = pages;
		break;
	case W_LEAF_ENTRY:
		mmap_read_lock(mm);
		walk_page_range(mm, start, end, &bench_leaf_ops, &n);
		mmap_read_unlock(mm);
		break;
	case W_LEAF_RUNS:
		mmap_read_lock(mm);
		walk_page_range(mm, start, end, &bench_leaf_runs_ops, &n);
		mmap_read_unlock(mm);
		break;
	case W_PAGEWALK:
		mmap_read_lock(mm);
		walk_page_range(mm, start, end, &bench_ops, &n);
		mmap_read_unlock(mm);
		break;
	case W_PMD_ENTRY:
		mmap_read_lock(mm);
		walk_page_range(mm, start, end, &bench_pmd_ops, &n);
		mmap_read_unlock(mm);
		break;
	case W_HUGETLB_LEGACY:
#ifdef CONFIG_HUGETLB_PAGE
		mmap_read_lock(mm);
		vma = vma_lookup(mm, start);
		if (vma && is_vm_hugetlb_page(vma))
			legacy_walk_hugetlb_range(vma, start, min(end, vma->vm_end),
						  bench_legacy_hugetlb, &n);
		mmap_read_unlock(mm);
#endif
		break;
	case W_FOLIO_WALK:
		mmap_read_lock(mm);
		vma = find_vma(mm, start);
		for (addr = start; addr < end; addr += PAGE_SIZE) {
			if (legacy_folio_walk_start(&fw, vma, addr, 0)) {
				n++;
				folio_walk_end(&fw, vma);
			}
		}
		mmap_read_unlock(mm);
		break;
	case W_SEEK_LOCKED:
		mmap_read_lock(mm);
		for (addr = start; addr < end; addr += PAGE_SIZE) {
			n += mm_walk_seek_leaf(&s, mm, addr, MM_WALK_LOCKED);
			mm_walk_end(&s);
		}
		mmap_read_unlock(mm);
		break;
	case W_SEEK_VMA:
		mmap_read_lock(mm);
		vma = find_vma(mm, start);
		for (addr = start; addr < end; addr += PAGE_SIZE) {
			n += mm_walk_seek_vma_leaf(&s, vma, addr);
			mm_walk_end(&s);
		}
		mmap_read_unlock(mm);
		break;
	case W_GUP_GET:
	case W_GUP_PIN:
		n = bench_gup(mm, start, end, w == W_GUP_PIN);
		break;
	case W_SEEK_LOCKLESS:
		local_irq_disable();
		for (addr = start; addr < end; addr += PAGE_SIZE) {
			n += mm_walk_seek_leaf(&s, mm, addr, 0);
			mm_walk_end(&s);
		}
		local_irq_enable();
		break;
	}
	return n;
}

static int cmp_u64(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

/*
 * For the instruction counter: every walker once to warm up, then once
 * between the markers, after an "insn:" line that names it
 * (scenario|walker|mapped pages|pages of the range|leaves), which
 * scripts/insn-profile.sh pairs with the counter's phases in order.
 */
static void bench_insn_range(struct kunit *test, const char *scenario,
			     unsigned long start, unsigned long len,
			     unsigned long pages, unsigned long walkers)
{
	struct mm_struct *mm = current->mm;
	struct mm_walk_state s;
	unsigned long leaves, n;
	int w;

	mmap_read_lock(mm);
	leaves = bench_leaf_loop(&s, mm, start, start + len);
	mmap_read_unlock(mm);
	for (w = 0; w < W_NR; w++) {
		if (!(walkers & BIT(w)))
			continue;
		n = run_walker(w, mm, start, start + len);
		KUNIT_ASSERT_EQ_MSG(test, n, pages, "%s: %s", scenario,
				    walker_name[w]);
		kunit_info(test, "insn: %s|%s|%lu|%lu|%lu\n", scenario,
			   walker_name[w], pages, len >> PAGE_SHIFT, leaves);
		pt_walk_bench_insn_begin();
		n = run_walker(w, mm, start, start + len);
		pt_walk_bench_insn_end();
		KUNIT_ASSERT_EQ_MSG(test, n, pages, "%s: %s", scenario,
				    walker_name[w]);
	}
}

/*
 * Time every walker over [@start, @start + @len), interleaved, and print the
 * medians: a line per walker for people, and a "result:" line per walker
 * for scripts/bench-report.py (scenario|walker|median ns|mapped pages|pages
 * of the range|repetitions|leaves).  Every walker must count @pages mapped
 * pages.
 */
static void bench_range(struct kunit *test, const char *scenario,
			unsigned long start, unsigned long len,
			unsigned long pages, unsigned long walkers)
{
	struct mm_struct *mm = current->mm;
	u64 ns[W_NR][BENCH_REPS], median[W_NR];
	struct mm_walk_state s;
	unsigned long leaves;
	int w, r;

	if (bench_insn) {
		bench_insn_range(test, scenario, start, len, pages, walkers);
		return;
	}
	for (r = 0; r < BENCH_REPS; r++) {
		for (w = 0; w < W_NR; w++) {
			u64 t0;
			unsigned long n;

			if (!(walkers & BIT(w)))
				continue;
			t0 = ktime_get_ns();
			n = run_walker(w, mm, start, start + len);

			ns[w][r] = ktime_get_ns() - t0;
			KUNIT_ASSERT_EQ_MSG(test, n, pages, "%s: %s", scenario,
					    walker_name[w]);
		}
	}
	for (w = 0; w < W_NR; w++) {
		if (!(walkers & BIT(w)))
			continue;
		sort(ns[w], BENCH_REPS, sizeof(u64), cmp_u64, NULL);
		median[w] = ns[w][BENCH_REPS / 2];
	}
	/* The leaves of the range, at their levels, for the cost per leaf. */
	mmap_read_lock(mm);
	leaves = bench_leaf_loop(&s, mm, start, start + len);
	mmap_read_unlock(mm);
	kunit_info(test, "bench: %s, %lu MiB, %lu pages mapped, median of %d\n",
		   scenario, len >> 20, pages, BENCH_REPS);
	for (w = 0; w < W_NR; w++) {
		u64 x100;

		if (!(walkers & BIT(w)))
			continue;
		x100 = median[W_RAW] ? div64_u64(median[w] * 100, median[W_RAW]) : 0;

		kunit_info(test, "bench: %-28s %5llu.%02llu ns/page  %llu.%02llux raw\n",
			   walker_name[w],
			   div64_u64(median[w], pages),
			   div64_u64(median[w] * 100, pages) % 100,
			   x100 / 100, x100 % 100);
		kunit_info(test, "result: %s|%s|%llu|%lu|%lu|%d|%lu\n", scenario,
			   walker_name[w], median[w], pages, len >> PAGE_SHIFT,
			   BENCH_REPS, leaves);
	}
}

static unsigned long bench_map(struct kunit *test, unsigned long len)
{
	unsigned long start;

	start = kunit_vm_mmap(test, NULL, 0, len, PROT_READ | PROT_WRITE,
			      MAP_PRIVATE | MAP_ANONYMOUS, 0);
	KUNIT_ASSERT_FALSE(test, IS_ERR_VALUE(start));
	if (IS_ENABLED(CONFIG_TRANSPARENT_HUGEPAGE))
		KUNIT_ASSERT_EQ(test, do_madvise(current->mm, start, len,
						 MADV_NOHUGEPAGE), 0);
	return start;
}

/* Every page of the mapping populated with a 4K page. */
static void pt_walk_bench_anon_4k(struct kunit *test)
{
	unsigned long len = bench_mib << 20, start;

	start = bench_map(test, len);
	KUNIT_ASSERT_EQ(test, do_madvise(current->mm, start, len, MADV_POPULATE_WRITE), 0);
	bench_range(test, "anon-4k", start, len, len >> PAGE_SHIFT, W_FOR_4K);
}

/*
 * A sparse layout: of every four PMD-sized chunks, one populated, one with a
 * page in every 64, two empty (no PTE table).
 */
static void pt_walk_bench_sparse(struct kunit *test)
{
	unsigned long len = bench_mib << 20, start, chunk, off, pages = 0;

	start = ALIGN(bench_map(test, len + PMD_SIZE), PMD_SIZE);
	for (chunk = start; chunk < start + len; chunk += PMD_SIZE) {
		switch (((chunk - start) / PMD_SIZE) % 4) {
		case 0:
			KUNIT_ASSERT_EQ(test, do_madvise(current->mm, chunk, PMD_SIZE,
							 MADV_POPULATE_WRITE), 0);
			pages += PMD_SIZE / PAGE_SIZE;
			break;
		case 1:
			for (off = 0; off < PMD_SIZE; off += 64 * PAGE_SIZE) {
				KUNIT_ASSERT_EQ(test, put_user(1, (u8 __user *)(chunk + off)), 0);
				pages++;
			}
			break;
		}
	}
	bench_range(test, "sparse", start, len, pages, W_FOR_SPARSE);
}

#ifdef CONFIG_TRANSPARENT_HUGEPAGE
/* @len bytes of anonymous memory from an @align boundary, THP allowed. */
static unsigned long bench_map_aligned(struct kunit *test, unsigned long len,
				       unsigned long align)
{
	unsigned long start;

	if (!has_transparent_hugepage())
		kunit_skip(test, "no transparent huge pages on this machine");
	start = kunit_vm_mmap(test, NULL, 0, len + align, PROT_READ | PROT_WRITE,
			      MAP_PRIVATE | MAP_ANONYMOUS, 0);
	KUNIT_ASSERT_FALSE(test, IS_ERR_VALUE(start));
	return ALIGN(start, align);
}

/* Every PMD of the mapping a THP: PMD leaves, never split by the walkers. */
static void pt_walk_bench_thp(struct kunit *test)
{
	unsigned long len = bench_mib << 20, start, pages = 0;
	struct mm_walk_state s;
	unsigned long addr;

	start = bench_map_aligned(test, len, PMD_SIZE);
	KUNIT_ASSERT_EQ(test, do_madvise(current->mm, start, len, MADV_HUGEPAGE), 0);
	KUNIT_ASSERT_EQ(test, do_madvise(current->mm, start, len, MADV_POPULATE_WRITE), 0);
	/* How much of it the allocator gave as THPs: reported, not required. */
	mmap_read_lock(current->mm);
	for (addr = start; addr < start + len; addr += PMD_SIZE) {
		if (mm_walk_seek_leaf(&s, current->mm, addr, MM_WALK_LOCKED) &&
		    s.level == PT_LEVEL_PMD)
			pages += PMD_SIZE / PAGE_SIZE;
		mm_walk_end(&s);
	}
	mmap_read_unlock(current->mm);
	kunit_info(test, "bench: thp: %lu of %lu MiB mapped by THPs\n",
		   (pages << PAGE_SHIFT) >> 20, len >> 20);
	bench_range(test, "thp", start, len, len >> PAGE_SHIFT, W_FOR_THP);
}
#endif

#ifdef CONFIG_ARM64_CONTPTE
/*
 * 64K mTHPs, which arm64 maps with contiguous PTEs (contpte): the per-size
 * setting /sys/kernel/mm/transparent_hugepage/hugepages-64kB/enabled=always
 * writes, with every other size off, for the time the mapping is populated,
 * then put back.  Every PTE a walker reads with ptep_get() is a read of its
 * whole block.
 */
static void pt_walk_bench_contpte(struct kunit *test)
{
	unsigned long always, inherit, madvise, start, cont = 0;
	unsigned long len = bench_mib << 20;
	const struct pt_leaf *leaf;
	struct mm_walk_state s;

	start = bench_map_aligned(test, len, CONT_PTE_SIZE);
	always = READ_ONCE(huge_anon_orders_always);
	inherit = READ_ONCE(huge_anon_orders_inherit);
	madvise = READ_ONCE(huge_anon_orders_madvise);
	WRITE_ONCE(huge_anon_orders_inherit, 0);
	WRITE_ONCE(huge_anon_orders_madvise, 0);
	WRITE_ONCE(huge_anon_orders_always, BIT(CONT_PTE_SHIFT - PAGE_SHIFT));
	KUNIT_EXPECT_EQ(test, do_madvise(current->mm, start, len, MADV_POPULATE_WRITE), 0);
	WRITE_ONCE(huge_anon_orders_always, always);
	WRITE_ONCE(huge_anon_orders_madvise, madvise);
	WRITE_ONCE(huge_anon_orders_inherit, inherit);
	/* How much of it is in contiguous blocks: reported, not required. */
	mmap_read_lock(current->mm);
	for_each_pt_leaf(leaf, &s, current->mm, start, start + len, MM_WALK_LOCKED)
		cont += leaf->level == PT_LEVEL_PTE && pte_cont(leaf->entry.pte);
	mmap_read_unlock(current->mm);
	kunit_info(test, "bench: contpte: %lu of %lu pages in contiguous blocks\n",
		   cont, len >> PAGE_SHIFT);
	bench_range(test, "contpte-64K", start, len, len >> PAGE_SHIFT, W_FOR_4K);
}
#endif

#ifdef CONFIG_HUGETLB_PAGE
static unsigned long bench_hugetlb_mib = 256;
module_param(bench_hugetlb_mib, ulong, 0444);
MODULE_PARM_DESC(bench_hugetlb_mib, "size of the 2M hugetlb mapping in MiB");

/* hugetlb pages of 2^@shift bytes, from the pool the kernel was booted with. */
static void bench_hugetlb(struct kunit *test, const char *scenario,
			  unsigned int shift, unsigned long len)
{
	struct hstate *h = size_to_hstate(1UL << shift);
	unsigned long start;

	if (!h || h->free_huge_pages < len >> shift)
		kunit_skip(test, "%s: fewer than %lu pages in the pool (hugepages=)",
			   scenario, len >> shift);
	/* An mm for the test, then the hugetlb mapping in it. */
	KUNIT_ASSERT_FALSE(test, IS_ERR_VALUE(kunit_vm_mmap(test, NULL, 0, PAGE_SIZE,
							    PROT_READ, MAP_PRIVATE |
							    MAP_ANONYMOUS, 0)));
	start = ksys_mmap_pgoff(0, len, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB |
				(shift << MAP_HUGE_SHIFT), -1, 0);
	KUNIT_ASSERT_FALSE(test, IS_ERR_VALUE(start));
	KUNIT_ASSERT_EQ(test, do_madvise(current->mm, start, len, MADV_POPULATE_WRITE), 0);
	bench_range(test, scenario, start, len, len >> PAGE_SHIFT, W_FOR_HUGETLB);
}

static void pt_walk_bench_hugetlb_2m(struct kunit *test)
{
	bench_hugetlb(test, "hugetlb-2M", PMD_SHIFT, bench_hugetlb_mib << 20);
}

#ifdef CONFIG_X86_64
static void pt_walk_bench_hugetlb_1g(struct kunit *test)
{
	bench_hugetlb(test, "hugetlb-1G", PUD_SHIFT, PUD_SIZE);
}
#endif
#endif /* CONFIG_HUGETLB_PAGE */

static struct kunit_case pt_walk_bench_cases[] = {
	KUNIT_CASE_SLOW(pt_walk_bench_anon_4k),
	KUNIT_CASE_SLOW(pt_walk_bench_sparse),
#ifdef CONFIG_TRANSPARENT_HUGEPAGE
	KUNIT_CASE_SLOW(pt_walk_bench_thp),
#endif
#ifdef CONFIG_ARM64_CONTPTE
	KUNIT_CASE_SLOW(pt_walk_bench_contpte),
#endif
#ifdef CONFIG_HUGETLB_PAGE
	KUNIT_CASE_SLOW(pt_walk_bench_hugetlb_2m),
#ifdef CONFIG_X86_64
	KUNIT_CASE_SLOW(pt_walk_bench_hugetlb_1g),
#endif
#endif
	{}
};

static struct kunit_suite pt_walk_bench_suite = {
	.name = "pt_walk_bench",
	.test_cases = pt_walk_bench_cases,
};

kunit_test_suite(pt_walk_bench_suite);

MODULE_DESCRIPTION("Benchmarks of the ptwalk page table cursor against legacy walkers");
MODULE_LICENSE("GPL");

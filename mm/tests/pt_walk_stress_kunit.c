// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit stress tests of the ptwalk cursor and its callers: walks racing
 * page table changes on an SMP machine.
 *
 * The test thread walks an area of its mm over and over, with every walker
 * in turn: for_each_pt_leaf() locked and lockless, walk_page_range() with
 * leaf_entry, mincore() (do_mincore()), the GUP slow path (get and pin)
 * and GUP-fast (get_user_pages_fast_only() and pin_user_pages_fast()),
 * for as long as the changers run (STRESS_ROUNDS to STRESS_MAX_ROUNDS
 * rounds).  Kernel threads working in the same mm (kthread_use_mm()) change
 * its page tables meanwhile, each a fixed number of times:
 *  - zap: MADV_DONTNEED of a few pages (splitting a THP in its way), then
 *    writing them again;
 *  - collapse: MADV_COLLAPSE of one PMD range (a PTE table replaced by a
 *    huge PMD; for shared memory, the PTE table retracted under the mmap
 *    read lock), then MADV_DONTNEED of one page of it (a split);
 *  - remap: munmap() and mmap() of one PMD range (its page tables freed),
 *    then writing it again;
 *  - mprotect: a few pages made read-only and writable again (their VMA
 *    split and merged back);
 *  - migrate: migration of a few pages to new ones (migration entries
 *    while it runs), where the kernel has CONFIG_MIGRATION;
 *  - protnone: PROT_NONE entries over a few pages, as NUMA hinting (and
 *    mprotect()) makes them, where the kernel has CONFIG_NUMA_BALANCING;
 *  - mremap: mremap() of a PMD range or of a few pages to a spare range
 *    after the area and back (their page tables moved, a PMD table entry
 *    at a time where the range allows), on x86_64 and arm64.
 * The area, one case each: private anonymous memory; a shared tmpfs file
 * (its PTE tables retracted by collapse); a shared hugetlb file of a PUD
 * range's size mapped twice, PUD-aligned, whose mappings share their PMD
 * table (huge_pmd_share()) until a zap, munmap() or VMA split unshares it
 * (zap, remap of a whole mapping, mprotect and mremap of a huge page).
 * Every page the changers write holds its address (xor a constant; in the
 * hugetlb case, the address in the first mapping) in its first word; a
 * page not written yet holds zero.
 *
 * Checks: every present leaf a walk reports maps a page holding zero or its
 * own address (read under the leaf's lock, or lockless with a reference and
 * the entry read again, as gup_fast does); every page GUP gives holds the
 * same; the pins taken are all released and, once the changers stopped,
 * every folio of the area has the references of its mappings (and of the
 * page cache) only; the retries of the cursor (a PTE table gone between
 * reading the PMD and mapping the table) are counted, and taken in the
 * tmpfs case; the hugetlb case walks leaves in shared PMD tables and in
 * unshared ones.  The KASAN, lockdep, DEBUG_VM and RCU checks of the kernel
 * the suite runs in (kunit/debug.kunitconfig) catch the rest:
 * scripts/summary.py fails a run whose log has a report.
 */
#include <kunit/static_stub.h>
#include <kunit/test.h>
#include <linux/delay.h>
#include <linux/highmem.h>
#include <linux/huge_mm.h>
#include <linux/hugetlb.h>
#include <linux/kthread.h>
#include <linux/mm.h>
#include <linux/migrate.h>
#include <linux/mman.h>
#include <linux/pagewalk.h>
#include <linux/pt_walk.h>
#include <linux/sched/mm.h>
#include <linux/shmem_fs.h>
#include <linux/swap.h>
#include <linux/uaccess.h>
#include <linux/vmstat.h>

#include <asm/syscall.h>
#include <asm/tlb.h>

#include "../internal.h"

#define STRESS_PMDS	4		/* the area: PMD ranges */
#define STRESS_ROUNDS	40		/* rounds of every walker, at least */
#define STRESS_MAX_ROUNDS 400		/* and at most, while changers run */
#define STRESS_CHANGES	400		/* most changes a changer makes */
#define STRESS_MAGIC	0x5054574b53545253ULL

enum stress_changer {
	CH_ZAP, CH_COLLAPSE, CH_REMAP, CH_MPROTECT, CH_MIGRATE, CH_PROTNONE, CH_MREMAP,
	NR_CHANGERS
};

static const char *const changer_names[NR_CHANGERS] = {
	"zap", "collapse", "remap", "mprotect", "migrate", "protnone", "mremap",
};

/* The changers the kernel has what they need for. */
static bool stress_changer_available(enum stress_changer kind)
{
	switch (kind) {
	case CH_MIGRATE:
		return IS_ENABLED(CONFIG_MIGRATION);
	case CH_PROTNONE:
		return IS_ENABLED(CONFIG_NUMA_BALANCING);
	case CH_MREMAP:
		return IS_ENABLED(CONFIG_X86_64) || IS_ENABLED(CONFIG_ARM64);
	default:
		return true;
	}
}

/* What the area is. */
enum stress_kind {
	STRESS_ANON,		/* private anonymous memory */
	STRESS_SHMEM,		/* a shared tmpfs file */
	STRESS_HUGETLB,		/* a shared hugetlb file mapped twice */
};

/* The changers of the hugetlb case: no THP, no LRU, no NUMA hinting. */
#define STRESS_HUGETLB_CHANGERS	(BIT(CH_ZAP) | BIT(CH_REMAP) | BIT(CH_MPROTECT) | \
				 BIT(CH_MREMAP))
#define STRESS_HUGE_PAGES	2	/* of the hugetlb file, written */

struct stress {
	struct mm_struct *mm;
	enum stress_kind kind;
	unsigned long start, end;
	unsigned long spare;	/* a range after the area, for mremap() */
	struct file *file;	/* shared memory: a tmpfs or hugetlb file */
	/*
	 * The hugetlb case: the file is mapped at start and at start + fold
	 * (PUD-aligned, a PUD range each, so that they share PMD tables);
	 * only its first filled bytes are ever written.
	 */
	unsigned long fold, filled;
	/* What the changers did. */
	unsigned long changes[NR_CHANGERS];
	unsigned long collapsed;	/* MADV_COLLAPSE that succeeded */
	unsigned long moved;		/* mremap() there and back that did */
	int collapse_err;		/* why the last that failed did */
	/* What the walkers saw, and the first leaf that was wrong. */
	unsigned long leaves, lockless_leaves, gup_pages, fast_pages, walks;
	unsigned long retries;		/* of the cursor's walks and seeks */
	unsigned long shared, unshared;	/* hugetlb leaves in shared PMD tables, not */
	unsigned long bad, bad_addr;
	u64 bad_value;
};

static bool stress_changer_used(struct stress *st, enum stress_changer kind)
{
	if (st->kind == STRESS_HUGETLB && !(STRESS_HUGETLB_CHANGERS & BIT(kind)))
		return false;
	return stress_changer_available(kind);
}

/* The address of the first mapping of the page at @addr. */
static unsigned long stress_fold(struct stress *st, unsigned long addr)
{
	if (st->fold)
		return st->start + ((addr - st->start) & (st->fold - 1));
	return addr;
}

/* What a page holds once written: its address, folded. */
static u64 stress_pattern(struct stress *st, unsigned long addr)
{
	return (stress_fold(st, addr) & PAGE_MASK) ^ STRESS_MAGIC;
}

/* A page of the area holds zero (not written yet) or its address. */
static void stress_check_page(struct stress *st, struct page *page,
			      unsigned long addr)
{
	u64 *p = kmap_local_page(page);
	u64 v = READ_ONCE(*p);

	kunmap_local(p);
	if (v == 0 || v == stress_pattern(st, addr))
		return;
	if (!st->bad++) {
		st->bad_addr = addr;
		st->bad_value = v;
	}
}

/* A present leaf reported under its lock: the page at @leaf->addr. */
static void stress_check_leaf(struct stress *st, const struct pt_leaf *leaf)
{
	struct page *page;

	if (!mm_walk_is_leaf(leaf) || mm_walk_is_special(leaf))
		return;
	page = mm_walk_page(leaf);
	if (!page)
		return;
	stress_check_page(st, page, leaf->addr);
	st->leaves++;
#ifdef CONFIG_HUGETLB_PMD_PAGE_TABLE_SHARING
	if (st->kind == STRESS_HUGETLB && leaf->level == PT_LEVEL_PMD) {
		if (ptdesc_pmd_is_shared(virt_to_ptdesc(leaf->entp)))
			st->shared++;
		else
			st->unshared++;
	}
#endif
}

/*
 * A present leaf reported lockless: nothing holds the page.  Take a
 * reference, then read the entry again: if it is unchanged, the page is
 * the one the leaf mapped, as gup_fast checks.
 */
static void stress_check_lockless(struct stress *st, const struct pt_leaf *leaf)
{
	struct folio *folio;
	struct page *page;
	bool same;

	if (!mm_walk_is_leaf(leaf) || mm_walk_is_special(leaf))
		return;
	page = mm_walk_page(leaf);
	if (!page)
		return;
	folio = page_folio(page);
	if (!folio_try_get(folio))
		return;
	if (page_folio(page) != folio) {
		folio_put(folio);
		return;
	}
	if (leaf->level == PT_LEVEL_PTE)
		same = pte_same(ptep_get_lockless(leaf->entp), leaf->entry.pte);
	else if (leaf->level == PT_LEVEL_PMD)
		same = pmd_same(pmdp_get_lockless(leaf->entp), leaf->entry.pmd);
	else
		same = false;
	if (same) {
		stress_check_page(st, page, leaf->addr);
		st->lockless_leaves++;
	}
	folio_put(folio);
}

/* The stress case running, and the waits of the cursor's hook in it. */
static struct stress *stress_current;
static unsigned int stress_waits, stress_changed;
/* The PMD range the walk waits on, which the collapse changer takes next. */
static unsigned long stress_wait_addr;

/*
 * The locked walk is on (and may wait in the cursor's hook,
 * stress_table_gone()): set before its mmap read lock is taken.
 */
static bool stress_in_walk;

/*
 * In the shared memory case, the changers that take the mmap write lock
 * (munmap() and mmap(), mprotect()) hold this for read over each change,
 * and the locked walk, which waits in the cursor's hook for another
 * changer to take its PTE table away, holds it for write.  Otherwise a
 * writer queued on the mmap lock behind the walk's read lock would stop
 * the changer the walk waits for (a reader) until the wait gives up.
 */
static DECLARE_RWSEM(stress_writers);

static void stress_writer_begin(struct stress *st)
{
	if (st->kind == STRESS_SHMEM)
		down_read(&stress_writers);
}

static void stress_writer_end(struct stress *st)
{
	if (st->kind == STRESS_SHMEM)
		up_read(&stress_writers);
}

static void stress_walk_locked(struct stress *st)
{
	const struct pt_leaf *leaf;
	struct mm_walk_state s;

	if (st->kind == STRESS_SHMEM)
		down_write(&stress_writers);
	WRITE_ONCE(stress_in_walk, true);
	mmap_read_lock(st->mm);
	for_each_pt_leaf(leaf, &s, st->mm, st->start, st->end, MM_WALK_LOCKED)
		stress_check_leaf(st, leaf);
	mmap_read_unlock(st->mm);
	WRITE_ONCE(stress_in_walk, false);
	if (st->kind == STRESS_SHMEM)
		up_write(&stress_writers);
	st->retries += s.retries;
}

static void stress_walk_lockless(struct stress *st)
{
	const struct pt_leaf *leaf;
	struct mm_walk_state s;

	local_irq_disable();
	for_each_pt_leaf(leaf, &s, st->mm, st->start, st->end, 0)
		stress_check_lockless(st, leaf);
	local_irq_enable();
	st->retries += s.retries;
}

static int stress_leaf_entry(struct mm_walk_state *s, struct mm_walk *walk)
{
	stress_check_leaf(walk->private, &s->leaf);
	return 0;
}

static const struct mm_walk_ops stress_leaf_ops = {
	.leaf_entry	= stress_leaf_entry,
	.walk_lock	= PGWALK_RDLOCK,
};

static void stress_walk_leaf_entry(struct stress *st)
{
	mmap_read_lock(st->mm);
	walk_page_range(st->mm, st->start, st->end, &stress_leaf_ops, st);
	mmap_read_unlock(st->mm);
}

/* mincore() of the area, as sys_mincore() loops over do_mincore(). */
static void stress_mincore(struct kunit *test, struct stress *st, unsigned char *vec)
{
	unsigned long addr = st->start;
	long ret;

	while (addr < st->end) {
		mmap_read_lock(st->mm);
		ret = do_mincore(addr, min((st->end - addr) >> PAGE_SHIFT,
					   STRESS_PMDS * PTRS_PER_PMD), vec);
		mmap_read_unlock(st->mm);
		/* -ENOMEM: a range unmapped by the remap changer, for now. */
		if (ret <= 0) {
			KUNIT_EXPECT_TRUE_MSG(test, ret == -ENOMEM, "mincore: %ld", ret);
			addr += PMD_SIZE;
			addr &= PMD_MASK;
			continue;
		}
		addr += ret << PAGE_SHIFT;
	}
}

/* The GUP slow path over the area, a PMD range a call. */
static void stress_gup(struct kunit *test, struct stress *st, struct page **pages,
		       bool pin)
{
	unsigned long addr, nr = PMD_SIZE >> PAGE_SHIFT;
	long got, i;

	for (addr = st->start; addr < st->end; addr += PMD_SIZE) {
		/* Never a fault that takes a huge page from the pool. */
		if (st->fold && stress_fold(st, addr) - st->start >= st->filled)
			continue;
		mmap_read_lock(st->mm);
		if (pin)
			got = pin_user_pages_remote(st->mm, addr, nr, FOLL_LONGTERM,
						    pages, NULL);
		else
			got = get_user_pages_remote(st->mm, addr, nr, 0, pages, NULL);
		mmap_read_unlock(st->mm);
		/* The remap changer's hole: -EFAULT, or fewer pages. */
		if (got < 0) {
			KUNIT_EXPECT_EQ_MSG(test, got, -EFAULT, "%s", pin ? "pin" : "get");
			continue;
		}
		for (i = 0; i < got; i++)
			stress_check_page(st, pages[i], addr + i * PAGE_SIZE);
		st->gup_pages += got;
		if (pin)
			unpin_user_pages(pages, got);
		else
			release_pages(pages, got);
	}
}

/*
 * GUP-fast over the area, a PMD range a call: get_user_pages_fast_only()
 * (the lockless walk alone, interrupts off) and pin_user_pages_fast()
 * (the slow path behind it for what it could not take).
 */
static void stress_gup_fast(struct kunit *test, struct stress *st,
			    struct page **pages, bool pin)
{
	unsigned long addr, nr = PMD_SIZE >> PAGE_SHIFT;
	long got, i;

	for (addr = st->start; addr < st->end; addr += PMD_SIZE) {
		/* Never a fault that takes a huge page from the pool. */
		if (pin && st->fold && stress_fold(st, addr) - st->start >= st->filled)
			continue;
		if (pin)
			got = pin_user_pages_fast(addr, nr, FOLL_LONGTERM, pages);
		else
			got = get_user_pages_fast_only(addr, nr, 0, pages);
		/* The remap changer's hole: -EFAULT, or fewer pages. */
		if (got < 0) {
			KUNIT_EXPECT_EQ_MSG(test, got, -EFAULT, "fast %s", pin ? "pin" : "get");
			continue;
		}
		for (i = 0; i < got; i++)
			stress_check_page(st, pages[i], addr + i * PAGE_SIZE);
		st->fast_pages += got;
		if (pin)
			unpin_user_pages(pages, got);
		else
			release_pages(pages, got);
	}
}

/* Write every page of [@addr, @addr + @len) of the area (current's mm). */
static int stress_fill(struct stress *st, unsigned long addr, unsigned long len)
{
	unsigned long a;

	for (a = addr; a < addr + len; a += PAGE_SIZE)
		if (put_user(stress_pattern(st, a), (u64 __user *)a))
			return -EFAULT;
	return 0;
}

/*
 * Migrate the pages of [@addr, @addr + @len) of current's mm to new ones
 * (on the same node: what a move_pages() to another node does to the page
 * tables, migration entries while it runs, new PFNs after).
 */
static void stress_migrate(struct stress *st, unsigned long addr, unsigned long len)
{
#ifdef CONFIG_MIGRATION
	struct migration_target_control mtc = {
		.nid = numa_node_id(),
		.gfp_mask = GFP_HIGHUSER_MOVABLE,
		.reason = MR_SYSCALL,
	};
	struct page *pages[16];
	LIST_HEAD(folios);
	long got, i;

	mmap_read_lock(st->mm);
	got = get_user_pages_remote(st->mm, addr, min(len >> PAGE_SHIFT, 16UL), 0, pages,
				    NULL);
	mmap_read_unlock(st->mm);
	lru_add_drain();
	for (i = 0; i < got; i++) {
		struct folio *folio = page_folio(pages[i]);

		if (folio_isolate_lru(folio)) {
			list_add_tail(&folio->lru, &folios);
			node_stat_mod_folio(folio, NR_ISOLATED_ANON + folio_is_file_lru(folio),
					    folio_nr_pages(folio));
		}
		put_page(pages[i]);
	}
	if (!list_empty(&folios) &&
	    migrate_pages(&folios, alloc_migration_target, NULL, (unsigned long)&mtc,
			  MIGRATE_SYNC, MR_SYSCALL, NULL))
		putback_movable_pages(&folios);
#endif
}

/*
 * mprotect() of [@start, @end) of current's mm, write off or on, as
 * do_mprotect_pkey() does it: the VMA split (and merged back), the entries
 * made read-only or writable, under the mmap write lock.
 */
static void stress_mprotect(struct stress *st, unsigned long start, unsigned long end,
			    bool write)
{
	struct vm_area_struct *vma, *prev;
	unsigned long nstart = start, tmp;
	struct vma_iterator vmi;
	struct mmu_gather tlb;

	mmap_write_lock(st->mm);
	vma_iter_init(&vmi, st->mm, start);
	vma = vma_find(&vmi, end);
	if (!vma || vma->vm_start > start)
		goto out;
	prev = vma_prev(&vmi);
	if (start > vma->vm_start)
		prev = vma;
	tlb_gather_mmu(&tlb, st->mm);
	tmp = vma->vm_start;
	for_each_vma_range(vmi, vma, end) {
		unsigned long newflags = write ? vma->vm_flags | VM_WRITE :
						 vma->vm_flags & ~VM_WRITE;

		if (vma->vm_start != tmp)
			break;
		tmp = min(vma->vm_end, end);
		if (mprotect_fixup(&vmi, &tlb, vma, &prev, nstart, tmp, newflags))
			break;
		tmp = vma_iter_end(&vmi);
		nstart = tmp;
	}
	tlb_finish_mmu(&tlb);
out:
	mmap_write_unlock(st->mm);
}

/*
 * PROT_NONE PTEs and PMDs over [@addr, @addr + @len), as NUMA hinting (and
 * mprotect(PROT_NONE)) makes them, under the mmap read lock; the next
 * access faults them back.
 */
static void stress_protnone(struct stress *st, unsigned long addr, unsigned long len)
{
#ifdef CONFIG_NUMA_BALANCING
	struct vm_area_struct *vma;

	mmap_read_lock(st->mm);
	vma = vma_lookup(st->mm, addr);
	if (vma)
		change_prot_numa(vma, addr, min(addr + len, vma->vm_end));
	mmap_read_unlock(st->mm);
#endif
}

/*
 * munmap() and mmap() again of the PMD range at @addr (THP allowed), or in
 * the hugetlb case of the whole mapping of the file there, and its pages
 * written: new page tables, new pages (or the file's again).
 */
static int stress_remap(struct stress *st, unsigned long addr)
{
	unsigned long len = st->fold ?: PMD_SIZE;
	unsigned long flags = MAP_FIXED | MAP_PRIVATE | MAP_ANONYMOUS;

	addr = st->start + round_down(addr - st->start, len);
	if (st->file)
		flags = MAP_FIXED | MAP_SHARED | MAP_NORESERVE;
	vm_munmap(addr, len);
	if (vm_mmap(st->file, addr, len, PROT_READ | PROT_WRITE, flags,
		    st->file ? stress_fold(st, addr) - st->start : 0) != addr)
		return -ENOMEM;
	if (st->kind != STRESS_HUGETLB)
		do_madvise(st->mm, addr, len, MADV_HUGEPAGE);
	stress_fill(st, addr, st->filled ?: len);
	return 0;
}

/*
 * mremap() in current's mm.  The kernel has no call for it but the system
 * call: made here through the system call table, with the registers the
 * architecture's entry code would pass, on the architectures the suite
 * runs on (see stress_changer_available()).
 */
static long stress_sys_mremap(unsigned long addr, unsigned long old_len,
			      unsigned long new_len, unsigned long flags,
			      unsigned long new_addr)
{
	struct pt_regs regs = {};

#if defined(CONFIG_X86_64)
	regs.di = addr;
	regs.si = old_len;
	regs.dx = new_len;
	regs.r10 = flags;
	regs.r8 = new_addr;
	return x64_sys_call(&regs, __NR_mremap);
#elif defined(CONFIG_ARM64)
	regs.regs[0] = addr;
	regs.regs[1] = old_len;
	regs.regs[2] = new_len;
	regs.regs[3] = flags;
	regs.regs[4] = new_addr;
	return sys_call_table[__NR_mremap](&regs);
#else
	return -EOPNOTSUPP;
#endif
}

/*
 * Move [@addr, @addr + @len) to the spare range and back: its page tables
 * moved out and in again (whole PTE tables for a whole PMD range), its
 * pages where they were.  The area has a hole meanwhile.
 */
static void stress_mremap(struct stress *st, unsigned long addr, unsigned long len)
{
	long ret;

	ret = stress_sys_mremap(addr, len, len, MREMAP_MAYMOVE | MREMAP_FIXED, st->spare);
	if (ret != st->spare)
		return;
	ret = stress_sys_mremap(st->spare, len, len, MREMAP_MAYMOVE | MREMAP_FIXED, addr);
	if (ret == addr)
		st->moved++;
}

struct stress_changer_arg {
	struct stress *st;
	enum stress_changer kind;
	struct completion done;
};

static int stress_changer_fn(void *data)
{
	struct stress_changer_arg *arg = data;
	struct stress *st = arg->st;
	unsigned long i, n = 0, pmds = (st->end - st->start) / PMD_SIZE;
	unsigned long wait;
	struct rnd_state rnd;
	int err;

	prandom_seed_state(&rnd, arg->kind + 1);
	kthread_use_mm(st->mm);
	for (i = 0; i < STRESS_CHANGES && !kthread_should_stop(); i++) {
		unsigned long pmd = st->start + (prandom_u32_state(&rnd) % pmds) * PMD_SIZE;
		unsigned long page = pmd + (prandom_u32_state(&rnd) % PTRS_PER_PMD) * PAGE_SIZE;
		unsigned long len = min((1 + prandom_u32_state(&rnd) % 16) * PAGE_SIZE,
					pmd + PMD_SIZE - page);

		if (st->kind == STRESS_HUGETLB) {
			/* A written huge page, in either mapping. */
			pmd = st->start + (prandom_u32_state(&rnd) % 2) * st->fold +
			      (prandom_u32_state(&rnd) % STRESS_HUGE_PAGES) * PMD_SIZE;
			page = pmd;
			len = PMD_SIZE;
		}

		switch (arg->kind) {
		case CH_ZAP:
			do_madvise(st->mm, page, len, MADV_DONTNEED);
			stress_fill(st, page, len);
			break;
		case CH_COLLAPSE:
			/* The range a walk waits on, if any: see stress_table_gone(). */
			wait = READ_ONCE(stress_wait_addr);
			if (wait >= st->start && wait < st->end)
				pmd = wait;
			err = do_madvise(st->mm, pmd, PMD_SIZE, MADV_COLLAPSE);
			if (!err)
				st->collapsed++;
			else
				st->collapse_err = err;
			do_madvise(st->mm, page, PAGE_SIZE, MADV_DONTNEED);
			stress_fill(st, page, PAGE_SIZE);
			break;
		case CH_MPROTECT:
			stress_writer_begin(st);
			stress_mprotect(st, page, page + len, false);
			stress_mprotect(st, page, page + len, true);
			stress_writer_end(st);
			break;
		case CH_MIGRATE:
			stress_migrate(st, page, len);
			break;
		case CH_PROTNONE:
			stress_protnone(st, page, len);
			break;
		case CH_MREMAP:
			stress_writer_begin(st);
			if (i & 1)
				stress_mremap(st, pmd, PMD_SIZE);
			else
				stress_mremap(st, page, len);
			stress_writer_end(st);
			break;
		default:
			stress_writer_begin(st);
			err = stress_remap(st, pmd);
			stress_writer_end(st);
			if (err)
				goto out;
			break;
		}
		n++;
		cond_resched();
	}
out:
	st->changes[arg->kind] = n;
	kthread_unuse_mm(st->mm);
	complete(&arg->done);
	/* Wait for kthread_stop(), which the test calls in every case. */
	while (!kthread_should_stop())
		schedule_timeout_interruptible(1);
	return 0;
}

/* A node statistic summed over the nodes, with what the CPUs hold back. */
static long stress_node_stat(enum node_stat_item item)
{
	struct pglist_data *pgdat;
	long x = 0;
	int cpu;

	for_each_online_pgdat(pgdat) {
		x += atomic_long_read(&pgdat->vm_stat[item]);
		for_each_online_cpu(cpu)
			x += per_cpu_ptr(pgdat->per_cpu_nodestats, cpu)->vm_node_stat_diff[item];
	}
	return x;
}

/* Folios of the area with references beyond their mappings' (and cache's). */
static unsigned long stress_extra_refs(struct stress *st, unsigned long *first)
{
	const struct pt_leaf *leaf;
	struct mm_walk_state s;
	unsigned long extra = 0;

	mmap_read_lock(st->mm);
	for_each_pt_leaf(leaf, &s, st->mm, st->start, st->end, MM_WALK_LOCKED) {
		struct folio *folio;
		long want;

		if (mm_walk_is_special(leaf) || !mm_walk_folio(leaf))
			continue;
		folio = mm_walk_folio(leaf);
		want = folio_mapcount(folio);
		if (!folio_test_anon(folio))
			want += folio_nr_pages(folio);	/* the page cache's */
		if (folio_ref_count(folio) != want && !extra++)
			*first = leaf->addr;
	}
	mmap_read_unlock(st->mm);
	return extra;
}

/*
 * The cursor's KUnit hook between reading a PMD that points to a PTE table
 * and mapping the table.  In the shared memory case, where the changers
 * take PTE tables away under the mmap read lock (a file THP collapse
 * retracts them, a split zaps the huge PMD), the locked for_each_pt_leaf()
 * walk waits there until the PMD changes (or two seconds pass), until it
 * has changed twice (or STRESS_WAITS waits), and the collapse changer takes
 * that PMD range next: the window of that race made wide enough for the
 * retry of the cursor to be taken in every run.  It sleeps: the locked
 * descent holds no page table lock there, only the mmap read lock (which
 * the changers take too; those that take it for write are held off: see
 * stress_writers).
 *
 * A lockless walk (interrupts off: GUP-fast's, or the test's own) waits
 * there too, a few times, spinning for up to STRESS_FAST_WAIT_US: long
 * enough for the collapse changer, sent to that PMD range, to clear the
 * PMD (it then waits for the walk's CPU to take its TLB flush, or for an
 * RCU grace period, before it frees the table).  The walk then maps the
 * table from the PMD value it read, takes a page from it and must find the
 * PMD changed when it checks again (mm_walk_leaf_unchanged()).
 */
#define STRESS_WAITS	20
#define STRESS_FAST_WAITS	10
#define STRESS_FAST_WAIT_US	100000

static unsigned int stress_fast_waits, stress_fast_changed;

static bool stress_fast_table_gone(struct mm_walk_state *s)
{
	pmd_t *pmdp = s->pt[PT_LEVEL_PMD].entp;
	pmd_t pmd = pmdp_get_lockless(pmdp);
	unsigned int t;

	if (stress_fast_waits >= STRESS_FAST_WAITS)
		return false;
	stress_fast_waits++;
	WRITE_ONCE(stress_wait_addr, s->next & PMD_MASK);
	/*
	 * Interrupts are off: spin, with udelay(), never on the clock
	 * (ktime_get_ns() retries for as long as timekeeping is updated,
	 * which a clocksource change does with every CPU stopped: this one
	 * never stops).
	 */
	for (t = 0; t < STRESS_FAST_WAIT_US / 5; t++) {
		if (!pmd_same(pmdp_get_lockless(pmdp), pmd)) {
			stress_fast_changed++;
			break;
		}
		udelay(5);
	}
	WRITE_ONCE(stress_wait_addr, 0);
	return false;
}

static bool stress_table_gone(struct mm_walk_state *s)
{
	pmd_t *pmdp = s->pt[PT_LEVEL_PMD].entp;
	pmd_t pmd = pmdp_get_lockless(pmdp);
	int t;

	if (!stress_current || stress_current->kind == STRESS_HUGETLB)
		return false;
	if (irqs_disabled() && !stress_in_walk)
		return stress_fast_table_gone(s);
	if (stress_current->kind != STRESS_SHMEM || !stress_in_walk ||
	    stress_changed >= 2 || stress_waits >= STRESS_WAITS)
		return false;
	stress_waits++;
	/* The walk's descent is for s->next (see __mm_walk_next()). */
	WRITE_ONCE(stress_wait_addr, s->next & PMD_MASK);
	for (t = 0; t < 2000; t++) {
		if (!pmd_same(pmdp_get_lockless(pmdp), pmd)) {
			stress_changed++;
			break;
		}
		usleep_range(1000, 1100);
	}
	WRITE_ONCE(stress_wait_addr, 0);
	return false;
}

/* The test's own reference to the file, dropped when the test ends. */
static void stress_fput(void *file)
{
	fput(file);
}

/*
 * The hugetlb case's area: a hugetlb file of a PUD range's size mapped
 * shared twice, at two PUD-aligned addresses, so that a fault in one
 * mapping takes the PMD table of the other where it has one
 * (huge_pmd_share()), and a zap, munmap() or VMA split unshares it.  Only
 * STRESS_HUGE_PAGES huge pages of the file are ever written (the pools of
 * kunit.sh have 4): the mappings do not reserve the rest.
 */
static void stress_setup_hugetlb(struct kunit *test, struct stress *st)
{
	unsigned long base, addr;
	int i;

	if (!IS_ENABLED(CONFIG_HUGETLB_PMD_PAGE_TABLE_SHARING))
		kunit_skip(test, "no hugetlb PMD table sharing");
	st->file = hugetlb_file_setup("ptwalk-stress", PUD_SIZE, VM_NORESERVE,
				      HUGETLB_ANONHUGE_INODE, PMD_SHIFT);
	if (IS_ERR(st->file))
		kunit_skip(test, "no hugetlbfs of PMD-size pages: %ld", PTR_ERR(st->file));
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, stress_fput, st->file), 0);
	/* Room for two PUD-aligned mappings and the spare range after them. */
	base = kunit_vm_mmap(test, NULL, 0, 4 * PUD_SIZE, PROT_NONE,
			     MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, 0);
	KUNIT_ASSERT_FALSE(test, IS_ERR_VALUE(base));
	st->mm = current->mm;	/* kunit_vm_mmap() gave the test one */
	st->fold = PUD_SIZE;
	st->filled = STRESS_HUGE_PAGES * PMD_SIZE;
	st->start = ALIGN(base, PUD_SIZE);
	st->end = st->start + 2 * PUD_SIZE;
	st->spare = st->end;
	for (i = 0; i < 2; i++) {
		addr = st->start + i * PUD_SIZE;
		KUNIT_ASSERT_EQ(test, kunit_vm_mmap(test, st->file, addr, PUD_SIZE,
						    PROT_READ | PROT_WRITE,
						    MAP_SHARED | MAP_FIXED | MAP_NORESERVE, 0),
				addr);
		KUNIT_ASSERT_EQ_MSG(test, stress_fill(st, addr, st->filled), 0,
				    "%d huge pages of %lu KiB free?", STRESS_HUGE_PAGES,
				    PMD_SIZE / SZ_1K);
	}
}

/* Some changer has not made all its changes yet. */
static bool stress_changers_running(struct stress_changer_arg *args,
				    struct task_struct **tasks)
{
	int k;

	for (k = 0; k < NR_CHANGERS; k++)
		if (tasks[k] && !completion_done(&args[k].done))
			return true;
	return false;
}

static void stress_run(struct kunit *test, enum stress_kind kind)
{
	struct stress_changer_arg args[NR_CHANGERS];
	struct task_struct *tasks[NR_CHANGERS];
	unsigned long extra = 0, first = 0;
	long pin_acq, pin_rel;
	struct stress *st;
	struct page **pages;
	unsigned char *vec;
	unsigned long base;
	int k, round, tries;

	if (num_online_cpus() < 2)
		kunit_skip(test, "one CPU: nothing races");
	st = kunit_kzalloc(test, sizeof(*st), GFP_KERNEL);
	pages = kunit_kcalloc(test, PTRS_PER_PMD, sizeof(*pages), GFP_KERNEL);
	vec = kunit_kzalloc(test, STRESS_PMDS * PTRS_PER_PMD, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, st);
	KUNIT_ASSERT_NOT_NULL(test, pages);
	KUNIT_ASSERT_NOT_NULL(test, vec);
	st->kind = kind;
	if (kind == STRESS_HUGETLB) {
		stress_setup_hugetlb(test, st);
		goto run;
	}
	base = kunit_vm_mmap(test, NULL, 0, (STRESS_PMDS + 2) * PMD_SIZE,
			     PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, 0);
	KUNIT_ASSERT_FALSE(test, IS_ERR_VALUE(base));
	st->mm = current->mm;	/* kunit_vm_mmap() gave the test one */
	st->start = ALIGN(base, PMD_SIZE);
	st->end = st->start + STRESS_PMDS * PMD_SIZE;
	st->spare = st->end;
	if (kind == STRESS_SHMEM) {
		/*
		 * A tmpfs file, mapped PMD-aligned at offset 0, whose huge
		 * pages MADV_COLLAPSE makes whatever the sysfs settings (anon
		 * shared memory follows shmem_enabled, "never" by default).
		 */
		st->file = shmem_file_setup("ptwalk-stress", st->end - st->start,
					    VM_NORESERVE);
		KUNIT_ASSERT_FALSE(test, IS_ERR(st->file));
		KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, stress_fput, st->file), 0);
		base = kunit_vm_mmap(test, st->file, st->start, st->end - st->start,
				     PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, 0);
		KUNIT_ASSERT_EQ(test, base, st->start);
	}
	do_madvise(st->mm, st->start, st->end - st->start, MADV_HUGEPAGE);
	stress_fill(st, st->start, st->end - st->start);

run:
	stress_current = st;
	stress_waits = 0;
	stress_changed = 0;
	stress_fast_waits = 0;
	stress_fast_changed = 0;
	kunit_activate_static_stub(test, pt_walk_test_table_gone, stress_table_gone);
	WRITE_ONCE(pt_walk_test_hooks, true);
	pin_acq = stress_node_stat(NR_FOLL_PIN_ACQUIRED);
	pin_rel = stress_node_stat(NR_FOLL_PIN_RELEASED);
	for (k = 0; k < NR_CHANGERS; k++) {
		tasks[k] = NULL;
		if (!stress_changer_used(st, k))
			continue;
		args[k].st = st;
		args[k].kind = k;
		init_completion(&args[k].done);
		mmget(st->mm);
		tasks[k] = kthread_run(stress_changer_fn, &args[k], "ptwalk-%s",
				       changer_names[k]);
		if (IS_ERR(tasks[k])) {
			mmput(st->mm);
			KUNIT_FAIL(test, "cannot start the %s changer", changer_names[k]);
			tasks[k] = NULL;
			continue;
		}
		get_task_struct(tasks[k]);
	}

	for (round = 0; round < STRESS_ROUNDS ||
	     (round < STRESS_MAX_ROUNDS && stress_changers_running(args, tasks)); round++) {
		stress_walk_locked(st);
		stress_walk_lockless(st);
		stress_walk_leaf_entry(st);
		stress_mincore(test, st, vec);
		stress_gup(test, st, pages, false);
		stress_gup(test, st, pages, true);
		if (IS_ENABLED(CONFIG_HAVE_GUP_FAST)) {
			stress_gup_fast(test, st, pages, false);
			stress_gup_fast(test, st, pages, true);
			st->walks += 2;
		}
		st->walks += 6;
		cond_resched();
	}

	for (k = 0; k < NR_CHANGERS; k++) {
		if (!tasks[k])
			continue;
		kthread_stop(tasks[k]);
		put_task_struct(tasks[k]);
		mmput(st->mm);
	}

	WRITE_ONCE(pt_walk_test_hooks, false);
	kunit_deactivate_static_stub(test, pt_walk_test_table_gone);
	stress_current = NULL;

	/* Every pin released, and no folio left with a reference of ours. */
	KUNIT_EXPECT_EQ(test, stress_node_stat(NR_FOLL_PIN_ACQUIRED) - pin_acq,
			stress_node_stat(NR_FOLL_PIN_RELEASED) - pin_rel);
	for (tries = 0; tries < 20; tries++) {
		lru_add_drain_all();
		extra = stress_extra_refs(st, &first);
		if (!extra)
			break;
		msleep(50);	/* a reference someone else holds for a moment */
	}
	KUNIT_EXPECT_EQ_MSG(test, extra, 0, "first at %#lx", first);
	KUNIT_EXPECT_EQ_MSG(test, st->bad, 0, "first at %#lx: %#llx", st->bad_addr,
			    st->bad_value);
	KUNIT_EXPECT_GT(test, st->leaves, 0);
	KUNIT_EXPECT_GT(test, st->lockless_leaves, 0);
	KUNIT_EXPECT_GT(test, st->gup_pages, 0);
	if (IS_ENABLED(CONFIG_HAVE_GUP_FAST))
		KUNIT_EXPECT_GT(test, st->fast_pages, 0);
	kunit_info(test, "%lu walks: %lu leaves locked, %lu lockless, %lu GUP pages, %lu GUP-fast pages, %lu retries",
		   st->walks, st->leaves, st->lockless_leaves, st->gup_pages,
		   st->fast_pages, st->retries);
	if (kind != STRESS_HUGETLB)
		kunit_info(test, "lockless: %u waits for a PMD to change, %u changed",
			   stress_fast_waits, stress_fast_changed);
	if (kind == STRESS_SHMEM) {
		/* Tables taken away under the read lock: the retry is taken. */
		kunit_info(test, "%u waits for a PMD to change, %u changed", stress_waits,
			   stress_changed);

		KUNIT_EXPECT_GT(test, st->retries, 0);
	}
	kunit_info(test,
		   "changes: %lu zap, %lu collapse (%lu collapsed, last error %d), %lu remap, %lu mprotect, %lu migrate, %lu protnone, %lu mremap (%lu moved)",
		   st->changes[CH_ZAP], st->changes[CH_COLLAPSE], st->collapsed,
		   st->collapse_err, st->changes[CH_REMAP], st->changes[CH_MPROTECT],
		   st->changes[CH_MIGRATE], st->changes[CH_PROTNONE],
		   st->changes[CH_MREMAP], st->moved);
	for (k = 0; k < NR_CHANGERS; k++)
		if (stress_changer_used(st, k))
			KUNIT_EXPECT_GT_MSG(test, st->changes[k], 0, "%s", changer_names[k]);
	if (stress_changer_used(st, CH_MREMAP))
		KUNIT_EXPECT_GT(test, st->moved, 0);
	if (kind == STRESS_HUGETLB) {
		/* Both states walked: PMD tables shared, and not (yet) shared. */
		kunit_info(test, "hugetlb leaves: %lu in shared PMD tables, %lu in unshared",
			   st->shared, st->unshared);
		KUNIT_EXPECT_GT(test, st->shared, 0);
		KUNIT_EXPECT_GT(test, st->unshared, 0);
	}
}

/* Private anonymous memory: THPs, PTE tables, munmap()ed ranges. */
static void pt_walk_stress_anon(struct kunit *test)
{
	stress_run(test, STRESS_ANON);
}

/* A shared tmpfs file: collapse retracts PTE tables under the read lock. */
static void pt_walk_stress_shmem(struct kunit *test)
{
	stress_run(test, STRESS_SHMEM);
}

/* A shared hugetlb file mapped twice: PMD tables shared and unshared. */
static void pt_walk_stress_hugetlb_shared(struct kunit *test)
{
	stress_run(test, STRESS_HUGETLB);
}

static struct kunit_case pt_walk_stress_cases[] = {
	KUNIT_CASE_SLOW(pt_walk_stress_anon),
	KUNIT_CASE_SLOW(pt_walk_stress_shmem),
	KUNIT_CASE_SLOW(pt_walk_stress_hugetlb_shared),
	{}
};

static struct kunit_suite pt_walk_stress_suite = {
	.name = "pt_walk_stress",
	.test_cases = pt_walk_stress_cases,
};

kunit_test_suites(&pt_walk_stress_suite);

MODULE_DESCRIPTION("KUnit stress tests of the ptwalk cursor against page table changes");
MODULE_LICENSE("GPL");

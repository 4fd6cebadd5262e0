// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit contract tests of the ptwalk decoders: entries of every kind are
 * written into the page tables of a real mm (inside a VMA, so that the
 * tables exist and are freed as usual), the cursor seeks each one, and every
 * accessor is checked against the value written: the bits set by hand with
 * the pXd_mk*() helpers, and the legacy per-level helper (pte_write(),
 * pmd_dirty(), ...) applied to the same entry.  Every synthetic entry is
 * cleared again before the mapping goes away.
 */
#include <kunit/test.h>
#include <linux/hugetlb.h>
#include <linux/mm.h>
#include <linux/mman.h>
#include <linux/pgtable.h>
#include <linux/pt_walk.h>
#include <linux/syscalls.h>
#include <linux/swapops.h>
#include <linux/userfaultfd_k.h>
#include <linux/uaccess.h>

/* Bits a present leaf is built with, in every combination. */
#define BIT_WRITE	BIT(0)
#define BIT_DIRTY	BIT(1)
#define BIT_YOUNG	BIT(2)
#define BIT_SPECIAL	BIT(3)
#define NR_COMBOS	16

struct decode_env {
	unsigned long base;	/* start of the mapping */
	unsigned long len;
	struct mm_struct *mm;
	unsigned long pfn;	/* a frame to point leaves at, never touched */
};

/*
 * Map @len bytes (and a PMD of slack) and fault in the first page of the
 * PMD-aligned part, so that one PTE table covers the first 2 MiB from
 * @env->base and the tables above it exist.
 */
static void env_map(struct kunit *test, struct decode_env *env, unsigned long len)
{
	unsigned long raw;

	env->len = len;
	raw = kunit_vm_mmap(test, NULL, 0, len + PMD_SIZE, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, 0);
	KUNIT_ASSERT_FALSE(test, IS_ERR_VALUE(raw));
	env->mm = current->mm;
	KUNIT_ASSERT_NOT_NULL(test, env->mm);
	if (IS_ENABLED(CONFIG_TRANSPARENT_HUGEPAGE))
		KUNIT_ASSERT_EQ(test, do_madvise(env->mm, raw, len + PMD_SIZE,
						 MADV_NOHUGEPAGE), 0);
	env->base = ALIGN(raw, PMD_SIZE);
	KUNIT_ASSERT_EQ(test, put_user(1, (u8 __user *)env->base), 0);
	/* The frame of the zero page is valid everywhere and never written. */
	env->pfn = my_zero_pfn(0);
}

/* Seek @addr (the caller holds the mmap lock) and keep what was found. */
static bool env_seek(struct decode_env *env, struct mm_walk_state *s,
		     unsigned long addr)
{
	bool found = mm_walk_seek_leaf(s, env->mm, addr, MM_WALK_LOCKED);

	mm_walk_end(s);
	return found;
}

static pte_t make_pte(unsigned long pfn, unsigned int bits)
{
	pte_t pte = pfn_pte(pfn, vm_get_page_prot(VM_READ));

	pte = bits & BIT_WRITE ? pte_mkwrite_novma(pte) : pte_wrprotect(pte);
	pte = bits & BIT_DIRTY ? pte_mkdirty(pte) : pte_mkclean(pte);
	pte = bits & BIT_YOUNG ? pte_mkyoung(pte) : pte_mkold(pte);
	if (bits & BIT_SPECIAL)
		pte = pte_mkspecial(pte);
	return pte;
}

/*
 * Check a present leaf against the level it was written at and the bits it
 * was made with.  The prot used (vm_get_page_prot()) is what user mappings
 * get: arm64 with LPA2 keeps address bits where PAGE_READONLY has the
 * shareability bits.
 */
static void check_leaf(struct kunit *test, const struct mm_walk_state *s,
		       unsigned int bits, enum pt_level level, bool special)
{
	KUNIT_EXPECT_EQ(test, s->type, PT_ENTRY_LEAF);
	KUNIT_EXPECT_EQ(test, s->level, level);
	KUNIT_EXPECT_EQ_MSG(test, mm_walk_is_write(&s->leaf), !!(bits & BIT_WRITE),
			    "bits %x", bits);
	KUNIT_EXPECT_EQ_MSG(test, mm_walk_is_dirty(&s->leaf), !!(bits & BIT_DIRTY),
			    "bits %x", bits);
	KUNIT_EXPECT_EQ_MSG(test, mm_walk_is_young(&s->leaf), !!(bits & BIT_YOUNG),
			    "bits %x", bits);
	KUNIT_EXPECT_EQ_MSG(test, mm_walk_is_special(&s->leaf), special, "bits %x", bits);
}

/*
 * Write a PTE under its table's lock, the table mapped with
 * pte_offset_map() (a kmap with HIGHPTE), without the __cond_lock() of
 * pte_offset_map_lock(), which sparse cannot follow here.
 */
static void env_write_pte(struct decode_env *env, unsigned long addr,
			  pte_t pte, bool clear)
{
	pmd_t *pmdp = pmd_off(env->mm, addr);
	spinlock_t *ptl = pte_lockptr(env->mm, pmdp);	/* the PTE table's lock */
	pte_t *ptep = pte_offset_map(pmdp, addr);

	if (WARN_ON_ONCE(!ptep))
		return;
	spin_lock(ptl);
	if (clear)
		pte_clear(env->mm, addr, ptep);
	else
		set_pte_at(env->mm, addr, ptep, pte);
	spin_unlock(ptl);
	__acquire(RCU);		/* pte_offset_map()'s, for sparse */
	pte_unmap(ptep);
}

static void env_set_pte(struct decode_env *env, unsigned long addr, pte_t pte)
{
	env_write_pte(env, addr, pte, false);
}

static void env_clear_pte(struct decode_env *env, unsigned long addr)
{
	env_write_pte(env, addr, __pte(0), true);
}

/* Present PTEs in every combination of write, dirty, young and special. */
static void pt_walk_decode_pte_leaf(struct kunit *test)
{
	struct decode_env env;
	struct mm_walk_state s;
	unsigned int bits;
	pte_t pte;

	env_map(test, &env, 32 * PAGE_SIZE);
	mmap_read_lock(env.mm);
	for (bits = 0; bits < NR_COMBOS; bits++) {
		unsigned long addr = env.base + (1 + bits) * PAGE_SIZE;

		if ((bits & BIT_SPECIAL) && !IS_ENABLED(CONFIG_ARCH_HAS_PTE_SPECIAL))
			continue;
		pte = make_pte(env.pfn, bits);
		env_set_pte(&env, addr, pte);

		KUNIT_EXPECT_TRUE(test, env_seek(&env, &s, addr + 123));
		check_leaf(test, &s, bits, PT_LEVEL_PTE, bits & BIT_SPECIAL);
		/* The legacy helpers agree on the very entry written. */
		KUNIT_EXPECT_EQ(test, mm_walk_is_write(&s.leaf), !!pte_write(pte));
		KUNIT_EXPECT_EQ(test, mm_walk_is_dirty(&s.leaf), !!pte_dirty(pte));
		KUNIT_EXPECT_EQ(test, mm_walk_is_young(&s.leaf), !!pte_young(pte));
		KUNIT_EXPECT_EQ(test, mm_walk_is_soft_dirty(&s.leaf), !!pte_soft_dirty(pte));
		KUNIT_EXPECT_EQ(test, mm_walk_is_uffd_wp(&s.leaf), !!pte_uffd_wp(pte));
		KUNIT_EXPECT_EQ(test, mm_walk_pfn(&s.leaf), env.pfn);
		KUNIT_EXPECT_EQ(test, mm_walk_leaf_size(&s.leaf), PAGE_SIZE);
		KUNIT_EXPECT_EQ(test, mm_walk_leaf_start(&s.leaf), addr);
	}
	/* Soft-dirty and uffd-wp, where the arch has them. */
	{
		unsigned long addr = env.base + (1 + NR_COMBOS) * PAGE_SIZE;

		pte = pte_mkuffd_wp(pte_mksoft_dirty(make_pte(env.pfn, 0)));
		env_set_pte(&env, addr, pte);
		KUNIT_EXPECT_TRUE(test, env_seek(&env, &s, addr));
		/*
		 * Where the arch has the bit (x86 only with MEM_SOFT_DIRTY,
		 * powerpc always), as its pte_soft_dirty() says.
		 */
		KUNIT_EXPECT_EQ(test, mm_walk_is_soft_dirty(&s.leaf), !!pte_soft_dirty(pte));
		if (IS_ENABLED(CONFIG_MEM_SOFT_DIRTY))
			KUNIT_EXPECT_TRUE(test, mm_walk_is_soft_dirty(&s.leaf));
		KUNIT_EXPECT_EQ(test, mm_walk_is_uffd_wp(&s.leaf),
				IS_ENABLED(CONFIG_HAVE_ARCH_USERFAULTFD_WP));
		KUNIT_EXPECT_EQ(test, mm_walk_is_soft_dirty(&s.leaf), !!pte_soft_dirty(pte));
		KUNIT_EXPECT_EQ(test, mm_walk_is_uffd_wp(&s.leaf), !!pte_uffd_wp(pte));
	}
	/* Take every synthetic entry out again before the mapping goes. */
	for (bits = 0; bits <= NR_COMBOS; bits++) {
		unsigned long addr = env.base + (1 + bits) * PAGE_SIZE;

		env_clear_pte(&env, addr);
	}
	mmap_read_unlock(env.mm);
}

/* Non-present PTEs: swap, migration and marker entries, and none. */
static void pt_walk_decode_pte_nonpresent(struct kunit *test)
{
	struct {
		const char *name;
		swp_entry_t entry;
		bool uffd_wp;	/* the swap entry's uffd-wp bit set */
	} kinds[6] = {};
	int nkinds = 0, i, nonpresent = 0, holes = 0, wrong = 0, unasked = 0;
	struct decode_env env;
	const struct pt_leaf *leaf;
	struct mm_walk_state s;

	env_map(test, &env, 32 * PAGE_SIZE);
	kinds[nkinds].name = "swap";
	kinds[nkinds++].entry = swp_entry(0, 0x1234);
#ifdef CONFIG_MIGRATION
	kinds[nkinds].name = "migration";
	kinds[nkinds++].entry = make_writable_migration_entry(env.pfn);
#endif
	kinds[nkinds].name = "marker";
	kinds[nkinds++].entry = make_pte_marker_entry(PTE_MARKER_POISONED);
#ifdef CONFIG_PTE_MARKER_UFFD_WP
	kinds[nkinds].name = "uffd-wp marker";
	kinds[nkinds++].entry = make_pte_marker_entry(PTE_MARKER_UFFD_WP);
	kinds[nkinds].name = "uffd-wp swap";
	kinds[nkinds].uffd_wp = true;
	kinds[nkinds++].entry = swp_entry(0, 0x4321);
#endif

	mmap_read_lock(env.mm);
	for (i = 0; i < nkinds; i++) {
		/* Every other page, so that holes sit between them. */
		unsigned long addr = env.base + (2 + 2 * i) * PAGE_SIZE;

		pte_t pte = swp_entry_to_pte(kinds[i].entry);

		if (kinds[i].uffd_wp)
			pte = pte_swp_mkuffd_wp(pte);
		env_set_pte(&env, addr, pte);

		KUNIT_EXPECT_FALSE_MSG(test, env_seek(&env, &s, addr), "%s", kinds[i].name);
		/* The uffd-wp bit or marker, as pte_swp_uffd_wp_any() tells. */
		KUNIT_EXPECT_EQ_MSG(test, mm_walk_swp_uffd_wp(&s.leaf),
				    pte_swp_uffd_wp_any(pte), "%s", kinds[i].name);
		if (IS_ENABLED(CONFIG_PTE_MARKER_UFFD_WP))
			KUNIT_EXPECT_EQ_MSG(test, mm_walk_swp_uffd_wp(&s.leaf),
					    !strncmp(kinds[i].name, "uffd-wp", 7),
					    "%s", kinds[i].name);
		KUNIT_EXPECT_EQ_MSG(test, s.type, PT_ENTRY_NONPRESENT, "%s", kinds[i].name);
		KUNIT_EXPECT_EQ_MSG(test, s.level, PT_LEVEL_PTE, "%s", kinds[i].name);
		KUNIT_EXPECT_EQ_MSG(test, mm_walk_swap_entry(&s.leaf).val, kinds[i].entry.val,
				    "%s", kinds[i].name);
	}
	/* A none PTE in an existing table: a hole at PTE level. */
	KUNIT_EXPECT_FALSE(test, env_seek(&env, &s, env.base + PAGE_SIZE));
	KUNIT_EXPECT_EQ(test, s.type, PT_ENTRY_NONE);
	KUNIT_EXPECT_EQ(test, s.level, PT_LEVEL_PTE);

	/* Walked: non-present entries only when asked, holes only when asked. */
	/* Count inside the walks (atomic), check after them. */
	for_each_pt_leaf(leaf, &s, env.mm, env.base + PAGE_SIZE, env.base + 16 * PAGE_SIZE,
			 MM_WALK_LOCKED | MM_WALK_NONPRESENT) {
		nonpresent++;
		wrong += leaf->type != PT_ENTRY_NONPRESENT;
	}
	for_each_pt_leaf(leaf, &s, env.mm, env.base + PAGE_SIZE, env.base + 16 * PAGE_SIZE,
			 MM_WALK_LOCKED | MM_WALK_HOLES) {
		holes++;
		wrong += leaf->type != PT_ENTRY_NONE;
	}
	for_each_pt_leaf(leaf, &s, env.mm, env.base + PAGE_SIZE, env.base + 16 * PAGE_SIZE,
			 MM_WALK_LOCKED)
		unasked++;
	KUNIT_EXPECT_EQ(test, nonpresent, nkinds);
	KUNIT_EXPECT_EQ(test, holes, 15 - nkinds);
	KUNIT_EXPECT_EQ(test, wrong, 0);
	KUNIT_EXPECT_EQ(test, unasked, 0);

	for (i = 0; i < nkinds; i++) {
		unsigned long addr = env.base + (2 + 2 * i) * PAGE_SIZE;

		env_clear_pte(&env, addr);
	}
	mmap_read_unlock(env.mm);
}

#ifdef CONFIG_TRANSPARENT_HUGEPAGE
/* Is the PMD table for @addr there (its PGD, P4D and PUD entries present)? */
static bool env_has_pmd_table(struct decode_env *env, unsigned long addr)
{
	pgd_t *pgdp = pgd_offset(env->mm, addr);
	p4d_t *p4dp;

	if (pgd_none(pgdp_get(pgdp)))
		return false;
	p4dp = p4d_offset(pgdp, addr);
	if (p4d_none(p4dp_get(p4dp)))
		return false;
	return !pud_none(pudp_get(pud_offset(p4dp, addr)));
}

static pmd_t make_pmd(unsigned long pfn, unsigned int bits)
{
	pmd_t pmd = pmd_mkhuge(pfn_pmd(pfn, vm_get_page_prot(VM_READ)));

	pmd = bits & BIT_WRITE ? pmd_mkwrite_novma(pmd) : pmd_wrprotect(pmd);
	pmd = bits & BIT_DIRTY ? pmd_mkdirty(pmd) : pmd_mkclean(pmd);
	pmd = bits & BIT_YOUNG ? pmd_mkyoung(pmd) : pmd_mkold(pmd);
	return pmd;
}

/* PMD leaves in every combination of write, dirty and young; migration. */
static void pt_walk_decode_pmd(struct kunit *test)
{
	unsigned long addr, pfn;
	struct decode_env env;
	struct mm_walk_state s;
	unsigned int bits;
	spinlock_t *ptl;	/* the PMD's lock */
	pmd_t *pmdp, pmd;

	if (!has_transparent_hugepage())
		kunit_skip(test, "no PMD leaves on this machine");
	env_map(test, &env, 2 * PMD_SIZE);
	addr = env.base + PMD_SIZE;
	pfn = env.pfn & ~((unsigned long)HPAGE_PMD_NR - 1);
	mmap_read_lock(env.mm);
	if (!env_has_pmd_table(&env, addr)) {
		mmap_read_unlock(env.mm);
		kunit_skip(test, "the next PMD is in another PMD table");
	}
	pmdp = pmd_off(env.mm, addr);
	if (!pmd_none(pmdp_get(pmdp))) {
		mmap_read_unlock(env.mm);
		KUNIT_FAIL(test, "the PMD under test is not empty");
		return;
	}
	for (bits = 0; bits < BIT_SPECIAL; bits++) {
		pmd = make_pmd(pfn, bits);
		ptl = pmd_lock(env.mm, pmdp);
		set_pmd_at(env.mm, addr, pmdp, pmd);
		spin_unlock(ptl);

		KUNIT_EXPECT_TRUE(test, env_seek(&env, &s, addr + 5 * PAGE_SIZE + 7));
		check_leaf(test, &s, bits, PT_LEVEL_PMD, false);
		KUNIT_EXPECT_EQ(test, mm_walk_is_write(&s.leaf), !!pmd_write(pmd));
		KUNIT_EXPECT_EQ(test, mm_walk_is_dirty(&s.leaf), !!pmd_dirty(pmd));
		KUNIT_EXPECT_EQ(test, mm_walk_is_young(&s.leaf), !!pmd_young(pmd));
		KUNIT_EXPECT_EQ(test, mm_walk_is_soft_dirty(&s.leaf), !!pmd_soft_dirty(pmd));
		KUNIT_EXPECT_EQ(test, mm_walk_pfn(&s.leaf), pfn);
		KUNIT_EXPECT_EQ(test, mm_walk_pfn(&s.leaf), pmd_pfn(pmd));
		KUNIT_EXPECT_EQ(test, mm_walk_addr_pfn(&s.leaf), pfn + 5);
		KUNIT_EXPECT_EQ(test, mm_walk_leaf_size(&s.leaf), PMD_SIZE);
		KUNIT_EXPECT_EQ(test, mm_walk_leaf_start(&s.leaf), addr);

		ptl = pmd_lock(env.mm, pmdp);
		pmd_clear(pmdp);
		spin_unlock(ptl);
	}
#ifdef CONFIG_ARCH_ENABLE_THP_MIGRATION
	{
		swp_entry_t entry = make_readable_migration_entry(pfn);

		ptl = pmd_lock(env.mm, pmdp);
		set_pmd_at(env.mm, addr, pmdp, swp_entry_to_pmd(entry));
		spin_unlock(ptl);
		KUNIT_EXPECT_FALSE(test, env_seek(&env, &s, addr + PAGE_SIZE));
		KUNIT_EXPECT_EQ(test, s.type, PT_ENTRY_NONPRESENT);
		KUNIT_EXPECT_EQ(test, s.level, PT_LEVEL_PMD);
		KUNIT_EXPECT_EQ(test, mm_walk_swap_entry(&s.leaf).val, entry.val);
		KUNIT_EXPECT_FALSE(test, mm_walk_swp_uffd_wp(&s.leaf));
#ifdef CONFIG_PTE_MARKER_UFFD_WP
		/* The uffd-wp bit of a PMD migration entry. */
		ptl = pmd_lock(env.mm, pmdp);
		set_pmd_at(env.mm, addr, pmdp, pmd_swp_mkuffd_wp(swp_entry_to_pmd(entry)));
		spin_unlock(ptl);
		KUNIT_EXPECT_FALSE(test, env_seek(&env, &s, addr + PAGE_SIZE));
		KUNIT_EXPECT_EQ(test, mm_walk_swp_uffd_wp(&s.leaf),
				!!pmd_swp_uffd_wp(pmdp_get(pmdp)));
		KUNIT_EXPECT_TRUE(test, mm_walk_swp_uffd_wp(&s.leaf));
#endif
		ptl = pmd_lock(env.mm, pmdp);
		pmd_clear(pmdp);
		spin_unlock(ptl);
	}
#endif
	/* A none PMD: a hole of PMD size, the PTE table is missing. */
	KUNIT_EXPECT_FALSE(test, env_seek(&env, &s, addr));
	KUNIT_EXPECT_EQ(test, s.type, PT_ENTRY_NONE);
	KUNIT_EXPECT_EQ(test, s.level, PT_LEVEL_PMD);
	KUNIT_EXPECT_EQ(test, mm_walk_leaf_size(&s.leaf), PMD_SIZE);
	mmap_read_unlock(env.mm);
}
#endif

#ifdef CONFIG_HAVE_ARCH_TRANSPARENT_HUGEPAGE_PUD
/* PUD leaves in every combination of write, dirty and young. */
static void pt_walk_decode_pud(struct kunit *test)
{
	unsigned long addr, pfn;
	struct decode_env env;
	struct mm_walk_state s;
	unsigned int bits;
	spinlock_t *ptl;	/* the PUD's lock */
	pud_t *pudp, pud;
	pgd_t *pgdp;
	p4d_t *p4dp;

	if (!has_transparent_pud_hugepage())
		kunit_skip(test, "no PUD leaves on this machine");
	env_map(test, &env, 2 * PUD_SIZE);
	addr = ALIGN(env.base + PAGE_SIZE, PUD_SIZE);
	pfn = env.pfn & ~((1UL << (PUD_SHIFT - PAGE_SHIFT)) - 1);
	mmap_read_lock(env.mm);
	pgdp = pgd_offset(env.mm, addr);
	p4dp = p4d_offset(pgdp, addr);
	if (pgd_none(pgdp_get(pgdp)) || p4d_none(p4dp_get(p4dp))) {
		mmap_read_unlock(env.mm);
		kunit_skip(test, "the PUD-aligned address is in another P4D");
	}
	pudp = pud_offset(p4dp, addr);
	if (!pud_none(pudp_get(pudp))) {
		mmap_read_unlock(env.mm);
		KUNIT_FAIL(test, "the PUD under test is not empty");
		return;
	}
	for (bits = 0; bits < BIT_SPECIAL; bits++) {
		pud = pud_mkhuge(pfn_pud(pfn, vm_get_page_prot(VM_READ)));
		pud = bits & BIT_WRITE ? pud_mkwrite(pud) : pud_wrprotect(pud);
		pud = bits & BIT_DIRTY ? pud_mkdirty(pud) : pud_mkclean(pud);
		pud = bits & BIT_YOUNG ? pud_mkyoung(pud) : pud_mkold(pud);
		ptl = pud_lock(env.mm, pudp);
		set_pud_at(env.mm, addr, pudp, pud);
		spin_unlock(ptl);

		KUNIT_EXPECT_TRUE(test, env_seek(&env, &s, addr + PMD_SIZE + 3 * PAGE_SIZE));
		check_leaf(test, &s, bits, PT_LEVEL_PUD, false);
		KUNIT_EXPECT_EQ(test, mm_walk_is_write(&s.leaf), !!pud_write(pud));
		KUNIT_EXPECT_EQ(test, mm_walk_is_dirty(&s.leaf), !!pud_dirty(pud));
		KUNIT_EXPECT_EQ(test, mm_walk_is_young(&s.leaf), !!pud_young(pud));
		KUNIT_EXPECT_EQ(test, mm_walk_pfn(&s.leaf), pfn);
		KUNIT_EXPECT_EQ(test, mm_walk_pfn(&s.leaf), pud_pfn(pud));
		KUNIT_EXPECT_EQ(test, mm_walk_addr_pfn(&s.leaf), pfn + PTRS_PER_PTE + 3);
		KUNIT_EXPECT_EQ(test, mm_walk_leaf_size(&s.leaf), PUD_SIZE);
		KUNIT_EXPECT_EQ(test, mm_walk_leaf_start(&s.leaf), addr);

		ptl = pud_lock(env.mm, pudp);
		pud_clear(pudp);
		spin_unlock(ptl);
	}
	mmap_read_unlock(env.mm);
}
#endif

#ifdef CONFIG_S390
/*
 * s390 region-third leaves (2G): write, dirty, young and soft-dirty are
 * region-third bits, written here with s390's pud_mk*() helpers and by
 * hand where it has none (young).  QEMU's s390x CPU has no EDAT2: the
 * entries are only read, never used for a translation.
 */
static void pt_walk_decode_s390_pud(struct kunit *test)
{
	struct decode_env env;
	struct mm_walk_state s;
	unsigned long addr;
	unsigned int bits;
	spinlock_t *ptl;	/* the PUD's lock */
	pud_t *pudp, pud;

	env_map(test, &env, 2 * PUD_SIZE);
	addr = ALIGN(env.base + PAGE_SIZE, PUD_SIZE);
	mmap_read_lock(env.mm);
	pudp = pud_offset(p4d_offset(pgd_offset(env.mm, addr), addr), addr);
	if (!pud_none(pudp_get(pudp))) {
		mmap_read_unlock(env.mm);
		KUNIT_FAIL(test, "the PUD under test is not empty");
		return;
	}
	for (bits = 0; bits < BIT_SPECIAL; bits++) {
		/* Frame 0, never touched: the origin of a 2G leaf. */
		pud = __pud(_REGION3_ENTRY | _REGION3_ENTRY_LARGE | _REGION3_ENTRY_READ);
		pud = bits & BIT_WRITE ? pud_mkwrite(pud) : pud_wrprotect(pud);
		pud = bits & BIT_DIRTY ? pud_mkdirty(pud) : pud_mkclean(pud);
		if (bits & BIT_YOUNG)
			pud = __pud(pud_val(pud) | _REGION3_ENTRY_YOUNG);
		ptl = pud_lock(env.mm, pudp);
		set_pud(pudp, pud);
		spin_unlock(ptl);

		KUNIT_EXPECT_TRUE(test, env_seek(&env, &s, addr + PMD_SIZE + 3 * PAGE_SIZE));
		check_leaf(test, &s, bits, PT_LEVEL_PUD, false);
		KUNIT_EXPECT_EQ(test, mm_walk_is_write(&s.leaf), !!pud_write(pud));
		/* pud_mkdirty() sets soft-dirty with dirty, where there is one. */
		KUNIT_EXPECT_EQ(test, mm_walk_is_soft_dirty(&s.leaf),
				!!(pud_val(pud) & _REGION3_ENTRY_SOFT_DIRTY));
		KUNIT_EXPECT_EQ(test, mm_walk_pfn(&s.leaf), 0);
		KUNIT_EXPECT_EQ(test, mm_walk_addr_pfn(&s.leaf),
				(PMD_SIZE >> PAGE_SHIFT) + 3);
		KUNIT_EXPECT_EQ(test, mm_walk_leaf_size(&s.leaf), PUD_SIZE);

		ptl = pud_lock(env.mm, pudp);
		pud_clear(pudp);
		spin_unlock(ptl);
	}
	mmap_read_unlock(env.mm);
}
#endif

#ifdef CONFIG_ARM64_CONTPTE
/*
 * Write PTEs as they are, contiguous bit included: set_pte_at() would fold
 * or unfold the block around them (contpte_try_fold()).
 */
static void env_write_raw(struct decode_env *env, unsigned long addr,
			  pte_t pte, unsigned int nr)
{
	pmd_t *pmdp = pmd_off(env->mm, addr);
	spinlock_t *ptl = pte_lockptr(env->mm, pmdp);
	pte_t *ptep = pte_offset_map(pmdp, addr);
	unsigned int i;

	if (WARN_ON_ONCE(!ptep))
		return;
	spin_lock(ptl);
	for (i = 0; i < nr; i++, addr += PAGE_SIZE)
		__set_ptes(env->mm, addr, ptep + i, pte_advance_pfn(pte, i), 1);
	spin_unlock(ptl);
	__acquire(RCU);		/* pte_offset_map()'s, for sparse */
	pte_unmap(ptep);
}

/*
 * Walk [@start, @start + @nr pages), locked or lockless, batched or not,
 * and check every stop against ptep_get() (or ptep_get_lockless()) of its
 * PTEs, which fold the access and dirty bits of a block, and against the
 * frames written (@pfn on).  Return: the number of stops.
 */
static unsigned int walk_contpte(struct kunit *test, struct decode_env *env,
				 unsigned long start, unsigned int nr,
				 unsigned long pfn, unsigned int flags)
{
	unsigned long end = start + nr * PAGE_SIZE;
	const struct pt_leaf *leaf;
	struct mm_walk_state s;
	unsigned int stops = 0, pages = 0;

	if (!(flags & MM_WALK_LOCKED))
		local_irq_disable();
	for_each_pt_leaf(leaf, &s, env->mm, start, end, flags) {
		pte_t *ptep = leaf->entp;
		unsigned int i;

		stops++;
		KUNIT_EXPECT_EQ(test, leaf->type, PT_ENTRY_LEAF);
		KUNIT_EXPECT_EQ(test, leaf->level, PT_LEVEL_PTE);
		KUNIT_EXPECT_EQ(test, leaf->next - leaf->addr, leaf->nr * PAGE_SIZE);
		KUNIT_EXPECT_EQ(test, mm_walk_pfn(leaf),
				pfn + ((leaf->addr - start) >> PAGE_SHIFT));
		for (i = 0; i < leaf->nr; i++) {
			pte_t legacy = flags & MM_WALK_LOCKED ? ptep_get(ptep + i) :
				       ptep_get_lockless(ptep + i);

			/* A run (MM_WALK_RUNS) is of present PTEs only. */
			KUNIT_EXPECT_TRUE(test, pte_present(legacy));
			if (flags & MM_WALK_RUNS)
				continue;
			/* The stop's bits hold for each of its PTEs. */
			KUNIT_EXPECT_EQ_MSG(test, mm_walk_is_young(leaf), !!pte_young(legacy),
					    "%lx", leaf->addr + i * PAGE_SIZE);
			KUNIT_EXPECT_EQ_MSG(test, mm_walk_is_dirty(leaf), !!pte_dirty(legacy),
					    "%lx", leaf->addr + i * PAGE_SIZE);
			KUNIT_EXPECT_EQ_MSG(test, mm_walk_is_write(leaf), !!pte_write(legacy),
					    "%lx", leaf->addr + i * PAGE_SIZE);
			if (leaf->nr == 1)
				KUNIT_EXPECT_EQ_MSG(test, pte_val(leaf->entry.pte),
						    pte_val(legacy), "%lx", leaf->addr);
		}
		pages += leaf->nr;
	}
	if (!(flags & MM_WALK_LOCKED))
		local_irq_enable();
	KUNIT_EXPECT_EQ(test, s.err, 0);
	KUNIT_EXPECT_EQ(test, pages, nr);
	return stops;
}

/*
 * arm64 contiguous PTEs: two blocks of CONT_PTES PTEs of one folio, with
 * PTE_CONT as contpte_convert() leaves them.  In the first, one PTE is
 * young and another dirty: every PTE of the block reads young and dirty
 * (contpte_ptep_get() folds them), and a walk that batches the pages of a
 * folio stops once for each block.  Then the first block is split (the
 * contiguous bit taken off, as contpte_try_unfold() does before a write to
 * one of its PTEs): its young and dirty PTEs are stops of their own.
 */
static void pt_walk_decode_contpte(struct kunit *test)
{
	unsigned int flags[] = { MM_WALK_LOCKED, 0 };
	unsigned long start, pfn;
	struct decode_env env;
	struct folio *folio;
	unsigned int i, k;
	pte_t pte;

	env_map(test, &env, 4 * CONT_PTE_SIZE);
	start = env.base + CONT_PTE_SIZE;
	folio = folio_alloc(GFP_KERNEL, CONT_PTE_SHIFT - PAGE_SHIFT + 1);
	KUNIT_ASSERT_NOT_NULL(test, folio);
	pfn = folio_pfn(folio);
	mmap_read_lock(env.mm);
	pte = pte_mkcont(make_pte(pfn, BIT_WRITE));
	env_write_raw(&env, start, pte, 2 * CONT_PTES);
	env_write_raw(&env, start + 5 * PAGE_SIZE,
		      pte_mkyoung(pte_advance_pfn(pte, 5)), 1);
	env_write_raw(&env, start + 9 * PAGE_SIZE,
		      pte_mkdirty(pte_advance_pfn(pte, 9)), 1);
	KUNIT_EXPECT_TRUE(test, pte_young(ptep_get(pte_offset_kernel(pmd_off(env.mm, start),
								     start))));

	for (k = 0; k < ARRAY_SIZE(flags); k++) {
		/* A stop for each PTE, the bits of its block's. */
		KUNIT_EXPECT_EQ(test, walk_contpte(test, &env, start, 2 * CONT_PTES, pfn,
						   flags[k]), 2 * CONT_PTES);
		/* From inside a block. */
		KUNIT_EXPECT_EQ(test, walk_contpte(test, &env, start + 3 * PAGE_SIZE,
						   CONT_PTES, pfn + 3, flags[k]), CONT_PTES);
		/* Batched: a stop for each block (the bits differ). */
		KUNIT_EXPECT_EQ(test, walk_contpte(test, &env, start, 2 * CONT_PTES, pfn,
						   flags[k] | MM_WALK_BATCH), 2);
		KUNIT_EXPECT_EQ(test, walk_contpte(test, &env, start + 3 * PAGE_SIZE,
						   CONT_PTES, pfn + 3,
						   flags[k] | MM_WALK_BATCH), 2);
		/* A run of present PTEs: one stop. */
		KUNIT_EXPECT_EQ(test, walk_contpte(test, &env, start + 3 * PAGE_SIZE,
						   2 * CONT_PTES - 3, pfn + 3,
						   flags[k] | MM_WALK_RUNS), 1);
	}

	/* The first block split: no folding, its young and dirty PTEs alone. */
	env_write_raw(&env, start, pte_mknoncont(pte), CONT_PTES);
	env_write_raw(&env, start + 5 * PAGE_SIZE,
		      pte_mkyoung(pte_advance_pfn(pte_mknoncont(pte), 5)), 1);
	env_write_raw(&env, start + 9 * PAGE_SIZE,
		      pte_mkdirty(pte_advance_pfn(pte_mknoncont(pte), 9)), 1);
	for (k = 0; k < ARRAY_SIZE(flags); k++) {
		KUNIT_EXPECT_EQ(test, walk_contpte(test, &env, start, 2 * CONT_PTES, pfn,
						   flags[k]), 2 * CONT_PTES);
		/*
		 * [0, 5), 5, [6, 9), 9, and [10, 32): the second block has
		 * the bits of the PTEs before it.
		 */
		KUNIT_EXPECT_EQ(test, walk_contpte(test, &env, start, 2 * CONT_PTES, pfn,
						   flags[k] | MM_WALK_BATCH), 5);
		KUNIT_EXPECT_EQ(test, walk_contpte(test, &env, start, 2 * CONT_PTES, pfn,
						   flags[k] | MM_WALK_RUNS), 1);
	}
	/*
	 * A PTE of the split block cleared: a run ends before it, and the
	 * one after it goes on into the second block.
	 */
	env_clear_pte(&env, start + 7 * PAGE_SIZE);
	for (k = 0; k < ARRAY_SIZE(flags); k++) {
		KUNIT_EXPECT_EQ(test, walk_contpte(test, &env, start, 7, pfn,
						   flags[k] | MM_WALK_RUNS), 1);
		KUNIT_EXPECT_EQ(test, walk_contpte(test, &env, start + 8 * PAGE_SIZE,
						   2 * CONT_PTES - 8, pfn + 8,
						   flags[k] | MM_WALK_RUNS), 1);
	}

	for (i = 0; i < 2 * CONT_PTES; i++)
		env_clear_pte(&env, start + i * PAGE_SIZE);
	flush_tlb_mm(env.mm);
	mmap_read_unlock(env.mm);
	folio_put(folio);
}
#endif

#ifdef CONFIG_HUGETLB_PAGE
/*
 * hugetlb entries, at the level of each hstate: the contract that they are
 * read in the format hugetlb writes them in (set_huge_pte_at(), a PTE in
 * format at every level on every arch but s390), never as a table.  One
 * huge page is faulted in; its entry is then rewritten, under the mmap
 * lock held for writing and the huge page's lock, as the hugetlb code
 * writes it: every combination of write, dirty and young, uffd-wp, then
 * the non-present kinds (migration, hwpoison, markers).  Each is checked
 * against the bits written and against the hugetlb helpers applied to
 * huge_ptep_get() of it; the original entry goes back before the unmap.
 */
struct hugetlb_env {
	struct hstate *h;
	unsigned long addr;	/* the huge page */
	unsigned long size;
	enum pt_level level;	/* where its entries are */
	struct mm_struct *mm;
	pte_t orig;		/* its entry as faulted in */
};

/* Seeks land this far into the huge page: inside its first entry but a PTE's. */
#define HUGETLB_SEEK_PAGES	3

/* The hstates, one parameter each. */
static const void *hugetlb_hstate_gen(const void *prev, char *desc)
{
	const struct hstate *h = prev ? (const struct hstate *)prev + 1 : hstates;

	if (h >= hstates + hugetlb_max_hstate)
		return NULL;
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%lu KiB",
		 huge_page_size((struct hstate *)h) >> 10);
	return h;
}

/*
 * The level of a hstate's entries: PTE for contiguous PTEs (arm64, riscv
 * Svnapot), PMD up to the PUD's size (a PMD folded into the level above
 * included: mips and arm64 with 64K pages, i386), PUD above.
 */
static enum pt_level hugetlb_level(unsigned int shift)
{
	if (shift < PMD_SHIFT)
		return PT_LEVEL_PTE;
	if (shift < PUD_SHIFT || shift == PMD_SHIFT)
		return PT_LEVEL_PMD;
	return PT_LEVEL_PUD;
}

/* Map one huge page of the parameter's hstate and fault it in. */
static void hugetlb_env_map(struct kunit *test, struct hugetlb_env *he)
{
	unsigned long raw;

	he->h = (struct hstate *)test->param_value;
	he->size = huge_page_size(he->h);
	he->level = hugetlb_level(huge_page_shift(he->h));
	/* kunit_vm_mmap() gives the test an mm; ksys_mmap_pgoff() does not. */
	raw = kunit_vm_mmap(test, NULL, 0, PAGE_SIZE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, 0);
	KUNIT_ASSERT_FALSE(test, IS_ERR_VALUE(raw));
	he->mm = current->mm;
	if (!he->h->free_huge_pages)
		kunit_skip(test, "the %lu KiB hugetlb pool is empty (boot with hugepages=)",
			   he->size >> 10);
	he->addr = ksys_mmap_pgoff(0, he->size, PROT_READ | PROT_WRITE,
				   MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB | MAP_NORESERVE |
				   (huge_page_shift(he->h) << MAP_HUGE_SHIFT), -1, 0);
	KUNIT_ASSERT_FALSE(test, IS_ERR_VALUE(he->addr));
	if (put_user(0x5a, (u8 __user *)he->addr)) {
		vm_munmap(he->addr, he->size);
		kunit_skip(test, "no %lu KiB hugetlb page to fault in", he->size >> 10);
	}
}

/*
 * Write @pte over the huge page's entry (NULL: read it only), as hugetlb
 * does: cleared first, under the mmap lock held for writing and the lock
 * of the entry.  Return what huge_ptep_get() then reads.
 */
static pte_t hugetlb_env_write(struct hugetlb_env *he, const pte_t *pte)
{
	struct vm_area_struct *vma;
	spinlock_t *ptl;	/* the huge page's lock */
	pte_t *ptep, cur = __pte(0);

	mmap_write_lock(he->mm);
	vma = vma_lookup(he->mm, he->addr);
	ptep = huge_pte_offset(he->mm, he->addr, he->size);
	if (WARN_ON_ONCE(!vma || !ptep))
		goto out;
	ptl = huge_pte_lockptr(he->h, he->mm, ptep);
	spin_lock(ptl);
	if (pte) {
		huge_ptep_get_and_clear(he->mm, he->addr, ptep, he->size);
		flush_tlb_range(vma, he->addr, he->addr + he->size);
		set_huge_pte_at(he->mm, he->addr, ptep, *pte, he->size);
	}
	cur = huge_ptep_get(he->mm, he->addr, ptep);
	spin_unlock(ptl);
out:
	mmap_write_unlock(he->mm);
	return cur;
}

/* A locked seek HUGETLB_SEEK_PAGES into the huge page, from its VMA. */
static bool hugetlb_env_seek(struct kunit *test, struct hugetlb_env *he,
			     struct mm_walk_state *s)
{
	unsigned long addr = he->addr + HUGETLB_SEEK_PAGES * PAGE_SIZE;
	struct vm_area_struct *vma;
	bool found;

	mmap_read_lock(he->mm);
	vma = vma_lookup(he->mm, addr);
	KUNIT_ASSERT_NOT_NULL(test, vma);
	found = mm_walk_seek_vma_leaf(s, vma, addr);
	KUNIT_EXPECT_NOT_NULL(test, s->ptl);
	mm_walk_end(s);
	mmap_read_unlock(he->mm);
	KUNIT_EXPECT_EQ(test, s->level, he->level);
	KUNIT_EXPECT_LE(test, mm_walk_leaf_start(&s->leaf), addr);
	KUNIT_EXPECT_GT(test, s->leaf.next, addr);
	KUNIT_EXPECT_LE(test, s->leaf.next, he->addr + he->size);
	return found;
}

static void hugetlb_env_unmap(struct kunit *test, struct hugetlb_env *he)
{
	hugetlb_env_write(he, &he->orig);
	KUNIT_EXPECT_EQ(test, vm_munmap(he->addr, he->size), 0);
}

/* Present hugetlb entries in every combination of write, dirty and young. */
static void pt_walk_decode_hugetlb(struct kunit *test)
{
	unsigned long pfn;
	struct hugetlb_env he;
	struct mm_walk_state s;
	unsigned int bits;
	pte_t pte, cur;
	bool present;

	hugetlb_env_map(test, &he);
	he.orig = hugetlb_env_write(&he, NULL);
	KUNIT_ASSERT_TRUE(test, pte_present(he.orig));
	pfn = pte_pfn(he.orig);
	KUNIT_EXPECT_TRUE(test, IS_ALIGNED(pfn, pages_per_huge_page(he.h)));
	for (bits = 0; bits < BIT_SPECIAL; bits++) {
		pte = bits & BIT_WRITE ? huge_pte_mkwrite(he.orig) : huge_pte_wrprotect(he.orig);
		pte = bits & BIT_DIRTY ? huge_pte_mkdirty(pte) : pte_mkclean(pte);
		pte = bits & BIT_YOUNG ? pte_mkyoung(pte) : pte_mkold(pte);
		cur = hugetlb_env_write(&he, &pte);

		KUNIT_EXPECT_TRUE_MSG(test, hugetlb_env_seek(test, &he, &s), "bits %x", bits);
		check_leaf(test, &s, bits, he.level, false);
		/* The hugetlb helpers on what hugetlb reads back. */
		KUNIT_EXPECT_EQ(test, mm_walk_is_write(&s.leaf), !!huge_pte_write(cur));
		KUNIT_EXPECT_EQ(test, mm_walk_is_dirty(&s.leaf), !!huge_pte_dirty(cur));
		KUNIT_EXPECT_EQ(test, mm_walk_is_young(&s.leaf), !!pte_young(cur));
		KUNIT_EXPECT_EQ(test, mm_walk_is_uffd_wp(&s.leaf), !!huge_pte_uffd_wp(cur));
		KUNIT_EXPECT_EQ_MSG(test, mm_walk_addr_pfn(&s.leaf), pfn + HUGETLB_SEEK_PAGES,
				    "bits %x", bits);
	}
#ifdef CONFIG_HAVE_ARCH_USERFAULTFD_WP
	/* The uffd-wp bit of a present entry (UFFDIO_WRITEPROTECT). */
	pte = huge_pte_mkuffd_wp(huge_pte_wrprotect(he.orig));
	cur = hugetlb_env_write(&he, &pte);
	KUNIT_EXPECT_TRUE(test, hugetlb_env_seek(test, &he, &s));
	KUNIT_EXPECT_TRUE(test, mm_walk_is_uffd_wp(&s.leaf));
	KUNIT_EXPECT_EQ(test, mm_walk_is_uffd_wp(&s.leaf), !!huge_pte_uffd_wp(cur));
	KUNIT_EXPECT_FALSE(test, mm_walk_is_write(&s.leaf));
	KUNIT_EXPECT_EQ(test, mm_walk_addr_pfn(&s.leaf), pfn + HUGETLB_SEEK_PAGES);
#endif
	/*
	 * PROT_NONE, as hugetlb_change_protection() writes it: present to
	 * hugetlb (x86: _PAGE_PROTNONE in place of _PAGE_PRESENT, the PFN
	 * inverted), so a leaf of the page's frame.
	 */
	pte = huge_pte_modify(he.orig, vm_get_page_prot(VM_NONE));
	pte = arch_make_huge_pte(pte, huge_page_shift(he.h), VM_NONE);
	cur = hugetlb_env_write(&he, &pte);
	present = pte_present(cur);	/* x86: _PAGE_PROTNONE */
	KUNIT_EXPECT_EQ(test, hugetlb_env_seek(test, &he, &s), present);
	KUNIT_EXPECT_EQ(test, s.type,
			present ? PT_ENTRY_LEAF : PT_ENTRY_NONPRESENT);
	if (present) {
		KUNIT_EXPECT_EQ(test, mm_walk_addr_pfn(&s.leaf), pfn + HUGETLB_SEEK_PAGES);
		KUNIT_EXPECT_FALSE(test, mm_walk_is_write(&s.leaf));
	}
	hugetlb_env_unmap(test, &he);
}

#if defined(CONFIG_ARM64) || defined(CONFIG_RISCV_ISA_SVNAPOT)
/* Raw reads and writes of one entry of a contiguous page: no block fold. */
#ifdef CONFIG_ARM64
#define hugetlb_raw_get(ptep)		__ptep_get(ptep)
#define hugetlb_raw_set(ptep, pte)	__set_pte(ptep, pte)
#else
#define hugetlb_raw_get(ptep)		ptep_get(ptep)
#define hugetlb_raw_set(ptep, pte)	set_pte(ptep, pte)
#endif

enum hugetlb_fold_kind { FOLD_YOUNG, FOLD_DIRTY, FOLD_HW_DIRTY, FOLD_KINDS };

/*
 * One entry @k of the old, clean, writable contiguous huge page made young,
 * dirty or (arm64) hardware dirty (writable with PTE_RDONLY clear) alone,
 * as the MMU leaves it; returns what huge_ptep_get() then reads of the page.
 */
static pte_t hugetlb_env_set_one(struct hugetlb_env *he, unsigned int k,
				 enum hugetlb_fold_kind kind)
{
	spinlock_t *ptl;	/* the huge page's lock */
	pte_t *ptep, pte, cur = __pte(0);

	mmap_write_lock(he->mm);
	ptep = huge_pte_offset(he->mm, he->addr, he->size);
	if (WARN_ON_ONCE(!ptep))
		goto out;
	ptl = huge_pte_lockptr(he->h, he->mm, ptep);
	spin_lock(ptl);
	pte = hugetlb_raw_get(ptep + k);
	if (kind == FOLD_YOUNG)
		pte = pte_mkyoung(pte);
	else if (kind == FOLD_DIRTY)
		pte = pte_mkdirty(pte);
#ifdef CONFIG_ARM64
	else
		pte = clear_pte_bit(pte, __pgprot(PTE_RDONLY));
#endif
	hugetlb_raw_set(ptep + k, pte);
	cur = huge_ptep_get(he->mm, he->addr, ptep);
	spin_unlock(ptl);
out:
	mmap_write_unlock(he->mm);
	return cur;
}

/*
 * A contiguous hugetlb page is one stop whose entry folds the access and
 * dirty bits of all its entries, as huge_ptep_get() folds them (arm64:
 * arch_pt_hugetlb_block_get(), riscv: huge_ptep_get() itself): one entry,
 * the second or the last, made young or dirty alone, makes the stop young
 * or dirty, for a seek inside the page and for a walk over it.
 */
static void pt_walk_decode_hugetlb_fold(struct kunit *test)
{
	unsigned int n, e, k, kind, kinds = IS_ENABLED(CONFIG_ARM64) ? FOLD_KINDS : FOLD_HW_DIRTY;
	const struct pt_leaf *leaf;
	struct hugetlb_env he;
	struct mm_walk_state s;
	unsigned int stops;
	pte_t clean, cur;

	hugetlb_env_map(test, &he);
	n = he.size >> (he.level == PT_LEVEL_PTE ? PAGE_SHIFT : PMD_SHIFT);
	if (he.level > PT_LEVEL_PMD || n == 1) {
		KUNIT_EXPECT_EQ(test, vm_munmap(he.addr, he.size), 0);
		kunit_skip(test, "one entry a page: nothing to fold");
	}
	he.orig = hugetlb_env_write(&he, NULL);
	KUNIT_ASSERT_TRUE(test, pte_present(he.orig));
	clean = pte_mkold(pte_mkclean(huge_pte_mkwrite(he.orig)));
	for (kind = 0; kind < kinds; kind++) {
		for (e = 0; e < 2; e++) {
			k = e ? n - 1 : 1;
			cur = hugetlb_env_write(&he, &clean);
			KUNIT_ASSERT_FALSE(test, pte_young(cur) || huge_pte_dirty(cur));
			cur = hugetlb_env_set_one(&he, k, kind);
			/* The arch's own fold, against the bit set. */
			KUNIT_EXPECT_EQ_MSG(test, !!pte_young(cur), kind == FOLD_YOUNG,
					    "kind %u, entry %u", kind, k);
			KUNIT_EXPECT_EQ_MSG(test, !!huge_pte_dirty(cur), kind != FOLD_YOUNG,
					    "kind %u, entry %u", kind, k);

			KUNIT_EXPECT_TRUE(test, hugetlb_env_seek(test, &he, &s));
			KUNIT_EXPECT_EQ_MSG(test, mm_walk_is_young(&s.leaf), !!pte_young(cur),
					    "seek, kind %u, entry %u", kind, k);
			KUNIT_EXPECT_EQ_MSG(test, mm_walk_is_dirty(&s.leaf), !!huge_pte_dirty(cur),
					    "seek, kind %u, entry %u", kind, k);
			KUNIT_EXPECT_EQ_MSG(test, mm_walk_is_write(&s.leaf), !!huge_pte_write(cur),
					    "seek, kind %u, entry %u", kind, k);

			stops = 0;
			mmap_read_lock(he.mm);
			for_each_pt_leaf(leaf, &s, he.mm, he.addr, he.addr + he.size,
					 MM_WALK_LOCKED) {
				KUNIT_EXPECT_EQ(test, leaf->nr, n);
				KUNIT_EXPECT_EQ_MSG(test, mm_walk_is_young(leaf), !!pte_young(cur),
						    "walk, kind %u, entry %u", kind, k);
				KUNIT_EXPECT_EQ_MSG(test, mm_walk_is_dirty(leaf),
						    !!huge_pte_dirty(cur),
						    "walk, kind %u, entry %u", kind, k);
				stops++;
			}
			mmap_read_unlock(he.mm);
			KUNIT_EXPECT_EQ(test, stops, 1);
		}
	}
	hugetlb_env_unmap(test, &he);
}
#endif

/*
 * Non-present hugetlb entries: never a table, whatever pmd_present() says
 * of them (mips calls a PMD present when any bit is set), with the swap
 * entry and uffd-wp bit hugetlb's own helpers read.
 */
static void pt_walk_decode_hugetlb_nonpresent(struct kunit *test)
{
	struct {
		const char *name;
		swp_entry_t entry;
		bool uffd_wp;	/* the swap entry's uffd-wp bit set */
	} kinds[6] = {};
	int nkinds = 0, i;
	struct hugetlb_env he;
	struct mm_walk_state s;
	pte_t pte, cur;

	hugetlb_env_map(test, &he);
	he.orig = hugetlb_env_write(&he, NULL);
	KUNIT_ASSERT_TRUE(test, pte_present(he.orig));
	kinds[nkinds].name = "marker";
	kinds[nkinds++].entry = make_pte_marker_entry(PTE_MARKER_POISONED);
#ifdef CONFIG_MIGRATION
	kinds[nkinds].name = "migration";
	kinds[nkinds++].entry = make_readable_migration_entry(pte_pfn(he.orig));
	kinds[nkinds].name = "writable migration";
	kinds[nkinds++].entry = make_writable_migration_entry(pte_pfn(he.orig));
#endif
#ifdef CONFIG_MEMORY_FAILURE
	/* make_hwpoison_entry() wants the page locked, as memory-failure has it. */
	lock_page(pte_page(he.orig));
	kinds[nkinds].name = "hwpoison";
	kinds[nkinds++].entry = make_hwpoison_entry(pte_page(he.orig));
	unlock_page(pte_page(he.orig));
#endif
#ifdef CONFIG_PTE_MARKER_UFFD_WP
	kinds[nkinds].name = "uffd-wp marker";
	kinds[nkinds++].entry = make_pte_marker_entry(PTE_MARKER_UFFD_WP);
#ifdef CONFIG_MIGRATION
	kinds[nkinds].name = "uffd-wp migration";
	kinds[nkinds].uffd_wp = true;
	kinds[nkinds++].entry = make_readable_migration_entry(pte_pfn(he.orig));
#endif
#endif
	for (i = 0; i < nkinds; i++) {
		pte = swp_entry_to_pte(kinds[i].entry);
		if (kinds[i].uffd_wp)
			pte = pte_swp_mkuffd_wp(pte);
		cur = hugetlb_env_write(&he, &pte);
		if (pte_present(cur)) {
			/*
			 * 32-bit arm's huge_ptep_get() sets the valid bit of
			 * any entry that is not zero: no non-present hugetlb
			 * entries there (no hugetlb migration, no markers).
			 */
			hugetlb_env_unmap(test, &he);
			kunit_skip(test, "huge_ptep_get() reads a non-present entry as present");
		}
		KUNIT_EXPECT_FALSE_MSG(test, hugetlb_env_seek(test, &he, &s), "%s",
				       kinds[i].name);
		KUNIT_EXPECT_EQ_MSG(test, s.type, PT_ENTRY_NONPRESENT, "%s", kinds[i].name);
		/* What hugetlb reads back, and what was written. */
		KUNIT_EXPECT_EQ_MSG(test, mm_walk_swap_entry(&s.leaf).val,
				    pte_to_swp_entry(cur).val, "%s", kinds[i].name);
		KUNIT_EXPECT_EQ_MSG(test, mm_walk_swap_entry(&s.leaf).val, kinds[i].entry.val,
				    "%s", kinds[i].name);
		KUNIT_EXPECT_EQ_MSG(test, mm_walk_swp_uffd_wp(&s.leaf),
				    pte_swp_uffd_wp_any(cur), "%s", kinds[i].name);
		if (IS_ENABLED(CONFIG_PTE_MARKER_UFFD_WP))
			KUNIT_EXPECT_EQ_MSG(test, mm_walk_swp_uffd_wp(&s.leaf),
					    !strncmp(kinds[i].name, "uffd-wp", 7),
					    "%s", kinds[i].name);
	}
	/* Back to the page: a present leaf again. */
	hugetlb_env_write(&he, &he.orig);
	KUNIT_EXPECT_TRUE(test, hugetlb_env_seek(test, &he, &s));
	KUNIT_EXPECT_EQ(test, s.type, PT_ENTRY_LEAF);
	hugetlb_env_unmap(test, &he);
}
#endif /* CONFIG_HUGETLB_PAGE */

static struct kunit_case pt_walk_decode_cases[] = {
	KUNIT_CASE(pt_walk_decode_pte_leaf),
	KUNIT_CASE(pt_walk_decode_pte_nonpresent),
#ifdef CONFIG_TRANSPARENT_HUGEPAGE
	KUNIT_CASE(pt_walk_decode_pmd),
#endif
#ifdef CONFIG_HAVE_ARCH_TRANSPARENT_HUGEPAGE_PUD
	KUNIT_CASE(pt_walk_decode_pud),
#endif
#ifdef CONFIG_ARM64_CONTPTE
	KUNIT_CASE(pt_walk_decode_contpte),
#endif
#ifdef CONFIG_S390
	KUNIT_CASE(pt_walk_decode_s390_pud),
#endif
#ifdef CONFIG_HUGETLB_PAGE
	KUNIT_CASE_PARAM(pt_walk_decode_hugetlb, hugetlb_hstate_gen),
	KUNIT_CASE_PARAM(pt_walk_decode_hugetlb_nonpresent, hugetlb_hstate_gen),
#if defined(CONFIG_ARM64) || defined(CONFIG_RISCV_ISA_SVNAPOT)
	KUNIT_CASE_PARAM(pt_walk_decode_hugetlb_fold, hugetlb_hstate_gen),
#endif
#endif
	{}
};

static struct kunit_suite pt_walk_decode_suite = {
	.name = "pt_walk_decode",
	.test_cases = pt_walk_decode_cases,
};

kunit_test_suite(pt_walk_decode_suite);

MODULE_DESCRIPTION("KUnit contract tests of the ptwalk entry decoders");
MODULE_LICENSE("GPL");

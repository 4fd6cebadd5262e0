// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests of the base tree facts that ptwalk relies on: the page table
 * geometry of the architecture, the levels folded at run time, and the
 * legacy walk_page_range() on a real user mm.  Every expectation is written
 * down by hand, not derived from the macros under test.
 *
 * The boot parameter pt_walk_base_kunit.expect_levels=N states how many page
 * table levels the test configuration boots with, so that a configuration
 * meant to exercise 5-level paging fails when it silently runs with 4.
 */
#include <kunit/test.h>
#include <linux/mm.h>
#include <linux/mman.h>
#include <linux/moduleparam.h>
#include <linux/highmem.h>
#include <linux/pagewalk.h>
#include <linux/pt_walk.h>
#include <linux/sched/mm.h>
#include <linux/string.h>
#include <linux/uaccess.h>

/* UML on x86_64 defines CONFIG_X86_64 too, with its own page tables. */
#if defined(CONFIG_X86_64) && !defined(CONFIG_UML)
#define PT_TEST_X86_64 1
#endif

static int expect_levels;
module_param(expect_levels, int, 0444);
MODULE_PARM_DESC(expect_levels, "page table levels the test kernel must run with");

/*
 * The geometry of each configuration, written down by hand from the
 * architecture manuals: the shift of every level and the number of entries
 * of its table.  A level folded at compile time takes the shift of the level
 * above it and has one entry.  Levels folded at run time are described for
 * the number of levels the kernel runs with (@levels).
 */
struct geometry {
	unsigned int shift[PT_NR_LEVELS];	/* PAGE_SHIFT .. PGDIR_SHIFT */
	unsigned long ptrs[PT_NR_LEVELS];	/* PTRS_PER_PTE .. PTRS_PER_PGD */
};

#define GEOM(pte, pmd, pud, p4d, pgd, npte, npmd, npud, np4d, npgd)	\
	((struct geometry){ .shift = { pte, pmd, pud, p4d, pgd },	\
			    .ptrs = { npte, npmd, npud, np4d, npgd } })

static int pt_walk_base_runtime_levels(void);

/* Fills @g and returns true where this configuration's geometry is known. */
static bool expected_geometry(struct geometry *g, int levels)
{
#if defined(PT_TEST_X86_64)
	*g = levels == 5 ? GEOM(12, 21, 30, 39, 48, 512, 512, 512, 512, 512) :
			   GEOM(12, 21, 30, 39, 39, 512, 512, 512, 1, 512);
	return true;
#elif defined(CONFIG_X86_32) && defined(CONFIG_X86_PAE)
	/* PAE: a top table of 4 entries of 1G each. */
	*g = GEOM(12, 21, 30, 30, 30, 512, 512, 1, 1, 4);
	return true;
#elif defined(CONFIG_X86_32)
	/* 2 levels of 1024 4-byte entries, 4M leaves in the top table. */
	*g = GEOM(12, 22, 22, 22, 22, 1024, 1, 1, 1, 1024);
	return true;
#elif defined(CONFIG_ARM64) && defined(CONFIG_ARM64_4K_PAGES) && CONFIG_PGTABLE_LEVELS == 5
	/* 52-bit VA with LPA2: the top table has 16 entries. */
	*g = GEOM(12, 21, 30, 39, 48, 512, 512, 512, 512, 16);
	return true;
#elif defined(CONFIG_ARM64) && defined(CONFIG_ARM64_4K_PAGES) && CONFIG_PGTABLE_LEVELS == 3
	/* 39-bit VA: the PUD is folded, 1G entries in the top table. */
	*g = GEOM(12, 21, 30, 30, 30, 512, 512, 1, 1, 512);
	return true;
#elif defined(CONFIG_ARM64) && defined(CONFIG_ARM64_16K_PAGES) && CONFIG_ARM64_VA_BITS == 52
	/*
	 * 16K granule, 52-bit VA with LPA2: a top table of 32 entries.  The
	 * same constants without LPA2, where the PUD folds at run time.
	 */
	*g = GEOM(14, 25, 36, 47, 47, 2048, 2048, 2048, 1, 32);
	return true;
#elif defined(CONFIG_ARM64) && defined(CONFIG_ARM64_16K_PAGES) && CONFIG_PGTABLE_LEVELS == 4
	/* 16K granule, 11 bits a level, 48-bit VA: a top table of 2 entries. */
	*g = GEOM(14, 25, 36, 47, 47, 2048, 2048, 2048, 1, 2);
	return true;
#elif defined(CONFIG_ARM64) && defined(CONFIG_ARM64_64K_PAGES) && CONFIG_PGTABLE_LEVELS == 2
	/* 64K granule, 13 bits a level, 42-bit VA: 512M top entries. */
	*g = GEOM(16, 29, 29, 29, 29, 8192, 1, 1, 1, 8192);
	return true;
#elif defined(CONFIG_RISCV) && defined(CONFIG_64BIT)
	/*
	 * Sv57, Sv48, Sv39: the folded tables keep their 512 entries; under
	 * Sv39 the P4D takes the PUD's shift, under Sv48 the PGD the P4D's.
	 */
	*g = GEOM(12, 21, 30, levels == 3 ? 30 : 39,
		  levels == 5 ? 48 : levels == 4 ? 39 : 30,
		  512, 512, 512, 512, 512);
	return true;
#elif defined(CONFIG_S390)
	/* 256-entry page tables, 2048-entry segment and region tables. */
	*g = GEOM(12, 20, 31, 42, 53, 256, 2048, 2048, 2048, 2048);
	return true;
#elif defined(CONFIG_PPC_BOOK3S_64) && defined(CONFIG_PPC_64K_PAGES)
	/* Radix with 64K pages: 32-entry PTE tables, P4D folded. */
	if (!radix_enabled())
		return false;
	*g = GEOM(16, 21, 30, 39, 39, 32, 512, 512, 1, 8192);
	return true;
#elif defined(CONFIG_ARM) && defined(CONFIG_ARM_LPAE)
	/* LPAE: 512-entry PTE and PMD tables, a top table of 4 1G entries. */
	*g = GEOM(12, 21, 30, 30, 30, 512, 512, 1, 1, 4);
	return true;
#elif defined(CONFIG_ARM)
	/*
	 * Classic tables: a PGD entry is two 1M hardware entries, the PMD is
	 * folded; a PTE table page holds 512 Linux PTEs, then the two
	 * 256-entry hardware tables.
	 */
	*g = GEOM(12, 21, 21, 21, 21, 512, 1, 1, 1, 2048);
	return true;
#elif defined(CONFIG_MIPS) && defined(CONFIG_64BIT) && \
	defined(CONFIG_PAGE_SIZE_64KB) && !defined(CONFIG_MIPS_VA_BITS_48)
	/* 64K pages, 2 levels: 8192-entry tables, 512M top entries. */
	*g = GEOM(16, 29, 29, 29, 29, 8192, 1, 1, 1, 8192);
	return true;
#elif defined(CONFIG_MIPS) && defined(CONFIG_64BIT) && \
	defined(CONFIG_PAGE_SIZE_4KB) && !defined(CONFIG_MIPS_VA_BITS_48)
	/* 4K pages, 3 levels: the top table is two pages (1024 entries). */
	*g = GEOM(12, 21, 30, 30, 30, 512, 512, 1, 1, 1024);
	return true;
#elif defined(CONFIG_UML) && defined(CONFIG_3_LEVEL_PGTABLES) && defined(CONFIG_64BIT)
	*g = GEOM(12, 21, 30, 30, 30, 512, 512, 1, 1, 512);
	return true;
#else
	return false;
#endif
}

/* The shift of every level, at run time. */
static void pt_walk_base_shifts(struct kunit *test)
{
	const unsigned int shift[PT_NR_LEVELS] = {
		PAGE_SHIFT, PMD_SHIFT, PUD_SHIFT, P4D_SHIFT, PGDIR_SHIFT
	};
	struct geometry g;
	int l;

	if (!expected_geometry(&g, pt_walk_base_runtime_levels()))
		kunit_skip(test, "no hand-written geometry for this configuration");
	for (l = 0; l < PT_NR_LEVELS; l++)
		KUNIT_EXPECT_EQ_MSG(test, shift[l], g.shift[l], "level %d", l);
}

/* The entries of every table, at run time; a folded level has one. */
static void pt_walk_base_table_sizes(struct kunit *test)
{
	const unsigned long ptrs[PT_NR_LEVELS] = {
		PTRS_PER_PTE, PTRS_PER_PMD, PTRS_PER_PUD, PTRS_PER_P4D, PTRS_PER_PGD
	};
	struct geometry g;
	int l;

	if (!expected_geometry(&g, pt_walk_base_runtime_levels()))
		kunit_skip(test, "no hand-written geometry for this configuration");
	for (l = 0; l < PT_NR_LEVELS; l++)
		KUNIT_EXPECT_EQ_MSG(test, ptrs[l], g.ptrs[l], "level %d", l);
	/* A PTE table maps what one entry of the level above maps. */
	KUNIT_EXPECT_EQ(test, PTRS_PER_PTE * PAGE_SIZE, PMD_SIZE);
}

/* The number of levels the running kernel really walks. */
static int pt_walk_base_runtime_levels(void)
{
#if defined(PT_TEST_X86_64)
	return pgtable_l5_enabled() ? 5 : 4;
#elif defined(CONFIG_ARM64)
	int levels = CONFIG_PGTABLE_LEVELS;

	if (levels >= 5 && !pgtable_l5_enabled())
		levels--;
	if (levels >= 4 && !pgtable_l4_enabled())
		levels--;
	return levels;
#elif defined(CONFIG_RISCV) && defined(CONFIG_64BIT)
	return pgtable_l5_enabled ? 5 : pgtable_l4_enabled ? 4 : 3;
#elif defined(CONFIG_S390)
	/* Per mm: a new mm has a region-third table on top (3 levels). */
	if (!current->mm)
		return 0;
	return current->mm->context.asce_limit <= _REGION2_SIZE ? 3 :
	       current->mm->context.asce_limit <= _REGION1_SIZE ? 4 : 5;
#else
	return CONFIG_PGTABLE_LEVELS;
#endif
}

/* The running kernel walks as many levels as the configuration says. */
static void pt_walk_base_levels(struct kunit *test)
{
	if (!expect_levels)
		kunit_skip(test, "boot with pt_walk_base_kunit.expect_levels=N to check");
	/* s390 counts the levels of an mm: a new one, for this test. */
	if (IS_ENABLED(CONFIG_S390)) {
		unsigned long addr = kunit_vm_mmap(test, NULL, 0, PAGE_SIZE, PROT_READ,
						   MAP_PRIVATE | MAP_ANONYMOUS, 0);

		KUNIT_ASSERT_FALSE(test, IS_ERR_VALUE(addr));
	}
	KUNIT_EXPECT_EQ(test, pt_walk_base_runtime_levels(), expect_levels);
}

/* x86 enables 5-level paging exactly when the CPU has LA57 and no5lvl is absent. */
#ifdef PT_TEST_X86_64
static void pt_walk_base_x86_la57(struct kunit *test)
{
	unsigned int eax, ebx, ecx, edx;
	bool la57, no5lvl;

	/* CPUID.(EAX=7,ECX=0):ECX[16] is LA57. */
	cpuid_count(7, 0, &eax, &ebx, &ecx, &edx);
	la57 = ecx & BIT(16);
	no5lvl = strstr(saved_command_line, "no5lvl");
	KUNIT_EXPECT_EQ(test, pgtable_l5_enabled(),
			IS_ENABLED(CONFIG_X86_5LEVEL) && la57 && !no5lvl);
	KUNIT_EXPECT_EQ(test, PTRS_PER_P4D, pgtable_l5_enabled() ? 512 : 1);
}
#endif

struct legacy_walk {
	unsigned long start;
	unsigned long present;		/* bitmap of present pages */
	unsigned long pfn[BITS_PER_LONG];
	int calls;
};

static int legacy_pte_entry(pte_t *ptep, unsigned long addr,
			    unsigned long next, struct mm_walk *walk)
{
	struct legacy_walk *lw = walk->private;
	pte_t pte = ptep_get(ptep);
	unsigned long i = (addr - lw->start) >> PAGE_SHIFT;

	lw->calls++;
	if (!pte_present(pte) || i >= BITS_PER_LONG)
		return 0;
	lw->present |= BIT(i);
	lw->pfn[i] = pte_pfn(pte);
	return 0;
}

static const struct mm_walk_ops legacy_ops = {
	.pte_entry	= legacy_pte_entry,
	.walk_lock	= PGWALK_RDLOCK,
};

/*
 * Fault in every other page of an anonymous mapping in a real mm and check
 * that walk_page_range() reports exactly those pages, each with the frame
 * that holds the byte written to it.
 */
static void pt_walk_base_legacy_walk(struct kunit *test)
{
	const unsigned long npages = 16;
	struct legacy_walk *lw;
	struct mm_struct *mm;
	unsigned long addr, i;
	int ret;

	lw = kunit_kzalloc(test, sizeof(*lw), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, lw);
	addr = kunit_vm_mmap(test, NULL, 0, npages * PAGE_SIZE,
			     PROT_READ | PROT_WRITE,
			     MAP_PRIVATE | MAP_ANONYMOUS, 0);
	KUNIT_ASSERT_FALSE(test, IS_ERR_VALUE(addr));
	KUNIT_ASSERT_NE(test, addr, 0);
	mm = current->mm;
	KUNIT_ASSERT_NOT_NULL(test, mm);

	for (i = 0; i < npages; i += 2)
		KUNIT_ASSERT_EQ(test, put_user((u8)(0xa0 + i),
					       (u8 __user *)(addr + i * PAGE_SIZE)), 0);

	lw->start = addr;
	mmap_read_lock(mm);
	ret = walk_page_range(mm, addr, addr + npages * PAGE_SIZE, &legacy_ops, lw);
	mmap_read_unlock(mm);
	KUNIT_ASSERT_EQ(test, ret, 0);

	/* One call per PTE of the range: the tables exist for all of it. */
	KUNIT_EXPECT_EQ(test, lw->calls, npages);
	KUNIT_EXPECT_EQ(test, lw->present, 0x5555UL);
	for (i = 0; i < npages; i += 2) {
		u8 *kaddr;

		if (!(lw->present & BIT(i)))
			continue;
		kaddr = kmap_local_page(pfn_to_page(lw->pfn[i]));
		KUNIT_EXPECT_EQ_MSG(test, kaddr[0], 0xa0 + i, "page %lu", i);
		kunmap_local(kaddr);
	}

	/* An empty range is refused and walks nothing. */
	lw->calls = 0;
	mmap_read_lock(mm);
	ret = walk_page_range(mm, addr, addr, &legacy_ops, lw);
	mmap_read_unlock(mm);
	KUNIT_EXPECT_EQ(test, ret, -EINVAL);
	KUNIT_EXPECT_EQ(test, lw->calls, 0);
}

static struct kunit_case pt_walk_base_cases[] = {
	KUNIT_CASE(pt_walk_base_shifts),
	KUNIT_CASE(pt_walk_base_table_sizes),
	KUNIT_CASE(pt_walk_base_levels),
#ifdef PT_TEST_X86_64
	KUNIT_CASE(pt_walk_base_x86_la57),
#endif
	KUNIT_CASE(pt_walk_base_legacy_walk),
	{}
};

static struct kunit_suite pt_walk_base_suite = {
	.name = "pt_walk_base",
	.test_cases = pt_walk_base_cases,
};

kunit_test_suite(pt_walk_base_suite);

MODULE_DESCRIPTION("KUnit tests of the page table facts ptwalk builds on");
MODULE_LICENSE("GPL");

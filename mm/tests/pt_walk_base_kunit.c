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

struct geom_fact {
	const char *name;
	unsigned long value;
	unsigned long expected;
};

#define FACT(x, e) { #x, (unsigned long)(x), (e) }

/*
 * Shifts of each level for a 4K granule with 8-byte entries: every level
 * resolves 9 bits above the 12 bits of the page offset.  Levels folded at
 * compile time take the shift of the level above them.
 */
static void pt_walk_base_shifts(struct kunit *test)
{
	static const struct geom_fact facts[] = {
		FACT(PAGE_SHIFT, 12),
		FACT(PMD_SHIFT, 21),
#if defined(PT_TEST_X86_64)
		FACT(PUD_SHIFT, 30),
		FACT(P4D_SHIFT, 39),
#elif defined(CONFIG_ARM64) && CONFIG_PGTABLE_LEVELS == 5
		FACT(PUD_SHIFT, 30),
		FACT(P4D_SHIFT, 39),
		FACT(PGDIR_SHIFT, 48),
#elif defined(CONFIG_ARM64) && CONFIG_PGTABLE_LEVELS == 4
		FACT(PUD_SHIFT, 30),
		FACT(PGDIR_SHIFT, 39),
#elif defined(CONFIG_UML) && defined(CONFIG_3_LEVEL_PGTABLES)
		FACT(PGDIR_SHIFT, 30),
		FACT(PUD_SHIFT, 30),
#endif
	};
	int i;

	if (!IS_ENABLED(CONFIG_X86_64) && !IS_ENABLED(CONFIG_ARM64))
		kunit_skip(test, "no hand-written geometry for this architecture");
	if (IS_ENABLED(CONFIG_ARM64) && !IS_ENABLED(CONFIG_ARM64_4K_PAGES))
		kunit_skip(test, "geometry written down for 4K pages only");
	if (IS_ENABLED(CONFIG_UML) && !IS_ENABLED(CONFIG_3_LEVEL_PGTABLES))
		kunit_skip(test, "geometry written down for 3-level UML only");

	for (i = 0; i < ARRAY_SIZE(facts); i++)
		KUNIT_EXPECT_EQ_MSG(test, facts[i].value, facts[i].expected,
				    "%s", facts[i].name);

#ifdef PT_TEST_X86_64
	/* PGDIR_SHIFT is a run-time value: 48 with 5-level paging, else 39. */
	KUNIT_EXPECT_EQ(test, PGDIR_SHIFT, pgtable_l5_enabled() ? 48 : 39);
#endif
}

/* Every table that is not folded fills exactly one page with 512 entries. */
static void pt_walk_base_table_sizes(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, PTRS_PER_PTE, 512);
	KUNIT_EXPECT_EQ(test, PTRS_PER_PTE * sizeof(pte_t), PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, PTRS_PER_PMD, 512);
	KUNIT_EXPECT_EQ(test, PTRS_PER_PMD * sizeof(pmd_t), PAGE_SIZE);
	if (PTRS_PER_PUD > 1)
		KUNIT_EXPECT_EQ(test, PTRS_PER_PUD, 512);
	if (PTRS_PER_P4D > 1)
		KUNIT_EXPECT_EQ(test, PTRS_PER_P4D, 512);
	/* A folded level has one entry, which covers the level above. */
	if (PTRS_PER_PUD == 1)
		KUNIT_EXPECT_EQ(test, PUD_SIZE, P4D_SIZE);
	if (PTRS_PER_P4D == 1)
		KUNIT_EXPECT_EQ(test, P4D_SIZE, PGDIR_SIZE);
	KUNIT_EXPECT_GE(test, PTRS_PER_PGD, 2);
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
#else
	return CONFIG_PGTABLE_LEVELS;
#endif
}

/* The running kernel walks as many levels as the configuration says. */
static void pt_walk_base_levels(struct kunit *test)
{
	if (!expect_levels)
		kunit_skip(test, "boot with pt_walk_base_kunit.expect_levels=N to check");
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

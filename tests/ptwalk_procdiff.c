// SPDX-License-Identifier: GPL-2.0
/*
 * ptwalk_procdiff: what the page table walkers of /proc and mincore() show
 * userspace, for a differential run on the base and the patched kernel.
 *
 * The program maps every kind of memory it can make at fixed addresses
 * (an arena, without address space randomisation):
 *   anonymous 4K pages (written, read, untouched), a THP, a THP partly
 *   unmapped (PTE-mapped), the huge zero page, an mTHP (64K) where the
 *   kernel offers it, shmem (memfd), a tmpfs file mapped shared and
 *   private (read, and written: COW), anonymous memory shared with a child
 *   after fork() (and COW-broken in part), hugetlb 2M (written, untouched,
 *   and a hugetlb memfd mapped twice), a 1G hugetlb page when the pool has
 *   one, hugetlb pages of the contiguous sizes where the kernel has them
 *   (arm64 with 4K pages: 64K, contiguous PTEs, and 32M, contiguous PMDs;
 *   64K also with async uffd-wp and mbind()), PROT_NONE pages, mlocked
 *   pages, uffd-wp protected memory (sync mode, 4K and hugetlb, markers on
 *   pages never touched) and async mode
 *   (written after protection), and soft-dirty pages after clear_refs,
 * and prints, with addresses made relative to the arena:
 *   /proc/self/smaps (every field of the arena's VMAs) and smaps_rollup,
 *   /proc/self/pagemap (the flag bits of every page, the PFN as its offset
 *   in its folio: pfn minus the page's index, modulo the folio size the
 *   test mapped),
 *   PAGEMAP_SCAN for each category and for all of them, and its
 *   write-protect operation (PM_SCAN_WP_MATCHING) on the async uffd-wp
 *   region, before and after,
 *   /proc/self/numa_maps (where the kernel has NUMA), and
 *   mincore() of the whole arena.
 *
 * Every line for the comparison starts with "P ": scripts/selftests.sh
 * requires the same lines from the base and the patched kernel.
 *
 * One thing 6.12 shows wrongly, and not the same from boot to boot, is left
 * out of the comparison: whether a hugetlb page mapped by an entry that is
 * not a PMD (arm64's 64K pages, contiguous PTEs; 1G pages, PUDs) is shared.
 * 6.12's smaps and pagemap ask hugetlb_pmd_shared() of the entry's table,
 * which reads the PMD sharing count where a PTE or PUD table keeps its
 * page's stale index (seen on arm64: a 1G page mapped once reported shared
 * on one boot, private on the next).  For those regions the pagemap lines
 * leave PM_MMAP_EXCLUSIVE out and smaps shows Shared_Hugetlb plus
 * Private_Hugetlb as one figure ("X " lines give both); with
 * PTWALK_PROCDIFF_PATCHED=1 in the environment (the patched kernel's run)
 * the program checks that such a page, mapped once, is exclusive and
 * private: "F ok" and "F not ok" lines, out of the TAP count, which is the
 * same on both kernels.  Lines
 * starting with "#" are notes (what could not be made here); "ok" and
 * "not ok" lines are the program's own checks (TAP) that what it set up
 * is what it reads back where the answer is known by construction.
 *
 * Build: gcc -static -O2 -Wall -isystem <installed headers> -o
 * ptwalk_procdiff ptwalk_procdiff.c
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/personality.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/fs.h>
#include <linux/memfd.h>
#include <linux/userfaultfd.h>

typedef uint64_t u64;
#define BIT(n)		(1UL << (n))
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

#define PAGE_SIZE	4096UL
#define PMD_SIZE	BIT(21)
#define PUD_SIZE	BIT(30)

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE	0x100000
#endif
#define RW		(PROT_READ | PROT_WRITE)
#define PRIV_ANON	(MAP_PRIVATE | MAP_ANONYMOUS)
#define HUGE_SHIFT_2M	(21 << 26)
#define HUGE_SHIFT_1G	(30 << 26)
#define HUGE_SHIFT_64K	(16 << 26)
#define HUGE_SHIFT_32M	(25 << 26)
#define HUGE_64K	BIT(16)

/*
 * The arena: 1G-aligned, below every user limit, the same on both kernels.
 * The 1G hugetlb page takes the second gigabyte, async uffd-wp hugetlb the
 * third (where it has no page table of its own until write-protected);
 * everything else the first.
 */
#define ARENA		0x200000000000UL
#define ARENA_LEN	(3 * PUD_SIZE)
#define ARENA_END	(ARENA + ARENA_LEN)

/* Each region: where, how big, and the folio size its pages come in. */
struct region {
	const char *name;
	u64 off;
	u64 len;
	u64 folio;	/* bytes of the folios it maps (PFN offsets) */
	int mapped;
};

enum {
	R_ANON, R_THP, R_THP_PART, R_ZERO, R_MTHP, R_SHMEM, R_FILE_SHARED,
	R_FILE_PRIVATE, R_FORK, R_HUGE, R_HUGE_SHARED_A, R_HUGE_SHARED_B,
	R_PROTNONE, R_MLOCK, R_UFFD_SYNC, R_UFFD_HUGE, R_UFFD_ASYNC,
	R_SOFTDIRTY, R_HUGE_1G, R_UFFD_ASYNC_THP, R_UFFD_ASYNC_HUGE,
	R_POISON, R_POISON_THP, R_POISON_HUGE, R_HUGE_64K, R_UFFD_ASYNC_64K,
	R_HUGE_32M, R_NR,
};

#define MB(x)	((u64)(x) << 20)

static struct region regions[R_NR] = {
	[R_ANON]	  = { "anon-4k",	 MB(0),	  MB(1),  PAGE_SIZE },
	[R_THP]		  = { "thp",		 MB(2),	  MB(2),  PMD_SIZE },
	[R_THP_PART]	  = { "thp-partial",	 MB(6),	  MB(2),  PMD_SIZE },
	[R_ZERO]	  = { "huge-zero",	 MB(10),  MB(2),  PMD_SIZE },
	[R_MTHP]	  = { "mthp-64k",	 MB(14),  MB(1),  BIT(16) },
	[R_SHMEM]	  = { "shmem",		 MB(16),  MB(1),  PAGE_SIZE },
	[R_FILE_SHARED]	  = { "file-shared",	 MB(18),  MB(1),  PAGE_SIZE },
	[R_FILE_PRIVATE]  = { "file-private",	 MB(20),  MB(1),  PAGE_SIZE },
	[R_FORK]	  = { "anon-forked",	 MB(22),  MB(1),  PAGE_SIZE },
	[R_HUGE]	  = { "hugetlb-2m",	 MB(24),  MB(6),  PMD_SIZE },
	[R_HUGE_SHARED_A] = { "hugetlb-shared-a", MB(32), MB(4),  PMD_SIZE },
	[R_HUGE_SHARED_B] = { "hugetlb-shared-b", MB(38), MB(4),  PMD_SIZE },
	[R_PROTNONE]	  = { "prot-none",	 MB(44),  MB(1),  PAGE_SIZE },
	[R_MLOCK]	  = { "mlocked",	 MB(46),  MB(1),  PAGE_SIZE },
	[R_UFFD_SYNC]	  = { "uffd-wp-sync",	 MB(48),  MB(1),  PAGE_SIZE },
	[R_UFFD_HUGE]	  = { "uffd-wp-hugetlb", MB(50),  MB(6),  PMD_SIZE },
	[R_UFFD_ASYNC]	  = { "uffd-wp-async",	 MB(58),  MB(1),  PAGE_SIZE },
	[R_SOFTDIRTY]	  = { "soft-dirty",	 MB(60),  MB(1),  PAGE_SIZE },
	[R_HUGE_1G]	  = { "hugetlb-1g",	 PUD_SIZE, PUD_SIZE, PUD_SIZE },
	[R_UFFD_ASYNC_THP] = { "uffd-wp-async-thp", MB(64), MB(6), PMD_SIZE },
	[R_UFFD_ASYNC_HUGE] = { "uffd-wp-async-hugetlb", 2 * PUD_SIZE, MB(8), PMD_SIZE },
	[R_POISON]	  = { "hwpoison-4k",	 MB(90),  MB(1),  PAGE_SIZE },
	[R_POISON_THP]	  = { "hwpoison-thp",	 MB(92),  MB(2),  PMD_SIZE },
	[R_POISON_HUGE]	  = { "hwpoison-hugetlb", MB(96), MB(4),  PMD_SIZE },
	[R_HUGE_64K]	  = { "hugetlb-64k",	 MB(102), MB(1),  HUGE_64K },
	[R_UFFD_ASYNC_64K] = { "uffd-wp-async-hugetlb-64k", MB(104), MB(1), HUGE_64K },
	[R_HUGE_32M]	  = { "hugetlb-32m",	 MB(128), MB(64), MB(32) },
};

static int tap_n, failed;
/* The patched kernel's run: checks of what 6.12 showed wrongly. */
static int patched;

static void fixed_check(int ok, const char *what)
{
	printf("F %s %s\n", ok ? "ok" : "not ok", what);
	failed |= !ok;
}

static unsigned int fnv(unsigned int h, const void *p, size_t n)
{
	const unsigned char *c = p;

	while (n--)
		h = (h ^ *c++) * 16777619u;
	return h;
}

static void tap(int ok, const char *what)
{
	printf("%s %d %s\n", ok ? "ok" : "not ok", ++tap_n, what);
	failed |= !ok;
}

static u64 at(int r)
{
	return ARENA + regions[r].off;
}

static void poke(u64 addr, unsigned char v)
{
	__atomic_store_n((unsigned char *)addr, v, __ATOMIC_RELAXED);
}

static unsigned char peek(u64 addr)
{
	return __atomic_load_n((unsigned char *)addr, __ATOMIC_RELAXED);
}

/* Write one byte in each page of [addr, addr + len) for which @pick says. */
static void touch(u64 addr, u64 len, int (*pick)(u64 i))
{
	u64 i;

	for (i = 0; i < len / PAGE_SIZE; i++)
		if (!pick || pick(i))
			poke(addr + i * PAGE_SIZE, (unsigned char)(i * 7 + 1));
}

/* Runs of 16 pages, so that the output stays short: every other run ... */
static int every_other(u64 i)
{
	return !((i / 16) & 1);
}

/* ... or every third run. */
static int every_third(u64 i)
{
	return (i / 16) % 3 == 0;
}

static int first_quarter(u64 i)
{
	return i < 64;
}

static int map_region(int r, int prot, int flags, int fd, off_t off)
{
	struct region *g = &regions[r];
	void *p = mmap((void *)at(r), g->len, prot, flags | MAP_FIXED_NOREPLACE,
		       fd, off);

	g->mapped = p == (void *)at(r);
	if (!g->mapped)
		printf("# %s: not mapped (%s)\n", g->name, strerror(errno));
	return g->mapped;
}

static int write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY);
	int ok;

	if (fd < 0)
		return 0;
	ok = write(fd, s, strlen(s)) == (ssize_t)strlen(s);
	close(fd);
	return ok;
}

static int uffd_open(u64 features, u64 *got)
{
	struct uffdio_api api = { .api = UFFD_API, .features = features };
	int fd = syscall(__NR_userfaultfd, O_CLOEXEC | O_NONBLOCK);

	if (fd < 0)
		return -1;
	if (ioctl(fd, UFFDIO_API, &api)) {
		close(fd);
		return -1;
	}
	*got = api.features;
	return fd;
}

static int uffd_wp_register(int fd, u64 addr, u64 len)
{
	struct uffdio_register reg = {
		.range = { .start = addr, .len = len },
		.mode = UFFDIO_REGISTER_MODE_WP,
	};

	return ioctl(fd, UFFDIO_REGISTER, &reg);
}

static int uffd_wp(int fd, u64 addr, u64 len, int on)
{
	struct uffdio_writeprotect wp = {
		.range = { .start = addr, .len = len },
		.mode = on ? UFFDIO_WRITEPROTECT_MODE_WP : 0,
	};

	return ioctl(fd, UFFDIO_WRITEPROTECT, &wp);
}

static int child_pid = -1;
static volatile sig_atomic_t sigbus_seen;

static void on_sigbus(int sig)
{
	(void)sig;
	sigbus_seen++;
}

static void setup(void)
{
	static const char mthp_enabled[] =
		"/sys/kernel/mm/transparent_hugepage/hugepages-64kB/enabled";
	const char *path = "/tmp/ptwalk_procdiff.file";
	int fd, hfd, ufd, ufd_async;
	u64 features, a;

	if (mmap((void *)ARENA, ARENA_LEN, PROT_NONE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED_NOREPLACE,
		 -1, 0) != (void *)ARENA) {
		perror("ptwalk_procdiff: arena");
		exit(1);
	}
	/* The regions replace parts of the arena; the rest stays unmapped. */
	munmap((void *)ARENA, ARENA_LEN);

	/* Anonymous 4K pages: written, read (zero page), untouched. */
	if (map_region(R_ANON, RW, PRIV_ANON, -1, 0)) {
		madvise((void *)at(R_ANON), regions[R_ANON].len, MADV_NOHUGEPAGE);
		touch(at(R_ANON), regions[R_ANON].len, every_other);
		for (a = at(R_ANON) + 16 * PAGE_SIZE; a < at(R_ANON) + MB(1) / 2;
		     a += 32 * PAGE_SIZE)
			(void)peek(a);
	}

	/* A THP, written whole. */
	if (map_region(R_THP, RW, PRIV_ANON, -1, 0)) {
		madvise((void *)at(R_THP), MB(2), MADV_HUGEPAGE);
		touch(at(R_THP), MB(2), NULL);
	}

	/* A THP whose last quarter is unmapped: PTE-mapped afterwards. */
	if (map_region(R_THP_PART, RW, PRIV_ANON, -1, 0)) {
		madvise((void *)at(R_THP_PART), MB(2), MADV_HUGEPAGE);
		touch(at(R_THP_PART), MB(2), NULL);
		munmap((void *)(at(R_THP_PART) + MB(2) - MB(1) / 2), MB(1) / 2);
	}

	/* The huge zero page: a read fault in a THP-enabled range. */
	if (map_region(R_ZERO, RW, PRIV_ANON, -1, 0)) {
		madvise((void *)at(R_ZERO), MB(2), MADV_HUGEPAGE);
		(void)peek(at(R_ZERO) + 5 * PAGE_SIZE);
	}

	/* mTHP: 64K anonymous folios, where the kernel has them. */
	if (write_file(mthp_enabled, "always")) {
		if (map_region(R_MTHP, RW, PRIV_ANON, -1, 0)) {
			madvise((void *)at(R_MTHP), MB(1), MADV_NOHUGEPAGE);
			madvise((void *)at(R_MTHP), MB(1), MADV_HUGEPAGE);
			touch(at(R_MTHP), MB(1) / 2, NULL);
		}
		write_file(mthp_enabled, "never");
	} else {
		printf("# mthp-64k: no 64K mTHP control here\n");
	}

	/* shmem: a memfd, mapped shared, every other page written. */
	fd = syscall(__NR_memfd_create, "ptwalk_procdiff", 0);
	if (fd >= 0 && !ftruncate(fd, MB(1)) &&
	    map_region(R_SHMEM, RW, MAP_SHARED, fd, 0))
		touch(at(R_SHMEM), MB(1), every_other);
	if (fd >= 0)
		close(fd);

	/* A tmpfs file: shared (written), private (read, and written: COW). */
	unlink(path);
	fd = open(path, O_RDWR | O_CREAT | O_EXCL, 0600);
	if (fd >= 0) {
		unlink(path);
		if (!ftruncate(fd, MB(1))) {
			if (map_region(R_FILE_SHARED, RW, MAP_SHARED, fd, 0))
				touch(at(R_FILE_SHARED), MB(1) / 2, every_third);
			if (map_region(R_FILE_PRIVATE, RW, MAP_PRIVATE, fd, 0)) {
				for (a = 0; a < MB(1); a += 32 * PAGE_SIZE)
					(void)peek(at(R_FILE_PRIVATE) + a);
				touch(at(R_FILE_PRIVATE), MB(1), first_quarter);
			}
		}
		close(fd);
	}

	/* Anonymous memory shared with a child after fork(), partly COW-broken. */
	if (map_region(R_FORK, RW, PRIV_ANON, -1, 0)) {
		int pipefd[2];

		madvise((void *)at(R_FORK), MB(1), MADV_NOHUGEPAGE);
		touch(at(R_FORK), MB(1), NULL);
		if (!pipe(pipefd)) {
			child_pid = fork();
			if (child_pid == 0) {
				char c;

				close(pipefd[1]);
				/* Hold the pages until the parent is done. */
				while (read(pipefd[0], &c, 1) < 0 && errno == EINTR)
					;
				_exit(0);
			}
			close(pipefd[0]);
			/* The parent's end stays open: closing it ends the child. */
			touch(at(R_FORK), MB(1), every_third);
		}
	}

	/* hugetlb 2M: the first and third pages written, the second untouched. */
	if (map_region(R_HUGE, RW,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB | HUGE_SHIFT_2M, -1, 0)) {
		poke(at(R_HUGE), 1);
		poke(at(R_HUGE) + 2 * PMD_SIZE + PAGE_SIZE, 2);
	}

	/* A hugetlb memfd mapped twice, shared, written through the first. */
	hfd = syscall(__NR_memfd_create, "ptwalk_procdiff_huge", MFD_HUGETLB | MFD_HUGE_2MB);
	if (hfd >= 0 && !ftruncate(hfd, MB(4))) {
		if (map_region(R_HUGE_SHARED_A, RW, MAP_SHARED, hfd, 0))
			poke(at(R_HUGE_SHARED_A), 3);
		if (map_region(R_HUGE_SHARED_B, PROT_READ, MAP_SHARED, hfd, 0))
			(void)peek(at(R_HUGE_SHARED_B) + PAGE_SIZE);
	} else {
		printf("# hugetlb-shared: no hugetlb memfd (%s)\n", strerror(errno));
	}
	if (hfd >= 0)
		close(hfd);

	/* PROT_NONE: written, then made inaccessible. */
	if (map_region(R_PROTNONE, RW, PRIV_ANON, -1, 0)) {
		madvise((void *)at(R_PROTNONE), MB(1), MADV_NOHUGEPAGE);
		touch(at(R_PROTNONE), MB(1), every_other);
		mprotect((void *)at(R_PROTNONE), MB(1) / 2, PROT_NONE);
	}

	/* mlocked: populated by mlock(). */
	if (map_region(R_MLOCK, RW, PRIV_ANON, -1, 0)) {
		madvise((void *)at(R_MLOCK), MB(1), MADV_NOHUGEPAGE);
		touch(at(R_MLOCK), MB(1), every_third);
		if (mlock((void *)at(R_MLOCK), MB(1) / 2))
			printf("# mlocked: mlock() failed (%s)\n", strerror(errno));
	}

	/*
	 * uffd-wp, sync: written, then write-protected, with markers on the
	 * pages never touched (UFFD_FEATURE_WP_UNPOPULATED); hugetlb too.
	 */
	ufd = uffd_open(UFFD_FEATURE_WP_HUGETLBFS_SHMEM | UFFD_FEATURE_WP_UNPOPULATED,
			&features);
	if (ufd < 0) {
		printf("# uffd-wp: no userfaultfd with WP_UNPOPULATED (%s)\n", strerror(errno));
	} else {
		if (map_region(R_UFFD_SYNC, RW, PRIV_ANON, -1, 0)) {
			madvise((void *)at(R_UFFD_SYNC), MB(1), MADV_NOHUGEPAGE);
			touch(at(R_UFFD_SYNC), MB(1), every_other);
			if (uffd_wp_register(ufd, at(R_UFFD_SYNC), MB(1)) ||
			    uffd_wp(ufd, at(R_UFFD_SYNC), MB(1) / 2, 1))
				printf("# uffd-wp-sync: %s\n", strerror(errno));
		}
		if (map_region(R_UFFD_HUGE, RW,
			       MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB | HUGE_SHIFT_2M, -1, 0)) {
			poke(at(R_UFFD_HUGE), 4);
			if (uffd_wp_register(ufd, at(R_UFFD_HUGE), MB(6)) ||
			    uffd_wp(ufd, at(R_UFFD_HUGE), MB(4), 1))
				printf("# uffd-wp-hugetlb: %s\n", strerror(errno));
		}
	}

	/* uffd-wp, async: protected, then written in part (no fault delivered). */
	ufd_async = uffd_open(UFFD_FEATURE_WP_ASYNC | UFFD_FEATURE_WP_UNPOPULATED |
			      UFFD_FEATURE_WP_HUGETLBFS_SHMEM, &features);
	if (ufd_async < 0) {
		printf("# uffd-wp-async: no userfaultfd with WP_ASYNC (%s)\n", strerror(errno));
	} else if (map_region(R_UFFD_ASYNC, RW, PRIV_ANON, -1, 0)) {
		madvise((void *)at(R_UFFD_ASYNC), MB(1), MADV_NOHUGEPAGE);
		touch(at(R_UFFD_ASYNC), MB(1), every_third);
		if (uffd_wp_register(ufd_async, at(R_UFFD_ASYNC), MB(1)) ||
		    uffd_wp(ufd_async, at(R_UFFD_ASYNC), MB(1), 1))
			printf("# uffd-wp-async: %s\n", strerror(errno));
		else
			touch(at(R_UFFD_ASYNC), MB(1) / 2, every_other);
	}

	/*
	 * uffd-wp, async, THP: three THPs written (a write to a protected one
	 * would split it), registered, and the third zapped (its PMD none: a
	 * missing PTE table).  hugetlb: no page written nor protected yet, in
	 * a gigabyte of its own (no PMD table).
	 */
	if (ufd_async >= 0 && map_region(R_UFFD_ASYNC_THP, RW, PRIV_ANON, -1, 0)) {
		a = at(R_UFFD_ASYNC_THP);
		madvise((void *)a, MB(6), MADV_HUGEPAGE);
		touch(a, MB(6), NULL);
		if (uffd_wp_register(ufd_async, a, MB(6)))
			printf("# uffd-wp-async-thp: %s\n", strerror(errno));
		madvise((void *)(a + MB(4)), MB(2), MADV_DONTNEED);
	}
	if (ufd_async >= 0 &&
	    map_region(R_UFFD_ASYNC_HUGE, RW,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB | HUGE_SHIFT_2M, -1, 0) &&
	    uffd_wp_register(ufd_async, at(R_UFFD_ASYNC_HUGE), MB(8)))
		printf("# uffd-wp-async-hugetlb: %s\n", strerror(errno));

	/*
	 * Memory failure (MADV_HWPOISON, as root): a poisoned 4K page, a
	 * page of a THP (split), a hugetlb page; hwpoison entries from then
	 * on, which nothing here touches again.  MADV_HWPOISON poisons with
	 * MF_ACTION_REQUIRED: the caller gets a SIGBUS, which is counted.
	 */
	sigaction(SIGBUS, &(struct sigaction){ .sa_handler = on_sigbus }, NULL);
	if (map_region(R_POISON, RW, PRIV_ANON, -1, 0)) {
		madvise((void *)at(R_POISON), MB(1), MADV_NOHUGEPAGE);
		touch(at(R_POISON), MB(1), NULL);
		if (madvise((void *)(at(R_POISON) + 3 * PAGE_SIZE), PAGE_SIZE, MADV_HWPOISON))
			printf("# hwpoison-4k: %s\n", strerror(errno));
	}
	if (map_region(R_POISON_THP, RW, PRIV_ANON, -1, 0)) {
		madvise((void *)at(R_POISON_THP), MB(2), MADV_HUGEPAGE);
		touch(at(R_POISON_THP), MB(2), NULL);
		if (madvise((void *)(at(R_POISON_THP) + 5 * PAGE_SIZE), PAGE_SIZE,
			    MADV_HWPOISON))
			printf("# hwpoison-thp: %s\n", strerror(errno));
	}
	if (map_region(R_POISON_HUGE, RW,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB | HUGE_SHIFT_2M, -1, 0)) {
		touch(at(R_POISON_HUGE), MB(4), NULL);
		if (madvise((void *)(at(R_POISON_HUGE) + PMD_SIZE), PAGE_SIZE, MADV_HWPOISON))
			printf("# hwpoison-hugetlb: %s\n", strerror(errno));
	}

	printf("# hwpoison: %d SIGBUS\n", (int)sigbus_seen);

	/* Soft-dirty: written, clear_refs, then written in part. */
	if (map_region(R_SOFTDIRTY, RW, PRIV_ANON, -1, 0)) {
		madvise((void *)at(R_SOFTDIRTY), MB(1), MADV_NOHUGEPAGE);
		touch(at(R_SOFTDIRTY), MB(1), NULL);
		if (!write_file("/proc/self/clear_refs", "4"))
			printf("# soft-dirty: no clear_refs (%s)\n", strerror(errno));
		touch(at(R_SOFTDIRTY), MB(1), every_third);
	}

	/* hugetlb 1G, when the pool has a page. */
	if (map_region(R_HUGE_1G, RW,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB | HUGE_SHIFT_1G, -1, 0))
		poke(at(R_HUGE_1G) + PMD_SIZE, 5);

	/*
	 * The contiguous hugetlb sizes (arm64): 64K pages, one in two of the
	 * first half written, the rest untouched; async uffd-wp 64K pages
	 * (protected and written in show_wp_huge()); two 32M pages, the
	 * second written at its third 4K page, the first untouched.
	 */
	if (map_region(R_HUGE_64K, RW,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB | HUGE_SHIFT_64K, -1, 0))
		for (a = 0; a < MB(1) / 2; a += 2 * HUGE_64K)
			poke(at(R_HUGE_64K) + a + PAGE_SIZE, 6);
	if (ufd_async >= 0 &&
	    map_region(R_UFFD_ASYNC_64K, RW,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB | HUGE_SHIFT_64K, -1, 0) &&
	    uffd_wp_register(ufd_async, at(R_UFFD_ASYNC_64K), MB(1)))
		printf("# uffd-wp-async-hugetlb-64k: %s\n", strerror(errno));
	if (map_region(R_HUGE_32M, RW,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB | HUGE_SHIFT_32M, -1, 0))
		poke(at(R_HUGE_32M) + MB(32) + 2 * PAGE_SIZE, 7);
}

#define PM_MMAP_EXCLUSIVE	BIT(56)

/* A hugetlb region whose entries are not PMDs: PTEs (64K) or a PUD (1G). */
static int pte_hugetlb(int r)
{
	return r == R_HUGE_64K || r == R_UFFD_ASYNC_64K || r == R_HUGE_1G;
}

static int pte_hugetlb_mapped(void)
{
	int r;

	for (r = 0; r < R_NR; r++)
		if (pte_hugetlb(r) && regions[r].mapped)
			return 1;
	return 0;
}

/*
 * One line of an smaps entry (or of smaps_rollup, @tag "rollup", whose
 * shared/private split counts them too): in an entry of hugetlb pages
 * mapped by PTEs or PUDs (KernelPageSize above 4K and below 2M, or 1G and
 * above), Shared_Hugetlb and Private_Hugetlb as their sum (see the top of
 * the file).
 */
static void smaps_line(const char *tag, const char *line)
{
	static unsigned long kps, shared;
	static int split_ok = 1;
	unsigned long v;

	if (sscanf(line, "KernelPageSize: %lu", &v) == 1) {
		kps = v;
		split_ok = kps <= PAGE_SIZE / 1024 ||
			   (kps >= PMD_SIZE / 1024 && kps < PUD_SIZE / 1024);
	}
	if (!strcmp(tag, "rollup"))
		split_ok = !pte_hugetlb_mapped();
	if (!split_ok && sscanf(line, "Shared_Hugetlb: %lu", &v) == 1) {
		printf("X %s   %s\n", tag, line);
		shared = v;
		return;
	}
	if (!split_ok && sscanf(line, "Private_Hugetlb: %lu", &v) == 1) {
		printf("X %s   %s\n", tag, line);
		printf("P %s   Shared_Hugetlb+Private_Hugetlb: %lu kB\n", tag, shared + v);
		if (patched && strcmp(tag, "rollup"))
			fixed_check(shared == 0,
				    "smaps: PTE- or PUD-mapped hugetlb pages mapped once are private");
		return;
	}
	printf("P %s   %s\n", tag, line);
}

/*
 * /proc/self/smaps or numa_maps: the arena's entries, their addresses made
 * relative.  @header says whether a line starts an entry (and gives its
 * address range); the other lines of an entry are printed as they are.
 */
static void show_maps(const char *file, const char *tag, int with_end)
{
	char line[512];
	FILE *f = fopen(file, "r");
	int in_arena = 0;

	if (!f) {
		printf("# %s: %s\n", file, strerror(errno));
		return;
	}
	while (fgets(line, sizeof(line), f)) {
		unsigned long start, end;
		char *rest;
		int n = 0;

		line[strcspn(line, "\n")] = 0;
		if (with_end ? sscanf(line, "%lx-%lx %n", &start, &end, &n) == 2 && n :
			       sscanf(line, "%lx %n", &start, &n) == 1 && n) {
			rest = line + n;
			in_arena = start >= ARENA && start < ARENA_END;
			if (!in_arena)
				continue;
			if (with_end) {
				char perms[8] = "", name[256] = "";
				unsigned long off = 0;

				/*
				 * perms offset dev inode name: the device and
				 * inode numbers differ from boot to boot.
				 */
				if (sscanf(rest, "%7s %lx %*s %*s %255[^\n]", perms, &off,
					   name) < 2)
					printf("# %s: unexpected line: %s\n", tag, line);
				printf("P %s +%#lx-+%#lx %s %lx %s\n", tag, start - ARENA,
				       end - ARENA, perms, off, name);
			} else {
				printf("P %s +%#lx %s\n", tag, start - ARENA, rest);
			}
			continue;
		}
		if (in_arena)
			smaps_line(tag, line);
	}
	fclose(f);
}

static void show_rollup(void)
{
	char line[512];
	FILE *f = fopen("/proc/self/smaps_rollup", "r");

	if (!f) {
		printf("# smaps_rollup: %s\n", strerror(errno));
		return;
	}
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = 0;
		/* The first line gives the span of the whole address space. */
		if (strchr(line, '['))
			continue;
		smaps_line("rollup", line);
	}
	fclose(f);
}

#define PM_PFN_MASK	(BIT(55) - 1)
#define PM_PRESENT	BIT(63)
#define PM_SWAP		BIT(62)
#define PM_UFFD_WP	BIT(57)
/* A non-present entry's frame: swap type (5 bits), then offset. */
#define PM_SWP_TYPE_MASK	0x1fUL
#define PM_SWP_OFFSET(v)	(((v) & PM_PFN_MASK) >> 5)

/*
 * The PFN of the shared zero page, which a read fault of a 4K page maps (the
 * anon-4k region reads one in two runs of its first half), and which THP
 * splits map in place of pages of zeroes (6.12: "remap unused subpages to
 * shared zeropage"): its place differs from kernel image to kernel image.
 */
static u64 zero_pfn(int pm)
{
	u64 v;

	if (!regions[R_ANON].mapped ||
	    pread(pm, &v, 8, (at(R_ANON) + 16 * PAGE_SIZE) / PAGE_SIZE * 8) != 8 ||
	    !(v & PM_PRESENT))
		return 0;
	return v & PM_PFN_MASK;
}

/*
 * pagemap: the flag bits of every page, the PFN as an offset in its folio,
 * and the zero page's as PM_PFN_MASK.
 */
static void show_pagemap(int pm)
{
	u64 zero = zero_pfn(pm);
	int r;

	for (r = 0; r < R_NR; r++) {
		struct region *g = &regions[r];
		u64 n = g->len / PAGE_SIZE, i, run = 0, last = ~0UL;
		u64 *buf;

		if (!g->mapped)
			continue;
		/* A 1G page: the first 2M is enough to show it. */
		if (r == R_HUGE_1G)
			n = PMD_SIZE / PAGE_SIZE * 2;
		buf = calloc(n, sizeof(*buf));
		if (!buf || pread(pm, buf, n * 8, (at(r) / PAGE_SIZE) * 8) != (ssize_t)(n * 8)) {
			printf("P pagemap %s read failed: %s\n", g->name, strerror(errno));
			free(buf);
			continue;
		}
		/* Runs of equal values, so that the output stays small. */
		for (i = 0; i <= n; i++) {
			u64 v = ~0UL;

			if (i < n) {
				u64 idx = (at(r) / PAGE_SIZE) + i;
				u64 fp = g->folio / PAGE_SIZE;

				v = buf[i] & ~PM_PFN_MASK;
				if (pte_hugetlb(r) && (buf[i] & PM_PRESENT)) {
					if (patched && i % fp == 0)
						fixed_check(!!(buf[i] & PM_MMAP_EXCLUSIVE),
							    "pagemap: a PTE- or PUD-mapped hugetlb page mapped once is exclusive");
					v &= ~PM_MMAP_EXCLUSIVE;
				}
				if ((buf[i] & PM_PRESENT) && zero &&
				    (buf[i] & PM_PFN_MASK) == zero)
					v |= PM_PFN_MASK;
				else if ((buf[i] & PM_PRESENT) && (buf[i] & PM_PFN_MASK))
					v |= ((buf[i] & PM_PFN_MASK) - idx) & (fp - 1);
				else if ((buf[i] & PM_SWAP) && PM_SWP_OFFSET(buf[i]) > 0xfff)
					/* An offset that is a PFN (hwpoison): its type. */
					v |= buf[i] & PM_SWP_TYPE_MASK;
				else
					v |= buf[i] & PM_PFN_MASK & -!!(buf[i] & PM_SWAP);
			}
			if (i && v == last) {
				run++;
				continue;
			}
			if (i)
				printf("P pagemap %s +%#lx x%lu %016lx\n", g->name,
				       (i - run - 1) * PAGE_SIZE, run + 1, last);
			last = v;
			run = 0;
		}
		free(buf);
	}
}

static const struct {
	const char *name;
	u64 cat;
} cats[] = {
	{ "wpallowed", PAGE_IS_WPALLOWED }, { "written", PAGE_IS_WRITTEN },
	{ "file", PAGE_IS_FILE }, { "present", PAGE_IS_PRESENT },
	{ "swapped", PAGE_IS_SWAPPED }, { "pfnzero", PAGE_IS_PFNZERO },
	{ "huge", PAGE_IS_HUGE }, { "soft-dirty", PAGE_IS_SOFT_DIRTY },
};

#define ALL_CATS	(PAGE_IS_WPALLOWED | PAGE_IS_WRITTEN | PAGE_IS_FILE | \
			 PAGE_IS_PRESENT | PAGE_IS_SWAPPED | PAGE_IS_PFNZERO | \
			 PAGE_IS_HUGE | PAGE_IS_SOFT_DIRTY)
#define MAX_REGIONS	4096

/*
 * One PAGEMAP_SCAN over [start, end): its regions and where it stopped.
 * @inverted flips categories before @required and @anyof test them.
 */
static void scan_inv(int pm, const char *tag, u64 start, u64 end, u64 flags,
		     u64 inverted, u64 required, u64 anyof, u64 ret)
{
	static struct page_region rgn[MAX_REGIONS];
	struct pm_scan_arg arg = {
		.size = sizeof(arg),
		.flags = flags,
		.start = start,
		.end = end,
		.vec = (u64)(uintptr_t)rgn,
		.vec_len = MAX_REGIONS,
		.category_inverted = inverted,
		.category_mask = required,
		.category_anyof_mask = anyof,
		.return_mask = ret,
	};
	long n = ioctl(pm, PAGEMAP_SCAN, &arg);
	unsigned int h = 2166136261u;
	long i;

	printf("P scan %s ret %ld errno %d walk_end +%#llx\n", tag, n,
	       n < 0 ? errno : 0, (unsigned long long)(arg.walk_end - ARENA));
	/*
	 * The regions of a scan of one region, and of a scan of the arena
	 * (whose regions the per-region scans show) a digest.
	 */
	for (i = 0; i < n; i++) {
		struct page_region rel = {
			.start = rgn[i].start - ARENA,
			.end = rgn[i].end - ARENA,
			.categories = rgn[i].categories,
		};

		if (end - start <= MB(64))
			printf("P scan %s +%#llx-+%#llx %#llx\n", tag,
			       (unsigned long long)rel.start,
			       (unsigned long long)rel.end,
			       (unsigned long long)rel.categories);
		h = fnv(h, &rel, sizeof(rel));
	}
	printf("P scan %s digest %08x\n", tag, h);
}

static void scan(int pm, const char *tag, u64 start, u64 end, u64 flags,
		 u64 required, u64 anyof, u64 ret)
{
	scan_inv(pm, tag, start, end, flags, 0, required, anyof, ret);
}

static void show_scans(int pm)
{
	char tag[64];
	unsigned int c;
	int r;

	for (c = 0; c < ARRAY_SIZE(cats); c++) {
		snprintf(tag, sizeof(tag), "required-%s", cats[c].name);
		scan(pm, tag, ARENA, ARENA_END, 0, cats[c].cat, 0, ALL_CATS);
		snprintf(tag, sizeof(tag), "inverted-%s", cats[c].name);
		scan_inv(pm, tag, ARENA, ARENA_END, 0, cats[c].cat, cats[c].cat, 0,
			 ALL_CATS);
	}
	scan(pm, "all", ARENA, ARENA_END, 0, 0, ALL_CATS, ALL_CATS);
	/* Per region, so that a short vector in one does not hide the next. */
	for (r = 0; r < R_NR; r++)
		if (regions[r].mapped) {
			snprintf(tag, sizeof(tag), "region-%s", regions[r].name);
			scan(pm, tag, at(r), at(r) + regions[r].len, 0, 0, ALL_CATS,
			     ALL_CATS);
		}
	/* A small vector: where the walk stops. */
	{
		static struct page_region rgn[3];
		struct pm_scan_arg arg = {
			.size = sizeof(arg), .start = ARENA, .end = ARENA_END,
			.vec = (u64)(uintptr_t)rgn, .vec_len = 3,
			.category_anyof_mask = ALL_CATS, .return_mask = ALL_CATS,
			.max_pages = 300,
		};
		long n = ioctl(pm, PAGEMAP_SCAN, &arg);

		printf("P scan max-pages ret %ld walk_end +%#llx\n", n,
		       (unsigned long long)(arg.walk_end - ARENA));
	}
}

/* PAGEMAP_SCAN's write-protect operation alone, with no vector. */
static void scan_novec(int pm, const char *tag, u64 start, u64 end)
{
	struct pm_scan_arg arg = {
		.size = sizeof(arg),
		.flags = PM_SCAN_WP_MATCHING | PM_SCAN_CHECK_WPASYNC,
		.start = start,
		.end = end,
		.category_mask = PAGE_IS_WRITTEN,
		.return_mask = PAGE_IS_WRITTEN,
	};
	long n = ioctl(pm, PAGEMAP_SCAN, &arg);

	printf("P scan %s ret %ld errno %d walk_end +%#llx\n", tag, n,
	       n < 0 ? errno : 0, (unsigned long long)(arg.walk_end - ARENA));
}

/*
 * The write-protect operation on huge pages: THPs protected whole and in
 * part (split), a missing PTE table (markers); hugetlb pages protected
 * whole, in part (refused), and a missing PMD table (markers).
 */
static void show_wp_huge(int pm)
{
	const u64 wp = PM_SCAN_WP_MATCHING | PM_SCAN_CHECK_WPASYNC;
	u64 a = at(R_UFFD_ASYNC_THP), h = at(R_UFFD_ASYNC_HUGE);
	u64 c = at(R_UFFD_ASYNC_64K);

	if (regions[R_UFFD_ASYNC_THP].mapped) {
		scan(pm, "wp-thp-before", a, a + MB(6), 0, 0, ALL_CATS, ALL_CATS);
		scan(pm, "wp-thp-op", a + PAGE_SIZE, a + MB(6), wp, PAGE_IS_WRITTEN, 0,
		     PAGE_IS_WRITTEN);
		scan(pm, "wp-thp-after", a, a + MB(6), 0, 0, ALL_CATS, ALL_CATS);
	}
	if (regions[R_UFFD_ASYNC_HUGE].mapped) {
		scan(pm, "wp-hugetlb-hole-op", h, h + MB(8), wp, 0, ALL_CATS, ALL_CATS);
		scan(pm, "wp-hugetlb-hole-after", h, h + MB(8), 0, 0, ALL_CATS, ALL_CATS);
		touch(h, MB(4), NULL);
		scan(pm, "wp-hugetlb-written", h, h + MB(8), 0, 0, ALL_CATS, ALL_CATS);
		scan(pm, "wp-hugetlb-op", h + PAGE_SIZE, h + MB(8), wp, PAGE_IS_WRITTEN, 0,
		     PAGE_IS_WRITTEN);
		scan(pm, "wp-hugetlb-after", h, h + MB(8), 0, 0, ALL_CATS, ALL_CATS);
	}
	/*
	 * Contiguous hugetlb entries (arm64 64K pages: 16 PTEs each): the
	 * untouched range protected (markers), the first half written, then
	 * protected from its second 4K page: the first 64K page only in part
	 * (refused), the others whole, each as one entry of 16 PTEs.
	 */
	if (regions[R_UFFD_ASYNC_64K].mapped) {
		scan(pm, "wp-cont-hole-op", c + MB(1) / 2, c + MB(1), wp, 0, ALL_CATS,
		     ALL_CATS);
		touch(c, MB(1) / 2, NULL);
		scan(pm, "wp-cont-written", c, c + MB(1), 0, 0, ALL_CATS, ALL_CATS);
		scan(pm, "wp-cont-op", c + PAGE_SIZE, c + MB(1), wp, PAGE_IS_WRITTEN, 0,
		     PAGE_IS_WRITTEN);
		scan(pm, "wp-cont-after", c, c + MB(1), 0, 0, ALL_CATS, ALL_CATS);
		touch(c + 3 * HUGE_64K, HUGE_64K, NULL);
		scan(pm, "wp-cont-rewritten", c, c + MB(1), 0, 0, ALL_CATS, ALL_CATS);
	}
}

/* The write-protect operation of PAGEMAP_SCAN on the async uffd-wp region. */
static void show_wp(int pm)
{
	u64 a = at(R_UFFD_ASYNC), len = regions[R_UFFD_ASYNC].len;

	if (!regions[R_UFFD_ASYNC].mapped)
		return;
	scan(pm, "wp-before", a, a + len, 0, PAGE_IS_WRITTEN, 0, ALL_CATS);
	scan(pm, "wp-op", a, a + len, PM_SCAN_WP_MATCHING | PM_SCAN_CHECK_WPASYNC,
	     PAGE_IS_WRITTEN, 0, PAGE_IS_WRITTEN);
	scan(pm, "wp-after", a, a + len, 0, 0, ALL_CATS, ALL_CATS);
	touch(a + len / 2, len / 4, NULL);
	scan(pm, "wp-rewritten", a, a + len, 0, PAGE_IS_WRITTEN, 0, ALL_CATS);
	/* Write-protect only (no vector): every PTE not protected yet. */
	scan_novec(pm, "wp-novec", a, a + len / 2);
	scan(pm, "wp-novec-after", a, a + len, 0, 0, ALL_CATS, ALL_CATS);
	show_wp_huge(pm);
	/* The whole arena, where most VMAs have no async uffd-wp: refused. */
	scan(pm, "wp-arena", ARENA, ARENA_END, PM_SCAN_WP_MATCHING | PM_SCAN_CHECK_WPASYNC,
	     PAGE_IS_WRITTEN, 0, PAGE_IS_WRITTEN);
}

/*
 * mbind(MPOL_BIND, MPOL_MF_MOVE | MPOL_MF_STRICT) to the last node over 4K
 * pages, a THP and hugetlb pages (queue_pages_range() finds the pages to
 * migrate), and the node move_pages() finds each page on afterwards.  Run
 * last: it moves pages.  With one node there is nothing to move.
 */
static void show_mbind(void)
{
	static const struct {
		const char *name;
		u64 off, len;
		int flags, advice;
	} m[] = {
		{ "4k", MB(72), MB(1), PRIV_ANON, MADV_NOHUGEPAGE },
		{ "thp", MB(74), MB(2), PRIV_ANON, MADV_HUGEPAGE },
		{ "hugetlb", MB(78), MB(4), PRIV_ANON | MAP_HUGETLB | HUGE_SHIFT_2M, 0 },
		/* Contiguous PTEs on arm64; not mapped elsewhere. */
		{ "hugetlb-64k", MB(84), MB(1), PRIV_ANON | MAP_HUGETLB | HUGE_SHIFT_64K, 0 },
	};
	static void *pages[MB(4) / PAGE_SIZE];
	static int status[MB(4) / PAGE_SIZE];
	char online[64] = "", what[64];
	unsigned int i, j;
	int last = 0;
	FILE *f;

	f = fopen("/sys/devices/system/node/online", "r");
	if (f) {
		if (!fgets(online, sizeof(online), f))
			online[0] = '\0';
		fclose(f);
	}
	if (strchr(online, '-'))
		last = atoi(strchr(online, '-') + 1);
	printf("P mbind nodes online %s", online[0] ? online : "?\n");
	if (last <= 0)
		return;
	for (i = 0; i < ARRAY_SIZE(m); i++) {
		u64 a = ARENA + m[i].off, n = m[i].len / PAGE_SIZE, on_last = 0;
		unsigned long mask = 1UL << last;
		long ret;

		if (mmap((void *)a, m[i].len, RW, m[i].flags | MAP_FIXED_NOREPLACE,
			 -1, 0) != (void *)a) {
			printf("# mbind %s: not mapped (%s)\n", m[i].name, strerror(errno));
			continue;
		}
		if (m[i].advice)
			madvise((void *)a, m[i].len, m[i].advice);
		touch(a, m[i].len, NULL);
		ret = syscall(__NR_mbind, a, m[i].len, 2 /* MPOL_BIND */, &mask,
			      sizeof(mask) * 8, 3 /* MPOL_MF_STRICT | MPOL_MF_MOVE */);
		printf("P mbind %s ret %ld errno %d\n", m[i].name, ret, ret ? errno : 0);
		for (j = 0; j < n; j++)
			pages[j] = (void *)(a + j * PAGE_SIZE);
		ret = syscall(__NR_move_pages, 0, n, pages, NULL, status, 0);
		for (j = 0; ret == 0 && j < n; j++)
			on_last += status[j] == last;
		printf("P mbind %s move_pages ret %ld: %llu of %llu pages on node %d\n",
		       m[i].name, ret, (unsigned long long)on_last,
		       (unsigned long long)n, last);
		snprintf(what, sizeof(what), "mbind moved %s to node %d", m[i].name, last);
		tap(ret == 0 && on_last == n, what);
	}
}

static void show_mincore(void)
{
	static unsigned char vec[MB(64) / PAGE_SIZE];
	u64 i, run = 0;
	int r;

	for (r = 0; r < R_NR; r++) {
		struct region *g = &regions[r];
		u64 n = g->len / PAGE_SIZE;
		int ret;

		if (!g->mapped)
			continue;
		if (n > ARRAY_SIZE(vec))
			n = ARRAY_SIZE(vec);
		ret = mincore((void *)at(r), n * PAGE_SIZE, vec);
		printf("P mincore %s ret %d errno %d\n", g->name, ret, ret ? errno : 0);
		if (ret)
			continue;
		for (i = 1, run = 0; i <= n; i++) {
			if (i < n && vec[i] == vec[i - 1]) {
				run++;
				continue;
			}
			printf("P mincore %s +%#lx x%lu %d\n", g->name,
			       (i - run - 1) * PAGE_SIZE, run + 1, vec[i - 1]);
			run = 0;
		}
	}
	/* Over the gaps between regions: ENOMEM where nothing is mapped. */
	printf("P mincore arena ret %d errno %d\n",
	       mincore((void *)ARENA, MB(64), vec), errno);
}

/* What is known by construction. */
/* 1 if the pagemap entry of @addr has @bit, 0 if not, -1 on an error. */
static int pagemap_has(int pm, u64 addr, u64 bit)
{
	u64 v;

	if (pread(pm, &v, 8, addr / PAGE_SIZE * 8) != 8)
		return -1;
	return !!(v & bit);
}

static void self_checks(int pm)
{
	u64 v;

	if (regions[R_THP].mapped) {
		tap(pread(pm, &v, 8, at(R_THP) / PAGE_SIZE * 8) == 8 && (v & PM_PRESENT),
		    "the THP region is present");
	}
	if (regions[R_ANON].mapped) {
		tap(pread(pm, &v, 8, (at(R_ANON) + MB(1) - PAGE_SIZE) / PAGE_SIZE * 8) == 8 &&
		    !(v & PM_PRESENT), "the last page of anon-4k was never touched");
		tap(pread(pm, &v, 8, at(R_ANON) / PAGE_SIZE * 8) == 8 && (v & PM_PRESENT),
		    "the first page of anon-4k is present");
	}
	if (regions[R_HUGE].mapped) {
		tap(pread(pm, &v, 8, (at(R_HUGE) + PMD_SIZE) / PAGE_SIZE * 8) == 8 &&
		    !(v & PM_PRESENT), "the second hugetlb page was never touched");
		tap(pread(pm, &v, 8, (at(R_HUGE) + 2 * PMD_SIZE + 9 * PAGE_SIZE) /
			  PAGE_SIZE * 8) == 8 && (v & PM_PRESENT),
		    "the third hugetlb page is present");
	}
	if (regions[R_UFFD_ASYNC_THP].mapped) {
		u64 a = at(R_UFFD_ASYNC_THP);

		tap(pagemap_has(pm, a + PAGE_SIZE, PM_UFFD_WP) == 1 &&
		    pagemap_has(pm, a, PM_UFFD_WP) == 0,
		    "a THP write-protected from its second page: all but its first");
		tap(pagemap_has(pm, a + MB(2), PM_UFFD_WP) == 1,
		    "a THP write-protected whole");
		tap(pagemap_has(pm, a + MB(5), PM_UFFD_WP) == 1,
		    "a missing PTE table write-protected (a marker)");
	}
	if (regions[R_UFFD_ASYNC_HUGE].mapped) {
		u64 h = at(R_UFFD_ASYNC_HUGE);

		tap(pagemap_has(pm, h + PAGE_SIZE, PM_UFFD_WP) == 0,
		    "a hugetlb page write-protected in part: not at all");
		tap(pagemap_has(pm, h + MB(2), PM_UFFD_WP) == 1,
		    "a hugetlb page write-protected whole");
	}
	if (regions[R_UFFD_ASYNC_64K].mapped) {
		u64 c = at(R_UFFD_ASYNC_64K);

		tap(pagemap_has(pm, c + PAGE_SIZE, PM_UFFD_WP) == 0,
		    "a 64K hugetlb page write-protected in part: not at all");
		tap(pagemap_has(pm, c + HUGE_64K + 15 * PAGE_SIZE, PM_UFFD_WP) == 1 &&
		    pagemap_has(pm, c + 2 * HUGE_64K, PM_UFFD_WP) == 1,
		    "64K hugetlb pages write-protected whole, to their last 4K");
		tap(pagemap_has(pm, c + 3 * HUGE_64K + 8 * PAGE_SIZE, PM_UFFD_WP) == 0,
		    "a 64K hugetlb page written after protection: not protected");
	}
	if (regions[R_HUGE_32M].mapped) {
		u64 g = at(R_HUGE_32M);

		tap(pagemap_has(pm, g + MB(32) + MB(31), PM_PRESENT) == 1 &&
		    pagemap_has(pm, g + MB(31), PM_PRESENT) == 0,
		    "the second 32M hugetlb page is present to its end, the first not");
	}
	tap(peek(at(R_ANON) + 2 * PAGE_SIZE) == 15, "anon-4k reads back");
}

int main(int argc, char **argv)
{
	int pm;

	(void)argc;
	/* The same addresses on both kernels. */
	if (!(personality(0xffffffff) & ADDR_NO_RANDOMIZE)) {
		personality(ADDR_NO_RANDOMIZE);
		execv("/proc/self/exe", argv);
		perror("ptwalk_procdiff: execv");
		return 1;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	patched = getenv("PTWALK_PROCDIFF_PATCHED") &&
		  !strcmp(getenv("PTWALK_PROCDIFF_PATCHED"), "1");
	/*
	 * On CPU 0 only: pages are allocated on its node, on a guest with
	 * a CPU per node too (numa_maps' N<node>= counts).
	 */
	{
		cpu_set_t cpus;

		CPU_ZERO(&cpus);
		CPU_SET(0, &cpus);
		if (sched_setaffinity(0, sizeof(cpus), &cpus))
			printf("# sched_setaffinity: %s\n", strerror(errno));
	}
	setup();
	pm = open("/proc/self/pagemap", O_RDONLY);
	if (pm < 0) {
		perror("ptwalk_procdiff: /proc/self/pagemap");
		return 1;
	}
	show_maps("/proc/self/smaps", "smaps", 1);
	show_rollup();
	show_pagemap(pm);
	show_scans(pm);
	show_wp(pm);
	show_maps("/proc/self/numa_maps", "numa_maps", 0);
	show_mincore();
	self_checks(pm);
	show_mbind();
	if (child_pid > 0) {
		kill(child_pid, SIGKILL);
		waitpid(child_pid, NULL, 0);
	}
	printf("1..%d\n", tap_n);
	return failed;
}

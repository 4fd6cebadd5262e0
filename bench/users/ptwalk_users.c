// SPDX-License-Identifier: GPL-2.0
/*
 * ptwalk_users: the users' view of the page table walkers.
 *
 * Times what user space sees of the walkers the series changes: mincore()
 * over a whole mapping, one pread() of /proc/self/pagemap for a whole
 * mapping (8 bytes per page), one PAGEMAP_SCAN ioctl for the present pages
 * of a whole mapping, full reads of /proc/self/smaps, smaps_rollup and
 * numa_maps (every VMA: open, read to the end, close), and one move_pages()
 * that asks for the node of every page of a whole mapping (no nodes given:
 * do_pages_stat(), a folio_walk_start() per page), over four mappings,
 * one at a time,
 * each populated by writing every page before it is timed:
 *
 *   anon-4k     256 MiB anonymous, MADV_NOHUGEPAGE (4K pages)
 *   thp         256 MiB anonymous, 2M-aligned, MADV_HUGEPAGE (PMD leaves)
 *   hugetlb-2M  128 MiB MAP_HUGETLB | MAP_HUGE_2MB (PMD leaves)
 *   hugetlb-1G  1 GiB MAP_HUGETLB | MAP_HUGE_1GB (a PUD leaf), if the
 *               pool has a free 1G page
 *
 * and on arm64, where a block of 16 contiguous PTEs (or PMDs) maps one
 * folio and the patched walkers stop once a block:
 *
 *   contpte-64K 256 MiB anonymous, MADV_HUGEPAGE with 64K mTHP "always"
 *               and 2M THP "never" while the mapping exists (contpte
 *               blocks of 16 PTEs), the settings restored after
 *   hugetlb-64K 64 MiB MAP_HUGETLB | MAP_HUGE_64KB (contiguous PTEs)
 *   hugetlb-32M 128 MiB MAP_HUGETLB | MAP_HUGE_32MB (contiguous PMDs)
 *
 * One untimed round, then REPS rounds, the three walkers interleaved in
 * each; CLOCK_MONOTONIC; the median is reported, one line per scenario and
 * walker, in the format of build/bench/<platform>.results:
 *
 *   USERS <scenario>|<walker>|<median ns>|<pages>|<range pages>|<reps>
 *
 * <pages> is the number of mapped 4K pages the walker reported (resident
 * for mincore(), present for pagemap and PAGEMAP_SCAN, Rss plus hugetlb for
 * smaps, the node's pages of the mapping for numa_maps; smaps_rollup sums
 * every VMA and is not counted), so a
 * walker that skips work shows; <range pages> the size of the mapping in
 * 4K pages.  Other lines start with "USERS-INFO ", "USERS-WARN " or
 * "USERS-SKIP ".  The run stops before any measurement when the clock
 * advances in steps of 1 ms or more (a jiffies clocksource).
 *
 * Build: gcc -static -O2 -Wall -o ptwalk_users ptwalk_users.c
 *
 * With /sys/kernel/debug/gup_test (CONFIG_GUP_TEST, debugfs mounted) it also
 * times GUP: the slow path, get_user_pages() and
 * pin_user_pages(FOLL_LONGTERM), and GUP-fast, get_user_pages_fast() and
 * pin_user_pages_fast(), over the mapping, as the kernel's gup_test times
 * them.
 *
 * "ptwalk_users --tsc-khz" prints the TSC frequency of the machine it runs
 * on in kHz (x86 only), measured against CLOCK_MONOTONIC_RAW: under QEMU
 * TCG the guest TSC is the host's, and scripts/users-bench.sh passes it as
 * tsc_early_khz= to a guest kernel that cannot calibrate its TSC.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/fs.h>
#include <linux/perf_event.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#ifdef __x86_64__
#include <x86intrin.h>
#endif

#ifndef MAP_HUGE_SHIFT
#define MAP_HUGE_SHIFT	26
#endif
#ifndef MAP_HUGE_2MB
#define MAP_HUGE_2MB	(21 << MAP_HUGE_SHIFT)
#endif
#ifndef MAP_HUGE_1GB
#define MAP_HUGE_1GB	(30 << MAP_HUGE_SHIFT)
#endif
#ifndef MAP_HUGE_64KB
#define MAP_HUGE_64KB	(16 << MAP_HUGE_SHIFT)
#endif
#ifndef MAP_HUGE_32MB
#define MAP_HUGE_32MB	(25 << MAP_HUGE_SHIFT)
#endif

/* Kernel names for userspace, as tools/include has them. */
typedef uint64_t u64;
typedef uint32_t u32;
#define BIT(n)		(1UL << (n))
#define BIT_ULL(n)	(1ULL << (n))
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

static inline void barrier(void)
{
	__asm__ __volatile__("" : : : "memory");
}

#define PAGE_SIZE	4096UL
#define PMD_SIZE	BIT(21)
#define PUD_SIZE	BIT(30)
#define MIB		BIT(20)
#define NSEC_PER_MSEC	1000000ULL
#define NSEC_PER_SEC	1000000000ULL
#define REPS		7

#define PM_PRESENT	BIT_ULL(63)

/* PAGEMAP_SCAN's UAPI (Linux 6.7), where the libc headers predate it. */
#ifndef PAGEMAP_SCAN
struct page_region {
	__u64 start;
	__u64 end;
	__u64 categories;
};

struct pm_scan_arg {
	__u64 size;
	__u64 flags;
	__u64 start;
	__u64 end;
	__u64 walk_end;
	__u64 vec;
	__u64 vec_len;
	__u64 max_pages;
	__u64 category_inverted;
	__u64 category_mask;
	__u64 category_anyof_mask;
	__u64 return_mask;
};

#define PAGE_IS_PRESENT	(1 << 3)
#define PAGEMAP_SCAN	_IOWR('f', 16, struct pm_scan_arg)
#endif

enum walker {
	W_MINCORE,
	W_PAGEMAP,
	W_SMAPS,
	W_SMAPS_ROLLUP,
	W_PAGEMAP_SCAN,
	W_NUMA_MAPS,
	W_MOVE_PAGES,
	W_GUP_GET,
	W_GUP_PIN,
	W_GUP_FAST_GET,
	W_GUP_FAST_PIN,
	NR_WALKERS,
};

static const char *const walker_name[NR_WALKERS] = {
	[W_MINCORE]	= "mincore()",
	[W_PAGEMAP]	= "pagemap read",
	[W_SMAPS]	= "smaps read",
	[W_SMAPS_ROLLUP] = "smaps_rollup read",
	[W_PAGEMAP_SCAN] = "PAGEMAP_SCAN",
	[W_NUMA_MAPS]	= "numa_maps read",
	[W_MOVE_PAGES]	= "move_pages() status",
	[W_GUP_GET]	= "get_user_pages",
	[W_GUP_PIN]	= "pin_user_pages(LONGTERM)",
	[W_GUP_FAST_GET] = "get_user_pages_fast",
	[W_GUP_FAST_PIN] = "pin_user_pages_fast",
};

/* The walkers gup_test drives. */
static int is_gup(int w)
{
	return w >= W_GUP_GET && w <= W_GUP_FAST_PIN;
}

/*
 * GUP, through the kernel's gup_test (CONFIG_GUP_TEST,
 * /sys/kernel/debug/gup_test; mm/gup_test.h): the slow path,
 * get_user_pages() and pin_user_pages(FOLL_LONGTERM), and GUP-fast,
 * get_user_pages_fast() and pin_user_pages_fast() (gup_test -u and -a),
 * FOLL_WRITE, 512 pages per call, timed by the kernel around the calls
 * alone (in us; the put is not counted).
 */
struct gup_test {
	u64 get_delta_usec;
	u64 put_delta_usec;
	u64 addr;
	u64 size;
	u32 nr_pages_per_call;
	u32 gup_flags;
	u32 test_flags;
	u32 which_pages[8];
};

#define GUP_FAST_BENCHMARK	_IOWR('g', 1, struct gup_test)
#define PIN_FAST_BENCHMARK	_IOWR('g', 2, struct gup_test)
#define PIN_LONGTERM_BENCHMARK	_IOWR('g', 3, struct gup_test)
#define GUP_BASIC_TEST		_IOWR('g', 4, struct gup_test)
#define GUP_FOLL_WRITE		0x01
#define GUP_PER_CALL		512

static int gup_fd = -1;

/*
 * --insn: one round after the warm-up, each walker between a getppid() and
 * a getpgrp(), the markers of the instruction counter
 * (bench/insn-profile/tbprof.c, scripts/users-bench.sh INSN=1), after a
 * "USERS-INSN scenario|walker|pages" line that names it.
 */
static int insn_mode;

/*
 * --insn also reads the CPU's retired-instructions counter around each
 * call, with perf_event_open() (PERF_COUNT_HW_INSTRUCTIONS, kernel and
 * user, from just before getppid() to just after getpgrp()): a second
 * instrument beside the TCG plugin, where the (emulated) PMU counts them:
 * QEMU's arm64 PMU does under -icount.  "USERS-PERF scenario|walker|count";
 * "USERS-PERF-NONE reason" when there is no such counter.
 */
static int perf_fd = -1;

static void perf_open(void)
{
	struct perf_event_attr attr = {
		.type = PERF_TYPE_HARDWARE,
		.size = sizeof(attr),
		.config = PERF_COUNT_HW_INSTRUCTIONS,
		.exclude_hv = 1,
	};

	perf_fd = syscall(SYS_perf_event_open, &attr, 0, -1, -1, 0);
	if (perf_fd < 0)
		printf("USERS-PERF-NONE perf_event_open(instructions): %s\n",
		       strerror(errno));
}

static u64 perf_read(void)
{
	u64 v = 0;

	if (perf_fd >= 0 && read(perf_fd, &v, sizeof(v)) != sizeof(v))
		v = 0;
	return v;
}

/* One gup_test call over the mapping: the pages taken, the time in ns. */
static int gup_run(int w, char *map, unsigned long size, unsigned long *pages,
		   u64 *ns)
{
	struct gup_test g = {
		.addr = (unsigned long)map,
		.size = size,
		.nr_pages_per_call = GUP_PER_CALL,
		.gup_flags = GUP_FOLL_WRITE,
	};

	static const unsigned long cmd[NR_WALKERS] = {
		[W_GUP_GET]	 = GUP_BASIC_TEST,
		[W_GUP_PIN]	 = PIN_LONGTERM_BENCHMARK,
		[W_GUP_FAST_GET] = GUP_FAST_BENCHMARK,
		[W_GUP_FAST_PIN] = PIN_FAST_BENCHMARK,
	};

	if (ioctl(gup_fd, cmd[w], &g))
		return -1;
	*pages = g.size / PAGE_SIZE;
	*ns = g.get_delta_usec * 1000;
	return 0;
}

struct scenario {
	const char *name;
	unsigned long size;
	int mmap_flags;		/* besides MAP_PRIVATE | MAP_ANONYMOUS */
	int advice;		/* madvise() after mapping, 0 for none */
	const char *pool;	/* hugetlb pool in /sys/kernel/mm/hugepages */
	const char *mthp;	/* mTHP size to fault in with, "always" */
};

static const struct scenario scenarios[] = {
	{ "anon-4k", 256 * MIB, 0, MADV_NOHUGEPAGE, NULL, NULL },
	{ "thp", 256 * MIB, 0, MADV_HUGEPAGE, NULL, NULL },
	{ "hugetlb-2M", 128 * MIB, MAP_HUGETLB | MAP_HUGE_2MB, 0,
	  "hugepages-2048kB", NULL },
	{ "hugetlb-1G", PUD_SIZE, MAP_HUGETLB | MAP_HUGE_1GB, 0,
	  "hugepages-1048576kB", NULL },
#ifdef __aarch64__
	{ "contpte-64K", 256 * MIB, 0, MADV_HUGEPAGE, NULL, "hugepages-64kB" },
	{ "hugetlb-64K", 64 * MIB, MAP_HUGETLB | MAP_HUGE_64KB, 0,
	  "hugepages-64kB", NULL },
	{ "hugetlb-32M", 128 * MIB, MAP_HUGETLB | MAP_HUGE_32MB, 0,
	  "hugepages-32768kB", NULL },
#endif
};

/* What /proc/self/smaps says about one VMA, in kB. */
struct vma_stat {
	int found;
	unsigned long rss;
	unsigned long anon_huge;
	unsigned long hugetlb;
};

/* A growing buffer for /proc/self/smaps. */
struct text {
	char *buf;
	size_t len;
	size_t cap;
};

static u64 now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (u64)ts.tv_sec * NSEC_PER_SEC + ts.tv_nsec;
}

static int cmp_u64(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

/* Reads the file at @path to its end into @t (the open and close included). */
static int read_text(const char *path, struct text *t)
{
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	t->len = 0;
	for (;;) {
		if (t->cap - t->len < 65536) {
			char *nb = realloc(t->buf, t->cap + 262144);

			if (!nb) {
				close(fd);
				return -1;
			}
			t->buf = nb;
			t->cap += 262144;
		}
		n = read(fd, t->buf + t->len, t->cap - t->len - 1);
		if (n < 0) {
			close(fd);
			return -1;
		}
		if (n == 0)
			break;
		t->len += n;
	}
	t->buf[t->len] = '\0';
	close(fd);
	return 0;
}

/* The first line of a file, without its newline, or "" */
static void read_line(const char *path, char *line, size_t size)
{
	FILE *f = fopen(path, "r");

	line[0] = '\0';
	if (!f)
		return;
	if (fgets(line, size, f))
		line[strcspn(line, "\n")] = '\0';
	fclose(f);
}

#define THP_SYSFS	"/sys/kernel/mm/transparent_hugepage/"

/*
 * The selected value of an mTHP setting ("always [inherit] madvise never")
 * into @val; -1 when the file is missing.
 */
static int thp_setting(const char *size_dir, char *val, size_t size)
{
	char path[128], line[128], *b, *e;

	snprintf(path, sizeof(path), THP_SYSFS "%s/enabled", size_dir);
	read_line(path, line, sizeof(line));
	b = strchr(line, '[');
	e = b ? strchr(b, ']') : NULL;
	if (!e || (size_t)(e - b) > size)
		return -1;
	*e = '\0';
	snprintf(val, size, "%s", b + 1);
	return 0;
}

static int thp_set(const char *size_dir, const char *val)
{
	char path[128];
	FILE *f;
	int err;

	snprintf(path, sizeof(path), THP_SYSFS "%s/enabled", size_dir);
	f = fopen(path, "w");
	if (!f)
		return -1;
	err = fputs(val, f) < 0;
	return fclose(f) || err ? -1 : 0;
}

/* An mTHP size's count of anonymous folios allocated at a fault. */
static long thp_fault_allocs(const char *size_dir)
{
	char path[160], line[64];

	snprintf(path, sizeof(path), THP_SYSFS "%s/stats/anon_fault_alloc", size_dir);
	read_line(path, line, sizeof(line));
	return line[0] ? atol(line) : -1;
}

/* The fields of the VMA starting at @start in the smaps text @t. */
static struct vma_stat smaps_vma(const struct text *t, unsigned long start)
{
	struct vma_stat st = { 0 };
	const char *p = t->buf;
	unsigned long s, e, kb;
	int in = 0;

	while (p && *p) {
		if (sscanf(p, "%lx-%lx ", &s, &e) == 2) {
			if (in)
				break;
			in = s == start;
			st.found |= in;
		} else if (in) {
			if (sscanf(p, "Rss: %lu kB", &kb) == 1)
				st.rss = kb;
			else if (sscanf(p, "AnonHugePages: %lu kB", &kb) == 1)
				st.anon_huge = kb;
			else if (sscanf(p, "Shared_Hugetlb: %lu kB", &kb) == 1)
				st.hugetlb += kb;
			else if (sscanf(p, "Private_Hugetlb: %lu kB", &kb) == 1)
				st.hugetlb += kb;
		}
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return st;
}

/*
 * The smallest step CLOCK_MONOTONIC takes, in ns: a few ns to a few hundred
 * with a TSC clocksource, a jiffy (4 ms at HZ=250) with jiffies.
 */
static u64 clock_step(void)
{
	u64 t0, t1, step = UINT64_MAX;
	int i;

	for (i = 0; i < 100; i++) {
		t0 = now_ns();
		do {
			t1 = now_ns();
		} while (t1 == t0);
		if (t1 - t0 < step)
			step = t1 - t0;
	}
	return step;
}

/* Maps @sc, aligned to @align; NULL on failure (errno set). */
static char *map_scenario(const struct scenario *sc, unsigned long align)
{
	int flags = MAP_PRIVATE | MAP_ANONYMOUS | sc->mmap_flags;
	unsigned long a, head, tail;
	char *p;

	if (sc->mmap_flags & MAP_HUGETLB) {
		p = mmap(NULL, sc->size, PROT_READ | PROT_WRITE, flags, -1, 0);
		return p == MAP_FAILED ? NULL : p;
	}
	p = mmap(NULL, sc->size + align, PROT_READ | PROT_WRITE, flags, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	a = ((unsigned long)p + align - 1) & ~(align - 1);
	head = a - (unsigned long)p;
	tail = align - head;
	if (head)
		munmap(p, head);
	if (tail)
		munmap((char *)a + sc->size, tail);
	p = (char *)a;
	if (sc->advice && madvise(p, sc->size, sc->advice)) {
		int err = errno;

		munmap(p, sc->size);
		errno = err;
		return NULL;
	}
	return p;
}

static long pool_free(const char *pool)
{
	char path[128], line[64];

	snprintf(path, sizeof(path), "/sys/kernel/mm/hugepages/%s/free_hugepages",
		 pool);
	read_line(path, line, sizeof(line));
	return line[0] ? atol(line) : -1;
}

/*
 * One PAGEMAP_SCAN of [@map, @map + @size) for its present pages, into
 * @rgn (@nr regions); the pages it reported in *@pages.
 */
static int pagemap_scan(int pm_fd, char *map, unsigned long size,
			struct page_region *rgn, unsigned long nr,
			unsigned long *pages)
{
	struct pm_scan_arg arg = {
		.size = sizeof(arg),
		.start = (unsigned long)map,
		.end = (unsigned long)map + size,
		.vec = (unsigned long)rgn,
		.vec_len = nr,
		.category_mask = PAGE_IS_PRESENT,
		.return_mask = PAGE_IS_PRESENT,
	};
	long n = ioctl(pm_fd, PAGEMAP_SCAN, &arg);
	long i;

	if (n < 0)
		return -1;
	*pages = 0;
	for (i = 0; i < n; i++)
		*pages += (rgn[i].end - rgn[i].start) / PAGE_SIZE;
	return 0;
}

/*
 * One move_pages() without target nodes over the @npages pages at
 * @addrs: the node of each page into @status.  The pages with a node
 * (status >= 0: mapped, present) in *@pages.
 */
static int pages_status(void **addrs, int *status, unsigned long npages,
			unsigned long *pages)
{
	unsigned long i;

	if (syscall(SYS_move_pages, 0, npages, addrs, NULL, status, 0))
		return -1;
	*pages = 0;
	for (i = 0; i < npages; i++)
		*pages += status[i] >= 0;
	return 0;
}

/* The 4K pages numa_maps shows on node 0 for the VMA at @start. */
static unsigned long numa_maps_pages(const struct text *t, unsigned long start)
{
	const char *p = t->buf;
	unsigned long s, n0 = 0, kb = 4;
	const char *q;

	while (p && *p) {
		if (sscanf(p, "%lx ", &s) == 1 && s == start) {
			const char *eol = strchr(p, '\n');

			q = strstr(p, " N0=");
			if (q && (!eol || q < eol))
				n0 = strtoul(q + 4, NULL, 10);
			q = strstr(p, "kernelpagesize_kB=");
			if (q && (!eol || q < eol))
				kb = strtoul(q + 18, NULL, 10);
			return n0 * (kb * 1024 / PAGE_SIZE);
		}
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return 0;
}

/* Runs one scenario; returns 0, or -1 on an error that ends the run. */
static int run_scenario(const struct scenario *sc, struct text *smaps)
{
	unsigned long npages = sc->size / PAGE_SIZE, range_kb = sc->size / 1024;
	u64 times[NR_WALKERS][REPS], t0, t1;
	unsigned long counted[NR_WALKERS];
	unsigned long nrgn = npages / 2 + 1;
	struct page_region *rgn;
	unsigned char *vec;
	void **addrs;
	int *status;
	struct text numa = { 0 };
	struct vma_stat st;
	u64 *pm;
	int pm_fd, r, w, whole_ms, ret = -1;
	unsigned long i;
	char *map, *p;
	char mthp_was[16], pmd_was[16];
	long allocs = 0;

	if (sc->mthp) {
		if (thp_setting(sc->mthp, mthp_was, sizeof(mthp_was)) ||
		    thp_setting("hugepages-2048kB", pmd_was, sizeof(pmd_was))) {
			printf("USERS-SKIP %s: no %s mTHP setting\n", sc->name, sc->mthp);
			return 0;
		}
	}
	if (sc->pool) {
		long free_pages = pool_free(sc->pool);
		/* "hugepages-<size>kB" */
		unsigned long psize = strtoul(sc->pool + 10, NULL, 10) * 1024;

		if (free_pages < 0 || (unsigned long)free_pages < sc->size / psize) {
			printf("USERS-SKIP %s: %ld free pages in the %s pool, %lu needed\n",
			       sc->name, free_pages, sc->pool, sc->size / psize);
			return 0;
		}
	}

	/* Buffers first, populated, so that they do not fault when timed. */
	vec = malloc(npages);
	pm = malloc(npages * sizeof(*pm));
	rgn = malloc(nrgn * sizeof(*rgn));
	addrs = malloc(npages * sizeof(*addrs));
	status = malloc(npages * sizeof(*status));
	if (!vec || !pm || !rgn || !addrs || !status) {
		printf("USERS-WARN %s: out of memory for the buffers\n", sc->name);
		goto out_free;
	}
	memset(vec, 0, npages);
	memset(pm, 0, npages * sizeof(*pm));
	memset(rgn, 0, nrgn * sizeof(*rgn));
	memset(status, 0, npages * sizeof(*status));
	pm_fd = open("/proc/self/pagemap", O_RDONLY);
	if (pm_fd < 0) {
		printf("USERS-WARN %s: /proc/self/pagemap: %s\n", sc->name,
		       strerror(errno));
		goto out_free;
	}

	map = map_scenario(sc, PMD_SIZE);
	if (!map) {
		printf("USERS-SKIP %s: mmap: %s\n", sc->name, strerror(errno));
		goto out;
	}
	for (i = 0; i < npages; i++)
		addrs[i] = map + i * PAGE_SIZE;
	if (sc->mthp) {
		allocs = thp_fault_allocs(sc->mthp);
		if (thp_set(sc->mthp, "always") || thp_set("hugepages-2048kB", "never"))
			printf("USERS-WARN %s: cannot set the mTHP sizes\n", sc->name);
	}
	t0 = now_ns();
	for (p = map; p < map + sc->size; p += PAGE_SIZE)
		*p = 1;
	/* The stores are the point: the compiler must not drop them. */
	barrier();
	t1 = now_ns();
	if (sc->mthp) {
		unsigned long want = sc->size / (strtoul(sc->mthp + 10, NULL, 10) * 1024);

		allocs = thp_fault_allocs(sc->mthp) - allocs;
		if (allocs < 0 || (unsigned long)allocs < want)
			printf("USERS-WARN %s: %ld of %lu folios of %s\n", sc->name,
			       allocs, want, sc->mthp);
		else
			printf("USERS-INFO %s: %ld folios of %s\n", sc->name, allocs,
			       sc->mthp);
	}
	printf("USERS-INFO %s: %lu MiB at %p populated in %llu ms\n", sc->name,
	       sc->size / MIB, (void *)map,
	       (unsigned long long)((t1 - t0) / NSEC_PER_MSEC));

	/* Did it get the page sizes it asked for? */
	if (read_text("/proc/self/smaps", smaps)) {
		printf("USERS-WARN %s: /proc/self/smaps: %s\n", sc->name,
		       strerror(errno));
		goto unmap;
	}
	st = smaps_vma(smaps, (unsigned long)map);
	if (!st.found)
		printf("USERS-WARN %s: no VMA at %p in /proc/self/smaps\n",
		       sc->name, (void *)map);
	else if (!strcmp(sc->name, "thp") && st.anon_huge != range_kb)
		printf("USERS-WARN thp: only %lu of %lu kB in THPs (AnonHugePages)\n",
		       st.anon_huge, range_kb);
	else if ((!strcmp(sc->name, "anon-4k") || sc->mthp) && st.anon_huge)
		printf("USERS-WARN %s: %lu kB in PMD-mapped THPs\n", sc->name,
		       st.anon_huge);
	else if (sc->pool && st.hugetlb != range_kb)
		printf("USERS-WARN %s: %lu of %lu kB in hugetlb pages\n",
		       sc->name, st.hugetlb, range_kb);
	else
		printf("USERS-INFO %s: Rss %lu kB, AnonHugePages %lu kB, hugetlb %lu kB\n",
		       sc->name, st.rss, st.anon_huge, st.hugetlb);

	/* Round -1 warms up and is not counted. */
	for (r = -1; r < REPS; r++) {
		for (w = 0; w < NR_WALKERS; w++) {
			u64 gup_ns = 0, p0 = 0, p1;
			ssize_t n = 0;
			int err = 0;

			if (is_gup(w) && gup_fd < 0)
				continue;
			if (insn_mode && r == 0) {
				printf("USERS-INSN %s|%s|%lu\n", sc->name,
				       walker_name[w], npages);
				fflush(stdout);
				p0 = perf_read();
				getppid();	/* the instruction counter's begin */
			}
			t0 = now_ns();
			switch (w) {
			case W_MINCORE:
				err = mincore(map, sc->size, vec);
				break;
			case W_PAGEMAP:
				n = pread(pm_fd, pm, npages * sizeof(*pm),
					  (unsigned long)map / PAGE_SIZE * sizeof(*pm));
				err = n != (ssize_t)(npages * sizeof(*pm));
				break;
			case W_SMAPS:
				err = read_text("/proc/self/smaps", smaps);
				break;
			case W_SMAPS_ROLLUP:
				err = read_text("/proc/self/smaps_rollup", &numa);
				break;
			case W_PAGEMAP_SCAN:
				err = pagemap_scan(pm_fd, map, sc->size, rgn, nrgn,
						   &counted[w]);
				break;
			case W_NUMA_MAPS:
				err = read_text("/proc/self/numa_maps", &numa);
				break;
			case W_MOVE_PAGES:
				err = pages_status(addrs, status, npages,
						   &counted[w]);
				break;
			case W_GUP_GET:
			case W_GUP_PIN:
			case W_GUP_FAST_GET:
			case W_GUP_FAST_PIN:
				err = gup_run(w, map, sc->size, &counted[w], &gup_ns);
				break;
			}
			t1 = now_ns();
			if (insn_mode && r == 0) {
				getpgrp();	/* the instruction counter's end */
				p1 = perf_read();
				if (perf_fd >= 0)
					printf("USERS-PERF %s|%s|%llu\n", sc->name,
					       walker_name[w], (unsigned long long)(p1 - p0));
			}
			if (gup_ns)
				t1 = t0 + gup_ns;
			if (err) {
				printf("USERS-WARN %s: %s failed: %s (%zd)\n",
				       sc->name, walker_name[w], strerror(errno), n);
				goto unmap;
			}
			if (r >= 0)
				times[w][r] = t1 - t0;
		}
		/* One round between the markers is what is counted. */
		if (insn_mode && r == 0)
			goto unmap;
	}

	/* What each walker saw, from the last round. */
	counted[W_MINCORE] = 0;
	counted[W_PAGEMAP] = 0;
	for (i = 0; i < npages; i++) {
		counted[W_MINCORE] += vec[i] & 1;
		counted[W_PAGEMAP] += !!(pm[i] & PM_PRESENT);
	}
	st = smaps_vma(smaps, (unsigned long)map);
	counted[W_SMAPS] = (st.rss + st.hugetlb) * 1024 / PAGE_SIZE;
	counted[W_NUMA_MAPS] = numa_maps_pages(&numa, (unsigned long)map);
	counted[W_SMAPS_ROLLUP] = npages;	/* the whole process: not counted */

	for (w = 0; w < NR_WALKERS; w++) {
		if (is_gup(w) && gup_fd < 0)
			continue;
		whole_ms = 1;
		for (r = 0; r < REPS; r++)
			whole_ms &= times[w][r] % NSEC_PER_MSEC == 0;
		qsort(times[w], REPS, sizeof(times[w][0]), cmp_u64);
		if (whole_ms)
			printf("USERS-WARN %s: %s: every time a multiple of 1 ms (jiffies?)\n",
			       sc->name, walker_name[w]);
		if (counted[w] != npages)
			printf("USERS-WARN %s: %s counted %lu mapped pages of %lu\n",
			       sc->name, walker_name[w], counted[w], npages);
		printf("USERS %s|%s|%llu|%lu|%lu|%d\n", sc->name, walker_name[w],
		       (unsigned long long)times[w][REPS / 2], counted[w], npages,
		       REPS);
		printf("USERS-INFO %s: %s: min %llu max %llu ns\n", sc->name,
		       walker_name[w], (unsigned long long)times[w][0],
		       (unsigned long long)times[w][REPS - 1]);
	}
unmap:
	munmap(map, sc->size);
	/*
	 * Restored once the mapping is gone: before, khugepaged could
	 * collapse its 64K folios into THPs under the walkers.
	 */
	if (sc->mthp &&
	    (thp_set(sc->mthp, mthp_was) || thp_set("hugepages-2048kB", pmd_was)))
		printf("USERS-WARN %s: cannot restore the mTHP sizes\n", sc->name);
out:
	close(pm_fd);
	ret = 0;
out_free:
	free(vec);
	free(pm);
	free(rgn);
	free(addrs);
	free(status);
	free(numa.buf);
	return ret;
}

#ifdef __x86_64__
/* The TSC frequency in kHz, against CLOCK_MONOTONIC_RAW: the best of 5. */
static unsigned long tsc_khz(void)
{
	struct timespec ts, sleep = { 0, 100 * 1000 * 1000 };
	u64 c0, c1, t0, t1, khz[5];
	int i;

	for (i = 0; i < 5; i++) {
		clock_gettime(CLOCK_MONOTONIC_RAW, &ts);
		c0 = __rdtsc();
		t0 = (u64)ts.tv_sec * NSEC_PER_SEC + ts.tv_nsec;
		nanosleep(&sleep, NULL);
		clock_gettime(CLOCK_MONOTONIC_RAW, &ts);
		c1 = __rdtsc();
		t1 = (u64)ts.tv_sec * NSEC_PER_SEC + ts.tv_nsec;
		khz[i] = (c1 - c0) * 1000000ULL / (t1 - t0);
	}
	qsort(khz, 5, sizeof(khz[0]), cmp_u64);
	return khz[2];
}
#endif

int main(int argc, char **argv)
{
	struct text smaps = { 0 };
	struct timespec res;
	char cs[64];
	u64 step;
	size_t i;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 2 && !strcmp(argv[1], "--tsc-khz")) {
#ifdef __x86_64__
		printf("%lu\n", tsc_khz());
		return 0;
#else
		fprintf(stderr, "ptwalk_users: --tsc-khz: x86_64 only\n");
		return 1;
#endif
	}
	if (argc == 2 && !strcmp(argv[1], "--insn")) {
		insn_mode = 1;
		perf_open();
	} else if (argc != 1) {
		fprintf(stderr, "usage: ptwalk_users [--tsc-khz | --insn]\n");
		return 1;
	}
	gup_fd = open("/sys/kernel/debug/gup_test", O_RDWR);
	if (gup_fd < 0)
		printf("USERS-SKIP gup: /sys/kernel/debug/gup_test: %s\n",
		       strerror(errno));

	read_line("/sys/devices/system/clocksource/clocksource0/current_clocksource",
		  cs, sizeof(cs));
	clock_getres(CLOCK_MONOTONIC, &res);
	step = clock_step();
	printf("USERS-INFO clock: %s, resolution %ld ns, smallest step %llu ns\n",
	       cs[0] ? cs : "unknown", res.tv_nsec, (unsigned long long)step);
	if (step >= NSEC_PER_MSEC) {
		printf("USERS-WARN clock: steps of %llu ns (no fine clock): nothing measured\n",
		       (unsigned long long)step);
		return 2;
	}

	for (i = 0; i < ARRAY_SIZE(scenarios); i++)
		if (run_scenario(&scenarios[i], &smaps))
			return 1;
	free(smaps.buf);
	return 0;
}

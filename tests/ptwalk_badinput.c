// SPDX-License-Identifier: GPL-2.0
/*
 * ptwalk_badinput: bad and random input to the system calls that walk page
 * tables, for a differential run on the base and the patched kernel.
 *
 * Seeded random calls (the same sequence on every run) of
 *   mincore(),
 *   pread() of /proc/self/pagemap,
 *   the PAGEMAP_SCAN ioctl of /proc/self/pagemap,
 *   process_madvise() (MADV_COLD, MADV_PAGEOUT, MADV_WILLNEED, bad advice),
 *   get_user_pages() and pin_user_pages() through gup_test (GUP_BASIC_TEST,
 *   PIN_BASIC_TEST), when /sys/kernel/debug/gup_test is there,
 * over ranges drawn from a fixed layout (4K anonymous pages with holes, a
 * PROT_NONE area, shared memory, hugetlb 2M pages when the pool has them,
 * gaps between them) and from the edges of the address space: address 0,
 * the user limits of 4- and 5-level paging, non-canonical addresses,
 * ranges that wrap around, empty, inverted and unaligned ranges, and bad
 * output buffers.
 *
 * Every call prints one line "B <n> <call> <return> <errno> <digest>", the
 * digest covering what the call wrote (mincore()'s vector, pagemap entries
 * without their PFN bits, the regions of PAGEMAP_SCAN and where it stopped,
 * how far GUP got): scripts/selftests.sh requires the same lines from the
 * base and the patched kernel.  The program checks on its own (TAP lines)
 * that every error is one the call documents, that hand-computed cases get
 * the error the code of the base kernel gives, and that the layout is
 * unchanged at the end.
 *
 * The layout is at fixed addresses and the program runs itself again
 * without address space randomisation, so both kernels see the same
 * addresses.
 *
 * Build: gcc -static -O2 -Wall -I <kernel tree> -isystem <installed
 * headers> -o ptwalk_badinput ptwalk_badinput.c
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/personality.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>
#include <linux/fs.h>
#include "mm/gup_test.h"

/* Kernel names for userspace, as tools/include has them. */
typedef uint64_t u64;
typedef uint32_t u32;
#define BIT(n)		(1UL << (n))
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

#define PAGE_SIZE	4096UL
#define HPAGE_SIZE	BIT(21)

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE	0x100000
#endif
#ifndef MAP_HUGE_2MB
#define MAP_HUGE_2MB	(21 << 26)
#endif
#ifndef MADV_COLD
#define MADV_COLD	20
#endif
#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT	21
#endif

/* gup_test's flags: the FOLL_* values of include/linux/mm_types.h. */
#define FOLL_WRITE	0x01
#define FOLL_FORCE	0x10

#define CALLS		1500
#define VEC_BYTES	BIT(20)		/* mincore() vector: 4 GiB of pages */

/* The layout, at fixed addresses below every user limit. */
#define LAYOUT		0x100000000000UL
#define ANON		(LAYOUT)			/* 4 MiB, holes */
#define ANON_LEN	(4UL << 20)
#define NONE		(ANON + ANON_LEN + BIT(20))	/* after a gap */
#define NONE_LEN	(256UL << 10)
#define SHARED		(NONE + NONE_LEN + BIT(20))
#define SHARED_LEN	BIT(20)
#define HUGE		(LAYOUT + (16UL << 20))		/* 2M-aligned */
#define HUGE_LEN	(4 * HPAGE_SIZE)
#define LAYOUT_END	(HUGE + HUGE_LEN)

static const u64 edges[] = {
	0, PAGE_SIZE, 0x10000,
	0x00007ffffffff000UL, 0x0000800000000000UL,	/* 4-level limit */
	0x00fffffffffff000UL, 0x0100000000000000UL,	/* 5-level limit */
	0x8000000000000000UL, 0xff00000000000000UL,	/* non-canonical */
	0xffff800000000000UL, 0xfffffffffffff000UL,	/* kernel, top */
};

static u64 rng = 0x2545f4914f6cdd1dULL;

static u64 rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static u32 fnv(u32 h, const void *p, size_t n)
{
	const unsigned char *c = p;

	while (n--)
		h = (h ^ *c++) * 16777619u;
	return h;
}

static int have_huge, tap_n, failed;

static void tap(int ok, const char *what)
{
	printf("%s %d %s\n", ok ? "ok" : "not ok", ++tap_n, what);
	failed |= !ok;
}

/* One byte of the layout, written and read as the memory access it is. */
static void poke(u64 addr, unsigned char v)
{
	__atomic_store_n((unsigned char *)addr, v, __ATOMIC_RELAXED);
}

static unsigned char peek(u64 addr)
{
	return __atomic_load_n((unsigned char *)addr, __ATOMIC_RELAXED);
}

static void *map_at(u64 addr, size_t len, int prot, int flags)
{
	return mmap((void *)addr, len, prot, flags | MAP_FIXED_NOREPLACE, -1, 0);
}

static unsigned char anon_byte(u64 addr)
{
	return (unsigned char)((addr >> 12) * 37 + 11);
}

/* Which pages of the layout hold data (the others were never touched). */
static int anon_touched(u64 addr)
{
	return ((addr - ANON) >> 12) % 3 != 2;
}

static void setup(void)
{
	u64 a;

	if (map_at(ANON, ANON_LEN, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS) != (void *)ANON ||
	    map_at(NONE, NONE_LEN, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS) != (void *)NONE ||
	    map_at(SHARED, SHARED_LEN, PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_ANONYMOUS) != (void *)SHARED) {
		perror("ptwalk_badinput: mmap");
		exit(1);
	}
	/* 4K pages only: whether a THP can be had must not matter. */
	madvise((void *)ANON, ANON_LEN, MADV_NOHUGEPAGE);
	for (a = ANON; a < ANON + ANON_LEN; a += PAGE_SIZE)
		if (anon_touched(a))
			poke(a, anon_byte(a));
	for (a = SHARED; a < SHARED + SHARED_LEN; a += 2 * PAGE_SIZE)
		poke(a, anon_byte(a));
	have_huge = map_at(HUGE, HUGE_LEN, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB | MAP_HUGE_2MB) ==
		    (void *)HUGE;
	if (have_huge) {
		poke(HUGE, 1);
		poke(HUGE + 2 * HPAGE_SIZE + PAGE_SIZE, 2);
	}
	printf("# layout at %#lx, hugetlb %s\n", LAYOUT, have_huge ? "mapped" : "none");
}

/* An address: in or around the layout, or an edge of the address space. */
static u64 pick_addr(void)
{
	static const u64 bases[] = { ANON, NONE, SHARED, HUGE, LAYOUT_END,
					  ANON + ANON_LEN };
	u64 r = rnd();

	switch (r % 8) {
	case 0:
		return edges[(r >> 8) % ARRAY_SIZE(edges)];
	case 1:
		return rnd();
	case 2:	/* unaligned */
		return bases[(r >> 8) % ARRAY_SIZE(bases)] + ((r >> 16) % 4096);
	default:
		return bases[(r >> 8) % ARRAY_SIZE(bases)] +
		       (((r >> 16) % 1536) - 256) * PAGE_SIZE;
	}
}

/* A length for @addr: empty, small, large, wrapping, random. */
static u64 pick_len(u64 addr)
{
	u64 r = rnd();

	switch (r % 8) {
	case 0:
		return 0;
	case 1:
		return 1 + (r >> 8) % 8191;
	case 2:
		return -addr;			/* ends at 0: wraps */
	case 3:
		return -addr + PAGE_SIZE;	/* wraps past 0 */
	case 4:
		return BIT(20 + (r >> 8) % 30);
	case 5:
		return rnd();
	default:
		return ((r >> 8) % 2048) * PAGE_SIZE;
	}
}

static void *pick_buf(void *good)
{
	u64 r = rnd() % 16;

	if (r == 0)
		return NULL;
	if (r == 1)
		return (void *)0xffff888000000000UL;	/* kernel */
	if (r == 2)
		return (void *)NONE;			/* PROT_NONE */
	return good;
}

static int errs_ok(int err, const int *allowed, int n)
{
	int i;

	for (i = 0; i < n; i++)
		if (err == allowed[i])
			return 1;
	return 0;
}

static void report(int n, const char *call, long ret, int err, u32 digest)
{
	printf("B %d %s %ld %d %08x\n", n, call, ret, ret < 0 ? err : 0, digest);
}

static unsigned char *vec;
static u64 *pm;
static int pm_fd, gup_fd, pidfd;
static int bad[5];	/* calls whose error is not one the call documents */

static void call_mincore(int n)
{
	static const int ok[] = { EINVAL, ENOMEM, EFAULT, EAGAIN };
	u64 addr = pick_addr(), len = pick_len(addr);
	void *buf = pick_buf(vec);
	u32 h = 2166136261u;
	long ret;

	/*
	 * mincore() stops at the first unmapped page: it never writes more
	 * of the vector than the mappings cover, far below VEC_BYTES.
	 */
	errno = 0;
	ret = mincore((void *)addr, len, buf);
	if (ret == 0 && buf == vec)
		h = fnv(h, vec, len / PAGE_SIZE + !!(len % PAGE_SIZE));
	if (ret < 0 && !errs_ok(errno, ok, ARRAY_SIZE(ok)))
		bad[0]++;
	report(n, "mincore", ret, errno, h);
}

static void call_pagemap(int n)
{
	static const int ok[] = { EINVAL, EFAULT, ENOMEM, EIO };
	u64 addr = pick_addr(), r = rnd();
	u64 off = (addr / PAGE_SIZE) * 8 + (r % 5 == 0 ? (r >> 8) % 8 : 0);
	size_t count = r % 7 == 0 ? (r >> 16) % 64 : ((r >> 16) % 1024) * 8;
	void *buf = pick_buf(pm);
	u32 h = 2166136261u;
	ssize_t ret, i;

	errno = 0;
	ret = pread(pm_fd, buf, count, off);
	if (ret > 0 && buf == pm)
		for (i = 0; i < ret / 8; i++) {
			/* Flag bits only: PFNs differ from boot to boot. */
			u64 flags = pm[i] >> 55;

			h = fnv(h, &flags, sizeof(flags));
		}
	if (ret < 0 && !errs_ok(errno, ok, ARRAY_SIZE(ok)))
		bad[1]++;
	report(n, "pagemap", ret, errno, h);
}

static void call_scan(int n)
{
	static const int ok[] = { EINVAL, EFAULT, ENOMEM, EPERM, EOPNOTSUPP };
	struct page_region regions[32];
	struct pm_scan_arg arg = { .size = sizeof(arg) };
	u64 r = rnd(), cats = PAGE_IS_WPALLOWED | PAGE_IS_WRITTEN | PAGE_IS_FILE |
		PAGE_IS_PRESENT | PAGE_IS_SWAPPED | PAGE_IS_PFNZERO | PAGE_IS_HUGE |
		PAGE_IS_SOFT_DIRTY;
	u32 h = 2166136261u;
	long ret, i;

	arg.start = pick_addr();
	arg.end = r % 4 ? arg.start + pick_len(arg.start) : pick_addr();
	arg.flags = r % 9 == 0 ? (r >> 8) & 0xff : (r % 9 == 1 ? PM_SCAN_CHECK_WPASYNC : 0);
	arg.vec = (u64)(uintptr_t)pick_buf(regions);
	arg.vec_len = (r >> 12) % 33;
	arg.max_pages = r % 5 == 0 ? (r >> 20) % 600 : 0;
	arg.category_inverted = rnd() & cats;
	arg.category_mask = rnd() & cats;
	arg.category_anyof_mask = rnd() & cats;
	arg.return_mask = r % 11 == 0 ? rnd() : rnd() & cats;
	if (r % 13 == 0)
		arg.size = (r >> 24) % 128;
	errno = 0;
	ret = ioctl(pm_fd, PAGEMAP_SCAN, &arg);
	h = fnv(h, &arg.walk_end, sizeof(arg.walk_end));
	if (ret > 0 && arg.vec == (u64)(uintptr_t)regions)
		for (i = 0; i < ret && i < 32; i++)
			h = fnv(h, &regions[i], sizeof(regions[i]));
	if (ret < 0 && !errs_ok(errno, ok, ARRAY_SIZE(ok)))
		bad[2]++;
	report(n, "scan", ret, errno, h);
}

static void call_madvise(int n)
{
	static const int ok[] = { EINVAL, ENOMEM, EFAULT, EPERM, EAGAIN, EBADF };
	static const int advice[] = { MADV_COLD, MADV_PAGEOUT, MADV_WILLNEED, 1000 };
	u64 addr = pick_addr(), r = rnd();
	struct iovec iov[2] = {
		{ (void *)addr, pick_len(addr) },
		{ (void *)pick_addr(), (r >> 20) % 64 * PAGE_SIZE },
	};
	long ret;

	errno = 0;
	ret = syscall(SYS_process_madvise, pidfd, r % 17 ? iov : NULL, 1 + (r >> 8) % 2,
		      advice[(r >> 12) % ARRAY_SIZE(advice)], r % 19 == 0 ? 1 : 0);
	if (ret < 0 && !errs_ok(errno, ok, ARRAY_SIZE(ok)))
		bad[3]++;
	report(n, "madvise", ret, errno, 0);
}

static void call_gup(int n)
{
	static const int ok[] = { EINVAL, EFAULT, ENOMEM };
	static const u32 flags[] = { 0, FOLL_WRITE, FOLL_FORCE, FOLL_WRITE | FOLL_FORCE };
	struct gup_test gup = { 0 };
	u64 r = rnd();
	long ret;
	int pin;

	gup.addr = pick_addr();
	gup.size = pick_len(gup.addr);
	/*
	 * gup_test allocates an array of a pointer per page of the size: keep
	 * it below what kvcalloc() warns about.
	 */
	if (gup.size > BIT(20))
		gup.size = (r >> 8) % 256 * PAGE_SIZE + (r % 3 ? 0 : r % PAGE_SIZE);
	gup.nr_pages_per_call = 1 + (r >> 20) % 512;
	gup.gup_flags = flags[(r >> 30) % ARRAY_SIZE(flags)];
	/*
	 * Pins with FOLL_WRITE only: a read pin of the shared zero page takes
	 * no pin (by design), and gup_test warns that the page it got is not
	 * "dma-pinned", on every kernel.
	 */
	pin = r % 2 && (gup.gup_flags & FOLL_WRITE);
	errno = 0;
	ret = ioctl(gup_fd, pin ? PIN_BASIC_TEST : GUP_BASIC_TEST, &gup);
	if (ret < 0 && !errs_ok(errno, ok, ARRAY_SIZE(ok)))
		bad[4]++;
	/* How far it got. */
	report(n, "gup", ret, errno, fnv(2166136261u, &gup.size, sizeof(gup.size)));
}

/* Hand-computed answers of the base kernel's checks. */
static void expected_errors(void)
{
	struct pm_scan_arg arg = { .size = sizeof(arg) };
	unsigned char v[4];
	u64 buf[4];
	int e;

	errno = 0;
	e = mincore((void *)(ANON + 1), PAGE_SIZE, v) ? errno : 0;
	tap(e == EINVAL, "mincore: an unaligned start is EINVAL");
	e = mincore((void *)ANON, 0, v) ? errno : 0;
	tap(e == 0, "mincore: an empty range is 0");
	e = mincore((void *)0xfffffffffffff000UL, 2 * PAGE_SIZE, v) ? errno : 0;
	tap(e == ENOMEM, "mincore: a range that wraps is ENOMEM");
	e = mincore((void *)0x8000000000000000UL, PAGE_SIZE, v) ? errno : 0;
	tap(e == ENOMEM, "mincore: a non-canonical range is ENOMEM");
	e = mincore((void *)(ANON + ANON_LEN), PAGE_SIZE, v) ? errno : 0;
	tap(e == ENOMEM, "mincore: a gap is ENOMEM");
	e = mincore((void *)ANON, PAGE_SIZE, NULL) ? errno : 0;
	tap(e == EFAULT, "mincore: a NULL vector is EFAULT");
	e = mincore((void *)ANON, 4 * PAGE_SIZE, v) ? errno : 0;
	tap(e == 0 && v[0] == 1 && v[1] == 1 && v[2] == 0 && v[3] == 1,
	    "mincore: 4K pages, one never touched");
	e = pread(pm_fd, buf, 8, ANON / PAGE_SIZE * 8 + 1) < 0 ? errno : 0;
	tap(e == EINVAL, "pagemap: an unaligned offset is EINVAL");
	e = pread(pm_fd, buf, 7, ANON / PAGE_SIZE * 8) < 0 ? errno : 0;
	tap(e == EINVAL, "pagemap: a short count is EINVAL");
	e = pread(pm_fd, buf, 24, ANON / PAGE_SIZE * 8) == 24 ? 0 : errno;
	tap(e == 0 && buf[0] >> 63 && buf[1] >> 63 && !(buf[2] >> 63),
	    "pagemap: present, present, not present");
	/* The range is checked with access_ok(start, end - start). */
	arg.start = ANON + PAGE_SIZE;
	arg.end = ANON;
	e = ioctl(pm_fd, PAGEMAP_SCAN, &arg) < 0 ? errno : 0;
	tap(e == EFAULT, "PAGEMAP_SCAN: an inverted range is EFAULT");
	arg.start = ANON + 1;
	arg.end = ANON + PAGE_SIZE;
	e = ioctl(pm_fd, PAGEMAP_SCAN, &arg) < 0 ? errno : 0;
	tap(e == EINVAL, "PAGEMAP_SCAN: an unaligned start is EINVAL");
	arg.start = 0xfffffffffffff000UL;
	arg.end = 0;
	e = ioctl(pm_fd, PAGEMAP_SCAN, &arg) < 0 ? errno : 0;
	tap(e == EFAULT, "PAGEMAP_SCAN: a range that wraps is EFAULT");
	if (gup_fd >= 0) {
		struct gup_test gup = {
			.addr = ANON + ANON_LEN, .size = PAGE_SIZE,
			.nr_pages_per_call = 1,
		};

		e = ioctl(gup_fd, GUP_BASIC_TEST, &gup) ? errno : 0;
		tap(e == 0 && gup.size == 0, "gup: nothing in a gap");
		gup.addr = 0x8000000000000000UL;
		gup.size = PAGE_SIZE;
		gup.gup_flags = FOLL_WRITE;
		e = ioctl(gup_fd, PIN_BASIC_TEST, &gup) ? errno : 0;
		tap(e == 0 && gup.size == 0, "gup: nothing at a non-canonical address");
		gup.addr = ANON;
		gup.size = 3 * PAGE_SIZE;
		gup.nr_pages_per_call = 3;
		gup.gup_flags = 0;
		e = ioctl(gup_fd, GUP_BASIC_TEST, &gup) ? errno : 0;
		tap(e == 0 && gup.size == 3 * PAGE_SIZE, "gup: three mapped pages");
	}
}

static void check_layout(void)
{
	u64 a;
	int ok = 1;

	for (a = ANON; a < ANON + ANON_LEN; a += PAGE_SIZE)
		ok &= peek(a) == (anon_touched(a) ? anon_byte(a) : 0);
	for (a = SHARED; a < SHARED + SHARED_LEN; a += 2 * PAGE_SIZE)
		ok &= peek(a) == anon_byte(a);
	tap(ok, "the layout reads back what was written");
}

int main(int argc, char **argv)
{
	static const char *const names[] = {
		"mincore", "pagemap read", "PAGEMAP_SCAN", "process_madvise", "gup_test"
	};
	char what[128];
	int n, k;

	/* Once more without address space randomisation. */
	if (!(personality(0xffffffff) & ADDR_NO_RANDOMIZE)) {
		personality(ADDR_NO_RANDOMIZE);
		execv("/proc/self/exe", argv);
		perror("ptwalk_badinput: execv");
		return 1;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	vec = malloc(VEC_BYTES);
	pm = malloc(1024 * 8);
	pm_fd = open("/proc/self/pagemap", O_RDONLY);
	gup_fd = open("/sys/kernel/debug/gup_test", O_RDWR);
	pidfd = syscall(SYS_pidfd_open, getpid(), 0);
	if (!vec || !pm || pm_fd < 0 || pidfd < 0) {
		perror("ptwalk_badinput: setup");
		return 1;
	}
	setup();
	printf("TAP version 13\n");
	expected_errors();
	for (n = 0; n < CALLS; n++) {
		switch (rnd() % 5) {
		case 0:
			call_mincore(n);
			break;
		case 1:
			call_pagemap(n);
			break;
		case 2:
			call_scan(n);
			break;
		case 3:
			call_madvise(n);
			break;
		default:
			if (gup_fd >= 0)
				call_gup(n);
			else
				call_mincore(n);
		}
	}
	for (k = 0; k < 5; k++) {
		snprintf(what, sizeof(what), "%s: every error one the call documents (%d not)",
			 names[k], bad[k]);
		tap(!bad[k], what);
	}
	check_layout();
	printf("1..%d\n", tap_n);
	(void)argc;
	return failed;
}

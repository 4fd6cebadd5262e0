#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Run the kernel's own mm selftests that exercise GUP, mincore and the
# converted pagewalk users on the base kernel and on the patched kernel, and
# compare them test by test.
#
#   selftests.sh [x86_64|arm64]   (x86_64 by default)
#
# For x86_64 (for arm64, the names in brackets):
#   kernels    a small kernel (tinyconfig + kunit/selftests-x86_64.config
#              [selftests-arm64.config]) built from build/linux-base (a git
#              worktree of build/linux at tag "base") into
#              build/out/selftests-base [selftests-arm64-base], and from
#              build/linux into build/out/selftests-patched
#              [selftests-arm64-patched].  The base kernel is rebuilt
#              only when the fragment or the base changes.  Every make in a
#              kernel tree runs under flock build/.kbuild.lock.
#   userspace  static gup_test, gup_longterm and cow (without liburing: their io_uring
#              cases are compiled out) and mincore_selftest from the base
#              tree's tools/testing/selftests, and tests/ptwalk_badinput.c
#              (bad and random input to mincore(), pagemap, PAGEMAP_SCAN,
#              process_madvise() and GUP) and tests/ptwalk_procdiff.c, with
#              busybox-static in an initramfs whose /init runs them
#              (build/selftests[-arm64]/initramfs/init).  For arm64 they are
#              built with aarch64-linux-gnu-gcc (libc6-dev-arm64-cross), and
#              busybox is Debian's busybox-static for arm64, fetched by
#              scripts/deps.sh into build/deps/arm64.
#   runs       qemu-system-x86_64 -cpu max (TCG) with 2M and 1G hugetlb pools
#              [qemu-system-aarch64 -machine virt -cpu max, two CPUs in two
#              NUMA nodes, with 64K, 2M, 32M and 1G hugetlb pools]:
#              console logs in build/selftests[-arm64]/{base,patched}.log, one
#              line per test in {base,patched}.results there.
#   verdict    build/check/selftests.results [selftests-arm64.results],
#              counted by scripts/summary.py:
#              "PASS selftest:<name>" when the patched kernel gives the base
#              result and that result is a pass (or the same skip), "FAIL
#              selftest:<name> base=<x> patched=<y>" otherwise; for
#              ptwalk_badinput also "selftest:badinput-as-base", the same
#              return value, errno and output digest for every call on both
#              kernels; and a FAIL for
#              a build that fails, a kernel that does not boot, crashes or
#              times out, a warning or oops in a log, or no base results.
#
# Environment:
#   SELFTESTS_TIMEOUT=600  seconds each QEMU run may take
#   SELFTESTS_FAKE_FAIL=1  the patched run's /init reports gup_test.u as
#                          failed, to show that a difference is caught
#   SELFTESTS_FAKE_FAIL=migration  the patched kernel's first migration
#                          boot reports migration as failed, to show the
#                          boot again (below)
#
# Exits non-zero when any line of the verdict is a FAIL.
set -u
. "$(dirname "$0")/lib.sh"

arch=${1:-x86_64}
BASE_TREE=$BUILD/linux-base
LOCK=$BUILD/.kbuild.lock
FRAG=$ROOT/kunit/selftests-$arch.config
timeout=${SELFTESTS_TIMEOUT:-600}
fake=${SELFTESTS_FAKE_FAIL:-0}
jobs=$(nproc)

# hugetlb pools: one 1G page (PUD leaves, for gup_longterm) and 64 2M pages
# (PMD leaves, for gup_test -H, gup_longterm and mincore).  x86_64: QEMU
# gets 5 GiB, and the 1G page comes from node 1 (hugepages=1:1): the initrd
# lies just below 2 GiB, memblock allocates from the top of memory down, and
# with 4 GiB the fake nodes' boundaries leave no free aligned GiB in either
# node ("allocating 1 of page size 1.00 GiB failed").  gup_longterm's
# R/W and R/O pins of private 1G mappings skip for want of a second 1G page:
# with two, copying 1G pages under TCG takes four minutes more.
# numa=fake=2: two nodes (NUMA emulation), for mbind() and move_pages().
# tsc=reliable: no clocksource watchdog, whose warning under TCG on a
# loaded host would land in the middle of a test's output line.
#
# arm64: the same pools, and 64K (contiguous PTEs) and 32M (contiguous PMDs)
# ones for the contiguous hugetlb entries; two NUMA nodes from QEMU (-numa),
# the second without a CPU.
# Each kernel boots twice: with one CPU for every test but migration (the
# threads of uffd-unit-tests' event tests, whose timing a second TCG CPU
# upsets: a hang in its poison test on the base kernel, seen on arm64), and
# with three CPUs for migration, which wants two threads beside the
# migrating one (build/selftests[-arm64]/{base,patched}-smp.log).
case "$arch" in
x86_64)
	S=$BUILD/selftests
	P=selftest	# the verdict's test names: selftest:<name>
	kvars=(ARCH=x86_64 CC="ccache gcc")
	ucc=gcc
	ulibs=()	# libnuma from the host (libnuma-dev)
	busybox=/bin/busybox
	image=arch/x86/boot/bzImage
	cmdline="console=ttyS0 panic=-1 numa=fake=2 tsc=reliable hugepagesz=1G hugepages=1:1 hugepagesz=2M hugepages=64"
	qemu=(qemu-system-x86_64 -bios /usr/share/qemu/qboot.rom -cpu max -m 5120)
	numa0=
	;;
arm64)
	S=$BUILD/selftests-arm64
	P=selftest-arm64
	kvars=(ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu- CC="ccache aarch64-linux-gnu-gcc")
	ucc=aarch64-linux-gnu-gcc
	ulibs=(-I "$BUILD/deps/arm64/usr/include" -L "$BUILD/deps/arm64/usr/lib/aarch64-linux-gnu")
	busybox=$BUILD/deps/arm64/bin/busybox
	image=arch/arm64/boot/Image
	cmdline="console=ttyAMA0 panic=-1 hugepagesz=1G hugepages=1 hugepagesz=2M hugepages=64 hugepagesz=64K hugepages=32 hugepagesz=32M hugepages=2"
	qemu=(qemu-system-aarch64 -machine virt -cpu max,pauth-impdef=on -m 4096
	      -object memory-backend-ram,id=m0,size=2G -object memory-backend-ram,id=m1,size=2G
	      -numa node,nodeid=1,memdev=m1)
	numa0=node,nodeid=0,memdev=m0	# + its CPUs: every CPU
	;;
*)
	echo "selftests: no selftests kernel for $arch (x86_64 or arm64)" >&2
	exit 2
	;;
esac
VERDICT=$BUILD/check/${S##*/}.results
NEW=$S/selftests.results.new	# the verdict, moved into place at the end
outk=$OUT/${S##*/}	# + -base or -patched

mkdir -p "$S" "$BUILD/check"
# One run at a time: a second one waits for the first.
exec 9> "$S/.lock"
if ! flock -n 9; then
	echo "selftests: waiting for the run in progress to end"
	flock 9
fi
: > "$NEW"
start=$(date +%s)

# A FAIL line in the verdict, then stop.
fail_stop() {
	echo "FAIL $P:$1 $2" >> "$NEW"
	mv "$NEW" "$VERDICT"
	echo "selftests: FAIL $1: $2" >&2
	exit 1
}

# make in kernel tree $1 with output directory $2, under the build lock.
kmake() {
	local tree=$1 out=$2

	shift 2
	flock "$LOCK" make -C "$tree" O="$out" "${kvars[@]}" -j"$jobs" "$@"
}

# 1. The base tree: a worktree of build/linux at tag "base".
base_commit=$(git -C "$LINUX" rev-parse -q --verify 'base^{commit}') ||
	fail_stop setup "build/linux has no tag base (run make assemble)"
if [ "$(git -C "$BASE_TREE" rev-parse -q --verify HEAD 2>/dev/null)" != "$base_commit" ]; then
	echo "selftests: creating the base worktree build/linux-base"
	rm -rf "$BASE_TREE"
	git -C "$LINUX" worktree prune
	git -C "$LINUX" worktree add -q --detach ../linux-base base ||
		fail_stop setup "cannot create the worktree build/linux-base"
fi

# 2. Userspace, built from the base tree (same sources in both trees) once,
# and again only when the base or this script changes.
ST=$BASE_TREE/tools/testing/selftests
BIN=$S/bin
progs="gup_test gup_longterm cow mincore_selftest soft-dirty mlock2-tests pagemap_ioctl
	hmm-tests hugetlb-madvise uffd-unit-tests migration mremap_test ptwalk_badinput
	ptwalk_procdiff madv_populate mkdirty ksm_functional_tests split_huge_page_test"
ustamp="$base_commit $arch $(cat "$0" "$ROOT/tests/ptwalk_badinput.c" "$ROOT/tests/ptwalk_procdiff.c" |
	sha1sum | cut -c1-40)"
if [ "$(cat "$BIN/.stamp" 2>/dev/null)" != "$ustamp" ]; then
	echo "selftests: building $progs"
	rm -rf "$BIN" "$S/hdr" "$S/gen"
	mkdir -p "$BIN" "$S/gen"
	kmake "$BASE_TREE" "$outk-base" -s headers_install \
		INSTALL_HDR_PATH="$S/hdr" > "$S/userspace.log" 2>&1 ||
		fail_stop userspace "headers_install failed, see ${S#"$ROOT"/}/userspace.log"
	# gup_longterm.c includes local_config.h, which check_config.sh
	# writes: no liburing here.
	echo "// No liburing support found" > "$S/gen/local_config.h"
	# __FILE__ without the directory: gup_longterm creates its "local
	# tmpfile" under that name in the current directory.
	cflags=(-static -O2 -Wall -D_GNU_SOURCE= -isystem "$S/hdr/include"
		-I "$ST" -I "$BASE_TREE" -I "$S/gen")
	(
		set -e
		cd "$ST/mm"
		"$ucc" "${cflags[@]}" -fmacro-prefix-map="$PWD/"= -o "$BIN/gup_test" \
			"$PWD/gup_test.c" "$PWD/vm_util.c"
		"$ucc" "${cflags[@]}" -fmacro-prefix-map="$PWD/"= -o "$BIN/gup_longterm" \
			"$PWD/gup_longterm.c" "$PWD/vm_util.c"
		# COW and GUP (R/O pins of shared anonymous pages after fork(),
		# GUP-fast's anon-exclusive checks), without io_uring.
		"$ucc" "${cflags[@]}" -fmacro-prefix-map="$PWD/"= -o "$BIN/cow" \
			"$PWD/cow.c" "$PWD/vm_util.c" "$PWD/thp_settings.c"
		# The users of the converted walkers: pagemap (soft-dirty,
		# pagemap_ioctl), smaps (mlock2-tests), PAGEMAP_SCAN.
		"$ucc" "${cflags[@]}" -fmacro-prefix-map="$PWD/"= -o "$BIN/soft-dirty" \
			"$PWD/soft-dirty.c" "$PWD/vm_util.c" "$PWD/thp_settings.c"
		"$ucc" "${cflags[@]}" -fmacro-prefix-map="$PWD/"= -o "$BIN/mlock2-tests" \
			"$PWD/mlock2-tests.c"
		"$ucc" "${cflags[@]}" -fmacro-prefix-map="$PWD/"= -o "$BIN/pagemap_ioctl" \
			"$PWD/pagemap_ioctl.c" "$PWD/vm_util.c"
		# hmm_range_fault() and device-private pages (CONFIG_TEST_HMM).
		"$ucc" "${cflags[@]}" -fmacro-prefix-map="$PWD/"= -o "$BIN/hmm-tests" \
			"$PWD/hmm-tests.c" -lpthread
		# hugetlb's madvise() (smaps and pagemap of hugetlb VMAs) and
		# userfaultfd, write-protect and markers included (PAGEMAP_SCAN's
		# neighbours in the page tables).
		"$ucc" "${cflags[@]}" -fmacro-prefix-map="$PWD/"= -o "$BIN/hugetlb-madvise" \
			"$PWD/hugetlb-madvise.c" "$PWD/vm_util.c"
		"$ucc" "${cflags[@]}" -fmacro-prefix-map="$PWD/"= -o "$BIN/uffd-unit-tests" \
			"$PWD/uffd-unit-tests.c" "$PWD/uffd-common.c" "$PWD/vm_util.c" -lpthread
		# Page migration between the two nodes while threads touch the
		# pages (migrate_pages(): queue_pages_range(), converted), and
		# mremap() of every alignment.
		"$ucc" "${cflags[@]}" "${ulibs[@]}" -fmacro-prefix-map="$PWD/"= \
			-o "$BIN/migration" "$PWD/migration.c" "$PWD/vm_util.c" \
			"$PWD/thp_settings.c" -lnuma -lpthread
		"$ucc" "${cflags[@]}" -fmacro-prefix-map="$PWD/"= -o "$BIN/mremap_test" \
			"$PWD/mremap_test.c"
		# GUP from madvise(MADV_POPULATE_READ/WRITE) and from FOLL_FORCE
		# writes through /proc/self/mem (mkdirty), and folio_walk_start()'s
		# users: KSM and the debugfs THP split (split_huge_pages_pid()).
		for t in madv_populate mkdirty; do
			"$ucc" "${cflags[@]}" -fmacro-prefix-map="$PWD/"= -o "$BIN/$t" \
				"$PWD/$t.c" "$PWD/vm_util.c"
		done
		# Two of them with a local change, built from a copy in
		# $S/gen.  6.12's ksm_functional_tests passes execv() an argv
		# without its NULL end: the exec of its fork-and-exec case
		# fails, and the child runs the rest of the tests as a second
		# process, whose results the parent reports.  split_huge_page_test
		# without an XFS path skips its nine page cache cases after
		# writing a 4M file one byte per write() for each: 2 to 4
		# minutes under TCG for nine skips.  They are left out.
		sed 's/{ prg_name, FORK_EXEC_CHILD_PRG_NAME }/{ prg_name, FORK_EXEC_CHILD_PRG_NAME, NULL }/' \
			ksm_functional_tests.c > "$S/gen/ksm_functional_tests.c"
		grep -q 'FORK_EXEC_CHILD_PRG_NAME, NULL }' "$S/gen/ksm_functional_tests.c" || exit 1
		awk '/for \(i = 8; i >= 0; i--\)/ { cut = 2 } cut { cut--; next } { print }' \
			split_huge_page_test.c |
			sed 's/ksft_set_plan(3+9)/ksft_set_plan(3)/' > "$S/gen/split_huge_page_test.c"
		grep -q 'ksft_set_plan(3);' "$S/gen/split_huge_page_test.c" || exit 1
		! grep -q 'split_thp_in_pagecache_to_order(fd_size' "$S/gen/split_huge_page_test.c" || exit 1
		for t in ksm_functional_tests split_huge_page_test; do
			"$ucc" "${cflags[@]}" -I "$PWD" -fmacro-prefix-map="$S/gen/"= \
				-o "$BIN/$t" "$S/gen/$t.c" "$PWD/vm_util.c" || exit 1
		done
		cd "$ST/mincore"
		"$ucc" "${cflags[@]}" -fmacro-prefix-map="$PWD/"= -o "$BIN/mincore_selftest" \
			"$PWD/mincore_selftest.c"
		"$ucc" "${cflags[@]}" -Wextra -Werror -o "$BIN/ptwalk_badinput" \
			"$ROOT/tests/ptwalk_badinput.c"
		"$ucc" "${cflags[@]}" -Wextra -Werror -o "$BIN/ptwalk_procdiff" \
			"$ROOT/tests/ptwalk_procdiff.c"
	) >> "$S/userspace.log" 2>&1 ||
		fail_stop userspace "build failed, see ${S#"$ROOT"/}/userspace.log"
	# set -e does not stop the subshell above, whose status || tests: a
	# program that did not build is missing here.
	for p in $progs; do
		[ -x "$BIN/$p" ] ||
			fail_stop userspace "$p did not build, see ${S#"$ROOT"/}/userspace.log"
	done
	echo "$ustamp" > "$BIN/.stamp"
fi

# 3. The kernels.  $1: base or patched.
build_kernel() {
	local k=$1 tree out log stamp want missing

	case "$k" in
	base) tree=$BASE_TREE ;;
	*) tree=$LINUX ;;
	esac
	out=$outk-$k
	log=$S/build-$k.log
	stamp="$(sha1sum < "$FRAG" | cut -c1-40) $(git -C "$tree" rev-parse HEAD)"
	if [ "$k" = base ] && [ -f "$out/$image" ] &&
	   [ "$(cat "$out/.selftests-stamp" 2>/dev/null)" = "$stamp" ]; then
		echo "selftests: base kernel up to date"
		return 0
	fi
	echo "selftests: building the $k kernel in ${out#"$ROOT"/}"
	mkdir -p "$out"
	rm -f "$out/.selftests-stamp"
	{
		kmake "$tree" "$out" tinyconfig &&
		"$tree/scripts/kconfig/merge_config.sh" -m -O "$out" "$out/.config" "$FRAG" &&
		kmake "$tree" "$out" olddefconfig
	} > "$log" 2>&1 || fail_stop "build-$k" "configuration failed, see ${log#"$ROOT"/}"
	missing=
	while read -r want; do
		grep -qx "$want" "$out/.config" || missing="$missing ${want%=y}"
	done < <(grep -o '^CONFIG_[A-Za-z0-9_]*=y' "$FRAG")
	[ -z "$missing" ] ||
		fail_stop "config-$k" "not set in ${out#"$ROOT"/}/.config:$missing"
	kmake "$tree" "$out" "${image##*/}" >> "$log" 2>&1 || {
		tail -n 20 "$log" >&2
		fail_stop "build-$k" "kernel build failed, see ${log#"$ROOT"/}"
	}
	echo "$stamp" > "$out/.selftests-stamp"
}
build_kernel base
build_kernel patched

# 4. The initramfs: busybox, the tests and /init.
IRD=$S/initramfs
initramfs_start "$IRD" "$busybox" ||
	fail_stop setup "no $busybox (busybox-static; scripts/deps.sh fetches arm64's)"
for p in $progs; do
	cp "$BIN/$p" "$IRD/bin/"
done
cat >> "$IRD/init" <<'EOF'
# The rest of the selftests' /init (scripts/selftests.sh).  Every line meant
# for the parser starts with "SELFTEST ": "SELFTEST <name>| <output line>"
# for a test's output and "SELFTEST <name> rc=<exit status>" at its end.
mount -t debugfs debugfs /sys/kernel/debug
mkdir -p /dev/shm /mnt/ramfs /mnt/huge
mount -t tmpfs tmpfs /dev/shm
mount -t tmpfs tmpfs /tmp
mount -t ramfs ramfs /mnt/ramfs
mount -t hugetlbfs hugetlbfs /mnt/huge
echo 64 > /proc/sys/vm/nr_hugepages
for d in /sys/kernel/mm/hugepages/hugepages-*; do
	echo "SELFTEST-INFO ${d##*/}: $(cat "$d/nr_hugepages") pages"
done
echo "SELFTEST-INFO thp: $(cat /sys/kernel/mm/transparent_hugepage/enabled)"

fake=0
case " $(cat /proc/cmdline) " in
*" selftests.fake_fail=1 "*) fake=1 ;;
*" selftests.fake_fail=migration "*) fake=migration ;;
esac
smp=0
case " $(cat /proc/cmdline) " in
*" selftests.smp=1 "*) smp=1 ;;
esac
# The patched kernel's run: ptwalk_procdiff checks what 6.12 showed wrongly.
case " $(cat /proc/cmdline) " in
*" selftests.patched=1 "*) export PTWALK_PROCDIFF_PATCHED=1 ;;
esac

# run NAME COMMAND...: run a test with a time limit, prefix its output.
run() {
	name=$1
	shift
	echo "SELFTEST $name cmd: $*"
	t0=$(date +%s)
	( timeout 300 "$@" 2>&1; echo $? > /tmp/rc ) | sed "s/^/SELFTEST $name| /"
	rc=$(cat /tmp/rc)
	echo "SELFTEST-INFO $name took $(( $(date +%s) - t0 )) s"
	if [ "$fake" = 1 ] && [ "$name" = gup_test.u ]; then
		echo "SELFTEST $name| not ok 1 faked failure (SELFTESTS_FAKE_FAIL=1)"
		rc=1
	fi
	if [ "$fake" = migration ] && [ "$name" = migration ]; then
		echo "SELFTEST $name| Didn't migrate 1 pages (faked: SELFTESTS_FAKE_FAIL=migration)"
		rc=1
	fi
	echo "SELFTEST $name rc=$rc"
}

# The boot with three CPUs: migrate_pages() and move_pages() between the
# two nodes, of anonymous, THP and hugetlb pages, while other threads read
# them (queue_pages_range(), converted, finds the pages).
if [ "$smp" = 1 ]; then
	cd /tmp || exit 1
	run migration migration
	echo "SELFTESTS DONE"
	sync
	reboot -f
fi

# mincore_selftest in a ramfs: O_TMPFILE works there but fallocate does not,
# so check_file_mmap (page cache readahead on a disk filesystem) skips
# instead of failing on tmpfs, where fallocate makes every page resident.
cd /mnt/ramfs || exit 1
run mincore mincore_selftest
cd /tmp || exit 1

# Bad and random input to the walkers' system calls; its "B " lines must be
# the same on both kernels.
run badinput ptwalk_badinput

# What /proc (smaps, smaps_rollup, pagemap, PAGEMAP_SCAN, numa_maps) and
# mincore() show of every kind of memory; its "P " lines must be the same
# on both kernels.
run procdiff ptwalk_procdiff

# The mm selftests of the converted walkers' users: pagemap's soft-dirty
# bit, smaps' Locked and pagemap of mlocked memory, PAGEMAP_SCAN.
run soft-dirty soft-dirty
run mlock2-tests mlock2-tests
# (with its path: it maps its own executable, found by argv[0])
run pagemap_ioctl /bin/pagemap_ioctl
# hmm_range_fault() (anonymous, THP, hugetlb, device-private, migration
# to and from the device) through lib/test_hmm's /dev/hmm_dmirror*.  Not
# the three device-exclusive tests: make_device_exclusive_range() makes
# them fail with -EBUSY on the base kernel as on the patched one, in this
# guest.
run hmm-tests hmm-tests -T exclusive -T exclusive_mprotect -T exclusive_cow
run hugetlb-madvise hugetlb-madvise
run uffd-unit-tests uffd-unit-tests
# With ASLR off: 6.12's mremap_test maps a destination preamble with
# MAP_FIXED_NOREPLACE at a low address it does not check is free, where the
# randomized brk heap of a static binary lands now and then ("Failed to map
# dest preamble region: File exists", on either kernel).
echo 0 > /proc/sys/kernel/randomize_va_space
run mremap_test mremap_test -p 1
echo 2 > /proc/sys/kernel/randomize_va_space

# gup_test as run_vmtests.sh runs it (-u: get_user_pages_fast, -a:
# pin_user_pages_fast, -ct: dump pages with pin_user_pages, 128 MiB) ...
run gup_test.u gup_test -u
run gup_test.a gup_test -a
run gup_test.dump gup_test -ct -F 0x1 0 19 0x1000
# ... and a cut of its run_gup_matrix over 32 MiB: THP (-t), small pages
# (-T) and hugetlb 2M (-H), each with get_user_pages_fast (-u),
# get_user_pages (-U, the slow path), pin_user_pages_fast (-a),
# pin_user_pages (-b), FOLL_LONGTERM (-L), writing (-w) or not (-W), private
# or shared (-S), 1, 123 or 512 pages per call (-n).  Not -z (fault the
# pages in through GUP): it passes FOLL_TOUCH, which 6.12 refuses from
# callers with a WARNING.
for h in t T H; do
	run gup_test.$h-u-w-n123 gup_test -$h -m 32 -u -w -n 123
	run gup_test.$h-U-w-n123 gup_test -$h -m 32 -U -w -n 123
	run gup_test.$h-a-w-n123 gup_test -$h -m 32 -a -w -n 123
	run gup_test.$h-b-w-n123 gup_test -$h -m 32 -b -w -n 123
	run gup_test.$h-L-w-n123 gup_test -$h -m 32 -L -w -n 123
	run gup_test.$h-u-W-S-n512 gup_test -$h -m 32 -u -W -S -n 512
	run gup_test.$h-U-W-S-n1 gup_test -$h -m 32 -U -W -S -n 1
	run gup_test.$h-a-W-n512 gup_test -$h -m 32 -a -W -n 512
	run gup_test.$h-b-W-S-n512 gup_test -$h -m 32 -b -W -S -n 512
	run gup_test.$h-L-W-n1 gup_test -$h -m 32 -L -W -n 1
done

# Long-term pinning of memfd, tmpfs and hugetlb (2M and 1G) files.
run gup_longterm gup_longterm
# GUP from madvise(MADV_POPULATE_*) and FOLL_FORCE writes (mkdirty: the
# PTEs and PMDs it leaves must not be dirty and writable at once), and the
# users of folio_walk_start(): KSM merging and unmerging, and the split of
# THPs through debugfs (anonymous, PTE-mapped and tmpfs ones).
run madv_populate madv_populate
run mkdirty mkdirty
# (from /bin: its fork-and-exec case runs "./ksm_functional_tests", and
# elsewhere the child, its execv() failed, runs the rest of the tests)
cd /bin || exit 1
run ksm_functional_tests ./ksm_functional_tests
cd /tmp || exit 1
run split_huge_page_test split_huge_page_test
# COW of anonymous memory (small pages, THP, hugetlb) against GUP: R/O and
# R/W pins (GUP-fast and slow) of pages shared with a child after fork(),
# and the child's and parent's views after writes.
run cow cow

echo "SELFTESTS DONE"
sync
# No ACPI in this kernel: "poweroff -f" would halt or end in a panic, a
# reboot ends QEMU (-no-reboot).
reboot -f
EOF
chmod +x "$IRD/init"
(cd "$IRD" && find . | sort | cpio -o -H newc --owner=0:0 --quiet | gzip -9) \
	> "$S/initramfs.cpio.gz" || fail_stop setup "cannot pack the initramfs"

# 5. Boot both kernels, side by side (TCG runs a guest CPU on one host CPU).
# $1: base or patched.
# $2: the run, "" (one CPU) or -smp (three CPUs, migration).
boot() {
	local k=$1 run=$2 append=$cmdline t0 rc n=1 numa=()

	[ "$k" = patched ] && append="$append selftests.patched=1"
	[ "$k" = patched ] && [ "$fake" = 1 ] && append="$append selftests.fake_fail=1"
	if [ "$run" = -smp ]; then
		n=3
		append="$append selftests.smp=1"
		# The first migration boot of the patched kernel only.
		[ "$k" = patched ] && [ "$fake" = migration ] &&
			[ ! -e "$S/$k-smp.try1.log" ] &&
			append="$append selftests.fake_fail=migration"
	fi
	[ -n "$numa0" ] && numa=(-numa "$numa0,cpus=0$([ $n = 1 ] || echo -$((n - 1)))")
	echo "selftests: running the $k kernel with $n CPU(s) (timeout ${timeout} s)"
	t0=$(date +%s)
	timeout "$timeout" "${qemu[@]}" "${numa[@]}" -smp "$n" -nographic -no-reboot \
		-kernel "$outk-$k/$image" \
		-initrd "$S/initramfs.cpio.gz" -append "$append" \
		< /dev/null > "$S/$k$run.log" 2>&1
	rc=$?
	echo "$rc $(( $(date +%s) - t0 ))" > "$S/$k$run.qemu"
}
rm -f "$S"/*.qemu "$S"/*-smp.try*.log
# Each kernel's migration boot runs beside the other kernel's one-CPU boot,
# never beside the other migration boot: four guest CPUs on the host's two
# cores instead of six (see below).
{ boot base ""; boot base -smp; } &
{ boot patched -smp; boot patched ""; } &
wait

# migration is best effort in 6.12: a thread that faults on the folio while
# migration runs holds the hugetlb VMA lock (or a folio reference) that
# makes try_to_migrate() or the refcount check fail, and on a loaded host
# (TCG guest CPUs are host threads, descheduled in the middle of a fault)
# its 100 tries in a row can all lose, on either kernel: seen on both
# (last on the x86_64 patched kernel's shared_anon_htlb, in the last of a
# CI run's three rounds of boots), though rare: 17 more runs on each
# kernel, the two side by side (12 of shared_anon_htlb alone, 5 of the
# whole program), all passed.  A kernel whose migration run did not pass
# boots for it again, alone, up to twice; its result is that of its first
# passing boot, and a kernel that fails all three fails.  The verdict's run lines
# say how many boots each kernel took, with what the failed ones printed.
for k in base patched; do
	t=0
	while [ $t -lt 2 ] && ! grep -q '^SELFTEST migration rc=0' "$S/$k-smp.log"; do
		t=$((t + 1))
		mv "$S/$k-smp.log" "$S/$k-smp.try$t.log"
		echo "selftests: migration did not pass on the $k kernel, booting it again ($t of 2)"
		boot "$k" -smp
	done
done

# 6. Results.  One line per test, "<name> <result>[ # <description>]", the
# result being pass, fail, fail(rc=N), skip(<reason>) or missing (the test
# started but never ended).
parse() {
	tr -d '\r' < "$1" | awk -v WHY="$2" '
	function result(ok, bad, skip, rc, why) {
		if (bad)
			return "fail"
		if (rc == "")
			return "missing"
		if (rc == 4 || (skip && skip == ok))
			return "skip(" why ")"
		if (rc != 0)
			return "fail(rc=" rc ")"
		return ok ? "pass" : "fail(no result)"
	}
	function tap(line, s) {
		# "ok N desc # SKIP why" or "not ok N desc"; sets tap_*.
		tap_bad = line ~ /^not ok /
		sub(/^(not )?ok /, "", line)
		tap_n = line + 0
		sub(/^[0-9]+ ?/, "", line)
		tap_skip = 0
		tap_why = ""
		if ((s = index(line, "# SKIP")) > 0) {
			tap_skip = 1
			tap_why = substr(line, s + 7)
			gsub(/^ +| +$/, "", tap_why)
			line = substr(line, 1, s - 1)
		}
		gsub(/^ +| +$/, "", line)
		tap_desc = line
	}
	/^SELFTEST [^ ]+ cmd: / {
		name = $2
		order[++n] = name
		next
	}
	/^SELFTEST [^ ]+ rc=[0-9]+$/ {
		rc[$2] = substr($3, 4)
		next
	}
	/^SELFTEST [^ ]+\| / {
		name = substr($2, 1, length($2) - 1)
		line = $0
		sub(/^SELFTEST [^ ]+\| /, "", line)
		if (line ~ /^# \[RUN\] /) {
			run_desc[name] = substr(line, 9)
			next
		}
		if (line !~ /^(not )?ok [0-9]+/) {
			# What the test said last, for a failure, but not the
			# lines of the harness (RUN, OK, FAIL).
			if (line !~ /^# +(RUN|OK|FAIL) / && line !~ /^ *$/) {
				said[name] = said[name] == "" ? line : \
					said[name] " | " line
				if (length(said[name]) > 300)
					said[name] = "..." substr(said[name],
						length(said[name]) - 296)
			}
			next
		}
		tap(line)
		failsaid = tap_bad ? said[name] : ""
		said[name] = ""
		if (name ~ /^gup_test\./) {
			ok[name] += !tap_bad
			bad[name] += tap_bad
			skip[name] += tap_skip
			if (tap_skip)
				why[name] = tap_why
			if (failsaid != "")
				print name, failsaid > WHY
			next
		}
		# Several results per program: one test each.
		if (name == "mincore") {
			sub(/^global\./, "", tap_desc)
			sub_name = name "." tap_desc
			desc = ""
		} else {
			sub_name = sprintf("%s.%02d", name, tap_n)
			desc = run_desc[name]
		}
		subs[name] = subs[name] " " sub_name
		if (failsaid != "") {
			print sub_name, failsaid > WHY
			lastsaid[name] = failsaid
		}
		sub_res[sub_name] = tap_bad ? "fail" : tap_skip ? "skip(" tap_why ")" : "pass"
		sub_desc[sub_name] = desc
		next
	}
	END {
		for (i = 1; i <= n; i++) {
			name = order[i]
			if (name ~ /^gup_test\./) {
				print name, result(ok[name], bad[name], skip[name], rc[name], why[name])
				continue
			}
			m = split(subs[name], list, " ")
			for (j = 1; j <= m; j++) {
				s = list[j]
				print s, sub_res[s] (sub_desc[s] != "" ? " # " sub_desc[s] : "")
			}
			# The program itself: its exit status.
			print name, result(1, 0, 0, rc[name], "")
			if (rc[name] != "" && rc[name] != 0 && rc[name] != 4)
				print name, (lastsaid[name] != "" ? lastsaid[name] : \
					     said[name]) > WHY
		}
	}'
}

# Problems with a run as a whole: "" when it finished with a clean log.
run_problems() {
	local k=$1 rc

	read -r rc _ < "$S/$k.qemu"
	qemu_run_problem "$S/$k.log" "$rc" "$timeout" 'SELFTESTS DONE' 'SELFTEST '
}

for k in base patched; do
	cat "$S/$k.log" "$S/$k-smp.log" > "$S/$k.all.log"
	: > "$S/$k.why"
	parse "$S/$k.all.log" "$S/$k.why" > "$S/$k.results"
done

for k in base patched base-smp patched-smp; do
	read -r rc secs < "$S/$k.qemu"
	p=$(run_problems "$k")
	n=$(grep -c '^SELFTEST [^ ]* rc=' "$S/$k.log")
	again=
	tries=$(find "$S" -maxdepth 1 -name "$k.try*.log" | wc -l)
	for t in $(seq 1 "$tries"); do
		w=passed
		if ! grep -q '^SELFTEST migration rc=0' "$S/$k.try$t.log"; then
			: > "$S/$k.try$t.why"
			parse "$S/$k.try$t.log" "$S/$k.try$t.why" > /dev/null
			# A test's line, or else the program's.
			w=$(grep -m 1 -v '^migration ' "$S/$k.try$t.why")
			[ -n "$w" ] || w=$(grep -m 1 '^migration ' "$S/$k.try$t.why")
			w="failed: ${w:-no result}"
		fi
		again="$again; boot $t of $((tries + 1)) $w"
	done
	if [ -z "$p" ]; then
		echo "PASS $P:run-$k booted and finished in $secs s, $n programs, log clean$again"
	else
		echo "FAIL $P:run-$k $p (${S#"$ROOT"/}/$k.log)"
	fi
done >> "$NEW"
[ -s "$S/base.results" ] ||
	echo "FAIL $P:results-base no results from the base kernel (${S#"$ROOT"/}/base.log)" >> "$NEW"

# Test by test, in the base order, then what only the patched run has.  A
# failure line ends with what the failing run printed last.
awk -v P="$P" '
	function said(k, t, w) {
		w = k == "base" ? bw[t] : pw[t]
		return w == "" ? "" : "; " k " printed: " w
	}
	function res(line) {
		sub(/^[^ ]+ /, "", line)
		sub(/ # .*/, "", line)
		return line
	}
	function desc(line) {
		return sub(/^.* # /, "", line) ? " (" line ")" : ""
	}
	FILENAME == ARGV[1] { t = $1; sub(/^[^ ]+ /, ""); bw[t] = $0; next }
	FILENAME == ARGV[2] { t = $1; sub(/^[^ ]+ /, ""); pw[t] = $0; next }
	FILENAME == ARGV[3] { b[$1] = res($0); d[$1] = desc($0); order[++n] = $1; next }
	{ p[$1] = res($0); if (!($1 in b)) { order[++n] = $1; d[$1] = desc($0) } }
	END {
		for (i = 1; i <= n; i++) {
			t = order[i]
			x = t in b ? b[t] : "missing"
			y = t in p ? p[t] : "missing"
			if (x == y && x == "pass")
				print "PASS " P ":" t " pass on both" d[t]
			else if (x == y && x ~ /^skip/)
				print "SKIP " P ":" t " skipped on both: " substr(x, 6, length(x) - 6) d[t]
			else
				print "FAIL " P ":" t " base=" x " patched=" y d[t] \
				      (x ~ /^(pass|skip)/ ? "" : said("base", t)) \
				      (y ~ /^(pass|skip)/ ? "" : said("patched", t))
		}
	}' "$S/base.why" "$S/patched.why" "$S/base.results" "$S/patched.results" >> "$NEW"

# The differential programs: the lines of $1 that start with $2 must be the
# same on both kernels ($3 says what they are); every difference in
# build/selftests/$1.diff.
same_lines() {
	local name=$1 tag=$2 what=$3 n first k

	for k in base patched; do
		tr -d '\r' < "$S/$k.log" |
			sed -n "s/^SELFTEST $name| \($tag .*\)\$/\1/p" > "$S/$k.$name"
	done
	n=$(grep -c . "$S/base.$name")
	if [ "$n" -gt 0 ] && cmp -s "$S/base.$name" "$S/patched.$name"; then
		echo "PASS $P:$name-as-base $n $what, the same on both kernels"
	else
		diff "$S/base.$name" "$S/patched.$name" > "$S/$name.diff"
		first=$(grep -m2 '^[<>]' "$S/$name.diff" | tr '\n' ' ')
		echo "FAIL $P:$name-as-base $n $what on the base kernel; first" \
		     "difference: ${first:-none} (${S#"$ROOT"/}/$name.diff)"
	fi >> "$NEW"
}

# ptwalk_badinput: every call gave the same return value, errno and output.
same_lines badinput B "calls"
# ptwalk_procdiff: what the page table walkers show userspace.
same_lines procdiff P "lines of /proc and mincore()"
# ... and, on the patched kernel, its checks of what 6.12 showed wrongly
# (PTE-mapped hugetlb pages, arm64 only): "F ok" lines, no "F not ok".
tr -d '\r' < "$S/patched.log" | sed -n 's/^SELFTEST procdiff| F //p' > "$S/patched.fixed"
if [ -s "$S/patched.fixed" ]; then
	n=$(grep -c . "$S/patched.fixed")
	bad=$(grep -m1 '^not ok' "$S/patched.fixed")
	if [ -z "$bad" ]; then
		echo "PASS $P:procdiff-fixed $n checks of what 6.12 showed wrongly"
	else
		echo "FAIL $P:procdiff-fixed $bad"
	fi >> "$NEW"
fi
mv "$NEW" "$VERDICT"

npass=$(grep -c '^PASS' "$VERDICT")
nskip=$(grep -c '^SKIP' "$VERDICT")
nfail=$(grep -vc '^\(PASS\|SKIP\)' "$VERDICT")
grep -v '^\(PASS\|SKIP\)' "$VERDICT" | sed 's/^/selftests: /'
echo "selftests: $arch: $npass passed, $nfail failed, $nskip skipped (the same" \
	"skip on both kernels) ($(( $(date +%s) - start )) s), see ${VERDICT#"$ROOT"/}"
[ "$nfail" = 0 ]

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build build/linux for one KUnit configuration and run the ptwalk suites
# with tools/testing/kunit/kunit.py.  Results land in build/kunit/:
#   <config>.json  kunit.py --json (KernelCI format)
#   <config>.log   the kernel's console output (kunit.py's test.log)
#   <config>.out   what kunit.py printed
#   <config>.rc    kunit.py's exit status
#
# Configurations (kunit/<name>.kunitconfig holds the Kconfig fragments), one
# per page table geometry the kernel supports that QEMU boots here:
#   um             UML, native speed, 3 levels
#   x86_64         qemu-system-x86_64 -cpu max, 5-level paging
#   x86_64-no5lvl  the x86_64 kernel booted with no5lvl (4 levels)
#   x86_64-debug   x86_64 with KASAN, PROVE_LOCKING, DEBUG_VM, DEBUG_VM_PGTABLE
#   arm64          qemu-system-aarch64 -cpu max, 4K pages, 52-bit VA (5 levels)
#   arm64-nolpa2   the arm64 kernel on a CPU without LPA2 (-cpu max,lpa2=off):
#                  48-bit VA, 4 levels, the P4D folded at run time
#   arm64-16k-52   16K pages, 52-bit VA with LPA2: 4 levels, a top table of 32
#                  entries
#   arm64-16k-52-nolpa2  the same kernel without LPA2: 47-bit VA, 3 levels, the
#                  PUD folded at run time
#   arm64-39       4K pages, 39-bit VA: 3 levels, PUD folded (1G leaves in the
#                  top table)
#   arm64-16k      16K pages, 48-bit VA: 4 levels, a top table of 2 entries
#   arm64-64k      64K pages, 42-bit VA: 2 levels, PMD folded
#   riscv64        qemu-system-riscv64, Sv57 (5 levels)
#   riscv64-sv48   the riscv64 kernel booted with no5lvl: P4D folded at run time
#   riscv64-sv39   the riscv64 kernel booted with no4lvl: P4D and PUD folded
#   i386           qemu-system-i386, no PAE: 2 levels, PMD folded, 4M leaves
#   i386-pae       PAE: 3 levels, a top table of 4 entries
#   s390x          qemu-system-s390x: region and segment tables, levels added
#                  to an mm as it grows
#   ppc64le        qemu-system-ppc64 -M pseries -cpu power9: radix, 64K pages
#   arm            qemu-system-arm -M virt, 32-bit arm with the classic tables:
#                  2 levels, PMD folded, a PGD entry of two hardware entries,
#                  Linux and hardware PTEs side by side, no huge pages
#   arm-lpae       qemu-system-arm -M virt, 32-bit arm with LPAE: 3 levels, a
#                  top table of 4 entries, hugetlb 2M
#   mips64el-64k   qemu-system-mips64el -M malta, MIPS64R2: 64K pages, 2 levels,
#                  PMD folded, hugetlb 512M: entries the pmd_*() helpers do
#                  not read
#   mips64el-4k    4K pages, 3 levels: the locked suites (GUP-fast and
#                  lockless walks are refused on a CPU whose cache aliases)
set -eu
. "$(dirname "$0")/lib.sh"

cfg=${1:?usage: kunit.sh CONFIG [kunit.py run arguments]}
shift
K=$ROOT/kunit
mode=run
jobs=$(nproc)
# The suites run: ptwalk's, and on um, x86_64 and arm64 (whose kunitconfigs
# turn DAMON's KUnit options on) DAMON's (um and x86_64: damon,
# damon-operations, damon-sysfs; arm64: damon, damon-operations), in one of the
# kernel's globs (lib/glob.c).
glob='pt_walk*'
cross=
args=()
kargs=()
timeout=300

# hugetlb pools for the hugetlb walks, a PMD-size and where there is one a
# PUD-size pool (QEMU gets 3 GiB).
# x86_64: one 2M page more for the memory-failure case, which poisons one
# (the pool loses it).
x86_pools=(hugepagesz=1G hugepages=1 hugepagesz=2M hugepages=5)
arm64_pools=(hugepagesz=1G hugepages=1 hugepagesz=2M hugepages=4)
# arm64 with 4K pages: the contiguous hugetlb sizes too, 64K (CONT_PTES
# PTEs) and 32M (CONT_PMDS PMDs).
arm64_cont_pools=(hugepagesz=64K hugepages=4 hugepagesz=32M hugepages=2)
# -cpu max without LPA2, after kunit/qemu/arm64.py's (the last -cpu is the
# one QEMU takes): a kernel built for 52-bit VA then runs with one level
# less, 48-bit VA with 4K pages (the P4D folded at run time), 47-bit with
# 16K pages (the PUD).
arm64_nolpa2="-cpu max,pauth-impdef=on,lpa2=off"

case "$cfg" in
um)
	args=(--arch=um --kunitconfig="$K/um.kunitconfig")
	kargs=(pt_walk_base_kunit.expect_levels=3)
	glob='[pd][ta][_m]*'	# pt_walk*, damon*
	;;
x86_64 | x86_64-no5lvl)
	args=(--arch=x86_64 --qemu_config="$K/qemu/x86_64.py"
	      --kunitconfig="$K/x86_64.kunitconfig")
	kargs=(pt_walk_base_kunit.expect_levels=5 "${x86_pools[@]}")
	glob='[pd][ta][_m]*'	# pt_walk*, damon*
	if [ "$cfg" = x86_64-no5lvl ]; then
		# Same kernel as x86_64, booted with 5-level paging off.
		mode=exec
		kargs=(no5lvl pt_walk_base_kunit.expect_levels=4 "${x86_pools[@]}")
	fi
	dir=x86_64
	;;
x86_64-debug)
	args=(--arch=x86_64 --qemu_config="$K/qemu/x86_64.py"
	      --kunitconfig="$K/x86_64.kunitconfig" --kunitconfig="$K/debug.kunitconfig"
	      --kunitconfig="$K/stress.kunitconfig")
	# An oops ends the run at once: a kernel that oopsed may hang (a
	# lock held by the dead thread) until kunit.py's timeout.
	kargs=(pt_walk_base_kunit.expect_levels=5 "${x86_pools[@]}" oops=panic panic=-1)
	timeout=900
	;;
arm64)
	args=(--arch=arm64 --qemu_config="$K/qemu/arm64.py"
	      --kunitconfig="$K/arm64.kunitconfig" --kunitconfig="$K/arm64-52.kunitconfig"
	      --kunitconfig="$K/stress.kunitconfig")
	cross=aarch64-linux-gnu-
	kargs=(pt_walk_base_kunit.expect_levels=5 "${arm64_pools[@]}" "${arm64_cont_pools[@]}")
	;;
arm64-nolpa2)
	# Same kernel as arm64, on a CPU without LPA2: the top level folds.
	args=(--arch=arm64 --qemu_config="$K/qemu/arm64.py" --qemu_args="$arm64_nolpa2"
	      --kunitconfig="$K/arm64.kunitconfig" --kunitconfig="$K/arm64-52.kunitconfig"
	      --kunitconfig="$K/stress.kunitconfig")
	mode=exec
	kargs=(pt_walk_base_kunit.expect_levels=4 "${arm64_pools[@]}" "${arm64_cont_pools[@]}")
	dir=arm64
	;;
arm64-16k-52 | arm64-16k-52-nolpa2)
	args=(--arch=arm64 --qemu_config="$K/qemu/arm64.py"
	      --kunitconfig="$K/arm64.kunitconfig" --kunitconfig="$K/arm64-16k-52.kunitconfig")
	cross=aarch64-linux-gnu-
	kargs=(pt_walk_base_kunit.expect_levels=4 hugepagesz=32M hugepages=2
	       hugepagesz=2M hugepages=4)
	if [ "$cfg" = arm64-16k-52-nolpa2 ]; then
		# Same kernel, on a CPU without LPA2: the PUD folds.
		args+=(--qemu_args="$arm64_nolpa2")
		mode=exec
		kargs=(pt_walk_base_kunit.expect_levels=3 hugepagesz=32M hugepages=2
		       hugepagesz=2M hugepages=4)
	fi
	dir=arm64-16k-52
	;;
arm64-39 | arm64-16k | arm64-64k)
	args=(--arch=arm64 --qemu_config="$K/qemu/arm64.py"
	      --kunitconfig="$K/arm64.kunitconfig" --kunitconfig="$K/$cfg.kunitconfig")
	cross=aarch64-linux-gnu-
	case "$cfg" in
	# With MEMORY_FAILURE: one page more of each size below 1G, for
	# the memory-failure case, which poisons one of each.
	arm64-39) kargs=(pt_walk_base_kunit.expect_levels=3 hugepagesz=1G hugepages=1
			 hugepagesz=2M hugepages=5 hugepagesz=64K hugepages=5
			 hugepagesz=32M hugepages=3) ;;
	# 2M: CONT_PTES 16K or 64K PTEs.
	arm64-16k) kargs=(pt_walk_base_kunit.expect_levels=4 hugepagesz=32M hugepages=2
			  hugepagesz=2M hugepages=4) ;;
	arm64-64k) kargs=(pt_walk_base_kunit.expect_levels=2 hugepagesz=512M hugepages=2
			  hugepagesz=2M hugepages=4) ;;
	esac
	;;
riscv64 | riscv64-sv48 | riscv64-sv39)
	args=(--arch=riscv --qemu_config="$K/qemu/riscv64.py"
	      --kunitconfig="$K/riscv64.kunitconfig")
	cross=riscv64-linux-gnu-
	case "$cfg" in
	riscv64) kargs=(pt_walk_base_kunit.expect_levels=5) ;;
	riscv64-sv48) mode=exec kargs=(no5lvl pt_walk_base_kunit.expect_levels=4) ;;
	riscv64-sv39) mode=exec kargs=(no4lvl pt_walk_base_kunit.expect_levels=3) ;;
	esac
	# And 64K: Svnapot blocks of 16 PTEs.
	kargs+=("${arm64_pools[@]}" hugepagesz=64K hugepages=4)
	dir=riscv64
	;;
i386)
	args=(--arch=i386 --qemu_config="$K/qemu/i386.py"
	      --kunitconfig="$K/i386.kunitconfig" --kunitconfig="$K/i386-2lvl.kunitconfig")
	kargs=(pt_walk_base_kunit.expect_levels=2 hugepagesz=4M hugepages=4)
	;;
i386-pae)
	args=(--arch=i386 --qemu_config="$K/qemu/i386.py"
	      --kunitconfig="$K/i386.kunitconfig" --kunitconfig="$K/i386-pae.kunitconfig")
	kargs=(pt_walk_base_kunit.expect_levels=3 hugepagesz=2M hugepages=4)
	;;
s390x)
	args=(--arch=s390 --qemu_config="$K/qemu/s390x.py"
	      --kunitconfig="$K/s390x.kunitconfig")
	cross=s390x-linux-gnu-
	# No huge pages: QEMU's TCG s390x CPU has no EDAT (see README).
	kargs=(pt_walk_base_kunit.expect_levels=3)
	;;
ppc64le)
	args=(--arch=powerpc --qemu_config="$K/qemu/ppc64le.py"
	      --kunitconfig="$K/ppc64le.kunitconfig")
	cross=powerpc64le-linux-gnu-
	# 2M (PMD) and 1G (PUD) hugetlb pages, radix; one 2M page more for
	# the memory-failure case, which poisons one.
	kargs=(pt_walk_base_kunit.expect_levels=4 hugepagesz=2M hugepages=5
	       hugepagesz=1G hugepages=1)
	;;
arm)
	args=(--arch=arm --kunitconfig="$K/arm.kunitconfig")
	cross=arm-linux-gnueabihf-
	kargs=(pt_walk_base_kunit.expect_levels=2)
	;;
arm-lpae)
	args=(--arch=arm --kunitconfig="$K/arm.kunitconfig" --kunitconfig="$K/arm-lpae.kunitconfig")
	cross=arm-linux-gnueabihf-
	kargs=(pt_walk_base_kunit.expect_levels=3 hugepages=4)
	;;
mips64el-64k | mips64el-4k)
	args=(--arch=mips --qemu_config="$K/qemu/mips64el.py"
	      --kunitconfig="$K/mips64el.kunitconfig" --kunitconfig="$K/$cfg.kunitconfig")
	cross=mips64el-linux-gnuabi64-
	# One size of hugetlb pages on mips: HPAGE_SIZE, the PMD's.
	case "$cfg" in
	mips64el-64k) kargs=(pt_walk_base_kunit.expect_levels=2 hugepages=1) ;;
	mips64el-4k)
		kargs=(pt_walk_base_kunit.expect_levels=3 hugepages=4)
		# The suites of locked walks: base, decode, mincore,
		# leaf_entry, lookup.  The others walk lockless too, which
		# gup_fast_permitted() refuses on this CPU.
		glob='pt_walk_[bdlm]*'
		;;
	esac
	;;
*)
	die "unknown configuration '$cfg' ($ALL_CONFIGS)"
	;;
esac
case "$cfg" in
arm64*) glob='[pd][ta][_m]*' ;;	# pt_walk*, damon*
esac
dir=$OUT/${dir:-$cfg}
res=$BUILD/kunit
mkdir -p "$dir" "$res"
rm -f "$res/$cfg".{json,log,out,rc}

for a in "${kargs[@]}"; do
	args+=(--kernel_args="$a")
done
if [ "$mode" = run ]; then
	args+=(--jobs="$jobs")
	# ccache through CC: a CROSS_COMPILE with a space in it breaks the
	# compile_commands.json target that kunit.py builds.
	if [ -n "$cross" ]; then
		args+=(--cross_compile="$cross" --make_options=CC="ccache ${cross}gcc")
	else
		args+=(--make_options=CC="ccache gcc")
	fi
fi

echo "kunit: $cfg: kunit.py $mode in ${dir#"$ROOT"/}"
set +e
(cd "$LINUX" && python3 tools/testing/kunit/kunit.py "$mode" \
	--build_dir="$dir" --timeout="$timeout" --json="$res/$cfg.json" \
	"${args[@]}" "$@" "$glob") > "$res/$cfg.out" 2>&1
rc=$?
set -e
echo "$rc" > "$res/$cfg.rc"
cp "$dir/test.log" "$res/$cfg.log" 2>/dev/null || true
tail -n 5 "$res/$cfg.out" | sed "s/^/kunit: $cfg: /"
exit "$rc"

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
# Configurations (kunit/<name>.kunitconfig holds the Kconfig fragments):
#   um             UML, native speed, 3 levels
#   x86_64         qemu-system-x86_64 -cpu max, 5-level paging
#   x86_64-no5lvl  the x86_64 kernel booted with no5lvl (4 levels)
#   arm64          qemu-system-aarch64 -cpu max, 4K pages, 52-bit VA
#   x86_64-debug   x86_64 with KASAN, PROVE_LOCKING, DEBUG_VM, DEBUG_VM_PGTABLE
set -eu
. "$(dirname "$0")/lib.sh"

cfg=${1:?usage: kunit.sh CONFIG [kunit.py run arguments]}
shift
K=$ROOT/kunit
mode=run
jobs=$(nproc)
glob='pt_walk*'
args=()
kargs=()

# hugetlb pools for the hugetlb walks: 1G and 2M pages on x86_64, 2M on
# arm64 (QEMU gets 3 GiB).
x86_pools=(hugepagesz=1G hugepages=1 hugepagesz=2M hugepages=4)
arm64_pools=(hugepagesz=2M hugepages=4)

case "$cfg" in
um)
	args=(--arch=um --kunitconfig="$K/um.kunitconfig")
	kargs=(pt_walk_base_kunit.expect_levels=3)
	timeout=300
	;;
x86_64 | x86_64-no5lvl)
	args=(--arch=x86_64 --qemu_config="$K/qemu/x86_64.py"
	      --kunitconfig="$K/x86_64.kunitconfig")
	kargs=(pt_walk_base_kunit.expect_levels=5 "${x86_pools[@]}")
	if [ "$cfg" = x86_64-no5lvl ]; then
		# Same kernel as x86_64, booted with 5-level paging off.
		mode=exec
		kargs=(no5lvl pt_walk_base_kunit.expect_levels=4 "${x86_pools[@]}")
	fi
	dir=x86_64
	timeout=300
	;;
x86_64-debug)
	args=(--arch=x86_64 --qemu_config="$K/qemu/x86_64.py"
	      --kunitconfig="$K/x86_64.kunitconfig" --kunitconfig="$K/debug.kunitconfig")
	kargs=(pt_walk_base_kunit.expect_levels=5 "${x86_pools[@]}")
	timeout=900
	;;
arm64)
	args=(--arch=arm64 --qemu_config="$K/qemu/arm64.py"
	      --cross_compile=aarch64-linux-gnu-
	      --kunitconfig="$K/arm64.kunitconfig")
	kargs=(pt_walk_base_kunit.expect_levels=5 "${arm64_pools[@]}")
	timeout=300
	;;
*)
	die "unknown configuration '$cfg' (um x86_64 x86_64-no5lvl arm64 x86_64-debug)"
	;;
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
	if [ "$cfg" = arm64 ]; then
		args+=(--make_options=CC="ccache aarch64-linux-gnu-gcc")
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

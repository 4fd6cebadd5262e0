#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Run the ptwalk KUnit benchmark (suite pt_walk_bench) and print its figures:
#   um       UML, where kernel code runs at native speed: the timings;
#   x86_64   qemu-system-x86_64 (TCG, no KVM here): ratios only, with the
#            THP and hugetlb 2M/1G scenarios UML cannot have.
# Never part of `make check`: speed is measured here, not asserted.  Output
# in build/bench/<platform>.{txt,results,log,out}, the platform being um or
# qemu-x86_64.  QUIET=1 prints nothing but errors.
#
#   arm64    qemu-system-aarch64 (TCG): ratios only; mostly built for the
#            instruction counts (scripts/insn-profile.sh bench arm64).
#   scripts/bench.sh [um] [x86_64] [arm64]     (default: um)
set -eu
. "$(dirname "$0")/lib.sh"

mib=${BENCH_MIB:-256}
res=$BUILD/bench
mkdir -p "$res"

run() {		# run platform build-dir kunit.py-arguments...
	local plat=$1 dir=$2
	shift 2
	mkdir -p "$dir"
	(cd "$LINUX" && python3 tools/testing/kunit/kunit.py run \
		--build_dir="$dir" --jobs="$(nproc)" --timeout=1800 \
		--kernel_args="pt_walk_bench_kunit.bench_mib=$mib" \
		--json="$res/$plat.json" "$@" 'pt_walk_bench') > "$res/$plat.out" 2>&1 ||
		{ tail -n 30 "$res/$plat.out"; die "the benchmark did not run on $plat"; }
	cp "$dir/test.log" "$res/$plat.log"
	grep -o 'bench: .*' "$res/$plat.log" | sed 's/^bench: //' > "$res/$plat.txt"
	grep -o 'result: .*' "$res/$plat.log" | sed 's/^result: //' > "$res/$plat.results"
	[ -s "$res/$plat.results" ] ||
		die "the benchmark printed no results on $plat (see build/bench/$plat.log)"
	if [ -z "${QUIET:-}" ]; then
		echo "== $plat"
		cat "$res/$plat.txt"
	fi
}

for p in ${*:-um}; do
	case "$p" in
	um)
		run um "$OUT/bench-um" --arch=um \
			--kunitconfig="$ROOT/bench/um.kunitconfig" \
			--make_options=CC="ccache gcc" --kernel_args="mem=2G"
		;;
	x86_64)
		# Without KVM the guest cannot calibrate its TSC against the PIT
		# and falls back to jiffies (4 ms): give it the host's TSC rate,
		# which is the guest's under TCG.
		mkdir -p "$res/bin"
		gcc -static -O2 -o "$res/bin/ptwalk_users" "$ROOT/bench/users/ptwalk_users.c" ||
			die "cannot build bench/users/ptwalk_users.c"
		khz=$("$res/bin/ptwalk_users" --tsc-khz) || khz=0
		[ "$khz" -gt 0 ] 2>/dev/null || die "cannot measure the host's TSC frequency"
		# 3 GiB: 1G and 256M of hugetlb pools, 256M of THPs, the rest.
		run qemu-x86_64 "$OUT/bench-x86_64" --arch=x86_64 \
			--qemu_config="$ROOT/kunit/qemu/x86_64.py" \
			--kunitconfig="$ROOT/kunit/x86_64.kunitconfig" \
			--kunitconfig="$ROOT/bench/x86_64.kunitconfig" \
			--make_options=CC="ccache gcc" \
			--kernel_args="hugepagesz=1G" --kernel_args="hugepages=1" \
			--kernel_args="hugepagesz=2M" --kernel_args="hugepages=128" \
			--kernel_args="tsc_early_khz=$khz" --kernel_args="tsc=reliable"
		;;
	arm64)
		# For the instruction counts (scripts/insn-profile.sh bench):
		# the arm64 KUnit kernel (4K pages, 52-bit VA) with the benchmark.
		run qemu-arm64 "$OUT/bench-arm64" --arch=arm64 \
			--qemu_config="$ROOT/kunit/qemu/arm64.py" \
			--kunitconfig="$ROOT/kunit/arm64.kunitconfig" \
			--kunitconfig="$ROOT/kunit/arm64-52.kunitconfig" \
			--kunitconfig="$ROOT/bench/x86_64.kunitconfig" \
			--make_options=CC="ccache aarch64-linux-gnu-gcc" \
			--cross_compile=aarch64-linux-gnu- \
			--kernel_args="hugepagesz=1G" --kernel_args="hugepages=1" \
			--kernel_args="hugepagesz=2M" --kernel_args="hugepages=128"
		;;
	*)
		die "unknown platform '$p' (um x86_64 arm64)"
		;;
	esac
done

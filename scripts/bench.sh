#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Run the ptwalk KUnit benchmark (suite pt_walk_bench) on UML, where kernel
# code runs at native speed, and print its figures.  Never part of `make
# check`: speed is measured here, not asserted.  Output in build/bench/.
set -eu
. "$(dirname "$0")/lib.sh"

mib=${BENCH_MIB:-256}
dir=$OUT/bench-um
res=$BUILD/bench
mkdir -p "$dir" "$res"
(cd "$LINUX" && python3 tools/testing/kunit/kunit.py run --arch=um \
	--build_dir="$dir" --kunitconfig="$ROOT/bench/um.kunitconfig" \
	--make_options=CC="ccache gcc" --jobs="$(nproc)" --timeout=900 \
	--kernel_args="mem=2G" --kernel_args="pt_walk_bench_kunit.bench_mib=$mib" \
	--json="$res/um.json" 'pt_walk_bench') > "$res/um.out" 2>&1 ||
	{ tail -n 30 "$res/um.out"; die "the benchmark did not run"; }
cp "$dir/test.log" "$res/um.log"
grep -o 'bench: .*' "$res/um.log" | sed 's/^bench: //' > "$res/um.txt"
grep -o 'result: .*' "$res/um.log" | sed 's/^result: //' > "$res/um.results"
[ -s "$res/um.results" ] || die "the benchmark printed no results (see build/bench/um.log)"
[ -n "${QUIET:-}" ] || cat "$res/um.txt"

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Exact guest instruction counts, under QEMU TCG (this machine has no PMU),
# with the TCG plugin bench/insn-profile/tbprof.c, folded by the kernel's
# System.map (the guest boots with nokaslr).
#
#   scripts/insn-profile.sh [CONFIG [FILTER]]   (make insn-profile)
#	per kernel function, over one boot of the KUnit kernel of CONFIG
#	(x86_64, the default, or arm64, built by scripts/kunit.sh) running
#	the suites of FILTER (a kunit.filter_glob, default pt_walk_mincore):
#	build/insn-profile/<config>-<filter>.txt
#   scripts/insn-profile.sh plugin
#	build the plugin only, and print its path
#   scripts/insn-profile.sh bench [CONFIG...]   (make insn-bench)
#	per walker: the benchmark kernel (pt_walk_bench, built here in
#	build/out/bench-<config>) runs each walker of each scenario once
#	between two marker calls, and the plugin counts what runs between
#	them: build/bench/insn-<config>.results (scenario|walker|
#	instructions|mapped pages|pages of the range|leaves) and
#	build/bench/insn-<config>.txt (with each walker's top functions).
#
# The plugin header comes from Debian's qemu source package (a deb-src
# entry for Debian's archive is added when missing).
set -eu
. "$(dirname "$0")/lib.sh"

out=$BUILD/insn-profile
src=$BUILD/qemu-src
plugin=$out/libtbprof.so
mkdir -p "$out" "$src"

# 1. The plugin, built against the qemu-plugin.h of the installed QEMU.
if [ ! -f "$src/qemu-plugin.h" ]; then
	if ! (cd "$src" && apt-get source --download-only -q qemu >/dev/null 2>&1); then
		[ "$(id -u)" = 0 ] || die "need root to add a deb-src entry for qemu"
		sed 's/^Types: deb$/Types: deb-src/' /etc/apt/sources.list.d/debian.sources \
			> /etc/apt/sources.list.d/ptwalk-deb-src.sources
		apt-get update -q >/dev/null
	fi
	(cd "$src" && apt-get source --download-only -q qemu >/dev/null 2>&1) ||
		die "apt-get source qemu failed"
	tar -xJf "$src"/qemu_*.orig.tar.xz -C "$src" --wildcards '*/include/qemu/qemu-plugin.h'
	cp "$src"/qemu-*/include/qemu/qemu-plugin.h "$src/qemu-plugin.h"
fi
if [ ! -f "$plugin" ] || [ "$ROOT/bench/insn-profile/tbprof.c" -nt "$plugin" ]; then
	gcc -O2 -Wall -shared -fPIC -I "$src" -o "$plugin" "$ROOT/bench/insn-profile/tbprof.c"
fi

# 2. A kernel booted once with the plugin: boot CONFIG KDIR RAW LOG ARGS...
boot() {
	local cfg=$1 kdir=$2 raw=$3 log=$4 cmdline
	local -a qemu
	shift 4
	case "$cfg" in
	x86_64)
		qemu=(qemu-system-x86_64 -bios qboot.rom -cpu max -m 3072
		      -kernel "$kdir/arch/x86/boot/bzImage")
		cmdline="console=ttyS0"
		;;
	arm64)
		qemu=(qemu-system-aarch64 -machine virt -cpu max,pauth-impdef=on -m 3072
		      -kernel "$kdir/arch/arm64/boot/Image.gz")
		cmdline="console=ttyAMA0"
		;;
	*)
		die "unknown configuration '$cfg' (x86_64 arm64)"
		;;
	esac
	[ -f "$kdir/System.map" ] || die "no kernel in ${kdir#"$ROOT"/}"
	timeout 1800 "${qemu[@]}" -nographic -no-reboot -plugin "$plugin$PLUGIN_ARGS,out=$raw" \
		-append "$cmdline $* nokaslr panic=-1 kunit.enable=1 kunit_shutdown=reboot" \
		> "$log" 2>&1 || die "QEMU failed or timed out (see ${log#"$ROOT"/})"
	grep -q '^# Totals\|^ok ' "$log" || die "the suites did not run (see ${log#"$ROOT"/})"
}

# The benchmark's walkers, one phase each.
bench() {
	local cfg kdir raw log sm res=$BUILD/bench
	local -a args
	mkdir -p "$res"
	for cfg in ${*:-x86_64 arm64}; do
		kdir=$OUT/bench-$cfg
		case "$cfg" in
		x86_64)
			args=(--arch=x86_64 --qemu_config="$ROOT/kunit/qemu/x86_64.py"
			      --kunitconfig="$ROOT/kunit/x86_64.kunitconfig"
			      --make_options=CC="ccache gcc")
			;;
		arm64)
			args=(--arch=arm64 --qemu_config="$ROOT/kunit/qemu/arm64.py"
			      --kunitconfig="$ROOT/kunit/arm64.kunitconfig"
			      --kunitconfig="$ROOT/kunit/arm64-52.kunitconfig"
			      --cross_compile=aarch64-linux-gnu-
			      --make_options=CC="ccache aarch64-linux-gnu-gcc")
			;;
		*)
			die "unknown configuration '$cfg' (x86_64 arm64)"
			;;
		esac
		echo "insn-profile: bench: building the $cfg benchmark kernel"
		mkdir -p "$kdir"
		(cd "$LINUX" && python3 tools/testing/kunit/kunit.py build \
			--build_dir="$kdir" --jobs="$(nproc)" "${args[@]}" \
			--kunitconfig="$ROOT/bench/x86_64.kunitconfig") \
			> "$res/insn-$cfg.build" 2>&1 ||
			{ tail -n 30 "$res/insn-$cfg.build"; die "cannot build the $cfg benchmark kernel"; }
		sm=$kdir/System.map
		raw=$res/insn-$cfg.tbprof
		log=$res/insn-$cfg.log
		PLUGIN_ARGS=",begin=$(awk '$3 == "pt_walk_bench_insn_begin" { print $1 }' "$sm")"
		PLUGIN_ARGS+=",end=$(awk '$3 == "pt_walk_bench_insn_end" { print $1 }' "$sm")"
		[ "$PLUGIN_ARGS" != ",begin=,end=" ] || die "no insn markers in ${sm#"$ROOT"/}"
		echo "insn-profile: bench: $cfg, each walker once, under the plugin"
		boot "$cfg" "$kdir" "$raw" "$log" kunit.filter_glob=pt_walk_bench \
			pt_walk_bench_kunit.bench_insn=1 pt_walk_bench_kunit.bench_mib=64 \
			pt_walk_bench_kunit.bench_hugetlb_mib=64 \
			hugepagesz=1G hugepages=1 hugepagesz=2M hugepages=32
		# A walker that counted the wrong pages fails its case: no figures.
		! grep -q '^ *not ok ' "$log" ||
			die "a benchmark case failed on $cfg (see ${log#"$ROOT"/})"
		python3 "$ROOT/bench/insn-profile/symbolize.py" --phases "$log" \
			--results "$res/insn-$cfg.results" "$sm" "$raw" > "$res/insn-$cfg.txt" ||
			die "cannot fold the counts of $cfg"
		if [ -z "${QUIET:-}" ]; then cat "$res/insn-$cfg.txt"; fi
	done
}

PLUGIN_ARGS=
# "plugin": only build the plugin (for scripts/users-bench.sh) and say where.
if [ "${1:-}" = plugin ]; then
	echo "$plugin"
	exit 0
fi
if [ "${1:-}" = bench ]; then
	shift
	bench "$@"
	exit 0
fi

cfg=${1:-x86_64}
filter=${2:-pt_walk_mincore}
kdir=$OUT/$cfg
case "$cfg" in
x86_64 | arm64) ;;
*) die "unknown configuration '$cfg' (x86_64 arm64)" ;;
esac
[ -f "$kdir/System.map" ] || die "no kernel in ${kdir#"$ROOT"/}: run make kunit-$cfg first"
name=$cfg-$(echo "$filter" | tr -c 'A-Za-z0-9_.\n-' '_')
raw=$out/$name.tbprof
log=$out/$name.log
echo "insn-profile: $cfg: $filter"
boot "$cfg" "$kdir" "$raw" "$log" kunit.filter_glob="$filter" \
	hugepagesz=1G hugepages=1 hugepagesz=2M hugepages=4

# 3. Instructions per function.
{
	echo "# $cfg, kunit.filter_glob=$filter: guest instructions per kernel function"
	grep -E '^(ok|not ok) [0-9]+ ' "$log" | sed 's/^/# /'
	echo "## top functions"
	python3 "$ROOT/bench/insn-profile/symbolize.py" --top 30 "$kdir/System.map" "$raw"
	echo "## the walkers' functions"
	python3 "$ROOT/bench/insn-profile/symbolize.py" --top 100 \
		--grep 'pt_walk|mm_walk|walk_|mincore|follow_|gup|pte_offset_map' \
		"$kdir/System.map" "$raw"
} > "$out/$name.txt"
cat "$out/$name.txt"

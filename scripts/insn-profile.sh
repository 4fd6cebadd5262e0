#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Exact guest instruction counts per kernel function, under QEMU TCG (this
# machine has no PMU): boot a KUnit kernel already built by scripts/kunit.sh
# with the TCG plugin bench/insn-profile/tbprof.c, run the suites that match
# FILTER, and fold the counts by the kernel's System.map.
#
#   scripts/insn-profile.sh [CONFIG [FILTER]]   (make insn-profile)
#
# CONFIG is x86_64 (default) or arm64, FILTER a kunit.filter_glob (default
# pt_walk_mincore).  Results: build/insn-profile/<config>-<filter>.txt, the
# top kernel functions and the walkers' functions; the raw per-block counts
# beside it.  The plugin header comes from Debian's qemu source package
# (a deb-src entry for Debian's archive is added when missing).
set -eu
. "$(dirname "$0")/lib.sh"

cfg=${1:-x86_64}
filter=${2:-pt_walk_mincore}
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

# 2. The kernel, booted once with the plugin.
case "$cfg" in
x86_64)
	kdir=$OUT/x86_64
	qemu=(qemu-system-x86_64 -bios qboot.rom -cpu max -m 3072
	      -kernel "$kdir/arch/x86/boot/bzImage")
	cmdline="console=ttyS0 hugepagesz=1G hugepages=1 hugepagesz=2M hugepages=4"
	;;
arm64)
	kdir=$OUT/arm64
	qemu=(qemu-system-aarch64 -machine virt -cpu max,pauth-impdef=on -m 3072
	      -kernel "$kdir/arch/arm64/boot/Image.gz")
	cmdline="console=ttyAMA0 hugepagesz=1G hugepages=1 hugepagesz=2M hugepages=4"
	;;
*)
	die "unknown configuration '$cfg' (x86_64 arm64)"
	;;
esac
[ -f "$kdir/System.map" ] || die "no kernel in ${kdir#"$ROOT"/}: run make kunit-$cfg first"
name=$cfg-$(echo "$filter" | tr -c 'A-Za-z0-9_.\n-' '_')
raw=$out/$name.tbprof
log=$out/$name.log
echo "insn-profile: $cfg: $filter"
timeout 900 "${qemu[@]}" -nographic -no-reboot -plugin "$plugin,out=$raw" \
	-append "$cmdline nokaslr panic=-1 kunit.enable=1 kunit.filter_glob=$filter kunit_shutdown=reboot" \
	> "$log" 2>&1 || die "QEMU failed or timed out (see ${log#"$ROOT"/})"
grep -q '^# Totals\|^ok ' "$log" || die "the suites did not run (see ${log#"$ROOT"/})"

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

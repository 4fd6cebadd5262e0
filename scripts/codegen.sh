#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Codegen of the objects the series changes, base against patched, for
# x86_64 and arm64 defconfig: scripts/bloat-o-meter per object and for the
# objects together, and the size of the GUP hot functions.  Builds only the
# objects (make mm/gup.o ...), in build/out/defconfig-<arch>-{base,patched},
# under the kernel build lock.  Writes build/codegen/<arch>.txt and
# build/codegen/report.md, and prints the report.
#
#   scripts/codegen.sh [ARCH ...]    (default: x86_64 arm64)
set -u
. "$(dirname "$0")/lib.sh"

# x86_64-clang: x86_64 built with Debian's clang (LLVM=1), as reviewers
# compare both compilers.
archs=${*:-x86_64 x86_64-clang arm64}
BASE_TREE=$BUILD/linux-base
DIR=$BUILD/codegen
LOCK=$BUILD/.kbuild.lock
# Objects the series changes (mm/pt_walk.o is new: counted as growth): the
# converted callers, and those that inline the page table constructors,
# which now record the table's level (include/linux/mm.h).  Together: the
# whole series' change of code.
# The pagewalk users converted to leaf_entry: fs/proc/task_mmu.o ... mm/damon/vaddr.o
# (those defconfig does not build are reported as such).
OBJS="mm/gup.o mm/mincore.o mm/pagewalk.o mm/memory.o mm/huge_memory.o mm/hugetlb_vmemmap.o
	fs/proc/task_mmu.o mm/mempolicy.o mm/mprotect.o mm/memory-failure.o mm/damon/vaddr.o
	mm/hmm.o mm/hugetlb.o mm/migrate.o"
# What defconfig leaves out of the converted users, enabled on both sides:
# hmm_range_fault(), memory-failure, DAMON's virtual address operations.
EXTRA_CONFIG="HMM_MIRROR MEMORY_FAILURE DAMON DAMON_VADDR"
NEW_OBJS="mm/pt_walk.o"
declare -A ARCH_OBJS=([x86_64]="arch/x86/mm/pgtable.o" [x86_64-clang]="arch/x86/mm/pgtable.o"
	[arm64]="arch/arm64/mm/mmu.o")
# The GUP functions on the way of every page, fast and slow path.
HOT='^(gup_fast.*|__get_user_pages|follow_.*|no_page_table|get_user_pages.*|pin_user_pages.*|__gup_longterm_locked|try_grab_folio|mm_walk_seek.*|mm_walk_begin.*|pt_walk_.*)$'

mkdir -p "$DIR"
if [ ! -d "$BASE_TREE" ]; then
	git -C "$LINUX" worktree add --detach "$BASE_TREE" base >/dev/null ||
		die "cannot create the base worktree $BASE_TREE"
fi

kmake() {
	local arch=$1 tree=$2 out=$3
	shift 3
	local cc=gcc cross=
	local -a llvm=()
	[ "$arch" = arm64 ] && cc=aarch64-linux-gnu-gcc && cross=aarch64-linux-gnu-
	[ "$arch" = x86_64-clang ] && cc=clang && llvm=(LLVM=1)
	flock "$LOCK" make -s -C "$tree" O="$out" ARCH="${arch%-clang}" CROSS_COMPILE="$cross" \
		"${llvm[@]}" CC="ccache $cc" -j"$(nproc)" "$@"
}

# Function sizes of an object: "name size", text symbols only.
sizes() {
	local nm=nm
	[ "$2" = arm64 ] && nm=aarch64-linux-gnu-nm
	$nm --size-sort -S -t d "$1" | awk 'tolower($3) == "t" { printf "%s %d\n", $4, $2 }'
}

rc=0
report=$DIR/report.md
{
	echo "# Codegen: base against patched (defconfig)"
	echo
	echo "Objects built with \`make <obj>\` from $(cat "$BUILD/base-version") and from the"
	echo "patched tree (defconfig with $EXTRA_CONFIG); sizes from"
	echo "scripts/bloat-o-meter (text and data symbols)."
	echo
	echo "mm/pagewalk.c: $(wc -l < "$BASE_TREE/mm/pagewalk.c") lines in the base,"
	echo "$(wc -l < "$LINUX/mm/pagewalk.c") patched (walk_hugetlb_range() and the"
	echo "hugetlb_entry op removed, leaf_entry added; the cursor itself is"
	echo "mm/pt_walk.c, $(wc -l < "$LINUX/mm/pt_walk.c") lines)."
	echo
} > "$report"

all_objs=$OBJS
for arch in $archs; do
	OBJS="$all_objs ${ARCH_OBJS[$arch]:-}"
	out_txt=$DIR/$arch.txt
	: > "$out_txt"
	for side in base patched; do
		tree=$LINUX
		[ $side = base ] && tree=$BASE_TREE
		out=$OUT/defconfig-$arch-$side
		mkdir -p "$out"
		objs=$OBJS
		[ $side = patched ] && objs="$OBJS $NEW_OBJS"
		if [ ! -f "$out/.config" ]; then
			kmake "$arch" "$tree" "$out" defconfig >/dev/null || { rc=1; continue; }
		fi
		if ! grep -q '^CONFIG_HMM_MIRROR=y' "$out/.config"; then
			for c in $EXTRA_CONFIG; do
				"$tree/scripts/config" --file "$out/.config" -e "$c"
			done
			kmake "$arch" "$tree" "$out" olddefconfig >/dev/null || { rc=1; continue; }
		fi
		echo "codegen: $arch $side: make $objs"
		# -k: an object defconfig does not build fails to compile; it is
		# left out below when it is missing on both sides.
		for o in $objs; do
			rm -f "$out/$o.new"
		done
		kmake "$arch" "$tree" "$out" -k $objs > "$DIR/$arch-$side.make.log" 2>&1 || true
	done
	for o in $OBJS $NEW_OBJS; do
		b=$OUT/defconfig-$arch-base/$o
		p=$OUT/defconfig-$arch-patched/$o
		if [ ! -f "$p" ] && { [ -f "$b" ] || [[ " $NEW_OBJS " == *" $o "* ]]; }; then
			echo "codegen: $arch: $o not built from the patched tree (build/codegen/$arch-patched.make.log)" >&2
			rc=1
		fi
	done
	b=$OUT/defconfig-$arch-base
	p=$OUT/defconfig-$arch-patched
	{
		echo "## $arch"
		echo
		echo '| object | base text+data (B) | patched (B) | change |'
		echo '|---|---|---|---|'
	} >> "$report"
	for o in $OBJS $NEW_OBJS; do
		if [ ! -f "$p/$o" ] && [ ! -f "$b/$o" ]; then
			printf '| %s | not in defconfig | | |\n' "$o" >> "$report"
			continue
		fi
		[ -f "$p/$o" ] || continue
		bo=$b/$o
		[ -f "$bo" ] || bo=/dev/null
		{
			echo "### $o"
			# Without the renumbered __UNIQUE_ID_ symbols of EXPORT_SYMBOL
			# (same size, new number: counted in add/remove only).
			"$LINUX/scripts/bloat-o-meter" "$bo" "$p/$o" 2>/dev/null |
				grep -v '^__UNIQUE_ID_'
			echo
		} >> "$out_txt"
		bs=0
		[ -f "$b/$o" ] && bs=$(sizes "$b/$o" "$arch" | awk '{ s += $2 } END { print s + 0 }')
		ps=$(sizes "$p/$o" "$arch" | awk '{ s += $2 } END { print s + 0 }')
		printf '| %s | %d | %d | %+d |\n' "$o" "$bs" "$ps" $((ps - bs)) >> "$report"
	done
	# All changed and new objects together: what the series costs.
	tb=0
	tp=0
	for o in $OBJS $NEW_OBJS; do
		[ -f "$b/$o" ] && tb=$((tb + $(sizes "$b/$o" "$arch" | awk '{ s += $2 } END { print s + 0 }')))
		[ -f "$p/$o" ] && tp=$((tp + $(sizes "$p/$o" "$arch" | awk '{ s += $2 } END { print s + 0 }')))
	done
	printf '| **all of them (the series)** | %d | %d | %+d |\n\n' "$tb" "$tp" $((tp - tb)) >> "$report"

	{
		echo "GUP functions (text bytes; - where the function does not exist):"
		echo
		echo '| function | base | patched | change |'
		echo '|---|---|---|---|'
		join -a1 -a2 -e - -o 0,1.2,2.2 \
			<(for o in $OBJS; do [ -f "$b/$o" ] && sizes "$b/$o" "$arch"; done | grep -E "${HOT/\$/ }" | sort -k1,1) \
			<(for o in $OBJS $NEW_OBJS; do [ -f "$p/$o" ] && sizes "$p/$o" "$arch"; done | grep -E "${HOT/\$/ }" | sort -k1,1) |
			awk '{ c = ($2 == "-" || $3 == "-") ? "" : sprintf("%+d", $3 - $2);
			       printf "| %s | %s | %s | %s |\n", $1, $2, $3, c
			       if ($2 != "-") b += $2
			       if ($3 != "-") p += $3 }
			     END { printf "| **all of these** | %d | %d | %+d |\n", b, p, p - b }'
		echo
	} >> "$report"

	# GUP-fast: gup_fast_fallback() and the functions only it calls (in
	# the base, the per-level range functions; patched, the walk), no
	# larger than the base; their calls: those 6.12's GUP-fast made (the
	# folio helpers, the arch's PTE readers) and the cursor's out-of-line
	# steps, no indirect call or jump (a switch made a jump table).
	fast='^(gup_fast.*|record_subpages.*|undo_dev_pagemap.*)$'
	fb=$(sizes "$b/mm/gup.o" "$arch" | grep -E "${fast/\$/ }" | grep -v unpin_user_pages |
		awk '{ s += $2 } END { print s + 0 }')
	fp=$(sizes "$p/mm/gup.o" "$arch" | grep -E "${fast/\$/ }" | grep -v unpin_user_pages |
		awk '{ s += $2 } END { print s + 0 }')
	od=objdump
	[ "$arch" = arm64 ] && od=aarch64-linux-gnu-objdump
	# The functions called from the bodies of functions matching $2 in $1.
	calls_of() {
		$od -dr --no-show-raw-insn "$1" |
			awk -v re="$2" '/^[0-9a-f]+ <[^>]+>:$/ { n = $2; gsub(/[<>:]/, "", n); on = n ~ re; next }
				on' |
			grep -oE 'R_(X86_64_PLT32|AARCH64_CALL26|AARCH64_JUMP26)[[:space:]]+[^-+ ]+' |
			awk '{ print $2 }' | grep -vE '^(__x86_return_thunk|__fentry__|__stack_chk_fail|\.text.*|\.altinstr.*)$' |
			sort -u
	}
	fn=$($od -d "$p/mm/gup.o" | grep -c '<gup_fast_walk>:' || true)
	calls=$(calls_of "$p/mm/gup.o" '^gup_fast' | tr '\n' ' ')
	# What 6.12's GUP-fast called, the cursor's out-of-line steps, and the
	# set-up of the cursor (memset): anything else is new.
	stray=$(comm -23 <(calls_of "$p/mm/gup.o" '^gup_fast') \
		<({ calls_of "$b/mm/gup.o" '^(gup_fast|record_subpages)'
		    printf '%s\n' mm_walk_begin __mm_walk_next mm_walk_end memset; } | sort -u) |
		tr '\n' ' ')
	indirect=$($od -d --no-show-raw-insn "$p/mm/gup.o" |
		awk '/^[0-9a-f]+ <gup_fast[^>]*>:$/ { on = 1; next } /^[0-9a-f]+ <[^>]+>:$/ { on = 0 } on' |
		grep -cE '(call|jmp)[[:space:]]+\*|__x86_indirect_thunk|[[:space:]]blr[[:space:]]' || true)
	verdict=met
	{ [ "$fp" -gt "$fb" ] || [ -n "$stray" ] || [ "$indirect" != 0 ] || [ "$fn" = 0 ]; } && verdict=missed
	{
		echo "GUP-fast: gup_fast_fallback() and its own helpers, $fb B base, $fp B patched"
		echo "($((fp - fb)) B); GUP-fast's functions call: ${calls:-none}; calls 6.12's GUP-fast did"
		echo "not make, besides the cursor's mm_walk_begin(), __mm_walk_next() (at a table's end) and"
		echo "mm_walk_end(): ${stray:-none}; indirect calls and jumps: $indirect.  Target (no larger, no"
		echo "new call, none indirect): $verdict."
		echo
	} >> "$report"
done
# The for_each_pt_leaf() loop of the x86_64 benchmark (scripts/bench.sh
# x86_64 builds it): what it calls.  Expected: the out-of-line step and
# nothing per entry; no indirect call (retpoline thunk or call *%reg).
bench_obj=$OUT/bench-x86_64/mm/tests/pt_walk_bench_kunit.o
{
	echo "## The for_each_pt_leaf() loop"
	echo
	if [ -f "$bench_obj" ]; then
		fn=$(objdump -dr --no-show-raw-insn "$bench_obj" |
			awk '/<bench_leaf_loop>:$/ { on = 1; next } on && /^$/ { exit } on')
		calls=$(echo "$fn" | grep -oE 'R_X86_64_PLT32[[:space:]]+[^-+ ]+' |
			awk '$2 != "__x86_return_thunk" && $2 != "__fentry__" { print $2 }' | sort | uniq -c | awk '{ printf "%s (%d) ", $2, $1 }')
		indirect=$(echo "$fn" | grep -cE 'call[[:space:]]+\*|__x86_indirect_thunk' || true)
		echo "bench_leaf_loop() in the x86_64 benchmark build, $(echo "$fn" | grep -c ':') instructions:"
		echo "calls ${calls:-none}; indirect calls: $indirect."
	else
		echo "Not checked: no x86_64 benchmark build (scripts/bench.sh x86_64)."
	fi
	echo
} >> "$report"
echo "codegen: bloat-o-meter output in build/codegen/<arch>.txt"
cat "$report"
exit $rc

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Every patch of the series builds on its own: build/linux's commits from
# base on, one at a time, in a worktree of their own (build/linux-bisect, as
# git checks them out: only the files a commit changes are rewritten, so
# only what depends on them is rebuilt).  One result line per build in
# build/check/bisect.results ("PASS|FAIL <check> <detail>"), the log of a
# failing one in build/check/bisect-*.txt.
#
#   bisect.sh objects [TARGET...]
#                       (make check: x86_64-gcc) W=1 and sparse: at each
#                       patch, the objects of the files the series adds or
#                       changes, in the KUnit configuration of the target's
#                       arch (build/out/x86_64 or arm64/.config, every
#                       ptwalk option on) taken again at each patch with
#                       olddefconfig; TARGET is one of x86_64-gcc,
#                       x86_64-clang, arm64-gcc, arm64-clang.  A
#                       patch whose objects do not build, or whose objects
#                       have a warning (W=1 or sparse) that the base tree's
#                       build of the same files did not have (warnings are
#                       compared without their line numbers;
#                       kunit/sparse-baseline lists the base's sparse ones),
#                       fails.
#   bisect.sh full [TARGET...]
#                       (make bisect) every patch built whole (vmlinux and
#                       modules of defconfig plus kunit/bisect.config, which
#                       turns the ptwalk options on) for each TARGET:
#                       x86_64-gcc x86_64-clang arm64-gcc arm64-clang (all
#                       by default).  A patch that does not build, or that
#                       adds a compiler warning, fails.
set -u
. "$(dirname "$0")/lib.sh"

mode=${1:-objects}
shift || true
res=$BUILD/check
WT=$BUILD/linux-bisect
mkdir -p "$res"
results=$res/bisect.results
fails=0

result() {	# result PASS|FAIL name detail
	echo "$1 $2 $3" >> "$results"
	echo "bisect: $1 $2 $3"
	[ "$1" = PASS ] || fails=$((fails + 1))
}

git -C "$LINUX" rev-parse -q --verify 'base^{commit}' > /dev/null ||
	die "build/linux has no tag base (run make assemble)"
mapfile -t commits < <(git -C "$LINUX" rev-list --reverse base..HEAD)
[ ${#commits[@]} -gt 0 ] || die "build/linux has no commit after base"

# The worktree, at base to start with.
if ! git -C "$WT" rev-parse -q --verify HEAD > /dev/null 2>&1; then
	rm -rf "$WT"
	git -C "$LINUX" worktree prune
	git -C "$LINUX" worktree add -q --detach ../linux-bisect base ||
		die "cannot create the worktree build/linux-bisect"
fi

# The .c files the series adds or changes, less other arches' (the
# project's own objects: what static-checks.sh checks too).
series_c_files() {
	git -C "$LINUX" diff --name-only --diff-filter=AM base HEAD -- '*.c' |
		grep -v -e '^tools/' -e '^arch/' || true
}

# Warnings of a build log, as "file: warning: message", no line numbers.
warnings() {	# warnings LOG
	grep -E '^[^ ]+:[0-9]+(:[0-9]+)?: (warning|error):' "$1" |
		sed -E 's#^(\.\./)+linux-bisect/##; s#^[^ ]*build/linux-bisect/##' |
		sed -E 's/^([^:]+):[0-9]+(:[0-9]+)?: /\1: /' | sort -u || true
}

subject() {	# subject COMMIT
	git -C "$LINUX" log -1 --format=%s "$1"
}

# One name a patch: its number in the series and subject.
patch_name() {	# patch_name INDEX
	printf '%04d-%s' "$(($1 + 1))" "$(subject "${commits[$1]}" | tr -c 'a-zA-Z0-9\n' '-' | cut -c1-40)"
}

# The verdict of a patch whose build log is LOG: a warning the base's build
# (BASE-WARNINGS) did not have fails it; a passing build's log is removed.
patch_verdict() {	# patch_verdict NAME LOG BASE-WARNINGS PASS-DETAIL
	local new

	new=$(warnings "$2" | grep -v -x -F -f "$3" || true)
	if [ -n "$new" ]; then
		echo "$new" > "${2%.txt}.new"
		result FAIL "$1" "$(echo "$new" | wc -l) new warnings (see ${2#"$ROOT"/})"
	else
		result PASS "$1" "$4"
		rm -f "$2"
	fi
}

# make, for a target: arch and compiler.
target_make() {	# target_make TARGET DIR: sets mk
	local arch=${1%-*} cc=${1##*-} cross=

	[ "$arch" = arm64 ] && cross=aarch64-linux-gnu-
	case "$arch-$cc" in
	x86_64-gcc | arm64-gcc)
		mk=(make -s -C "$WT" O="$2" ARCH="$arch" CROSS_COMPILE="$cross" CC="ccache ${cross}gcc") ;;
	x86_64-clang | arm64-clang)
		mk=(make -s -C "$WT" O="$2" ARCH="$arch" LLVM=1 CC="ccache clang") ;;
	*) die "unknown target $1 (x86_64-gcc, x86_64-clang, arm64-gcc, arm64-clang)" ;;
	esac
}

objects_mode() {	# objects_mode TARGET
	local t=$1 arch=${1%-*} dir=$OUT/bisect-$1 base_w=$res/bisect-$1-base.warnings
	local cfg=$OUT/$arch/.config name=bisect i c objs f log all=() mk

	target_make "$t" "$dir"
	# The check's own name for make check's target, x86_64-gcc.
	[ "$t" = x86_64-gcc ] || name=bisect:$t
	[ -f "$cfg" ] || { result FAIL "$name:objects" "no $arch KUnit build (build/out/$arch/.config)"; return; }
	for f in $(series_c_files); do
		# Objects the configuration builds.
		[ -f "$OUT/$arch/${f%.c}.o" ] && all+=("$f")
	done
	mkdir -p "$dir"
	# The base: the warnings the same files already had.
	git -C "$WT" checkout -q --detach base
	cp "$cfg" "$dir/.config"
	log=$res/bisect-$t-base.txt
	objs=()
	for f in "${all[@]}"; do
		[ -f "$WT/$f" ] && objs+=("${f%.c}.o")
	done
	if ! { flock "$BUILD/.kbuild.lock" "${mk[@]}" olddefconfig &&
	       flock "$BUILD/.kbuild.lock" "${mk[@]}" -j"$(nproc)" W=1 C=2 CHECK=sparse "${objs[@]}"; } > "$log" 2>&1; then
		result FAIL "$name:base" "the base tree's objects do not build (see ${log#"$ROOT"/})"
		return
	fi
	{ warnings "$log"; grep -v '^#' "$ROOT/kunit/sparse-baseline" 2>/dev/null; } | sort -u > "$base_w"
	for i in "${!commits[@]}"; do
		c=${commits[$i]}
		git -C "$WT" checkout -q --detach "$c"
		cp "$cfg" "$dir/.config"
		objs=()
		for f in "${all[@]}"; do
			[ -f "$WT/$f" ] && objs+=("${f%.c}.o")
		done
		log=$res/bisect-$t-$(patch_name "$i").txt
		# C=1: sparse on what is rebuilt, which is what the patch changed
		# or what depends on it.
		if ! { flock "$BUILD/.kbuild.lock" "${mk[@]}" olddefconfig &&
		       flock "$BUILD/.kbuild.lock" "${mk[@]}" -j"$(nproc)" W=1 C=1 CHECK=sparse "${objs[@]}"; } > "$log" 2>&1; then
			result FAIL "$name:$(patch_name "$i")" "does not build (see ${log#"$ROOT"/})"
			continue
		fi
		patch_verdict "$name:$(patch_name "$i")" "$log" "$base_w" \
			"$t W=1 sparse, ${#objs[@]} objects"
	done
}

# make bisect: every patch built whole, for each arch and compiler.
full_mode() {
	local targets=("$@") t dir log i c mk base_w frag=$ROOT/kunit/bisect.config

	[ ${#targets[@]} -gt 0 ] || targets=(x86_64-gcc x86_64-clang arm64-gcc arm64-clang)
	results=$res/bisect-full.results
	: > "$results"
	for t in "${targets[@]}"; do
		dir=$OUT/bisect-full-$t
		target_make "$t" "$dir"
		mkdir -p "$dir"
		base_w=$res/bisect-full-$t-base.warnings
		for i in -1 "${!commits[@]}"; do
			if [ "$i" = -1 ]; then
				c=base
			else
				c=${commits[$i]}
			fi
			git -C "$WT" checkout -q --detach "$c"
			log=$res/bisect-full-$t-$([ "$i" = -1 ] && echo base || patch_name "$i").txt
			if ! { flock "$BUILD/.kbuild.lock" "${mk[@]}" defconfig &&
			       "$WT/scripts/kconfig/merge_config.sh" -m -O "$dir" "$dir/.config" "$frag" &&
			       flock "$BUILD/.kbuild.lock" "${mk[@]}" olddefconfig &&
			       flock "$BUILD/.kbuild.lock" "${mk[@]}" -j"$(nproc)"; } > "$log" 2>&1; then
				result FAIL "bisect:$t:$(basename "$log" .txt | sed "s/^bisect-full-$t-//")" "does not build (see ${log#"$ROOT"/})"
				continue
			fi
			if [ "$i" = -1 ]; then
				warnings "$log" > "$base_w"
				continue
			fi
			patch_verdict "bisect:$t:$(patch_name "$i")" "$log" "$base_w" builds
		done
	done
}

case "$mode" in
objects)
	[ $# -gt 0 ] || set -- x86_64-gcc
	: > "$results"
	for t in "$@"; do
		objects_mode "$t"
	done
	;;
full) full_mode "$@" ;;
*) die "usage: bisect.sh objects | full [TARGET...]" ;;
esac
[ "$fails" = 0 ]

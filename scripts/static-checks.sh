#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Static checks on what ptwalk adds to the kernel, one result line each in
# build/check/static.results ("PASS|FAIL <check> <detail>"), details in
# build/check/*.txt:
#   checkpatch  scripts/checkpatch.pl --strict on every new file (as a patch
#               against the base, so Kconfig help and SPDX lines are checked
#               too) and on every patch of the series;
#   w1          the project's objects rebuilt with W=1 in each KUnit build
#               directory: no warning in the project's files;
#   sparse      make C=2 on every new .c file and every .c file the series
#               changes, in the x86_64 and arm64 KUnit build directories when
#               they exist; warnings listed in kunit/sparse-baseline (from the
#               base tree, "file: message") are not counted;
#   kernel-doc  scripts/kernel-doc -none -Wall on every .c and .h file the
#               series adds or changes: no warning the base file did not
#               have already;
#   htmldocs    make htmldocs SPHINXDIRS=mm (Sphinx, Debian's python3-sphinx)
#               in build/out/htmldocs: Documentation/mm/pt_walk.rst and the
#               kernel-doc it pulls in build without a warning, and are
#               linked from Documentation/mm/index.rst;
#   no-test-hooks  with x86_64: mm/pt_walk.o built for a kernel with KUnit
#               but without the ptwalk tests (as distributions build it,
#               build/out/x86_64-notest): no test hook, nothing exported
#               for tests.
# Exits non-zero when any check fails.
set -eu
. "$(dirname "$0")/lib.sh"

what=${1:-all}
res=$BUILD/check
mkdir -p "$res"
results=$res/static.results
[ "$what" = sparse ] || : > "$results"
fails=0

result() {	# result PASS|FAIL name detail
	echo "$1 $2 $3" >> "$results"
	echo "static: $1 $2 $3"
	[ "$1" = PASS ] || fails=$((fails + 1))
}

cd "$LINUX"

run_checkpatch() {	# run_checkpatch name file-or-dash [checkpatch options]
	local name=$1 in=$2 out summary
	shift 2
	out=$res/checkpatch-$(echo "$name" | tr '/' '_').txt
	# Debian's python3 (with python3-ply and python3-git) for spdxcheck.py.
	PATH=/usr/bin:$PATH perl scripts/checkpatch.pl --strict --color=never --show-types "$@" "$in" > "$out" 2>&1 || true
	summary=$(grep -E '^total: [0-9]+ errors, [0-9]+ warnings' "$out" | tail -n 1)
	if [ -z "$summary" ]; then
		result FAIL "checkpatch:$name" "no verdict (see ${out#"$ROOT"/})"
	elif echo "$summary" | grep -qE '^total: 0 errors, 0 warnings, (0 checks, )?[0-9]+ lines checked$'; then
		result PASS "checkpatch:$name" "clean"
	else
		result FAIL "checkpatch:$name" "$(echo "$summary" | cut -d, -f1-3) (see ${out#"$ROOT"/})"
	fi
}

# kernel-doc warnings of the files the series adds or changes, less the
# ones the same file had in the base tree ("file: message", line numbers
# dropped).
run_kernel_doc() {
	local out=$res/kernel-doc.txt f n=0 new
	local tmp=$res/kernel-doc-base.tmp

	: > "$out"
	for f in $(git diff --name-only --diff-filter=AM base HEAD -- '*.c' '*.h' |
		   grep -v -e '^tools/' -e '^mm/tests/'); do
		n=$((n + 1))
		perl scripts/kernel-doc -none -Wall "$f" 2>&1 |
			sed -E "s#^(warning: )?[^ ]*$f:[0-9]+:? #$f: #" | sort -u > "$tmp.new"
		if git cat-file -e "base:$f" 2>/dev/null; then
			git show "base:$f" > "$tmp.src"
			perl scripts/kernel-doc -none -Wall "$tmp.src" 2>&1 |
				sed -E "s#^(warning: )?[^ ]*$tmp.src:[0-9]+:? #$f: #" | sort -u > "$tmp.old"
		else
			: > "$tmp.old"
		fi
		comm -23 "$tmp.new" "$tmp.old" >> "$out"
	done
	rm -f "$tmp".*
	new=$(grep -c . "$out" || true)
	if [ "$new" = 0 ]; then
		result PASS kernel-doc "$n files, no new warning"
	else
		result FAIL kernel-doc "$new new warnings (see ${out#"$ROOT"/})"
	fi
}

# Documentation/mm with Sphinx: the ptwalk page and the kernel-doc it pulls
# in must build without a warning.  The rest of Documentation/mm is the base
# tree's, whose warnings (if any with this Sphinx) are not counted.
run_htmldocs() {
	local out=$res/htmldocs.txt dir=$OUT/htmldocs new rc f

	if ! command -v sphinx-build > /dev/null; then
		result FAIL htmldocs "no sphinx-build (scripts/deps.sh installs python3-sphinx)"
		return
	fi
	if ! grep -qx '   pt_walk' Documentation/mm/index.rst; then
		result FAIL htmldocs "Documentation/mm/index.rst does not list pt_walk"
		return
	fi
	mkdir -p "$dir"
	# Debian's Sphinx runs on Debian's python3, whatever python3 is first
	# in PATH.
	PATH=/usr/bin:$PATH make -s O="$dir" SPHINXDIRS=mm SPHINXOPTS=-q htmldocs \
		> "$out" 2>&1
	rc=$?
	# The netlink pages are generated into the source tree whatever
	# SPHINXDIRS says: take them out again, or they would look like new
	# files of the project.
	for f in Documentation/networking/netlink_spec/*; do
		git cat-file -e "base:$f" 2>/dev/null || rm -f "$f"
	done
	if [ "$rc" != 0 ]; then
		result FAIL htmldocs "make htmldocs failed (see ${out#"$ROOT"/})"
		return
	fi
	# Warnings of the base tree's pages (cross references out of
	# Documentation/mm, which SPHINXDIRS=mm cannot resolve) do not count;
	# a broken link to the new page names it.
	new=$(grep -iE 'warning|error' "$out" | grep -F 'pt_walk' || true)
	if [ -n "$new" ]; then
		result FAIL htmldocs "$(echo "$new" | wc -l) warnings (see ${out#"$ROOT"/})"
	elif [ ! -s "$dir/Documentation/output/mm/pt_walk.html" ]; then
		result FAIL htmldocs "no mm/pt_walk.html in ${dir#"$ROOT"/}"
	else
		result PASS htmldocs "Documentation/mm/pt_walk.rst built without a warning"
	fi
}

if [ "$what" != sparse ]; then
	# New files, each as the patch that adds it.  FILE_PATH_CHANGES only
	# asks whether MAINTAINERS needs updating for an added file.
	rm -f "$res"/checkpatch-*.txt
	for f in $(git diff --name-only --diff-filter=A base HEAD); do
		git diff base HEAD -- "$f" > "$res/newfile.diff"
		run_checkpatch "$f" "$res/newfile.diff" --no-signoff --ignore FILE_PATH_CHANGES
	done
	while read -r p; do
		run_checkpatch "patches/$p" "$ROOT/patches/$p"
	done < <(series)
	run_kernel_doc
	run_htmldocs
fi

# The .c files to run sparse on: new ones and those the series changes.
sparse_files() {
	git diff --name-only --diff-filter=AM base HEAD -- '*.c' | grep -v '^tools/' || true
}

# The files whose warnings count: those, and the headers the series adds
# or changes (a warning sparse finds in a header is reported there).
checked_files() {
	git diff --name-only --diff-filter=AM base HEAD -- '*.c' '*.h' | grep -v '^tools/' || true
}

run_sparse() {	# run_sparse config make-arguments...
	local cfg=$1 dir=$OUT/$1 out objs=() f
	shift
	[ -f "$dir/.config" ] || { result FAIL "sparse:$cfg" "no build in ${dir#"$ROOT"/}"; return; }
	for f in $(sparse_files); do
		# Only objects this configuration builds.
		[ -f "$dir/${f%.c}.o" ] && objs+=("${f%.c}.o")
	done
	if [ ${#objs[@]} = 0 ]; then
		result FAIL "sparse:$cfg" "none of the project's objects is built"
		return
	fi
	out=$res/sparse-$cfg.txt
	if ! make -s O="$dir" "$@" C=2 CHECK=sparse "${objs[@]}" > "$out" 2>&1; then
		result FAIL "sparse:$cfg" "make failed (see ${out#"$ROOT"/})"
		return
	fi
	# Warnings in the checked files, less the base tree's known ones.
	local new
	new=$(grep -E '^[^ ]+:[0-9]+:[0-9]+: (warning|error):' "$out" |
		sed -E 's#^(\.\./)+linux/##; s#^[^ ]*build/linux/##' |
		grep -F -f <(checked_files) |
		sed -E 's/^([^:]+):[0-9]+:[0-9]+: /\1: /' |
		grep -v -x -F -f <(grep -v '^#' "$ROOT/kunit/sparse-baseline" 2>/dev/null; echo '#') || true)
	if [ -n "$new" ]; then
		echo "$new" > "$res/sparse-$cfg.new"
		result FAIL "sparse:$cfg" "$(echo "$new" | wc -l) new warnings (see ${out#"$ROOT"/})"
	else
		result PASS "sparse:$cfg" "${#objs[@]} objects clean"
	fi
}

# Rebuild the project's objects with W=1 (extra warnings, kernel-doc of the
# .c files): a warning in them fails, even when make had nothing to rebuild.
run_w1() {	# run_w1 config make-arguments...
	local cfg=$1 dir=$OUT/$1 out objs=() f new
	shift
	[ -f "$dir/.config" ] || { result FAIL "w1:$cfg" "no build in ${dir#"$ROOT"/}"; return; }
	for f in $(sparse_files); do
		[ -f "$dir/${f%.c}.o" ] && objs+=("${f%.c}.o")
	done
	[ ${#objs[@]} = 0 ] && { result FAIL "w1:$cfg" "none of the project's objects is built"; return; }
	out=$res/w1-$cfg.txt
	(cd "$dir" && rm -f "${objs[@]}")
	if ! make -s O="$dir" "$@" W=1 "${objs[@]}" > "$out" 2>&1; then
		result FAIL "w1:$cfg" "build failed (see ${out#"$ROOT"/})"
		return
	fi
	new=$(grep -E '(warning|error):' "$out" | grep -F -f <(checked_files) || true)
	if [ -n "$new" ]; then
		result FAIL "w1:$cfg" "$(echo "$new" | wc -l) warnings (see ${out#"$ROOT"/})"
	else
		result PASS "w1:$cfg" "${#objs[@]} objects clean with W=1"
	fi
}

# The KUnit x86_64 configuration with the ptwalk test options off: the
# cursor has neither pt_walk_test_hooks nor pt_walk_test_table_gone(), and
# exports no symbol for tests.
run_no_test_hooks() {
	local dir=$OUT/x86_64-notest out syms
	local mk=(make -s O="$dir" ARCH=x86_64 CC="ccache gcc")

	[ -f "$OUT/x86_64/.config" ] ||
		{ result FAIL no-test-hooks "no build in build/out/x86_64"; return; }
	mkdir -p "$dir"
	cp "$OUT/x86_64/.config" "$dir/.config"
	scripts/config --file "$dir/.config" -d PT_WALK_KUNIT_TEST \
		-d PT_WALK_STRESS_KUNIT_TEST -d PT_WALK_BENCH -e KUNIT
	out=$res/no-test-hooks.txt
	if ! { "${mk[@]}" olddefconfig && "${mk[@]}" mm/pt_walk.o; } > "$out" 2>&1; then
		result FAIL no-test-hooks "build failed (see ${out#"$ROOT"/})"
		return
	fi
	if ! grep -qx 'CONFIG_KUNIT=y' "$dir/.config" ||
	   grep -q '^CONFIG_PT_WALK_KUNIT_TEST=y' "$dir/.config"; then
		result FAIL no-test-hooks "not a kernel with KUnit and without the ptwalk tests"
		return
	fi
	syms=$(nm "$dir/mm/pt_walk.o" | grep -c 'pt_walk_test' || true)
	if [ "$syms" = 0 ]; then
		result PASS no-test-hooks "mm/pt_walk.o with KUnit, without the ptwalk tests: no test symbol"
	else
		result FAIL no-test-hooks "mm/pt_walk.o has $syms test symbols with the ptwalk tests off"
	fi
}

if [ "$what" != checkpatch ]; then
	for cfg in ${SPARSE_CONFIGS:-x86_64 arm64}; do
		case "$cfg" in
		um)
			run_w1 um ARCH=um CC="ccache gcc"
			;;
		x86_64)
			run_sparse x86_64 ARCH=x86_64 CC="ccache gcc"
			run_w1 x86_64 ARCH=x86_64 CC="ccache gcc"
			run_no_test_hooks
			;;
		arm64)
			args=(ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu- CC="ccache aarch64-linux-gnu-gcc")
			run_sparse arm64 "${args[@]}"
			run_w1 arm64 "${args[@]}"
			;;
		esac
	done
fi
[ "$fails" = 0 ]

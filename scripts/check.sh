#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make check: assemble build/linux, run the static checks (checkpatch, sparse),
# the KUnit walks of every configuration and the build of every patch on its
# own (scripts/bisect.sh objects), and sum up with one closing
# line "N passed, N failed, N skipped".  Goes on past a failing configuration
# so that one run reports everything; exits non-zero on any failure.
# CONFIGS="um x86_64" limits the KUnit configurations.
set -u
. "$(dirname "$0")/lib.sh"

configs=${CONFIGS:-$ALL_CONFIGS}
start=$(date +%s)
rm -rf "$BUILD/check" "$BUILD/kunit"
mkdir -p "$BUILD/check"

if ! step assemble "$ROOT/scripts/assemble.sh" 2> >(tee "$BUILD/check/assemble.txt" >&2); then
	msg=$(grep 'error:' "$BUILD/check/assemble.txt" | tail -n 1 | sed 's/^[^:]*: error: //')
	echo "FAIL assemble ${msg:-see build/check/assemble.txt}" > "$BUILD/check/assemble.results"
	python3 "$ROOT/scripts/summary.py"
	exit 1
fi
echo "PASS assemble $(cat "$BUILD/base-version") + series" > "$BUILD/check/assemble.results"

step checkpatch "$ROOT/scripts/static-checks.sh" checkpatch || true
for cfg in $configs; do
	step "kunit $cfg" "$ROOT/scripts/kunit.sh" "$cfg" || true
done
# Every patch on its own: the objects it touches, x86_64, gcc, W=1, sparse.
case " $configs " in
*" x86_64 "*) step "bisect objects" "$ROOT/scripts/bisect.sh" objects || true ;;
esac
# The selftests kernels (base and patched) of x86_64 and arm64, when their
# KUnit configuration is asked for.
for a in x86_64 arm64; do
	case " $configs " in
	*" $a "*) step "selftests $a" "$ROOT/scripts/selftests.sh" "$a" || true ;;
	esac
done
sparse=
for cfg in $configs; do
	case "$cfg" in um | x86_64 | arm64) sparse="$sparse $cfg" ;; esac
done
[ -n "$sparse" ] && SPARSE_CONFIGS=$sparse step sparse "$ROOT/scripts/static-checks.sh" sparse || true

echo "check: $(step_fmt $(( $(date +%s) - start )))"
python3 "$ROOT/scripts/summary.py" $configs

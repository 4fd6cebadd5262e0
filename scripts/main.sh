#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The main job (make): assemble build/linux, build it and run the KUnit walks
# on UML, x86_64 and arm64, sum up, then compare with the legacy walkers:
# the benchmark on UML (ns) and under QEMU (exact instructions, x86_64 and
# arm64), the users' view (base and patched kernels: ns and instructions on
# x86_64, instructions on arm64)
# and the codegen of the changed objects (gcc and clang), printed as one
# table (full report in build/bench/report.md).
set -u
. "$(dirname "$0")/lib.sh"

configs=${MAIN_CONFIGS:-um x86_64 arm64}
step assemble "$ROOT/scripts/assemble.sh" || exit 1
rm -rf "$BUILD/check"
rc=0
for cfg in $configs; do
	step "kunit $cfg" "$ROOT/scripts/kunit.sh" "$cfg" || rc=1
done
python3 "$ROOT/scripts/summary.py" $configs || rc=1

# The comparison against the legacy walkers: speed (UML, native speed) and
# codegen (x86_64 and arm64 defconfig, base against patched).
echo
echo "main: benchmark on UML and on x86_64 under QEMU (build/bench/)"
QUIET=1 step bench "$ROOT/scripts/bench.sh" um x86_64 || rc=1
echo "main: exact instructions per walker, x86_64 and arm64 under QEMU TCG (build/bench/insn-*)"
QUIET=1 step insn-bench "$ROOT/scripts/insn-profile.sh" bench x86_64 arm64 > "$BUILD/insn-bench.out" 2>&1 ||
	{ tail -n 20 "$BUILD/insn-bench.out"; rc=1; }
echo "main: users' view, base against patched kernel under QEMU (build/bench/users.txt)"
step users "$ROOT/scripts/users-bench.sh" > "$BUILD/users-bench.out" 2>&1 ||
	{ tail -n 20 "$BUILD/users-bench.out"; rc=1; }
echo "main: users' view on arm64, in instructions, contpte and contiguous hugetlb included (build/bench/users-arm64.txt)"
step users-arm64 "$ROOT/scripts/users-bench.sh" arm64 > "$BUILD/users-arm64.out" 2>&1 ||
	{ tail -n 20 "$BUILD/users-arm64.out"; rc=1; }
echo "main: codegen, base against patched (build/codegen/report.md)"
step codegen "$ROOT/scripts/codegen.sh" > "$BUILD/codegen.out" 2>&1 ||
	{ tail -n 20 "$BUILD/codegen.out"; rc=1; }
python3 "$ROOT/scripts/bench-report.py" || rc=1
exit $rc

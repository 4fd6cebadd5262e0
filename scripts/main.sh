#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The main job (make): assemble build/linux, build it and run the KUnit walks
# on UML, x86_64 and arm64, then sum up.
set -u
. "$(dirname "$0")/lib.sh"

configs=${MAIN_CONFIGS:-um x86_64 arm64}
"$ROOT/scripts/assemble.sh" || exit 1
rm -rf "$BUILD/check"
rc=0
for cfg in $configs; do
	"$ROOT/scripts/kunit.sh" "$cfg" || rc=1
done
python3 "$ROOT/scripts/summary.py" $configs || rc=1
exit $rc

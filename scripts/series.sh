#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# What would be mailed to linux-mm (make series): git format-patch of
# build/linux from the tag base, in build/series, with a cover letter
# written from what the last runs left behind:
#   - what the series does (below), its shortlog and diffstat (git);
#   - how it was tested: the KUnit configurations and their counts
#     (build/kunit/<config>.json), the static checks
#     (build/check/static.results), the selftests and the /proc
#     differential (build/check/selftests*.results);
#   - the figures: the targets, the users' view (x86_64 and arm64) and the
#     codegen sections of build/bench/report.md (make, make users-arm64).
# A section whose run has not been made says so and names the command.
# Then every patch is applied with git am on the tag base, in a scratch
# worktree (build/series-check), and the result compared with build/linux:
# the series must give the same tree.
set -eu
. "$(dirname "$0")/lib.sh"

SER=$BUILD/series
CHK=$BUILD/series-check
cd "$LINUX"
git rev-parse -q --verify 'base^{commit}' > /dev/null || die "build/linux has no tag base (make assemble)"
rm -rf "$SER"
git format-patch -q --cover-letter --thread=shallow -o "$SER" base..HEAD
cover=$(ls "$SER"/0000-cover-letter.patch)
n=$(git rev-list --count base..HEAD)

# The "what" of the cover letter.
blurb() {
	cat <<'EOF'
Linux walks user page tables in three unrelated ways: mm/pagewalk.c's
per-level callbacks, with a hugetlb_entry that hands every hugetlb level
to its user as a pte_t; GUP's open-coded per-level chains
(follow_page_mask() and gup_fast); and folio_walk_start().  Each repeats
the descent, the locking and the decoding of entries for every level.

This series adds one cursor, struct mm_walk_state, that does the descent
once.  mm_walk_seek_leaf() stops at the entry that maps an address and
for_each_pt_leaf() at every leaf of a range, at whatever level the leaf
is, and decode it there: a PMD or PUD leaf is never read as a pte_t.
Level-agnostic accessors (mm_walk_is_write(), mm_walk_pfn(), ...) answer
for any level, with a per-arch decoder where the generic pXd helpers are
wrong or slow (x86, arm64 contpte blocks and run-time folds, riscv
Svnapot, s390 region-third leaves).  The cursor keeps, for every level it
passed, the entry and so the table and its struct ptdesc, where the locks
live; walks are locked (the page table locks, the hugetlb VMA lock) or
lockless (the gup_fast rules).

On top of it:
- a leaf_entry op in struct mm_walk_ops, called for every leaf at its own
  level in every kind of VMA, hugetlb included;
- mincore, smaps, numa_maps, pagemap, PAGEMAP_SCAN, mprotect's PFN check,
  memory-failure, mbind/migrate_pages, DAMON, HMM and s390's storage keys
  moved to it, then hugetlb_entry and walk_hugetlb_range() removed;
- the GUP slow path (follow_page_mask(), with the PTEs of one table taken
  under one lock), gup_fast, folio_walk_start() and follow_pfnmap_start()
  on the cursor.

Documentation/mm/pt_walk.rst describes the cursor, its two modes and
their locking rules, and how to convert a pagewalk user.
EOF
}

# KUnit: one line per configuration, from kunit.py's JSON.
kunit_lines() {
	python3 - "$BUILD/kunit" <<'EOF'
import json, os, sys
d = sys.argv[1]
if not os.path.isdir(d):
    sys.exit(0)
def count(t, c):
    for s in t.get('sub_groups', []):
        count(s, c)
    for s in t.get('test_cases', []):
        st = s.get('status', '')
        c[st] = c.get(st, 0) + 1
for f in sorted(os.listdir(d)):
    if not f.endswith('.json'):
        continue
    try:
        with open(os.path.join(d, f)) as fh:
            t = json.load(fh)
    except (OSError, ValueError):
        continue
    c = {}
    count(t, c)
    print(f"  {f[:-5]:<22} {c.get('PASS', 0):4} passed, {c.get('FAIL', 0)} failed, "
          f"{c.get('SKIP', 0)} skipped")
EOF
}

# The lines of build/bench/report.md from the section heading $1 to the
# next section.
report_section() {
	awk -v h="$1" '$0 == h { on = 1; next } on && /^## / { exit } on' \
		"$BUILD/bench/report.md" 2>/dev/null || true
}

{
	echo "Testing"
	echo "======="
	echo
	k=$(kunit_lines)
	if [ -n "$k" ]; then
		echo "KUnit (tools/testing/kunit/kunit.py; UML, and QEMU for every other"
		echo "configuration; make check):"
		echo
		echo "$k"
	else
		echo "No KUnit results in build/kunit: run make check."
	fi
	echo
	if [ -s "$BUILD/check/static.results" ]; then
		echo "Static checks: $(grep -c '^PASS' "$BUILD/check/static.results") passed," \
			"$(grep -c '^FAIL' "$BUILD/check/static.results" || true) failed" \
			"(checkpatch --strict on every patch and new file, sparse, W=1," \
			"kernel-doc, htmldocs)."
	fi
	for r in "$BUILD"/check/selftests*.results; do
		[ -s "$r" ] || continue
		echo "$(basename "$r" .results): $(grep -c '^PASS' "$r") passed," \
			"$(grep -c '^FAIL' "$r" || true) failed," \
			"$(grep -c '^SKIP' "$r" || true) skipped on both (mm selftests and" \
			"the /proc differential, base and patched kernels under QEMU)."
	done
	echo
	echo "Figures"
	echo "======="
	echo
	if [ -s "$BUILD/bench/report.md" ]; then
		for h in '## Targets' "## Users' view" "## Users' view on arm64" '## Codegen'; do
			sec=$(report_section "$h" | sed '/^!\[/d')
			if [ -z "$sec" ]; then
				echo "${h#\#\# }: not in build/bench/report.md" \
					"(make users-arm64, then make report)."
				echo
				continue
			fi
			echo "${h#\#\# }"
			echo "$sec"
		done
	else
		echo "No build/bench/report.md: run make (the main job) and make"
		echo "users-arm64 for the speed, users' view and codegen figures."
	fi
} > "$SER/testing.txt"

blurb > "$SER/blurb.txt"
python3 - "$cover" "$SER/blurb.txt" "$SER/testing.txt" <<'EOF'
import sys
path, blurb, testing = sys.argv[1:4]
with open(path) as f:
    text = f.read()
with open(blurb) as f:
    what = f.read().rstrip()
with open(testing) as f:
    test = f.read().rstrip()
text = text.replace('*** SUBJECT HERE ***',
                    'mm: ptwalk, a level-agnostic page table cursor')
text = text.replace('*** BLURB HERE ***', what + '\n\n' + test + '\n')
with open(path, 'w') as f:
    f.write(text)
EOF
rm -f "$SER/testing.txt" "$SER/blurb.txt"

# Apply the series on the base, in a scratch worktree.
git worktree remove --force "$CHK" 2>/dev/null || rm -rf "$CHK"
git worktree prune
git worktree add -q --detach "$CHK" base
if ! ls "$SER"/*.patch | grep -v '/0000-cover-letter.patch$' |
		xargs git -C "$CHK" am -q --keep-cr > "$BUILD/series-am.log" 2>&1; then
	git -C "$CHK" am --abort 2>/dev/null || true
	die "the series does not apply with git am on base (see build/series-am.log)"
fi
if [ "$(git -C "$CHK" rev-parse 'HEAD^{tree}')" != "$(git rev-parse 'HEAD^{tree}')" ]; then
	die "git am of the series on base does not give build/linux's tree"
fi
git worktree remove --force "$CHK"
echo "series: $n patches and a cover letter in build/series; git am on base gives build/linux's tree"
ls "$SER"

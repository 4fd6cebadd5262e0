#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Show that `make check` fails when it should.  Each scenario breaks the
# repository in one way, runs `make check CONFIGS=um` (UML only, to keep it
# short; x86_64 where UML lacks what is broken), records the exit status and the closing line, and restores the
# repository.  Needs a clean work tree; ends by reassembling build/linux.
#
#   failing-case  a KUnit expectation that does not hold
#   crash         a test that crashes the kernel (panic())
#   patch         a patch of the series whose context no longer matches
#   checkpatch    a new file with a style error (trailing whitespace)
#   mincore-diff  mincore() counting a marker as in memory
#   folded        the cursor keeping the address of its copy of a folded
#                 level's entry (the bug of the first version): the pointer
#                 test catches it on UML, whose P4D and PUD are folded
#   retry         a locked walk giving up on a PTE table that keeps going
#                 away, where the legacy walkers try again
#   gup-batch     the GUP slow path's batch of PTEs taking the pages after
#                 the first without the FOLL_WRITE check: a read-only PTE
#                 in the middle goes out writable
#   vma-edge      the inline PTE step of a locked walk going past the end of
#                 its VMA inside one PTE table, reporting the PTEs of a gap
#   race          a locked walk not reading a huge PMD entry again under its
#                 lock, with the window between the two widened: the stress
#                 suite's walks race the changers' splits and unmaps, and
#                 GUP hands out a freed page (KASAN use-after-free, then
#                 oopses; CONFIGS=x86_64-debug: KASAN, and two CPUs)
#   pmd-step      the inline step between huge PMD entries not advancing its
#                 entry pointer: a THP reported twice, the next one never
#                 (CONFIGS=x86_64: UML has no THP)
#   procdiff      pagemap dropping the uffd-wp bit of hugetlb pages: the
#                 /proc differential of the selftests run catches it
#                 (CONFIGS=x86_64, which runs the selftests)
set -u
. "$(dirname "$0")/lib.sh"
cd "$ROOT"

[ -z "$(git status --porcelain -- $KDIRS patches)" ] ||
	die "commit or stash your changes first: this script edits and restores files"
test_c=mm/tests/pt_walk_base_kunit.c
patch=patches/$(series | head -n 1)
[ -n "$patch" ] && [ -f "$patch" ] || die "the series is empty"

restore() {
	git ls-files -z -- $KDIRS patches | xargs -0 git checkout -q --
}
trap restore EXIT

out=$BUILD/demo-failures
mkdir -p "$out"
summary=()

scenario() {	# scenario name [configs]
	local name=$1 configs=${2:-um} rc last

	make -s check CONFIGS="$configs" > "$out/$name.txt" 2>&1
	rc=$?
	last=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$out/$name.txt" | tail -n 1)
	summary+=("$(printf '%-13s exit %s  %s' "$name" "$rc" "$last")")
	echo "demo: $name: exit $rc: $last"
	grep -A3 '^failures:' "$out/$name.txt" | sed 's/^/demo:   /'
	restore
}

# 1. A failing KUnit case: expect 13 page shift bits.
sed -i 's/\*g = GEOM(12, 21, 30, 30, 30, 512, 512, 1, 1, 512);/*g = GEOM(13, 21, 30, 30, 30, 512, 512, 1, 1, 512);/' "$test_c"
scenario failing-case

# 2. A crashing kernel: panic() in the first test case.
sed -i '/^static void pt_walk_base_shifts(struct kunit \*test)$/{n;s/^{$/{\n\tpanic("ptwalk: crash on purpose");/}' "$test_c"
scenario crash

# 3. A patch that no longer applies: change a context line of its first hunk.
sed -i '0,/^ source "mm\/damon\/Kconfig"$/s//  source "mm\/damon\/Kconfig"/' "$patch"
sed -i '0,/^ obj-\$(CONFIG_TMPFS_QUOTA)/s//  obj-$(CONFIG_TMPFS_QUOTA)/' "$patch"
scenario patch

# 4. A checkpatch error: trailing whitespace in a new file.
sed -i 's/^static int expect_levels;$/static int expect_levels; /' "$test_c"
scenario checkpatch

# mincore() no longer the base kernel's: a marker counted as in memory.  The
# differential test (the base walk kept as the reference) catches it.
sed -i 's/^+\t\tif (is_pte_marker_entry(entry))$/+\t\tif (0 \&\& is_pte_marker_entry(entry))/' \
	patches/*-mm-mincore-walk-with-leaf_entry-*.patch
scenario mincore-diff

# The folded-level bug: keep what pXd_offset_lockless() returned, which is
# the address of the descent's copy where the level is folded.
sed -i 's/return readp == copyp || readp == parentp ? parentp : readp;/return readp;/' mm/pt_walk.c
scenario folded

# A locked walk that gives up after a few tries, as the first version did.
sed -i 's/^\t\t\tif (locked) {$/\t\t\tif (0 \&\& locked) {/' mm/pt_walk.c
scenario retry

# The GUP batch skipping a check for the PTEs after the first: FOLL_WRITE.
sed -i 's/^+\t\tpage = follow_pte_leaf(vma, s->addr, s, flags, &ctx->pgmap, &act);$/+\t\tpage = follow_pte_leaf(vma, s->addr, s, flags \& ~FOLL_WRITE, \&ctx->pgmap, \&act);/' \
	patches/*-mm-gup-take-the-PTEs-of-one-table-under-one-lock-*.patch
scenario gup-batch

# A locked walk's inline PTE step not stopping at the end of its VMA.
sed -i 's/^\t\tl->limit = min(l->limit, s->vm_end);$/\t\tl->limit = l->limit;/' include/linux/pt_walk.h
scenario vma-edge

# The cursor trusting the PMD value it read before taking the lock (the
# re-read under the lock dropped), with a delay before the lock so that a
# short run hits the race.
sed -i -e 's/^\tspin_lock(ptl);$/\tfor (int i = 0; i < 20000; i++)\n\t\tcpu_relax();\n&/' \
	-e 's/^\t\ts->entry.pmd = pmdp_get(entp);$/\t\t;/' mm/pt_walk.c
scenario race x86_64-debug

# The inline step between huge PMD entries reading the next entry but
# leaving its entry pointer where it was.
sed -i 's/^\tl->leaf.entp = pmdp;$/\tl->leaf.entp = l->leaf.entp;/' include/linux/pt_walk.h
scenario pmd-step x86_64

# pagemap no longer the base kernel's: the uffd-wp bit of a hugetlb page
# dropped.  The /proc differential (tests/ptwalk_procdiff.c, booted on the
# base and the patched selftests kernels) catches it.
sed -i 's/^+\t\tif (mm_walk_is_uffd_wp(&s->leaf))$/+\t\tif (0 \&\& mm_walk_is_uffd_wp(\&s->leaf))/' \
	patches/*-fs-proc-task_mmu-walk-pagemap-with-leaf_entry-*.patch
scenario procdiff x86_64

trap - EXIT
restore
"$ROOT/scripts/assemble.sh" > /dev/null
printf '%s\n' "${summary[@]}" | tee "$out/summary.txt"

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Write edits made in build/linux back into the repository, which stays the
# source of truth:
#  - every file that is not in the base tree (committed, edited or untracked)
#    is copied to the same path here; new files deleted there are deleted here;
#  - the commits since "base" are exported with git format-patch, restricted
#    to files of the base tree, as patches/NNNN-*.patch and patches/series;
#  - the patch whose commit adds each new file goes to patches/new-files.
# Edits to files of the base tree must be committed first: a commit is a patch.
set -eu
. "$(dirname "$0")/lib.sh"
git_ident

[ -f "$STAMP" ] || die "build/linux was not assembled by scripts/assemble.sh"
cd "$LINUX"
git rev-parse -q --verify base >/dev/null || die "build/linux has no tag 'base'"
[ -d "$(git rev-parse --git-path rebase-apply)" ] && die "a git am or rebase is in progress in build/linux"

# Edits on both sides would be lost one way or the other: refuse when the
# repository's kernel files or series changed since the last assemble or
# writeback, unless FORCE=1 says that build/linux wins.
read -r st_hash st_head < "$STAMP"
if [ "$(inputs_hash)" != "$st_hash" ] && [ "${FORCE:-0}" != 1 ]; then
	die "the repository's kernel files or patches changed since build/linux was assembled; writing back would overwrite them.  Commit or move those edits, or run 'make writeback FORCE=1' to let build/linux win"
fi

# Uncommitted changes to base files cannot become patches.
uncommitted=$(git status --porcelain --untracked-files=no | cut -c4- | while read -r f; do
	git cat-file -e "base:$f" 2>/dev/null && echo "$f"
done) || true
[ -n "$uncommitted" ] &&
	die "commit your changes to files of the base tree first (git commit or git commit --amend in build/linux): $(echo $uncommitted)"

# New files: added since base, in HEAD, in the index, or untracked.
mapfile -t added < <({
	git diff --name-only --diff-filter=A base -- $KDIRS
	linux_untracked
} | sort -u)
for f in "${added[@]}"; do
	[ -f "$f" ] || continue
	mkdir -p "$ROOT/$(dirname "$f")"
	cmp -s "$f" "$ROOT/$f" || { cp "$f" "$ROOT/$f"; echo "writeback: $f"; }
done
while read -r f; do
	if ! printf '%s\n' "${added[@]}" | grep -qxF "$f"; then
		rm -f "$ROOT/$f"
		echo "writeback: removed $f"
	fi
done < <(new_files)

# Record uncommitted work on new files in build/linux, so that the tree is
# clean and matches what the repository assembles.
git add -f -- "${added[@]}"
git add -u -- $KDIRS
git diff --cached --quiet || git commit -q -m "ptwalk: new files written back"

# The series: every commit since base, less every path that is not in the
# base tree (new files, including those added and later removed again).
excl=()
while read -r f; do
	git cat-file -e "base:$f" 2>/dev/null || excl+=(":(exclude)$f")
done < <({ git log --format= --name-only base..HEAD; printf '%s\n' "${added[@]}"; } | sort -u | grep -v '^$')
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
git format-patch -q --zero-commit --no-signature --no-numbered -o "$tmp" \
	base..HEAD -- . "${excl[@]}" >/dev/null

# patches/new-files: each new file comes with the patch whose commit adds it.
# The commits format-patch made patches of, in order, are those rev-list
# gives with the same paths.
mapfile -t pcommits < <(git rev-list --reverse base..HEAD -- . "${excl[@]}")
mapfile -t pnames < <(cd "$tmp" && ls -- *.patch 2>/dev/null)
[ "${#pcommits[@]}" = "${#pnames[@]}" ] ||
	die "format-patch made ${#pnames[@]} patches of ${#pcommits[@]} commits"
{
	sed -n '/^#/p' "$ROOT/patches/new-files" 2>/dev/null
	for f in "${added[@]}"; do
		[ -f "$f" ] || continue
		c=$(git log --diff-filter=A --format=%H base..HEAD -- "$f" | tail -n 1)
		for i in "${!pcommits[@]}"; do
			[ "${pcommits[$i]}" = "$c" ] && break
		done
		[ -n "$c" ] && [ "${pcommits[$i]}" = "$c" ] ||
			die "$f is added by $(git log -1 --format='"%h %s"' "$c" 2>/dev/null || echo no commit), which is not a patch of the series: add it in the commit of the patch that builds or first uses it (git rebase -i base in build/linux)"
		printf '%s\t%s\n' "$f" "${pnames[$i]}"
	done | sort -t"$(printf '\t')" -k2,2 -k1,1
} > "$tmp/new-files"
rm -f "$ROOT"/patches/*.patch
mkdir -p "$ROOT/patches"
{
	echo "# ptwalk patch series on $(cat "$BUILD/base-version"), applied in this order."
	echo "# Written by scripts/writeback.sh from build/linux: edit there, not here."
	for p in "$tmp"/*.patch; do
		[ -f "$p" ] || continue
		cp "$p" "$ROOT/patches/"
		basename "$p"
	done
} > "$ROOT/patches/series"
cp "$tmp/new-files" "$ROOT/patches/new-files"
echo "writeback: $(series | wc -l) patches in patches/series"

# build/linux now matches what the repository assembles.
echo "$(inputs_hash) $(git rev-parse HEAD)" > "$STAMP"
git -C "$ROOT" status --short -- $KDIRS patches

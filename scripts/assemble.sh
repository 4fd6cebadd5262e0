#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Assemble build/linux: the untouched base (tag "base"), then patches/series
# applied with git am, one commit per patch, on branch "ptwalk".  The commit
# of a patch also adds the new files that patches/new-files assigns to it,
# as they are in this repository: a new file comes with the patch that
# builds or first uses it.
#
# The work is done in a second worktree (build/linux-stage) and build/linux is
# then moved to the result with git reset, which rewrites only the files that
# differ: unchanged files keep their timestamps and nothing is rebuilt for
# them.  Refuses to run over edits in build/linux that have not been written
# back (scripts/writeback.sh), unless FORCE=1.
set -eu
. "$(dirname "$0")/lib.sh"
. "$ROOT/BASE"

[ "${PTWALK_NO_DEPS:-0}" = 1 ] || "$ROOT/scripts/deps.sh"
git_ident

tarball=/usr/src/$package.tar.xz
[ -f "$tarball" ] || die "$tarball is missing (is $package installed?)"
have=$(dpkg-query -W -f='${Version}' "$package")
[ "$have" = "$version" ] ||
	echo "assemble: WARNING: base is $package $have, BASE records $version" >&2
mkdir -p "$BUILD"

# 1. The base, unpacked once per base version.
if [ ! -d "$LINUX/.git" ] || [ "$(cat "$BUILD/base-version" 2>/dev/null)" != "$package $have" ]; then
	echo "assemble: unpacking $package $have"
	rm -rf "$LINUX" "$STAGE" "$BUILD/base-version"
	mkdir -p "$LINUX"
	tar -xf "$tarball" --strip-components=1 -C "$LINUX"
	kver=$(make -s -C "$LINUX" kernelversion)
	(
		cd "$LINUX"
		git init -q -b ptwalk
		git config gc.auto 0
		git config core.untrackedCache true
		git add -A -f .
		git commit -q -m "Linux $kver (Debian $package $have)" \
			-m "Unpacked from $tarball, untouched."
		git tag -a -m "ptwalk base: Linux $kver from Debian $package $have" base
		git worktree add -q --detach "$STAGE" base
	)
	echo "$package $have" > "$BUILD/base-version"
fi

hash=$(inputs_hash)

# 2. Do not throw away edits made in build/linux.
if [ -f "$STAMP" ]; then
	read -r st_hash st_head < "$STAMP"
	head=$(git -C "$LINUX" rev-parse HEAD)
	dirty=$({ git -C "$LINUX" status --porcelain; linux_untracked | sed 's/^/?? /'; } | head -5)
	if [ "$head" != "$st_head" ] || [ -n "$dirty" ]; then
		if [ "${FORCE:-0}" != 1 ]; then
			echo "assemble: build/linux has changes that are not in the repository:" >&2
			[ -n "$dirty" ] && echo "$dirty" >&2
			[ "$head" != "$st_head" ] && echo "  (commits since it was assembled)" >&2
			die "run 'make writeback' to keep them, or 'make assemble FORCE=1' to discard them"
		fi
	elif [ "$st_hash" = "$hash" ]; then
		echo "assemble: build/linux is up to date ($(git -C "$LINUX" describe --tags --always))"
		exit 0
	fi
fi

# 3. Assemble in the stage worktree.
cd "$STAGE"
[ -d "$(git rev-parse --git-path rebase-apply)" ] && git am --abort
git reset -q --hard base
git clean -q -f -d -x

# Every new file is assigned to a patch of the series, and only new files.
nfiles=0
while read -r f; do
	if git cat-file -e "base:$f" 2>/dev/null; then
		die "$f exists in the base tree: change it with a patch in patches/, not as a new file"
	fi
	p=$(new_file_patch "$f")
	[ -n "$p" ] || die "$f is a new file that patches/new-files assigns to no patch"
	series | grep -qxF "$p" || die "patches/new-files adds $f with $p, which is not in patches/series"
	nfiles=$((nfiles + 1))
done < <(new_files)

npatches=0
while read -r p; do
	[ -f "$ROOT/patches/$p" ] || die "patches/series names $p, which does not exist"
	if ! out=$(git am -q "$ROOT/patches/$p" 2>&1); then
		git am --abort || true
		files=$(echo "$out" | sed -n -e 's/^error: patch failed: \(.*\):[0-9]*$/\1/p' \
			-e 's/^error: \(.*\): does not exist in index$/\1/p' \
			-e 's/^error: \(.*\): already exists in index$/\1/p' | sort -u | tr '\n' ' ')
		echo "$out" | sed 's/^/  /' >&2
		die "patch patches/$p does not apply${files:+ to: $files}"
	fi
	# The new files that come with this patch, in its commit.
	added=0
	while read -r f; do
		[ -f "$ROOT/$f" ] || die "patches/new-files names $f, which does not exist"
		mkdir -p "$(dirname "$f")"
		cp "$ROOT/$f" "$f"
		git add -f -- "$f"
		added=1
	done < <(patch_new_files "$p")
	[ "$added" = 1 ] && git commit -q --amend --no-edit
	npatches=$((npatches + 1))
done < <(series)
result=$(git rev-parse HEAD)

# 4. Move build/linux to the result.
cd "$LINUX"
git reset -q --hard "$result"
[ "${FORCE:-0}" = 1 ] && git clean -q -f -d
echo "$hash $result" > "$STAMP"
echo "assemble: build/linux = $(cat "$BUILD/base-version") + $nfiles new files + $npatches patches"

# SPDX-License-Identifier: GPL-2.0
# Shared settings for the ptwalk scripts; sourced, not run.

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=$ROOT/build
LINUX=$BUILD/linux		# the assembled tree (git, branch "ptwalk")
STAGE=$BUILD/linux-stage	# worktree of $LINUX used to assemble
OUT=$BUILD/out			# O= output directories, one per configuration
STAMP=$LINUX/.git/ptwalk-stamp

# Top-level kernel directories whose files in this repository are new files
# of the kernel tree (Documentation/mm/pt_walk.rst among them).  Everything else here (scripts/, kunit/, bench/,
# patches/) is the project's own tooling.
KDIRS="Documentation arch include lib mm"

# ccache: hash paths relative to the clone, so that a fresh clone elsewhere
# reuses the cache; -fmacro-prefix-map only carries the source path, which
# it maps away (__FILE__ is the same in every clone).
export CCACHE_BASEDIR=$ROOT
export CCACHE_IGNOREOPTIONS='-fmacro-prefix-map=*'
# The 16 KUnit kernels of make check, the selftests and benchmark kernels
# take about 6 GB of cache; ccache's default of 5 GB would evict the first
# kernels while the last are built.
export CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-20G}

die() {
	echo "$(basename "$0"): error: $*" >&2
	exit 1
}

# The repository's new kernel files, tracked or not yet added (but not
# ignored), so that uncommitted work is assembled as well.
new_files() {
	git -C "$ROOT" ls-files --cached --others --exclude-standard -- $KDIRS |
		sort -u | while read -r f; do
			[ -f "$ROOT/$f" ] && echo "$f"
		done
}

# The series, in order: patches/series without blank and comment lines.
series() {
	[ -f "$ROOT/patches/series" ] || return 0
	sed -e 's/#.*//' -e 's/[[:space:]]*$//' "$ROOT/patches/series" | grep -v '^$' || true
}

# patches/new-files: "file patch" lines, the patch whose commit adds each
# new file (scripts/assemble.sh; scripts/writeback.sh keeps it up to date).
new_files_manifest() {
	[ -f "$ROOT/patches/new-files" ] || return 0
	sed -e 's/#.*//' "$ROOT/patches/new-files" | awk 'NF == 2 { print $1, $2 }'
}

new_file_patch() {	# the patch that adds new file $1
	new_files_manifest | awk -v f="$1" '$1 == f { print $2 }'
}

patch_new_files() {	# the new files patch $1 adds
	new_files_manifest | awk -v p="$1" '$2 == p { print $1 }'
}

# make's progress: "step NAME COMMAND..." runs COMMAND and prints one line
# with the time it took and the time since the job started ($STEP_START,
# set by the first script that sources this file), and whether it failed.
# Returns COMMAND's status.  The line goes to the script's own standard
# output, also when COMMAND's output goes to a file.
export STEP_START=${STEP_START:-$(date +%s)}
exec {STEP_FD}>&1

step_fmt() {	# seconds $1 as "M min S s"
	echo "$(( $1 / 60 )) min $(( $1 % 60 )) s"
}

step() {
	local name=$1 t0 rc

	shift
	t0=$(date +%s)
	"$@"
	rc=$?
	echo "step: $name: $(step_fmt $(( $(date +%s) - t0 )))" \
		"(at $(step_fmt $(( $(date +%s) - STEP_START ))))$([ $rc = 0 ] || echo ", status $rc")" >&"$STEP_FD"
	return $rc
}

# A hash over everything the assembled tree is made of.
inputs_hash() {
	(
		. "$ROOT/BASE"
		echo "$package $version"
		cat "$BUILD/base-version" 2>/dev/null
		new_files | while read -r f; do
			echo "$f $(sha1sum < "$ROOT/$f")"
		done
		new_files_manifest
		echo series
		series | while read -r p; do
			echo "$p $(sha1sum < "$ROOT/patches/$p")"
		done
	) | sha1sum | cut -d' ' -f1
}

git_ident() {
	GIT_AUTHOR_NAME=$(git -C "$ROOT" config user.name || echo ptwalk)
	GIT_AUTHOR_EMAIL=$(git -C "$ROOT" config user.email || echo ptwalk@localhost)
	GIT_COMMITTER_NAME=$GIT_AUTHOR_NAME
	GIT_COMMITTER_EMAIL=$GIT_AUTHOR_EMAIL
	export GIT_AUTHOR_NAME GIT_AUTHOR_EMAIL GIT_COMMITTER_NAME GIT_COMMITTER_EMAIL
}

# Untracked files under $KDIRS in build/linux.  Debian's base tree ignores
# every top-level path in .gitignore ("/*"), so the standard excludes would
# hide new files: use the kernel's top-level rules without that line.
linux_untracked() {
	local ex="$LINUX/.git/info/ptwalk-exclude"

	[ -f "$ex" ] || grep -v '^/\*$' "$LINUX/.gitignore" > "$ex"
	git -C "$LINUX" ls-files --others --exclude-from="$ex" -- $KDIRS
}

# What went wrong with a QEMU run whose console log is $1: qemu's exit status
# $2 (124: killed by timeout after $3 s), $4 the line the run ends with, $5
# the prefix of the lines it prints, and any kernel splat.  Empty when the
# run finished with a clean log.
qemu_run_problem() {
	local log=$1 rc=$2 timeout=$3 done=$4 mark=$5 p='' splat

	if [ "$rc" = 124 ]; then
		p="timed out after $timeout s"
	elif ! grep -q "^$done" "$log"; then
		if grep -q "^$mark" "$log"; then
			p="stopped before the end (qemu status $rc)"
		else
			p="did not boot (qemu status $rc)"
		fi
	fi
	splat=$(grep -m1 -oE '(BUG: |WARNING: CPU|Kernel panic|Oops: |general protection fault|UBSAN: ).*' "$log" |
		tr -d '\r' | cut -c1-100)
	[ -n "$splat" ] && p="${p:+$p; }$splat"
	echo "$p"
}

# A users' view "distro" kernel (scripts/users-bench.sh, users-arm64.sh):
# tinyconfig, the selftests fragment, then kunit/users-distro.config (no
# DEBUG_VM, -O2), checked for what the measurement needs, and kept while
# its stamp (the fragments and the tree's commit) matches.
#   distro_build TREE OUT FRAG IMAGE LOG "CONFIG_A CONFIG_B..." MAKE-VARS...
# IMAGE is the kernel image's path in OUT (its name is the make target);
# the CONFIG_ options listed must be set.  Serialised with the other
# kernel builds by build/.kbuild.lock.
distro_build() {
	local tree=$1 out=$2 frag=$3 image=$4 log=$5 need=$6 stamp o
	local distro=$ROOT/kunit/users-distro.config

	shift 6
	stamp="$(cat "$frag" "$distro" | sha1sum | cut -c1-40) $(git -C "$tree" rev-parse HEAD)"
	[ -f "$out/$image" ] && [ "$(cat "$out/.distro-stamp" 2>/dev/null)" = "$stamp" ] &&
		return 0
	echo "users-bench: building ${out#"$ROOT"/} from ${tree#"$ROOT"/}"
	mkdir -p "$out"
	rm -f "$out/.distro-stamp"
	(
		flock "$BUILD/.kbuild.lock" make -C "$tree" O="$out" "$@" -j"$(nproc)" tinyconfig &&
		"$tree/scripts/kconfig/merge_config.sh" -m -O "$out" "$out/.config" "$frag" "$distro" &&
		flock "$BUILD/.kbuild.lock" make -C "$tree" O="$out" "$@" olddefconfig &&
		! grep -q '^CONFIG_DEBUG_VM=y' "$out/.config" &&
		for o in $need; do
			grep -q "^$o=y" "$out/.config" || { echo "distro_build: $o is not set"; exit 1; }
		done &&
		flock "$BUILD/.kbuild.lock" make -C "$tree" O="$out" "$@" -j"$(nproc)" "${image##*/}"
	) > "$log" 2>&1 || { tail -n 5 "$log" >&2; return 1; }
	echo "$stamp" > "$out/.distro-stamp"
}

# A new initramfs tree in $1: busybox ($2, the host's /bin/busybox by
# default), and the start of /init, which installs busybox's applets and
# mounts /proc, /sys and /dev.  The caller appends the rest of /init.
initramfs_start() {
	local ird=$1 busybox=${2:-/bin/busybox}

	rm -rf "$ird"
	mkdir -p "$ird/bin" "$ird/dev" "$ird/proc" "$ird/sys" "$ird/tmp" "$ird/mnt" || return 1
	cp "$busybox" "$ird/bin/busybox" || return 1
	printf '%s\n' '#!/bin/busybox sh' '/bin/busybox --install -s /bin' 'export PATH=/bin' \
		'mount -t proc proc /proc' 'mount -t sysfs sysfs /sys' \
		'mount -t devtmpfs devtmpfs /dev' > "$ird/init"
	chmod +x "$ird/init"
}

# Every KUnit configuration (scripts/kunit.sh), in the order make check runs
# them: the ones that share a kernel next to each other.
ALL_CONFIGS="um x86_64 x86_64-no5lvl arm64 arm64-nolpa2 x86_64-debug arm64-39 arm64-16k arm64-16k-52 arm64-16k-52-nolpa2 arm64-64k riscv64 riscv64-sv48 riscv64-sv39 i386 i386-pae s390x ppc64le arm arm-lpae mips64el-64k mips64el-4k"

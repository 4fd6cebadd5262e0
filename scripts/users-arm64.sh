# SPDX-License-Identifier: GPL-2.0
#
# The users' view on arm64, sourced by scripts/users-bench.sh (which holds
# its lock and set S, RES, SRC, BASE_TREE, timeout and mem): the
# instructions of each call of bench/users/ptwalk_users.c, from the system
# call's entry to its exit, on the base and on the patched kernel, both
# built as a distribution would (kunit/selftests-arm64.config, then
# kunit/users-distro.config: no DEBUG_VM, -O2), counted by the TCG plugin
# of scripts/insn-profile.sh on qemu-system-aarch64 -machine virt -cpu max.
# Only instructions: TCG time moves by 20-30% between runs.

A64=$S/arm64
A64_FRAG=$A64/users.config
A64_CROSS=aarch64-linux-gnu-
A64_BUSYBOX=$BUILD/deps/arm64/bin/busybox
# Pools for every scenario: 1G, 2M, 64K (contiguous PTEs) and 32M
# (contiguous PMDs) hugetlb pages.
a64_cmdline="console=ttyAMA0 panic=-1 hugepagesz=1G hugepages=1 hugepagesz=2M hugepages=64
	hugepagesz=64K hugepages=1024 hugepagesz=32M hugepages=4 ptwalk_insn"
a64_failed=
mkdir -p "$A64"
# The selftests kernel's options and the PMU's (kunit/users-arm64-perf.config).
cat "$ROOT/kunit/selftests-arm64.config" "$ROOT/kunit/users-arm64-perf.config" > "$A64_FRAG"

# 1. The base tree: a worktree of build/linux at tag base, as
# scripts/selftests.sh makes it.
base_commit=$(git -C "$LINUX" rev-parse -q --verify 'base^{commit}') ||
	die "build/linux has no tag base (run make assemble)"
if [ "$(git -C "$BASE_TREE" rev-parse -q --verify HEAD 2>/dev/null)" != "$base_commit" ]; then
	echo "users-bench: arm64: creating the base worktree build/linux-base"
	rm -rf "$BASE_TREE"
	git -C "$LINUX" worktree prune
	git -C "$LINUX" worktree add -q --detach ../linux-base base ||
		die "cannot create the worktree build/linux-base"
fi

# 2. ptwalk_users for arm64 (static, libc6-dev-arm64-cross), with the base
# tree's UAPI headers for PAGEMAP_SCAN.
hdr=$A64/hdr
if [ ! -f "$hdr/include/linux/fs.h" ]; then
	flock "$BUILD/.kbuild.lock" make -C "$BASE_TREE" O="$A64/hdr-build" ARCH=arm64 -s \
		headers_install INSTALL_HDR_PATH="$hdr" > "$A64/hdr.log" 2>&1 ||
		die "cannot install the arm64 UAPI headers (build/users/arm64/hdr.log)"
fi
mkdir -p "$A64/bin"
"${A64_CROSS}gcc" -static -O2 -Wall -Wextra -Werror -isystem "$hdr/include" \
	-o "$A64/bin/ptwalk_users" "$SRC" > "$A64/build.log" 2>&1 ||
	{ cat "$A64/build.log" >&2; die "cannot build bench/users/ptwalk_users.c for arm64"; }

# 3. The initramfs, with Debian's busybox-static for arm64 (scripts/deps.sh).
IRD=$A64/initramfs
initramfs_start "$IRD" "$A64_BUSYBOX" ||
	die "no $A64_BUSYBOX (scripts/deps.sh fetches busybox-static for arm64)"
cp "$A64/bin/ptwalk_users" "$IRD/bin/"
cat >> "$IRD/init" <<'EOF'
# The rest of the arm64 users' view /init (scripts/users-arm64.sh): runs
# ptwalk_users --insn, whose calls sit between getppid() and getpgrp().
mkdir -p /sys/kernel/debug
mount -t debugfs none /sys/kernel/debug
for d in /sys/kernel/mm/hugepages/hugepages-*; do
	echo "USERS-INFO ${d##*/}: $(cat "$d/nr_hugepages") pages"
done
echo "USERS-INFO thp: $(cat /sys/kernel/mm/transparent_hugepage/enabled)"
ptwalk_users --insn
echo "USERS-DONE rc=$?"
sync
reboot -f
EOF
chmod +x "$IRD/init"
(cd "$IRD" && find . | sort | cpio -o -H newc --owner=0:0 --quiet | gzip -9) \
	> "$A64/initramfs.cpio.gz" || die "cannot pack the arm64 initramfs"

# 4. The kernels, cached by a stamp of the fragments and the tree's commit.
a64_kernel() {		# a64_kernel base|patched
	local k=$1 tree=$LINUX out=$OUT/users-arm64-distro-$1

	[ "$k" = base ] && tree=$BASE_TREE
	distro_build "$tree" "$out" "$A64_FRAG" arch/arm64/boot/Image "$A64/build-$k.log" \
		"CONFIG_CC_OPTIMIZE_FOR_PERFORMANCE CONFIG_ARM64_CONTPTE CONFIG_GUP_TEST CONFIG_ARM_PMUV3" \
		ARCH=arm64 CROSS_COMPILE=$A64_CROSS CC="ccache ${A64_CROSS}gcc" || return 1
	cp "$out/arch/arm64/boot/Image" "$A64/$k.Image"
}

# 5. Each kernel under the plugin, one after the other.
plugin=$("$ROOT/scripts/insn-profile.sh" plugin | tail -n 1) || plugin=
[ -n "$plugin" ] || die "no TCG plugin (scripts/insn-profile.sh plugin)"
for k in base patched; do
	sm=$OUT/users-arm64-distro-$k/System.map
	if ! a64_kernel "$k"; then
		echo "users-bench: arm64: cannot build the $k kernel (build/users/arm64/build-$k.log)" >&2
		a64_failed="$a64_failed $k"
		continue
	fi
	b=$(awk '$3 == "__arm64_sys_getppid" { print $1 }' "$sm")
	# arm64 has no getpgrp system call: the C library's getpgrp() is
	# getpgid(0).
	e=$(awk '$3 == "__arm64_sys_getpgid" { print $1 }' "$sm")
	[ -n "$b" ] && [ -n "$e" ] || die "no getppid/getpgid markers in $sm"
	echo "users-bench: arm64: running the $k kernel under the plugin"
	t0=$(date +%s)
	# -icount: QEMU's PMU counts retired instructions only with precise
	# instruction counting, for perf_event_open() in the guest.
	timeout "$timeout" qemu-system-aarch64 -machine virt -cpu max,pauth-impdef=on \
		-icount shift=0,sleep=off -m "$mem" -nographic -no-reboot \
		-plugin "$plugin,begin=$b,end=$e,out=$A64/insn-$k.tbprof" \
		-kernel "$A64/$k.Image" -initrd "$A64/initramfs.cpio.gz" \
		-append "$(echo $a64_cmdline)" < /dev/null > "$A64/insn-$k.log" 2>&1
	rc=$?
	tr -d '\r' < "$A64/insn-$k.log" | grep -E '^USERS-(WARN|SKIP|DONE rc=[^0])' |
		sed "s/^/users-bench: arm64: $k: /"
	problem=$(qemu_run_problem "$A64/insn-$k.log" "$rc" "$timeout" USERS-DONE USERS-INSN)
	if [ -n "$problem" ]; then
		echo "users-bench: arm64: $k kernel: $problem (build/users/arm64/insn-$k.log)" >&2
		a64_failed="$a64_failed $k"
		continue
	fi
	echo "users-bench: arm64: $k kernel: $(( $(date +%s) - t0 )) s"
	python3 "$ROOT/bench/insn-profile/symbolize.py" --top 40 --phases "$A64/insn-$k.log" \
		--results "$RES/insn-users-arm64-$k.results" "$sm" "$A64/insn-$k.tbprof" \
		> "$RES/insn-users-arm64-$k.txt" ||
		{ echo "users-bench: arm64: cannot fold the instruction counts of $k" >&2
		  a64_failed="$a64_failed $k"; }
done

# 6. perf beside the plugin: the PMU's count of each call (USERS-PERF,
# from just before the begin marker to just after the end marker) against
# the plugin's, for both kernels.
{
	{
	echo "Users' view on arm64, two instruments: the guest's perf_event_open()"
	echo "(PERF_COUNT_HW_INSTRUCTIONS, QEMU's PMU under -icount) against the TCG"
	echo "plugin, instructions per call, whole calls (GUP with gup_test's own)"
	echo
	printf '%-8s %-12s %-26s %14s %14s %9s\n' kernel scenario call plugin perf perf/plugin
	for k in base patched; do
		log=$A64/insn-$k.log
		[ -f "$log" ] && [ -f "$RES/insn-users-arm64-$k.results" ] || continue
		if tr -d '\r' < "$log" | grep -q '^USERS-PERF-NONE'; then
			echo "$k: $(tr -d '\r' < "$log" | grep -m1 '^USERS-PERF-NONE' | cut -d' ' -f2-)"
			continue
		fi
		tr -d '\r' < "$log" | sed -n 's/^USERS-PERF //p' |
			awk -F'|' -v k="$k" '
				NR == FNR { pl[$1 "|" $2] = $3; next }
				{ key = $1 "|" $2
				  if (!(key in pl) || !pl[key]) next
				  printf "%-8s %-12s %-26s %14d %14d %9.4f\n", k, $1, $2,
					 pl[key], $3, $3 / pl[key] }' \
				"$RES/insn-users-arm64-$k.results" -
	done
	} > "$RES/users-arm64-perf.txt.tmp"
	cat "$RES/users-arm64-perf.txt.tmp"
	# What the two make of each call: their difference, and patched/base.
	echo
	awk 'NR > 5 && ($1 == "base" || $1 == "patched") {
		key = $2 "|" substr($0, 23, 26); d = $(NF - 1) - $(NF - 2)
		diffs[++n] = d
		if ($1 == "base") { bpl[key] = $(NF - 2); bpf[key] = $(NF - 1); order[++m] = key }
		else { ppl[key] = $(NF - 2); ppf[key] = $(NF - 1) } }
	END {
		if (!n) exit
		# Sorted by insertion (a few hundred calls): mawk has no asort().
		for (i = 2; i <= n; i++)
			for (j = i; j > 1 && diffs[j - 1] > diffs[j]; j--) {
				d = diffs[j]; diffs[j] = diffs[j - 1]; diffs[j - 1] = d
			}
		printf "perf - plugin, instructions per call: median %d, min %d, max %d\n",
		       diffs[int((n + 1) / 2)], diffs[1], diffs[n]
		print "(perf counts from just before the begin marker to just after the end"
		print "marker, two read() calls more; it counts the calling task only, the"
		print "plugin the CPU: a call during which another task ran reads lower)"
		print ""
		printf "%-12s %-26s %12s %12s\n", "scenario", "call", "p/b plugin", "p/b perf"
		for (i = 1; i <= m; i++) {
			k = order[i]
			if (!(k in ppl) || !bpl[k] || !bpf[k])
				continue
			split(k, s, "|")
			printf "%-12s %-26s %12.3f %12.3f\n", s[1], s[2], ppl[k] / bpl[k], ppf[k] / bpf[k]
		}
	}' "$RES/users-arm64-perf.txt.tmp"
} > "$RES/users-arm64-perf.txt"
rm -f "$RES/users-arm64-perf.txt.tmp"

# 7. The table: instructions per 4K page, base and patched, and their ratio.
if [ -z "$a64_failed" ]; then
	{
		echo "Users' view on arm64: instructions per call (system call entry to exit),"
		echo "qemu-system-aarch64 TCG plugin, distro kernels (no DEBUG_VM, -O2);"
		echo "GUP without gup_test_ioctl's own instructions:"
		echo "base at $(git -C "$BASE_TREE" rev-parse --short HEAD)," \
			"patched at $(git -C "$LINUX" rev-parse --short HEAD)"
		echo
		# GUP through gup_test: its own instructions (its loops, the
		# release of the pages) are the harness's, left out of both, as
		# scripts/bench-report.py does for x86_64.
		awk -F'|' '
			function own(line, walker,    m) {
				if (walker !~ /user_pages/ ||
				    !match(line, /(^|,)gup_test_ioctl:[0-9]+/))
					return 0
				m = substr(line, RSTART, RLENGTH)
				sub(/.*:/, "", m)
				return m
			}
			FILENAME == ARGV[1] { b[$1 "|" $2] = $3 - own($7, $2); pg[$1 "|" $2] = $4
					      order[++n] = $1 "|" $2; next }
			{ p[$1 "|" $2] = $3 - own($7, $2) }
			END {
				printf "%-12s %-26s %7s %12s %12s %7s\n", "scenario", "call",
				       "pages", "base/page", "patched/page", "p/b"
				for (i = 1; i <= n; i++) {
					k = order[i]
					if (!(k in p) || !b[k] || !pg[k])
						continue
					split(k, s, "|")
					printf "%-12s %-26s %7d %12.1f %12.1f %7.3f\n", s[1], s[2],
					       pg[k], b[k] / pg[k], p[k] / pg[k], p[k] / b[k]
				}
			}' "$RES/insn-users-arm64-base.results" "$RES/insn-users-arm64-patched.results"
	} > "$RES/users-arm64.txt"
	echo
	cat "$RES/users-arm64.txt"
fi
echo "users-bench: arm64: $(( $(date +%s) - start )) s; build/bench/users-arm64.txt," \
	"build/bench/insn-users-arm64-{base,patched}.txt, logs in build/users/arm64/"
[ -z "$a64_failed" ] || die "arm64 failed:$a64_failed"

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The users' view: time mincore(), a read of /proc/self/pagemap, PAGEMAP_SCAN,
# reads of /proc/self/smaps, smaps_rollup and numa_maps from user space
# (bench/users/ptwalk_users.c) on the
# base kernel and on the patched kernel, and compare.  Figures, never part
# of `make check`.
#
#   kernels    the selftests kernels (tinyconfig + kunit/selftests-x86_64.config)
#              in build/out/selftests-{base,patched}.  When one is missing,
#              or its stamp does not match the fragment and its tree's HEAD,
#              scripts/selftests.sh builds them (and runs the selftests).
#              The bzImages are copied before booting, so that a rebuild
#              during the run does not change what is measured.
#   userspace  ptwalk_users, static, in an initramfs with busybox-static
#              (build/users/initramfs) whose /init runs it and reboots.
#   clock      tinyconfig has neither ACPI nor HPET, so the guest cannot
#              calibrate its TSC against a reference and, when the PIT
#              calibration fails too (under load), falls back to jiffies
#              (4 ms steps).  Under TCG the guest TSC is the host's:
#              "ptwalk_users --tsc-khz" measures it on the host, and the
#              guest gets tsc_early_khz=<that> and tsc=reliable (no watchdog
#              to compare against).  /init waits for the tsc clocksource and
#              ptwalk_users refuses to measure with a clock of 1 ms steps.
#   runs       qemu-system-x86_64 -cpu max (TCG) -m 4096, one kernel after
#              the other, hugetlb pools of one 1G and 64 2M pages.  Console
#              logs: build/users/{base,patched}.log.
#   insn       each kernel once more under the TCG plugin: exact instructions
#              per call (build/bench/insn-users-{base,patched}.*); and the same
#              on "distro" kernels, the selftests kernels without DEBUG_VM
#              (kunit/users-distro.config, build/out/users-distro-*):
#              build/bench/insn-users-distro-{base,patched}.*.  USERS_NO_INSN=1
#              skips both.
#   output     build/bench/qemu-base-users.results and
#              build/bench/qemu-patched-users.results ("scenario|walker|
#              median ns|pages|range pages|reps", as scripts/bench-report.py
#              reads), and the comparison table build/bench/users.txt,
#              printed at the end.
#
# "users-bench.sh arm64": the same program on arm64 (qemu-system-aarch64
# -machine virt -cpu max), in instructions only (TCG time decides nothing),
# on distro kernels built from kunit/selftests-arm64.config and
# kunit/users-distro.config (build/out/users-arm64-distro-{base,patched}),
# with the arm64 scenarios besides: 64K mTHP (contpte blocks), hugetlb 64K
# (contiguous PTEs) and 32M (contiguous PMDs).  Results in
# build/bench/insn-users-arm64-{base,patched}.{results,txt}, the table in
# build/bench/users-arm64.txt.
#
# Environment:
#   USERS_TIMEOUT=600  seconds each QEMU run may take
#
# Exits non-zero when a kernel is missing, does not boot, does not finish,
# oopses or warns, or prints no result line.
set -u
. "$(dirname "$0")/lib.sh"

BASE_TREE=$BUILD/linux-base
S=$BUILD/users
RES=$BUILD/bench
FRAG=$ROOT/kunit/selftests-x86_64.config
SRC=$ROOT/bench/users/ptwalk_users.c
SLOCK=$BUILD/selftests/.lock	# held by scripts/selftests.sh while it runs
timeout=${USERS_TIMEOUT:-600}
mem=4096
cmdline="console=ttyS0 panic=-1 hugepagesz=1G hugepages=1 hugepagesz=2M hugepages=64"

mkdir -p "$S" "$RES" "$BUILD/selftests"
exec 8> "$S/.lock"
if ! flock -n 8; then
	echo "users-bench: waiting for the run in progress to end"
	flock 8
fi
start=$(date +%s)

if [ "${1:-x86_64}" = arm64 ]; then
	. "$ROOT/scripts/users-arm64.sh"
	exit
fi

# 1. The kernels.  A kernel is current when scripts/selftests.sh's stamp
# ("<sha1 of the fragment> <commit built>") matches the fragment and the
# HEAD of its tree (the tag base for the base kernel).  $2 = built: any
# commit will do for the patched kernel (build/linux may have moved on
# while scripts/selftests.sh was building it).
current() {
	local k=$1 tree=$LINUX out=$OUT/selftests-$1 head stamp

	[ "$k" = base ] && tree=$BASE_TREE
	head=$(git -C "$tree" rev-parse -q --verify HEAD 2>/dev/null) || return 1
	[ "$k" = base ] &&
		[ "$head" != "$(git -C "$LINUX" rev-parse -q --verify 'base^{commit}')" ] &&
		return 1
	[ -f "$out/arch/x86/boot/bzImage" ] || return 1
	stamp=$(cat "$out/.selftests-stamp" 2>/dev/null)
	[ "$k" = patched ] && [ "${2:-}" = built ] && head=${stamp#* }
	[ "$stamp" = "$(sha1sum < "$FRAG" | cut -c1-40) $head" ]
}

# Copies the current kernels to build/users while no selftests run is
# rebuilding them; fails when one is not current.  $1: as for current().
take_kernels() {
	local k rc=0

	exec 7> "$SLOCK"
	flock 7
	for k in base patched; do
		if current "$k" "${1:-}"; then
			cp "$OUT/selftests-$k/arch/x86/boot/bzImage" "$S/$k.bzImage" &&
			cut -d' ' -f2 "$OUT/selftests-$k/.selftests-stamp" > "$S/$k.commit" ||
				rc=1
		else
			rc=1
		fi
	done
	exec 7>&-
	return $rc
}

rm -f "$S"/*.bzImage "$S"/*.commit
if ! take_kernels; then
	echo "users-bench: a selftests kernel is missing or stale: running scripts/selftests.sh" \
		"(output in build/users/selftests.out)"
	"$ROOT/scripts/selftests.sh" > "$S/selftests.out" 2>&1 ||
		echo "users-bench: scripts/selftests.sh failed (see build/users/selftests.out);" \
			"using its kernels if they were built"
	take_kernels built ||
		die "no current selftests kernels in build/out/selftests-{base,patched} (see build/users/selftests.out)"
fi
kernels_s=$(( $(date +%s) - start ))
for k in base patched; do
	commit=$(cat "$S/$k.commit")
	echo "users-bench: $k kernel built from $(git -C "$LINUX" log -1 --format='%h %s' "$commit" 2>/dev/null ||
		echo "$commit")"
done

# 2. ptwalk_users, and the host's TSC frequency.
mkdir -p "$S/bin"
# With the base tree's UAPI headers (scripts/selftests.sh installs them):
# PAGEMAP_SCAN is newer than Debian 12's linux-libc-dev.
hdr=$BUILD/selftests/hdr/include
[ -f "$hdr/linux/fs.h" ] || die "no UAPI headers in $hdr (scripts/selftests.sh installs them)"
gcc -static -O2 -Wall -Wextra -Werror -isystem "$hdr" -o "$S/bin/ptwalk_users" "$SRC" \
	> "$S/build.log" 2>&1 ||
	{ cat "$S/build.log" >&2; die "cannot build bench/users/ptwalk_users.c"; }
khz=$("$S/bin/ptwalk_users" --tsc-khz) || khz=0
[ "$khz" -gt 0 ] 2>/dev/null || die "cannot measure the host's TSC frequency"
cmdline="$cmdline tsc_early_khz=$khz tsc=reliable"

# 3. The initramfs.
IRD=$S/initramfs
initramfs_start "$IRD" || die "no /bin/busybox (busybox-static)"
cp "$S/bin/ptwalk_users" "$IRD/bin/"
cat >> "$IRD/init" <<'EOF'
# The rest of the users' benchmark /init (scripts/users-bench.sh): runs
# ptwalk_users, whose result lines start with "USERS ", then reboots.
# debugfs for gup_test, which ptwalk_users drives for the GUP slow path.
mkdir -p /sys/kernel/debug
mount -t debugfs none /sys/kernel/debug
echo 64 > /proc/sys/vm/nr_hugepages
for d in /sys/kernel/mm/hugepages/hugepages-*; do
	echo "USERS-INFO ${d##*/}: $(cat "$d/nr_hugepages") pages"
done
echo "USERS-INFO thp: $(cat /sys/kernel/mm/transparent_hugepage/enabled)"
# The tsc clocksource replaces tsc-early a second after the boot.
cs=/sys/devices/system/clocksource/clocksource0/current_clocksource
i=0
while [ "$(cat $cs)" != tsc ] && [ $i -lt 20 ]; do
	sleep 1
	i=$((i + 1))
done
echo "USERS-INFO clocksource: $(cat $cs) (available: $(cat ${cs%/*}/available_clocksource))"
# ptwalk_insn on the command line: the instruction count run.
case " $(cat /proc/cmdline) " in
*" ptwalk_insn "*) ptwalk_users --insn ;;
*) ptwalk_users ;;
esac
rc=$?
echo "USERS-DONE rc=$rc"
sync
# No ACPI in this kernel: reboot -f ends QEMU (-no-reboot).
reboot -f
EOF
chmod +x "$IRD/init"
(cd "$IRD" && find . | sort | cpio -o -H newc --owner=0:0 --quiet | gzip -9) \
	> "$S/initramfs.cpio.gz" || die "cannot pack the initramfs"

# 4. Boot the kernels one after the other: each TCG guest uses a host CPU,
# and two side by side would slow each other down.
boot() {		# boot KERNEL [LOG-NAME QEMU-ARGS... -- KERNEL-ARGS...]
	local k=$1 name=${2:-$1} t0 rc
	local -a qargs=() kargs=()

	shift $(( $# > 1 ? 2 : 1 ))
	while [ $# -gt 0 ] && [ "$1" != -- ]; do qargs+=("$1"); shift; done
	[ $# -gt 0 ] && shift
	kargs=("$@")
	echo "users-bench: running the $k kernel (host load: $(cut -d' ' -f1-3 /proc/loadavg))"
	t0=$(date +%s)
	timeout "$timeout" qemu-system-x86_64 -bios /usr/share/qemu/qboot.rom \
		-cpu max -m "$mem" -nographic -no-reboot "${qargs[@]}" \
		-kernel "$S/$k.bzImage" -initrd "$S/initramfs.cpio.gz" \
		-append "$cmdline ${kargs[*]}" < /dev/null > "$S/$name.log" 2>&1
	rc=$?
	echo "$rc $(( $(date +%s) - t0 ))" > "$S/$name.qemu"
}

failed=
for k in base patched; do
	boot "$k"
	read -r rc secs < "$S/$k.qemu"
	log=$S/$k.log
	out=$RES/qemu-$k-users.results
	tr -d '\r' < "$log" | sed -n 's/^USERS \([^|]*|[^|]*|[0-9]*|[0-9]*|[0-9]*|[0-9]*\)$/\1/p' > "$out"
	cs=$(tr -d '\r' < "$log" | grep -o 'Switched to clocksource .*' | tail -n 1)
	tr -d '\r' < "$log" | grep -E '^USERS-(WARN|SKIP|DONE rc=[^0])' | sed "s/^/users-bench: $k: /"
	problem=$(qemu_run_problem "$log" "$rc" "$timeout" USERS-DONE USERS)
	[ -s "$out" ] || problem="${problem:+$problem; }no USERS line"
	if [ -n "$problem" ]; then
		echo "users-bench: $k kernel: $problem (build/users/$k.log)" >&2
		failed="$failed $k"
	fi
	echo "users-bench: $k kernel: $secs s, $(grep -c . "$out") results, ${cs:-no clocksource switch}"
done

# 5. Exact instructions, per walker and kernel: each kernel once more under
# the TCG plugin of scripts/insn-profile.sh, counting from getppid() to
# getpgrp(), which ptwalk_users --insn calls around one run of each walker
# (the system call entry and exit are the same on both kernels).  Results
# in build/bench/insn-users-{base,patched}.{results,txt}.
if [ -z "${USERS_NO_INSN:-}" ]; then
	plugin=$("$ROOT/scripts/insn-profile.sh" plugin | tail -n 1) || plugin=
	for k in base patched; do
		sm=$OUT/selftests-$k/System.map
		b=$(awk '$3 == "__x64_sys_getppid" { print $1 }' "$sm" 2>/dev/null)
		e=$(awk '$3 == "__x64_sys_getpgrp" { print $1 }' "$sm" 2>/dev/null)
		if [ -z "$plugin" ] || [ -z "$b" ] || [ -z "$e" ]; then
			echo "users-bench: no instruction counts for $k (plugin or markers missing)" >&2
			failed="$failed insn-$k"
			continue
		fi
		boot "$k" "insn-$k" -plugin "$plugin,begin=$b,end=$e,out=$S/insn-$k.tbprof" -- ptwalk_insn
		python3 "$ROOT/bench/insn-profile/symbolize.py" --phases "$S/insn-$k.log" \
			--results "$RES/insn-users-$k.results" "$sm" "$S/insn-$k.tbprof" \
			> "$RES/insn-users-$k.txt" ||
			{ echo "users-bench: cannot fold the instruction counts of $k" >&2; failed="$failed insn-$k"; }
	done
fi

# 5b. The same counts on kernels configured as a distribution would: the
# selftests kernels without DEBUG_VM (kunit/users-distro.config), built from
# the same two trees into build/out/users-distro-{base,patched} (cached by a
# stamp of the fragments and the commit).  Results in
# build/bench/insn-users-distro-{base,patched}.{results,txt}.
distro_kernel() {	# distro_kernel base|patched: build it, copy its bzImage
	local k=$1 tree=$LINUX out=$OUT/users-distro-$1

	[ "$k" = base ] && tree=$BASE_TREE
	distro_build "$tree" "$out" "$FRAG" arch/x86/boot/bzImage "$S/build-distro-$k.log" \
		"CONFIG_CC_OPTIMIZE_FOR_PERFORMANCE CONFIG_GUP_TEST" \
		ARCH=x86_64 CC="ccache gcc" || return 1
	cp "$out/arch/x86/boot/bzImage" "$S/distro-$k.bzImage"
}

if [ -z "${USERS_NO_INSN:-}" ] && [ -n "${plugin:-}" ]; then
	for k in base patched; do
		sm=$OUT/users-distro-$k/System.map
		if ! distro_kernel "$k"; then
			echo "users-bench: cannot build the $k distro kernel (build/users/build-distro-$k.log)" >&2
			failed="$failed distro-$k"
			continue
		fi
		b=$(awk '$3 == "__x64_sys_getppid" { print $1 }' "$sm")
		e=$(awk '$3 == "__x64_sys_getpgrp" { print $1 }' "$sm")
		boot "distro-$k" "insn-distro-$k" \
			-plugin "$plugin,begin=$b,end=$e,out=$S/insn-distro-$k.tbprof" -- ptwalk_insn
		read -r rc secs < "$S/insn-distro-$k.qemu"
		problem=$(qemu_run_problem "$S/insn-distro-$k.log" "$rc" "$timeout" USERS-DONE USERS-INSN)
		if [ -n "$problem" ]; then
			echo "users-bench: $k distro kernel: $problem (build/users/insn-distro-$k.log)" >&2
			failed="$failed distro-$k"
			continue
		fi
		python3 "$ROOT/bench/insn-profile/symbolize.py" --top 40 --phases "$S/insn-distro-$k.log" \
			--results "$RES/insn-users-distro-$k.results" "$sm" "$S/insn-distro-$k.tbprof" \
			> "$RES/insn-users-distro-$k.txt" ||
			{ echo "users-bench: cannot fold the instruction counts of the $k distro kernel" >&2
			  failed="$failed distro-$k"; }
	done
fi

# 6. The table: base and patched median ns, ratio patched/base.
{
	echo "Users' view: median of 7 repetitions, ns, qemu-system-x86_64 TCG"
	echo "base: build/out/selftests-base at $(git -C "$LINUX" rev-parse --short "$(cat "$S/base.commit")")," \
		"patched: build/out/selftests-patched at $(git -C "$LINUX" rev-parse --short "$(cat "$S/patched.commit")");" \
		"tsc_early_khz=$khz"
	echo
	awk -F'|' '
		FILENAME == ARGV[1] {
			key = $1 "|" $2
			b[key] = $3
			pg[key] = $4 "/" $5
			order[++n] = key
			next
		}
		{
			key = $1 "|" $2
			p[key] = $3
			if (!(key in b)) {
				order[++n] = key
				pg[key] = $4 "/" $5
			}
		}
		END {
			printf "%-11s %-13s %13s %13s %13s %8s\n", "scenario", "walker",
			       "pages", "base ns", "patched ns", "p/b"
			for (i = 1; i <= n; i++) {
				key = order[i]
				split(key, s, "|")
				x = key in b ? b[key] : "-"
				y = key in p ? p[key] : "-"
				r = "-"
				if ((key in b) && (key in p) && b[key] > 0)
					r = sprintf("%.3f", p[key] / b[key])
				printf "%-11s %-13s %13s %13s %13s %8s\n", s[1], s[2],
				       pg[key], x, y, r
			}
		}' "$RES/qemu-base-users.results" "$RES/qemu-patched-users.results"
} > "$RES/users.txt"
echo
cat "$RES/users.txt"
echo
echo "users-bench: $(( $(date +%s) - start )) s (kernels ${kernels_s} s);" \
	"build/bench/users.txt, build/bench/qemu-{base,patched}-users.results, logs in build/users/"
[ -z "$failed" ] || die "failed:$failed"

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Install what ptwalk needs from Debian: the base kernel source, the kernel
# build dependencies, QEMU for x86_64, arm64, riscv64, s390x, ppc64
# and mips64el (qemu-system-misc, qemu-system-ppc, qemu-system-mips; OpenSBI comes with qemu-system-data),
# the cross compilers for them, sparse and ccache, Sphinx (the
# Documentation/mm build of make check), libnuma-dev (the
# migration selftest, static), and for the arm64 selftests kernel's
# userspace a static arm64 libc (libc6-dev-arm64-cross) and Debian's
# busybox-static and libnuma-dev for arm64 (fetched with apt-get download
# and unpacked into build/deps/arm64, with an apt state of its own: the
# host's architectures and package lists stay as they are).  Installs only what is missing, so it
# is cheap to call before every job.
set -eu
cd "$(dirname "$0")/.."
. ./BASE

pkgs="build-essential flex bison bc libelf-dev libssl-dev ccache sparse
      qemu-system-x86 qemu-system-arm gcc-aarch64-linux-gnu libc6-dev-arm64-cross
      qemu-system-misc qemu-system-ppc gcc-riscv64-linux-gnu gcc-s390x-linux-gnu
      gcc-powerpc64le-linux-gnu gcc-arm-linux-gnueabihf gcc-mips64el-linux-gnuabi64 qemu-system-mips
      python3 python3-ply python3-git perl git xz-utils rsync cpio kmod busybox-static gnuplot-nox
      libnuma-dev python3-sphinx python3-sphinx-rtd-theme
      $package"

# busybox-static and libnuma-dev for arm64, unpacked in build/deps/arm64.
arm64_busybox() {
	local d=build/deps/arm64 apt opts

	[ -x "$d/bin/busybox" ] && [ -f "$d/usr/lib/aarch64-linux-gnu/libnuma.a" ] && return 0
	echo "deps: fetching busybox-static and libnuma-dev for arm64 into $d"
	apt=$PWD/build/deps/apt-arm64
	rm -rf "$apt" "$d"
	mkdir -p "$apt/lists/partial" "$apt/cache/archives/partial" "$d"
	echo "deb [arch=arm64 signed-by=/usr/share/keyrings/debian-archive-keyring.gpg]" \
	     "http://deb.debian.org/debian bookworm main" > "$apt/sources.list"
	opts=(-q -o "Dir::State::Lists=$apt/lists" -o "Dir::Cache=$apt/cache"
	      -o "Dir::Etc::SourceList=$apt/sources.list" -o Dir::Etc::SourceParts=/dev/null
	      -o Dir::State::status=/dev/null -o APT::Architecture=arm64
	      -o APT::Architectures::=arm64 -o APT::Sandbox::User=root)
	(
		set -e
		apt-get "${opts[@]}" update > /dev/null
		cd "$apt"
		apt-get "${opts[@]}" download busybox-static:arm64 libnuma-dev:arm64 > /dev/null
		for deb in *_arm64.deb; do
			dpkg-deb -x "$deb" "$PWD/root"
		done
	) || {
		# Not fatal here: the arm64 selftests run reports it as a FAIL.
		echo "deps: WARNING: cannot fetch busybox-static and libnuma-dev for arm64" >&2
		return 0
	}
	mv "$apt/root"/* "$d"/
	rm -rf "$apt"
}

missing=
for p in $pkgs; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed' ||
		missing="$missing $p"
done
if [ -z "$missing" ]; then
	arm64_busybox
	exit
fi

echo "deps: installing:$missing"
sudo=
[ "$(id -u)" = 0 ] || sudo=sudo
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -q
want=
for p in $missing; do
	if [ "$p" = "$package" ] &&
	   apt-cache madison "$package" | awk '{print $3}' | grep -qxF "$version"; then
		p="$package=$version"
	elif [ "$p" = "$package" ]; then
		echo "deps: WARNING: $package $version is no longer offered;" \
		     "installing the newest $package instead" >&2
	fi
	want="$want $p"
done
# shellcheck disable=SC2086
$sudo apt-get install -y -q --no-install-recommends $want
arm64_busybox

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Install what ptwalk needs from Debian: the base kernel source, the kernel
# build dependencies, QEMU for x86_64, arm64, riscv64, s390x and ppc64
# (qemu-system-misc, qemu-system-ppc; OpenSBI comes with qemu-system-data),
# the cross compilers for them, sparse and ccache.  Installs only what is missing, so it is cheap to call
# before every job.
set -eu
cd "$(dirname "$0")/.."
. ./BASE

pkgs="build-essential flex bison bc libelf-dev libssl-dev ccache sparse
      qemu-system-x86 qemu-system-arm gcc-aarch64-linux-gnu
      qemu-system-misc qemu-system-ppc gcc-riscv64-linux-gnu gcc-s390x-linux-gnu
      gcc-powerpc64le-linux-gnu
      python3 python3-ply python3-git perl git xz-utils rsync cpio kmod busybox-static gnuplot-nox
      $package"

missing=
for p in $pkgs; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed' ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0

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

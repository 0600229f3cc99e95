#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Install what the LPAE harness needs on a Debian 12 host, once.
# Idempotent: a warm machine with everything present runs no apt at all.
#
#   setup.sh [--bench] [--rootfs] CACHE_DIR
#
# --bench also installs what only make bench uses (gnuplot); --rootfs
# what only the Debian root file system of make run and make shell on
# virt needs (mmdebstrap; mke2fs of e2fsprogs, see harness/rootfs.sh). Packages
# are installed without their recommended ones (QEMU's would bring GTK,
# Mesa and GStreamer). What this changes on the system: it adds the
# armhf architecture (dpkg --add-architecture, for busybox-static:armhf)
# and, unless one exists, the apt source bookworm-backports
# (/etc/apt/sources.list.d/lpae-backports.list), and installs packages.
#
# QEMU must come from bookworm-backports: Debian 12's own 7.2 drops bits
# [39:32] of table addresses in its LPAE walk (fixed upstream by QEMU commit
# 67d762e716a7), so a guest whose page tables sit above 4 GiB livelocks.
set -u

QEMU_MIN=8.2.8
PKGS="linux-source-6.1 gcc-arm-none-eabi gcc-arm-linux-gnueabihf
      libc6-dev-armhf-cross ccache bc bison flex libssl-dev libelf-dev
      cpio xz-utils gzip python3 make perl sparse
      python3-ply python3-git python3-pytest"
BENCH_PKGS="gnuplot-nox"
ROOTFS_PKGS="mmdebstrap e2fsprogs"

log() { printf 'setup: %s\n' "$*"; }

# sudo drops DEBIAN_FRONTEND from the environment: pass it through env,
# or apt may stop at a question.
as_root() {
	if [ "$(id -u)" = 0 ]; then
		env DEBIAN_FRONTEND=noninteractive "$@"
	else
		sudo env DEBIAN_FRONTEND=noninteractive "$@"
	fi
}

# Is a Debian package installed?
have_pkg() {
	dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'
}

# Version of the installed qemu-system-arm, or 0.
qemu_version() {
	qemu-system-arm --version 2>/dev/null |
		sed -n 's/^QEMU emulator version \([0-9.]*\).*/\1/p' | head -n1
}

# version_ge A B: true when dotted version A >= B.
version_ge() {
	[ "$(printf '%s\n%s\n' "$1" "$2" | sort -V | head -n1)" = "$2" ]
}

apt_update() {
	local i
	for i in 1 2 3; do
		as_root apt-get update -q && return 0
		log "apt-get update failed (try $i), retrying"
		sleep 5
	done
	# A single index failing mid-sync is common; go on and judge by installs.
	return 0
}

add_backports() {
	local list=/etc/apt/sources.list.d/lpae-backports.list
	grep -rqs 'bookworm-backports' /etc/apt/sources.list /etc/apt/sources.list.d/ && return 0
	echo 'deb http://deb.debian.org/debian bookworm-backports main' |
		as_root tee "$list" >/dev/null
}

main() {
	local missing="" p qv need_qemu=0

	for p in $PKGS; do
		have_pkg "$p" || missing="$missing $p"
	done
	qv=$(qemu_version)
	if [ -z "$qv" ] || ! version_ge "$qv" "$QEMU_MIN"; then
		need_qemu=1
	fi
	if ! dpkg --print-foreign-architectures | grep -qx armhf; then
		as_root dpkg --add-architecture armhf
	fi
	[ -z "$missing" ] && [ $need_qemu = 0 ] && [ -n "$(busybox_deb)" ] && {
		log "all present (qemu $qv)"
		return 0
	}

	add_backports
	apt_update
	if [ -n "$missing" ]; then
		log "installing:$missing"
		# shellcheck disable=SC2086
		as_root apt-get install -y -q --no-install-recommends $missing
	fi
	if [ $need_qemu = 1 ]; then
		log "installing qemu-system-arm from bookworm-backports"
		as_root apt-get install -y -q --no-install-recommends \
			-t bookworm-backports qemu-system-arm
	fi
	fetch_busybox
	check
}

# Path of the cached busybox-static armhf package, if any.
busybox_deb() {
	ls "$CACHE"/busybox-static_*_armhf.deb 2>/dev/null | head -n1
}

# apt downloads as its _apt user when it can write to the directory
# (as root, apt warns "Download is performed unsandboxed" otherwise).
fetch_busybox() {
	local tmp
	[ -n "$(busybox_deb)" ] && return 0
	mkdir -p "$CACHE"
	log "fetching busybox-static:armhf"
	tmp=$(mktemp -d)
	[ "$(id -u)" = 0 ] && chown _apt "$tmp" 2>/dev/null
	(cd "$tmp" && apt-get download -q busybox-static:armhf) &&
		mv "$tmp"/busybox-static_*_armhf.deb "$CACHE"/ ||
		log "busybox-static:armhf download failed"
	rm -rf "$tmp"
}

# Judge the set-up by what is there, not by apt's exit codes.
check() {
	local p bad=0 qv
	for p in $PKGS; do
		have_pkg "$p" || { log "MISSING package $p"; bad=1; }
	done
	qv=$(qemu_version)
	if [ -z "$qv" ] || ! version_ge "$qv" "$QEMU_MIN"; then
		log "qemu-system-arm ${qv:-absent} is older than $QEMU_MIN;"
		log "install it from bookworm-backports (apt-get install -t bookworm-backports qemu-system-arm)"
		bad=1
	fi
	[ -n "$(busybox_deb)" ] || { log "MISSING busybox-static armhf .deb in $CACHE"; bad=1; }
	[ $bad = 0 ] && log "ready (qemu $qv)"
	return $bad
}

while :; do
	case ${1:-} in
	--bench) PKGS="$PKGS $BENCH_PKGS" ;;
	--rootfs) PKGS="$PKGS $ROOTFS_PKGS" ;;
	*) break ;;
	esac
	shift
done
CACHE=$(realpath -m "${1:-build/cache}")
main

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Install what the LPAE harness needs on a Debian 12 host, once.
# Idempotent: a warm machine with everything present runs no apt at all.
#
# QEMU must come from bookworm-backports: Debian 12's own 7.2 drops bits
# [39:32] of table addresses in its LPAE walk (fixed upstream by QEMU commit
# 67d762e716a7), so a guest whose page tables sit above 4 GiB livelocks.
set -u

QEMU_MIN=8.2.8
PKGS="linux-source-6.1 gcc-arm-none-eabi gcc-arm-linux-gnueabihf
      libc6-dev-armhf-cross ccache bc bison flex libssl-dev libelf-dev
      cpio xz-utils gzip python3 make perl sparse gnuplot-nox
      python3-ply python3-git python3-pytest"

log() { printf 'setup: %s\n' "$*"; }

as_root() {
	if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
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
		DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -q $missing
	fi
	if [ $need_qemu = 1 ]; then
		log "installing qemu-system-arm from bookworm-backports"
		DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -q \
			-t bookworm-backports qemu-system-arm
	fi
	fetch_busybox
	check
}

# Path of the cached busybox-static armhf package, if any.
busybox_deb() {
	ls "$CACHE"/busybox-static_*_armhf.deb 2>/dev/null | head -n1
}

fetch_busybox() {
	[ -n "$(busybox_deb)" ] && return 0
	mkdir -p "$CACHE"
	log "fetching busybox-static:armhf"
	(cd "$CACHE" && apt-get download busybox-static:armhf) ||
		log "busybox-static:armhf download failed"
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

CACHE=${1:-build/cache}
main

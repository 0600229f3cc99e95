#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the test initramfs: busybox (armhf, static) for a shell, our
# guest init, the selftests of tools/testing/lpae built static for armhf,
# and the high-page probe used by the run summary.
#
#   initramfs.sh SRC OUT.cpio.gz
set -eu
unset MAKEFLAGS MFLAGS MAKEOVERRIDES MAKELEVEL

SRC=$(realpath "$1")
OUT=$(realpath -m "$2")
REPO=$(cd "$(dirname "$0")/.." && pwd)
CACHE=$REPO/build/cache
WORK=$REPO/build/initramfs/$(basename "$OUT" .cpio.gz).d
STAGE=$WORK/root
TESTS=$SRC/tools/testing/lpae
CC=arm-linux-gnueabihf-gcc
APPLETS="sh ash cat chmod cp cut dd dmesg echo env false free grep head
	 kill ln ls mkdir mount mv poweroff ps readlink rm sed seq setsid
	 cttyhack sleep sort sync tail tee test timeout top tr true umount
	 uname wc awk xargs find md5sum sha1sum stat id [ [[ printf expr"

die() { printf 'initramfs: %s\n' "$*" >&2; exit 1; }

busybox_bin() {
	local deb dir=$CACHE/busybox
	if [ ! -x "$dir/bin/busybox" ]; then
		deb=$(ls "$CACHE"/busybox-static_*_armhf.deb 2>/dev/null | head -n1)
		[ -n "$deb" ] || die "no busybox-static armhf package in $CACHE: run harness/setup.sh"
		rm -rf "$dir"
		dpkg-deb -x "$deb" "$dir"
	fi
	printf '%s\n' "$dir/bin/busybox"
}

# The selftests, through their own kselftest-style Makefile.
selftests() {
	local list
	[ -f "$TESTS/Makefile" ] || { : > "$STAGE/lpae/tests.list"; return 0; }
	make -s -C "$TESTS" OUTPUT="$WORK/selftests" CROSS_COMPILE=arm-linux-gnueabihf- \
		all install INSTALL_PATH="$STAGE/lpae" >&2
	list=$(make -s -C "$TESTS" OUTPUT="$WORK/selftests" emit_tests 2>/dev/null |
		sed -n 's/^[^:]*://p')
	printf '%s\n' $list > "$STAGE/lpae/tests.list"
}

main() {
	local a bb
	bb=$(busybox_bin)
	rm -rf "$STAGE"
	mkdir -p "$STAGE"/{bin,sbin,dev,proc,sys,tmp,lpae,root} "$WORK/selftests" \
		"$(dirname "$OUT")"
	cp "$bb" "$STAGE/bin/busybox"
	for a in $APPLETS; do
		ln -sf busybox "$STAGE/bin/$a"
	done
	ln -sf ../bin/busybox "$STAGE/sbin/poweroff"
	cp "$TESTS/guest-init.sh" "$STAGE/init"
	chmod 755 "$STAGE/init"
	cp "$TESTS/guest-facts.sh" "$STAGE/lpae/"
	$CC -static -O2 -Wall -Wl,-z,noexecstack \
		-o "$STAGE/lpae/lpae_highpage" "$TESTS/lpae_highpage.c"
	selftests
	(cd "$STAGE" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) |
		gzip -1 > "$OUT.tmp"
	mv "$OUT.tmp" "$OUT"
	printf 'initramfs: %s (%s tests)\n' "$OUT" "$(wc -w < "$STAGE/lpae/tests.list")"
}

main

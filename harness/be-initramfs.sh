#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The big-endian boot's initramfs: one freestanding BE8 /init
# (tools/testing/lpae/be_init.S) that says it ran and powers off.
# Debian has no big-endian ARM C library; the bare-metal toolchain that
# builds the kernel assembles and links this one in BE8.
#
#   be-initramfs.sh SRC OUT.cpio.gz
set -eu

SRC=$(realpath "$1")
OUT=$(realpath -m "$2")
STAGE=$(dirname "$OUT")/be.d

rm -rf "$STAGE"
mkdir -p "$STAGE"
arm-none-eabi-gcc -march=armv7-a -marm -mbig-endian -mbe8 -nostdlib -static \
	-Wl,--be8 -Wl,-z,noexecstack -o "$STAGE/init" \
	"$SRC/tools/testing/lpae/be_init.S"
(cd "$STAGE" && echo init | cpio -o -H newc -R 0:0 --quiet) | gzip -1 > "$OUT.tmp"
mv "$OUT.tmp" "$OUT"
printf 'initramfs: %s (big-endian /init)\n' "$OUT"

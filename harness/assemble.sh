#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Assemble a kernel source tree: the base tree from Debian's
# linux-source-6.1, our patches/ in series order, then every file we own
# copied over the base.
#
#   assemble.sh ours DEST   base + patches + our files
#   assemble.sh base DEST   the untouched base tree (for benchmarks)
#
# LPAE_SKIP="path ..." leaves those owned files at their base version in
# DEST (for work in progress on one file while testing another).
# LPAE_FROM_HEAD=1 takes our files as committed at HEAD, ignoring
# uncommitted changes in the work tree, except the files listed in
# LPAE_WORK="path ...", which come from the work tree.
# LPAE_EXTRA_PATCHES="diff ..." applies those diffs (paths from the repo
# root) after patches/series, to an "ours" or a "base" tree alike: make
# bench's instrumentation, which is never part of the series.
#
# The unpacked tree is reused while the tarball and patches/ are unchanged;
# an owned file is copied only when its content differs, so make rebuilds
# only what changed.
set -eu
unset MAKEFLAGS MFLAGS MAKEOVERRIDES MAKELEVEL

KIND=$1
DEST=$(realpath -m "$2")
REPO=$(cd "$(dirname "$0")/.." && pwd)

die() { printf 'assemble: %s\n' "$*" >&2; exit 1; }

. "$REPO/harness/lib.sh"

# Fingerprint of what the unpacked tree was made from.
fingerprint() {
	local p
	stat -c '%n %s %Y' "$TARBALL"
	for p in ${LPAE_EXTRA_PATCHES:-}; do
		cat "$REPO/$p"
	done
	[ "$KIND" = ours ] || return 0
	[ -f "$REPO/patches/series" ] && cat "$REPO/patches/series"
	for p in $(patch_list "$REPO/patches"); do
		cat "$REPO/patches/$p"
	done
}

unpack() {
	local tmp
	rm -rf "$DEST"
	tmp=$DEST.unpack
	rm -rf "$tmp"
	mkdir -p "$tmp"
	printf 'assemble: unpacking %s (a minute or two)\n' "$TARBALL"
	heartbeat "assemble: unpacking" tar -xf "$TARBALL" -C "$tmp"
	mv "$tmp"/linux-source-6.1 "$DEST"
	mkdir -p "$DEST/.lpae-base"
	rmdir "$tmp"
}

apply_patches() {
	local p
	for p in $(patch_list "$REPO/patches"); do
		apply_patch "$DEST" "$REPO/patches/$p" "$DEST.patchlog" ||
			die "patch $p does not apply to $(base_version) (hunks above)"
		printf 'assemble: applied %s\n' "$p"
	done
}

apply_extra() {
	local p
	for p in ${LPAE_EXTRA_PATCHES:-}; do
		apply_patch "$DEST" "$REPO/$p" "$DEST.patchlog" ||
			die "extra patch $p does not apply (hunks above)"
		printf 'assemble: applied %s\n' "$p"
	done
}

base_version() {
	make -s -C "$DEST" kernelversion 2>/dev/null || echo unknown
}

overlay() {
	local f n=0 list
	list=$(owned_files) || exit 1
	for f in $list; do
		owned_copy "$f" "$DEST.blob" || continue
		if ! cmp -s "$DEST.blob" "$DEST/$f"; then
			save_base "$f"
			mkdir -p "$(dirname "$DEST/$f")" &&
				cp "$DEST.blob" "$DEST/$f" ||
				die "cannot copy $f into $DEST"
			n=$((n + 1))
		fi
	done
	rm -f "$DEST.blob"
	restore_dropped "$list"
	printf '%s\n' "$list" > "$DEST/.lpae-owned"
	printf 'assemble: %d owned file(s) updated\n' "$n"
}

# Keep the base version of a file before we first overwrite it.
save_base() {
	local keep=$DEST/.lpae-base/$1
	[ -e "$keep" ] || [ -e "$keep.absent" ] && return 0
	mkdir -p "$(dirname "$keep")"
	if [ -f "$DEST/$1" ]; then
		cp -p "$DEST/$1" "$keep"
	else
		touch "$keep.absent"
	fi
}

# A file we owned last time but no longer do goes back to the base version.
restore_dropped() {
	local f keep
	[ -f "$DEST/.lpae-owned" ] || return 0
	for f in $(cat "$DEST/.lpae-owned"); do
		printf '%s\n' "$1" | grep -qxF "$f" && continue
		keep=$DEST/.lpae-base/$f
		if [ -f "$keep" ]; then
			cp "$keep" "$DEST/$f"
			printf 'assemble: %s back to the base version\n' "$f"
		elif [ -e "$keep.absent" ] && [ -e "$DEST/$f" ]; then
			rm -f "$DEST/$f"
			printf 'assemble: %s removed (not in the base tree)\n' "$f"
		fi
	done
}

TARBALL=$(tarball)
[ -n "$TARBALL" ] || die "no /usr/src/linux-source-6.1.tar.*: run harness/setup.sh"
[ "$KIND" = ours ] && require_git_tree
wait_lock "$DEST.lock" "assembly of $DEST"
FP=$(fingerprint | sha1sum | cut -d' ' -f1)
if [ ! -f "$DEST/.lpae-fingerprint" ] ||
   [ "$(cat "$DEST/.lpae-fingerprint")" != "$FP" ]; then
	unpack
	[ "$KIND" = ours ] && apply_patches
	apply_extra
	echo "$FP" > "$DEST/.lpae-fingerprint"
fi
[ "$KIND" = ours ] && overlay
base_version > "$DEST/.lpae-version"
exit 0

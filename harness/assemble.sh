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
#
# The unpacked tree is reused while the tarball and patches/ are unchanged;
# an owned file is copied only when its content differs, so make rebuilds
# only what changed.
set -eu
unset MAKEFLAGS MFLAGS MAKEOVERRIDES MAKELEVEL

KIND=$1
DEST=$2
REPO=$(cd "$(dirname "$0")/.." && pwd)
# Directories of the repo that mirror the kernel tree.
OVERLAY_DIRS="arch Documentation tools include mm lib kernel drivers scripts"

die() { printf 'assemble: %s\n' "$*" >&2; exit 1; }

tarball() {
	ls /usr/src/linux-source-6.1.tar.* 2>/dev/null | head -n1
}

# Fingerprint of what the unpacked tree was made from.
fingerprint() {
	{
		stat -c '%n %s %Y' "$TARBALL"
		if [ "$KIND" = ours ] && [ -f "$REPO/patches/series" ]; then
			cat "$REPO/patches/series"
			sed -e 's/#.*//' "$REPO/patches/series" | while read -r p; do
				[ -n "$p" ] && cat "$REPO/patches/$p"
			done
		fi
	} | sha1sum | cut -d' ' -f1
}

unpack() {
	local tmp
	rm -rf "$DEST"
	tmp=$DEST.unpack
	rm -rf "$tmp"
	mkdir -p "$tmp"
	printf 'assemble: unpacking %s\n' "$TARBALL"
	tar -xf "$TARBALL" -C "$tmp"
	mv "$tmp"/linux-source-6.1 "$DEST"
	mkdir -p "$DEST/.lpae-base"
	rmdir "$tmp"
}

apply_patches() {
	local p
	[ -f "$REPO/patches/series" ] || return 0
	sed -e 's/#.*//' "$REPO/patches/series" | while read -r p; do
		[ -n "$p" ] || continue
		# No fuzz: on a newer 6.1.x a hunk may move (an offset), but
		# one whose context changed stops the build instead of
		# landing somewhere patch guessed.
		if ! patch -d "$DEST" -p1 -N --fuzz=0 --no-backup-if-mismatch \
			-r - < "$REPO/patches/$p" > "$DEST.patchlog" 2>&1; then
			cat "$DEST.patchlog" >&2
			die "patch $p does not apply to $(base_version) (hunks above)"
		fi
		printf 'assemble: applied %s\n' "$p"
	done
}

base_version() {
	make -s -C "$DEST" kernelversion 2>/dev/null || echo unknown
}

# Files of ours: tracked (or new, not ignored) files under the overlay dirs.
owned_files() {
	local d
	cd "$REPO"
	for d in $OVERLAY_DIRS; do
		if [ "${LPAE_FROM_HEAD:-0}" = 1 ]; then
			git ls-tree -r --name-only HEAD -- "$d"
			printf '%s\n' ${LPAE_WORK:-} | grep "^$d/" || true
		elif [ -d "$d" ]; then
			git ls-files --cached --others --exclude-standard -- "$d"
		fi
	done | sort -u | grep -vxF -f <(printf '%s\n' ${LPAE_SKIP:-} /dev/null)
	return 0
}

# Trees assembled before .lpae-base existed: fetch the base versions of
# the files already overlaid, in one pass over the tarball.
adopt_old_tree() {
	local f want=""
	[ -f "$DEST/.lpae-owned" ] && [ ! -d "$DEST/.lpae-base" ] || return 0
	mkdir -p "$DEST/.lpae-base"
	for f in $(cat "$DEST/.lpae-owned"); do
		want="$want linux-source-6.1/$f"
	done
	[ -n "$want" ] || return 0
	# shellcheck disable=SC2086
	tar -xf "$TARBALL" -C "$DEST/.lpae-base" --strip-components=1 \
		--ignore-failed-read $want 2>/dev/null || true
	for f in $(cat "$DEST/.lpae-owned"); do
		[ -e "$DEST/.lpae-base/$f" ] && continue
		mkdir -p "$(dirname "$DEST/.lpae-base/$f")"
		touch "$DEST/.lpae-base/$f.absent"
	done
}

overlay() {
	local f n=0 list
	adopt_old_tree
	list=$(owned_files)
	for f in $list; do
		if [ "${LPAE_FROM_HEAD:-0}" = 1 ] &&
		   ! printf '%s\n' ${LPAE_WORK:-} | grep -qxF "$f"; then
			git -C "$REPO" show "HEAD:$f" > "$DEST.blob"
		else
			[ -f "$REPO/$f" ] || continue
			cp "$REPO/$f" "$DEST.blob"
		fi
		if ! cmp -s "$DEST.blob" "$DEST/$f"; then
			save_base "$f"
			mkdir -p "$(dirname "$DEST/$f")"
			cp "$DEST.blob" "$DEST/$f"
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
FP=$(fingerprint)
if [ ! -f "$DEST/.lpae-fingerprint" ] ||
   [ "$(cat "$DEST/.lpae-fingerprint")" != "$FP" ]; then
	unpack
	[ "$KIND" = ours ] && apply_patches
	echo "$FP" > "$DEST/.lpae-fingerprint"
fi
[ "$KIND" = ours ] && overlay
base_version > "$DEST/.lpae-version"
exit 0

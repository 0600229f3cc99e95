#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build one kernel configuration out of tree.
#
#   build-kernel.sh SRC OUT CONFIG [make targets...]
#
# CONFIG is a '+'-joined list of fragments from tools/testing/lpae/configs/
# applied after common.config on top of vexpress_defconfig ("lpae",
# "classic", "lpae+split2g").  The .config is regenerated only when a
# fragment changes.  Builds take one of two machine-wide slots; ccache
# keeps rebuilds short.
#
# LPAE_CONFIG_OPTIONAL="CONFIG_FOO ..." names options a fragment asks for
# that the tree being built does not define yet; they are not checked.
# (make series builds each step of the series, some of them before the
# patch that adds such an option.)
set -eu

SRC=$(realpath -m "$1")
OUT=$(realpath -m "$2")
CONFIG=$3
shift 3
REPO=$(cd "$(dirname "$0")/.." && pwd)
FRAGDIR=$REPO/tools/testing/lpae/configs
JOBS=${JOBS:-$(nproc)}

# Variables given on the harness's make command line (HEAD=1, CPU=...)
# must not leak into the kernel's own make through MAKEFLAGS.
unset MAKEFLAGS MFLAGS MAKEOVERRIDES MAKELEVEL
export ARCH=arm
export CROSS_COMPILE=arm-none-eabi-
export CCACHE_DIR=${CCACHE_DIR:-$REPO/build/cache/ccache}
# Paths below build/ are hashed relative to it; a tree at a new path
# still misses, since its objects' paths differ (src/<tree>/...).
export CCACHE_BASEDIR=$REPO/build
export KBUILD_BUILD_TIMESTAMP="2026-01-01 00:00:00 UTC"
export KBUILD_BUILD_USER=lpae KBUILD_BUILD_HOST=harness

die() { printf 'build: %s\n' "$*" >&2; exit 1; }

. "$REPO/harness/lib.sh"

# Checked once, here: a check inside $(fragments) would only end the
# subshell, and the build would go on without the fragment.
for f in $(printf '%s' "$CONFIG" | tr '+' ' '); do
	[ -f "$FRAGDIR/$f.config" ] || die "no fragment $FRAGDIR/$f.config"
done
[ -n "$CONFIG" ] || die "no configuration given"

fragments() {
	local f
	printf '%s\n' "$FRAGDIR/common.config"
	for f in $(printf '%s' "$CONFIG" | tr '+' ' '); do
		printf '%s\n' "$FRAGDIR/$f.config"
	done
}

# The link is done by the Linux target's ld (binutils-arm-linux-gnueabihf,
# the same 2.40 as arm-none-eabi's): arch/arm/Makefile links vmlinux with
# "-z norelro", an option the bare-metal arm-none-eabi-ld does not know
# and warns about at each of the three links of every kernel.
kmake() {
	make -s -C "$SRC" O="$OUT" CC="ccache ${CROSS_COMPILE}gcc" \
		LD=arm-linux-gnueabihf-ld -j"$JOBS" "$@"
}

# Every option the fragments ask for must have survived olddefconfig.
# A later fragment overrides an earlier one (merge_config.sh does the
# same), so "lpae+split2g" may turn lpae's VMSPLIT_3G off again.
verify_config() {
	local frag line sym bad=0
	local -A want from
	for frag in $(fragments); do
		while IFS= read -r line; do
			case "$line" in
			CONFIG_*=*) sym=${line%%=*}; want[$sym]=$line ;;
			"# CONFIG_"*" is not set") sym=${line#\# }; sym=${sym%% *}
				want[$sym]="" ;;
			# An option this configuration does not have at all
			# (its dependencies are off): checked to be absent,
			# and not passed to kconfig, for which "is not set" on
			# an int option is an invalid value.
			"# absent: CONFIG_"*) sym=${line#\# absent: }; want[$sym]="" ;;
			*) continue ;;
			esac
			from[$sym]=$(basename "$frag")
		done < "$frag"
	done
	for sym in "${!want[@]}"; do
		case " ${LPAE_CONFIG_OPTIONAL:-} " in
		*" $sym "*) continue ;;
		esac
		line=$(grep -E "^$sym=" "$OUT/.config" || true)
		if [ "$line" != "${want[$sym]}" ]; then
			printf 'build: %s: %s wanted "%s", got "%s"\n' \
				"${from[$sym]}" "$sym" "${want[$sym]}" "$line" >&2
			bad=1
		fi
	done
	return $bad
}

configure() {
	local fp
	fp=$(cat $(fragments) "$SRC/.lpae-fingerprint" 2>/dev/null | sha1sum)
	if [ -f "$OUT/.config" ] && [ "$(cat "$OUT/.lpae-config-fp" 2>/dev/null)" = "$fp" ]; then
		return 0
	fi
	mkdir -p "$OUT"
	kmake vexpress_defconfig
	# shellcheck disable=SC2046
	KCONFIG_CONFIG="$OUT/.config" "$SRC/scripts/kconfig/merge_config.sh" \
		-m -O "$OUT" "$OUT/.config" $(fragments) > "$OUT/merge.log"
	# A fragment that picks another member of a choice (VMSPLIT_*) makes
	# kconfig warn "override: X changes choice state"; that override is
	# what the fragment asks for, and verify_config checks the result.
	# Any other message is shown.
	kmake olddefconfig 2> "$OUT/olddefconfig.log" ||
		{ cat "$OUT/olddefconfig.log" >&2; die "olddefconfig failed"; }
	grep -v 'warning: override: [A-Za-z0-9_]* changes choice state$' \
		"$OUT/olddefconfig.log" >&2 || true
	verify_config || die "configuration $CONFIG is not what its fragments ask for"
	echo "$fp" > "$OUT/.lpae-config-fp"
}

# Two build slots for the whole machine: a quick incremental build need
# not wait behind a long one, and no more than two ever share the cores.
take_build_slot() {
	# The only build on this machine (CI) need not look.
	[ "${LPAE_NO_BUILD_LOCK:-0}" = 1 ] && return 0
	exec 8>"$REPO/build/.kbuild.lock.0" 9>"$REPO/build/.kbuild.lock.1"
	flock -n 8 && return 0
	flock -n 9 && return 0
	printf 'build: waiting for a build slot\n'
	until flock -n 8 || flock -n 9; do
		sleep 2
	done
}

mkdir -p "$(dirname "$OUT")" "$CCACHE_DIR"
wait_lock "$OUT.lock" "build in $OUT"
take_build_slot
configure
# make -s prints nothing while it works: a line every 30 s says how far
# it is, in objects compiled so far and those of the output directory's
# last complete build (for a cold build, about how many to go).
build() {
	local pid rc n i last
	last=$(cat "$OUT/.lpae-objects" 2>/dev/null || true)
	touch "$OUT/.lpae-build-start"
	kmake "$@" &
	pid=$!
	while :; do
		for i in $(seq 30); do
			kill -0 "$pid" 2>/dev/null || break 2
			sleep 1
		done
		n=$(find "$OUT" -name '*.o' -newer "$OUT/.lpae-build-start" | wc -l)
		printf 'build: %s: %ss, %s objects compiled%s\n' "$CONFIG" \
			$(( $(date +%s) - start )) "$n" "${last:+ (the tree has $last)}"
	done
	rc=0
	wait "$pid" || rc=$?
	[ "$rc" = 0 ] || return "$rc"
	find "$OUT" -name '*.o' | wc -l > "$OUT/.lpae-objects"
}

start=$(date +%s)
if [ $# -eq 0 ]; then
	set -- zImage dtbs
fi
printf 'build: %s (%s) in %s\n' "$CONFIG" "$*" "${OUT#"$REPO"/}"
build "$@" || die "$CONFIG: make $* failed"
printf 'build: %s (%s) built in %ss\n' "$CONFIG" "$*" $(( $(date +%s) - start ))

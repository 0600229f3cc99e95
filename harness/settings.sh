#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Check the settings of a run before anything is installed or built:
#
#   settings.sh NAME=value ...
#
# Prints nothing when every setting is usable. Otherwise prints one line,
# "settings: NAME=value: why", for the first that is not, and exits 2.
# The Makefile checks its command line with it (every target but help
# and clean), test.sh each boot of its matrix.
set -u
REPO=$(cd "$(dirname "$0")/.." && pwd)
FRAGDIR=$REPO/tools/testing/lpae/configs

# The boards the harness boots: machine (QEMU's -M without its
# options), the CPUs QEMU gives it (comma separated), the most RAM QEMU's
# model of the board takes, and its device trees ("-": QEMU generates
# one). virt's RAM starts at 1 GiB and may reach 256 GiB with
# highmem=on.
MACHINES="
vexpress-a15 cortex-a15 30G vexpress-v2p-ca15*.dtb
vexpress-a9  cortex-a9  1G  vexpress-v2p-ca9.dtb
virt         cortex-a7,cortex-a15 255G -
"

bad() {
	printf 'settings: %s\n' "$*"
	exit 2
}

# MiB in a QEMU -m size: 6G, 4097M, 512 (MiB); empty if not one.
size_mb() {
	case $1 in
	*[!0-9GgMm]* | [!0-9]* | *[GgMm]?*) return 0 ;;
	*[Gg]) echo $(( ${1%?} * 1024 )) ;;
	*[Mm]) echo $(( ${1%?} )) ;;
	*) echo $(( $1 )) ;;
	esac
}

machine_field() {
	printf '%s\n' "$MACHINES" | awk -v m="$1" -v f="$2" '$1 == m { print $f }'
}

fragments() {
	ls "$FRAGDIR" | sed -n 's/\.config$//p' | grep -vx common | tr '\n' ' '
}

check_config() {
	local f lpae=0
	case $CONFIG in
	'' | +* | *+ | *++*) bad "CONFIG=$CONFIG: an empty fragment name (one of: $(fragments))" ;;
	esac
	for f in $(printf '%s' "$CONFIG" | tr '+' ' '); do
		[ -f "$FRAGDIR/$f.config" ] ||
			bad "CONFIG=$CONFIG: no fragment $f (configurations join these with +: $(fragments))"
		grep -qx 'CONFIG_ARM_LPAE=y' "$FRAGDIR/$f.config" && lpae=1
	done
	LPAE=$lpae
}

check_machine() {
	local cpu max dtb have_mb max_mb host_mb board=${MACHINE%%,*}
	[ -n "$(machine_field "$board" 1)" ] ||
		bad "MACHINE=$MACHINE: not a board the harness boots (vexpress-a15, vexpress-a9, virt)"
	cpu=$(machine_field "$board" 2)
	max=$(machine_field "$board" 3)
	dtb=$(machine_field "$board" 4)
	case ,$cpu, in
	*,"${CPU:-$cpu}",*) ;;
	*) bad "CPU=$CPU: QEMU's $board takes $cpu" ;;
	esac
	if [ -n "${DTB:-}" ]; then
		# shellcheck disable=SC2254
		case $DTB in $dtb) ;; *) bad "DTB=$DTB: not a device tree of $MACHINE ($dtb)" ;; esac
	fi
	# STOP=1: a boot of make test that must stop with a message (this one).
	if [ "${LPAE:-0}" = 1 ] && [ "${CPU:-$cpu}" = cortex-a9 ] &&
	   [ "${STOP:-0}" != 1 ]; then
		bad "CONFIG=$CONFIG on MACHINE=$MACHINE: an LPAE kernel does not run on a Cortex-A9 (no LPAE)"
	fi
	# virt without highmem=off puts its PCIe ECAM and 64-bit window above
	# 4 GiB, which a classic kernel (32-bit physical addresses) cannot
	# reach; with highmem=off all of it, RAM too, stays below 4 GiB.
	if [ "$board" = virt ]; then
		case ,${MACHINE#virt}, in
		*,highmem=off,*) max=3G ;;
		*) [ "${LPAE:-1}" = 1 ] ||
			bad "CONFIG=$CONFIG on MACHINE=$MACHINE: a classic kernel cannot reach virt's PCIe above 4 GiB (use MACHINE=virt,highmem=off)" ;;
		esac
	fi
	[ -n "${MEM:-}" ] || return 0
	have_mb=$(size_mb "$MEM")
	[ -n "$have_mb" ] && [ "$have_mb" -gt 0 ] ||
		bad "MEM=$MEM: not a size (e.g. 6G, 4097M)"
	max_mb=$(size_mb "$max")
	[ "$have_mb" -le "$max_mb" ] ||
		bad "MEM=$MEM: QEMU's $MACHINE takes at most $max"
	# QEMU allocates guest RAM in one piece, which Linux's default
	# overcommit refuses beyond the host's RAM and swap.
	host_mb=$(awk '/^(MemTotal|SwapTotal):/ { kb += $2 } END { print int(kb / 1024) }' /proc/meminfo)
	[ "$have_mb" -le "$host_mb" ] ||
		bad "MEM=$MEM: this host has $((host_mb / 1024)) GiB of RAM and swap; QEMU cannot allocate more"
}

# ROOTFS=debian (make run and make shell): Debian's armhf image on a
# virtio disk, so virt only, and a little-endian kernel.
check_rootfs() {
	case $ROOTFS in
	initramfs) return 0 ;;
	debian) ;;
	*) bad "ROOTFS=$ROOTFS: debian or initramfs" ;;
	esac
	case ${MACHINE:-vexpress-a15} in
	virt | virt,*) ;;
	*) bad "ROOTFS=debian on MACHINE=${MACHINE:-vexpress-a15}: the Debian image boots from a virtio disk, on MACHINE=virt only" ;;
	esac
	case +${CONFIG:-lpae}+ in
	*+be+*) bad "ROOTFS=debian with CONFIG=$CONFIG: Debian armhf is little-endian" ;;
	esac
}

check_number() {
	case $2 in
	'' | *[!0-9]* | 0) bad "$1=$2: not a positive number" ;;
	esac
	[ -z "${3:-}" ] || [ "$2" -le "$3" ] || bad "$1=$2: at most $3"
}

check_faults() {
	local f known
	known=$(bash "$REPO/harness/faults.sh" --names | tr '\n' ' ')
	for f in $FAULTS; do
		case " $known " in
		*" $f "*) ;;
		*) bad "FAULTS=$FAULTS: no fault $f (faults: $known)" ;;
		esac
	done
}

main() {
	local a name value
	# Only what the command line gives: make exports its variables.
	unset CONFIG MACHINE CPU MEM SMP DTB TREE TIMEOUT INIT_TIMEOUT JOBS \
		FAULTS EXTENDED NOCHECK HEAD NOBUILD ROOTFS STOP
	for a in "$@"; do
		case $a in
		*=*) ;;
		*) bad "$a: not NAME=value" ;;
		esac
		name=${a%%=*} value=${a#*=}
		case $name in
		CONFIG | MACHINE | CPU | MEM | SMP | DTB | TREE | TIMEOUT | \
		INIT_TIMEOUT | JOBS | FAULTS | EXTENDED | NOCHECK | HEAD | NOBUILD | \
		ROOTFS | STOP)
			printf -v "$name" '%s' "$value" ;;
		*) bad "$name: not a setting this checks" ;;
		esac
	done
	[ -z "${CONFIG+x}" ] || check_config
	[ -z "${MACHINE+x}" ] || check_machine
	[ -z "${SMP+x}" ] || check_number SMP "$SMP" 4
	for name in TIMEOUT INIT_TIMEOUT JOBS; do
		[ -z "${!name+x}" ] || [ -z "${!name}" ] || check_number "$name" "${!name}"
	done
	for name in EXTENDED NOCHECK HEAD NOBUILD STOP; do
		case ${!name-0} in
		'' | 0 | 1) ;;
		*) bad "$name=${!name}: 0 or 1" ;;
		esac
	done
	case ${TREE-linux} in
	'' | *[!A-Za-z0-9_.-]* | .*) bad "TREE=${TREE-}: a plain directory name (letters, digits, _ . -)" ;;
	esac
	[ -z "${FAULTS:-}" ] || check_faults
	[ -z "${ROOTFS+x}" ] || check_rootfs
	return 0
}

main "$@"

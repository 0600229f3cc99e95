#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make bench: our kernel against the base tree's own, same configuration
# (lpae+bench), both booted under QEMU with -icount shift=0,sleep=off and
# one CPU so that guest time counts instructions; the guest runs
# /lpae/lpae_bench. Ours and base at 512 MiB (no highmem: the low side of
# the highmem fault penalty, fault figures only), 2 and 6 GiB (every
# figure), 16 and 30 GiB (the boot and the fault figures; 30 GiB, the
# board's most, in a sparse file, so the host needs only what it touches).
# maxcpus=1: the device tree names two CPUs, and waiting for the second
# would add a second of guest time to every boot.
# Prints the table; CSV, PNG and the console logs go to build/bench/.
#
# Our files are taken as committed at HEAD (LPAE_FROM_HEAD=1); WORK="path
# ..." on the make command line adds work-tree files, as for make tree.
# BENCH_BOOTS="ours-2G base-2G" boots only those; BENCH_TIMEOUT (s) is
# the limit per boot (a hang is a failed boot, its log kept).
set -u

REPO=$(cd "$(dirname "$0")/.." && pwd)
cd "$REPO" || exit 1
B=build
OUT=$B/bench
CFG=lpae+bench
DTB=vexpress-v2p-ca15-tc1.dtb
INITRD=$B/initramfs/bench.cpio.gz
TIMEOUT=${BENCH_TIMEOUT:-1800}
ALL_BOOTS="ours-512M base-512M ours-2G base-2G ours-6G base-6G
	ours-16G base-16G ours-30G base-30G"
BOOTS=${BENCH_BOOTS:-$ALL_BOOTS}
# Ours that the assembled tree needs even before they are committed.
BENCH_FILES="tools/testing/lpae/lpae_bench.c tools/testing/lpae/Makefile
	tools/testing/lpae/guest-init.sh tools/testing/lpae/guest-facts.sh"

# Our tree is "bench", the base tree "base".
tree() { [ "$1" = ours ] && echo bench || echo base; }
src() { echo "$B/src/$(tree "$1")"; }
kout() { echo "$B/kernel/$(tree "$1")/$CFG"; }

# Boot marks (the memory setup before the kernel's clock), both trees.
export LPAE_EXTRA_PATCHES=harness/bench-boot-marks.patch

start=$(date +%s)
failed=0
echo "bench: ours is HEAD $(git log -1 --format='%h %s')" \
	"${LPAE_WORK:+(+ work tree: $LPAE_WORK)}"
LPAE_FROM_HEAD=1 LPAE_WORK="${LPAE_WORK:-} $BENCH_FILES" \
	bash harness/assemble.sh ours "$(src ours)" || exit 1
bash harness/assemble.sh base "$(src base)" || exit 1
bash harness/build-kernel.sh "$(src ours)" "$(kout ours)" "$CFG" || exit 1
# The base tree has no KUnit option for our suites.
LPAE_CONFIG_OPTIONAL="CONFIG_ARM_MM_KUNIT_TEST" \
	bash harness/build-kernel.sh "$(src base)" "$(kout base)" "$CFG" || exit 1
bash harness/initramfs.sh "$(src ours)" "$INITRD" || exit 1

mkdir -p "$OUT/logs"
logs=()
for boot in $BOOTS; do
	kernel=${boot%%-*}
	mem=${boot#*-}
	k=$(kout "$kernel")
	log=$OUT/logs/$boot.log
	rm -f "$log" "$log.json"
	logs+=("$log")
	extra=()
	case $mem in
	*M) extra=(--append lpae_bench_only=fault_anon_64M) ;;
	16G) extra=(--append lpae_bench_only=fault_anon_64M,fault_anon_256M) ;;
	30G) extra=(--append lpae_bench_only=fault_anon_64M,fault_anon_256M
		--mem-file "$OUT/$boot.ram") ;;
	esac
	echo "bench: booting $boot (-icount, 1 CPU, limit ${TIMEOUT}s)"
	python3 tools/testing/lpae/run_qemu.py --kernel "$k/arch/arm/boot/zImage" \
		--dtb "$k/arch/arm/boot/dts/$DTB" --initrd "$INITRD" \
		--mem "$mem" --smp 1 --icount --timeout "$TIMEOUT" \
		--mode bench --append maxcpus=1 "${extra[@]}" \
		--label "bench-$boot" --log "$log" ||
		failed=$((failed + 1))
done

echo
python3 harness/bench_report.py "$OUT" "${logs[@]}" || failed=$((failed + 1))
echo "bench: $failed failure(s), ran $(( $(date +%s) - start ))s"
[ "$failed" = 0 ]

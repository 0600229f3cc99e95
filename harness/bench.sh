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
# Two more builds of ours, booted for one question each: "nopan"
# (CONFIG_CPU_TTBR0_PAN off, configs/nopan.config) at 2 and 6 GiB with
# the syscall figures only, the cost of privileged access never; and
# "nohighpte" (CONFIG_HIGHPTE off, configs/nohighpte.config) at 512 MiB
# and 6 GiB with the fault figure only, the highmem fault penalty with
# the PTE tables kept in lowmem.
# maxcpus=1: the device tree names two CPUs, and waiting for the second
# would add a second of guest time to every boot.
# Prints the table; CSV, PNG and the console logs go to build/bench/.
#
# Our files are taken as committed at HEAD (LPAE_FROM_HEAD=1); WORK="path
# ..." on the make command line adds work-tree files, as for make tree.
# BENCH_BOOTS="ours-2G base-2G" boots only those (and builds only the
# kernels they need); BENCH_TIMEOUT (s) is the limit per boot (a hang is
# a failed boot, its log kept).
set -u

REPO=$(cd "$(dirname "$0")/.." && pwd)
cd "$REPO" || exit 1
B=build
OUT=$B/bench
CFG=lpae+bench
DTB=vexpress-v2p-ca15-tc1.dtb
INITRD=$B/initramfs/bench.cpio.gz
TIMEOUT=${BENCH_TIMEOUT:-1800}
# The long 16 and 30 GiB boots last.
ALL_BOOTS="ours-512M base-512M nohighpte-512M ours-2G base-2G nopan-2G
	ours-6G base-6G nopan-6G nohighpte-6G ours-16G base-16G ours-30G
	base-30G"
KERNELS="ours base nopan nohighpte"
# The figures of the nopan boots: a system call and the copies of the
# uaccess helpers, where PAN switches TTBCR. fork_exit_wait, too.
SYSCALL_FIGURES=null_syscall,read_tmpfs_4K,write_pipe_64K,fork_exit_wait
BOOTS=${BENCH_BOOTS:-$ALL_BOOTS}
# Ours that the assembled tree needs even before they are committed.
BENCH_FILES="tools/testing/lpae/lpae_bench.c tools/testing/lpae/Makefile
	tools/testing/lpae/guest-init.sh tools/testing/lpae/guest-facts.sh"

# Our tree is "bench", the base tree "base"; nopan and nohighpte are
# ours built with one more fragment.
tree() { [ "$1" = base ] && echo base || echo bench; }
src() { echo "$B/src/$(tree "$1")"; }
config() {
	case $1 in
	ours | base) echo "$CFG" ;;
	*) echo "$CFG+$1" ;;
	esac
}
kout() { echo "$B/kernel/$(tree "$1")/$(config "$1")"; }
# Whether a boot of BOOTS runs kernel $1.
wanted() {
	local boot
	for boot in $BOOTS; do
		[ "${boot%%-*}" = "$1" ] && return 0
	done
	return 1
}

# Boot marks (the memory setup before the kernel's clock), both trees.
export LPAE_EXTRA_PATCHES=harness/bench-boot-marks.patch

start=$(date +%s)
failed=0
echo "bench: ours is HEAD $(git log -1 --format='%h %s')" \
	"${LPAE_WORK:+(+ work tree: $LPAE_WORK)}"
for boot in $BOOTS; do
	case " $KERNELS " in
	*" ${boot%%-*} "*) ;;
	*) echo "bench: $boot: no kernel ${boot%%-*} (one of $KERNELS)"
		exit 1 ;;
	esac
done
# The initramfs comes from our tree: it is assembled for every run.
LPAE_FROM_HEAD=1 LPAE_WORK="${LPAE_WORK:-} $BENCH_FILES" \
	bash harness/assemble.sh ours "$(src ours)" || exit 1
if wanted base; then
	bash harness/assemble.sh base "$(src base)" || exit 1
fi
for kernel in $KERNELS; do
	wanted "$kernel" || continue
	# The base tree has no KUnit option for our suites.
	optional=
	[ "$kernel" = base ] && optional=CONFIG_ARM_MM_KUNIT_TEST
	LPAE_CONFIG_OPTIONAL=$optional bash harness/build-kernel.sh \
		"$(src "$kernel")" "$(kout "$kernel")" "$(config "$kernel")" ||
		exit 1
done
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
	case $kernel-$mem in
	nopan-*) extra=(--append "lpae_bench_only=$SYSCALL_FIGURES") ;;
	nohighpte-* | *M) extra=(--append lpae_bench_only=fault_anon_64M) ;;
	*-16G) extra=(--append lpae_bench_only=fault_anon_64M,fault_anon_256M) ;;
	*-30G) extra=(--append lpae_bench_only=fault_anon_64M,fault_anon_256M
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

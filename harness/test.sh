#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make test: build every configuration once, boot each entry of the boot
# matrix, and add up the verdicts. The last line is
# "N passed, N failed, N skipped"; the exit status is non-zero on any
# failure (a failed build counts as one failed test).
#
# EXTENDED=1 adds the boots too long for CI (16 GiB); NOCHECK=1 skips
# make check, which otherwise counts as one more test.
set -u

REPO=$(cd "$(dirname "$0")/.." && pwd)
cd "$REPO" || exit 1
B=build
TREE=${TREE:-linux}
SRC=$B/src/$TREE
LOGS=$B/logs/$TREE/test
INITRD=$B/initramfs/$TREE.cpio.gz
BE_INITRD=$B/initramfs/be.cpio.gz

# One boot per line: a label, the configuration (fragments joined by
# '+'), QEMU's -m, -smp, -M and -cpu, the device tree ("-": the one
# QEMU virt generates), and kernel command-line words, if any, after the
# device tree. Words that start with "@" are the harness's, not the
# kernel's: "@be" boots with the big-endian initramfs (one /init that
# prints and powers off; Debian has no big-endian ARM user space), so
# that boot ends after the boot-time KUnit suites (not the late ones); "@min=K,S" sets the fewest KUnit and
# selftest results the boot must report, for boots that MINIMUMS below
# does not describe; "@timeout=S" and "@init-timeout=S" replace the
# limits of the whole boot and of reaching /init (TIMEOUT and
# INIT_TIMEOUT, 900 and 120 s) for a boot that needs longer. The
# bad-input boots say what the kernel must print: "@expect=REGEX", a
# line the console must show (the input was ignored or clamped, and the
# boot goes on), "@stop=REGEX", the message the kernel must stop with
# (run_qemu.py --expect, --stop); a regex has no spaces ("." stands for
# one).
# lpae_lkdtm=TYPE,... (guest-init.sh) provokes those
# LKDTM crash types before the selftests; run_qemu.py hands the list to
# the judge, which expects exactly one PAN oops from each and counts each
# as a case (lpae-lkdtm-6G: privileged access never, CPU_TTBR0_PAN).
#
# lpae-6G is the reference boot: it runs the stress cases at full size
# (10,000 forks, 1 GiB pattern fill, a tmpfs file larger than lowmem,
# 1.5 GiB for the OOM test's hog). Every other boot adds lpae_quick=1: the
# same tests, the stress cases smaller (see lpae_util.h). The boots that
# repeat a configuration on another memory layout or CPU run the programs
# in $LAYOUT only, leaving out the process and OOM programs, which the
# first boot of each configuration runs. So every test runs in every
# configuration, and make test stays a few minutes. The longest boot
# comes first: boots run $JOBS at a time.
A15="vexpress-a15 cortex-a15 vexpress-v2p-ca15-tc1.dtb"
A9="vexpress-a9 cortex-a9 vexpress-v2p-ca9.dtb"
VIRT_A7="virt,highmem=on cortex-a7 -"
VIRT_A15="virt,highmem=on cortex-a15 -"
# A classic kernel has 32-bit physical addresses: it gets virt without
# highmem, whose ECAM and PCI windows all sit below 4 GiB.
VIRT_A7_LOW="virt,highmem=off cortex-a7 -"
# Uniprocessor kernels get the tree with its first CPU only: given two
# CPU nodes they warn at boot (harness/one-cpu-dtb.sh).
A15_UP="vexpress-a15 cortex-a15 vexpress-v2p-ca15-tc1-1cpu.dtb"
Q=lpae_quick=1
LAYOUT=lpae_tests=lpae_highmem_test,lpae_prot_test,lpae_dirty_test,lpae_hugepage_test,lpae_vma_test
# Boot-time input a user gets wrong, each with its expected outcome (the
# table in README.md and Documentation/arm/lpae.txt): the kernel goes on
# and says what it ignored or clamped, or stops with a message that
# names the problem. Those that go on run lpae_highmem_test, which checks
# MemTotal and HighTotal against the RAM the runner says they have.
HM="$Q lpae_tests=lpae_highmem_test @min=90,5"
# The LPAE kernel on a CPU without LPAE: its zImage must print this, on
# one line, before decompressing (arch/arm/boot/compressed/lpae_check.c).
NO_LPAE_STOP='@stop=^This\skernel\sneeds\sthe\sLarge\sPhysical\sAddress\sExtension\s\(LPAE\),\swhich\sthis\sCPU\s\(MIDR\s0x\w{8}\)\sdoes\snot\simplement:\sstopping\.$'
BAD_INPUT="
bad-mem-64G      lpae          6G    2 $A15 $HM mem=64G @expect=mem=64G:.the.firmware.describes.RAM.up.to.0x1ffffffff.only
bad-mem-8M       lpae          6G    2 $A15 mem=8M @stop=Kernel.panic.*kernel.image.*is.not.inside.the.RAM
bad-bank-40bit   lpae          6G    2 $A15 $HM mem=6G@0x80000000 mem=1G@0x10000000000 @expect=Ignoring.RAM.at.0x0000010000000000.*40-bit
bad-bank-40bit-only lpae       6G    2 $A15 mem=1G@0x10000000000 @expect=Ignoring.RAM.at.0x0000010000000000.*40-bit @stop=Kernel.panic.*kernel.image.*is.not.inside.the.RAM
bad-bank-unaligned lpae        6G    2 $A15 mem=1000M@0x80100000 @stop=Kernel.panic.*kernel.image.*is.not.inside.the.RAM
bad-bank-unaligned-high lpae   6G    2 $A15 $HM mem=2G@0x80000000 mem=1001M@0x100100000
bad-bank-overlap lpae          6G    2 $A15 $HM mem=2G@0x80000000 mem=2G@0xc0000000
bad-bank-in-vmalloc lpae       6G    2 $A15 $HM mem=760M@0x80000000 mem=16M@0xb0000000
bad-vmalloc-8M   lpae          6G    2 $A15 $HM vmalloc=8M @expect=vmalloc.area.is.too.small,.limiting.to.16MiB
bad-vmalloc-2G   lpae          6G    2 $A15 $HM vmalloc=2G @expect=vmalloc.area.of.976MiB.leaves.32MiB.of.lowmem.*reduced.to
classic-6G       classic       6G    2 $A15 $Q @expect=Ignoring.memory.range.0x100000000.-.0x200000000
initrd-above-4G  lpae          6G    2 $A15 $HM @initrd-at=0x1c0000000 @expect=initrd.at.0x00000001c0000000-.*lies.beyond.lowmem.*moved.to.0x
initrd-in-highmem classic      1G    2 $A15 $Q lpae_tests=lpae_highmem_test @min=3,5 @initrd-at=0xbc000000 @expect=initrd.at.0xbc000000-.*lies.beyond.lowmem.*moved.to.0x
lpae-on-a9       lpae          1G    1 $A9 $NO_LPAE_STOP
"
# The kernel's checkers (configs/debug.config): debug_pagealloc=on turns
# on the guard pages, page state checks and (ARM has no arch support for
# unmapping pages) page poisoning, which takes precedence over
# init_on_free; slub_debug=FZPU checks every slab cache (run_qemu.py
# folds it into its own slub_debug= for the PGD cache). Under KASAN,
# lockdep and kmemleak a boot is several times slower: the limits below
# are the debug boots' own, and make faults uses them too.
# They are in EXTENDED_MATRIX: each is a KASAN build of its own (about
# 6.5 min of two cores, cold) and a boot of 7 min or more, past the
# 8 minutes that a cold make test (38 of its 50) has room for; on a
# loaded host the lpae-debug-6G boot took 32 min (issue 15).
# watchdog_thresh=60: the soft lockup detector stays on, at 120 s rather
# than 20 s. With KASAN, lockdep and kmemleak (which unwinds the stack of
# every allocation) under TCG, the boot-time creation of the tracefs
# event files, one kworker without a scheduling point (PREEMPT_NONE),
# ran 28 s on a loaded host and was reported as a soft lockup while
# making progress; a real livelock still ends the boot.
DEBUG="debug_pagealloc=on page_poison=1 slub_debug=FZPU watchdog_thresh=60"
DEBUG_TIMEOUT=2400
DEBUG_INIT_TIMEOUT=600
DEBUG_LIMITS="@timeout=$DEBUG_TIMEOUT @init-timeout=$DEBUG_INIT_TIMEOUT"
MATRIX="
lpae-6G          lpae          6G    2 $A15
classic-1G       classic       1G    2 $A15 $Q
lpae-virt-a7-8G  lpae          8G    2 $VIRT_A7 $Q
classic-virt-a7-2G classic     2G    2 $VIRT_A7_LOW $Q
lpae-virt-a15-16G lpae         16G   2 $VIRT_A15 $Q lpae_tests=lpae_pcie_test,${LAYOUT#lpae_tests=}
lpae-split2g-6G  lpae+split2g  6G    2 $A15 $Q
lpae-split1g-6G-up lpae+split1g 6G   1 $A15 $Q
lpae-3G-up       lpae          3G    1 $A15 $Q $LAYOUT
lpae-6G-ioremap  lpae          6G    2 $A15 $Q $LAYOUT mem=3G ioremap_kunit.phys=0x180000000 lpae_walk_kunit.wc_phys=0x180000000
lpae-4097M       lpae          4097M 2 $A15 $Q $LAYOUT
classic-1G-a9    classic       1G    2 $A9 $Q $LAYOUT
lpae-up-thumb2-6G lpae+up      6G    1 $A15_UP $Q
classic-up-1G    classic+up    1G    1 $A15_UP $Q $LAYOUT
lpae-be-6G       lpae+be       6G    2 $A15 @be @min=90,0
lpae-virt-a7-hotplug lpae      6G    2 $VIRT_A7 $Q @min=90,6 lpae_hotplug=1 lpae_tests=lpae_hotplug_test,lpae_process_test
lpae-lkdtm-6G    lpae          6G    2 $A15 $Q @min=90,4 lpae_lkdtm=ACCESS_USERSPACE,EXEC_USERSPACE lpae_tests=lpae_process_test
$BAD_INPUT
"
EXTENDED_MATRIX="
lpae-16G         lpae          16G   2 $A15 $Q
lpae-debug-6G    lpae+debug    6G    2 $A15 $Q $DEBUG $DEBUG_LIMITS
classic-debug-1G classic+debug 1G    2 $A15 $Q $DEBUG $DEBUG_LIMITS
"

# The fewest results each boot must report (run_qemu.py --min-kunit and
# --min-selftests): a little below today's counts, so that adding a test
# never fails them, but a suite or program that goes missing does. A boot
# takes the first row matching its configuration, and "layout" when it
# runs only the $LAYOUT programs.
#   configuration  programs  KUnit  selftests
MINIMUMS="
    lpae*          all       90     66
    lpae*          layout    90     60
    classic*       all       3      66
    classic*       layout    3      60
"

# minimums CONFIG WORD...: "KUNIT SELFTESTS" for a boot of the matrix.
minimums() {
	local cfg=$1 progs=all pat p k st
	shift
	case " $* " in *" lpae_tests="*) progs=layout ;; esac
	while read -r pat p k st; do
		[ -n "$pat" ] && [ "$p" = "$progs" ] || continue
		# shellcheck disable=SC2254
		case $cfg in $pat) echo "$k $st"; return 0 ;; esac
	done <<< "$MINIMUMS"
	echo "1 1"
}

# BOOTS="glob ...": only the boots whose labels match (a developer's
# quick run, e.g. BOOTS="bad-*"); only their configurations are built.
chosen() {
	local label=$1 g globs
	[ -n "${BOOTS:-}" ] || return 0
	read -ra globs <<< "$BOOTS"
	for g in "${globs[@]}"; do
		# shellcheck disable=SC2254
		case $label in $g) return 0 ;; esac
	done
	return 1
}

matrix() {
	local label rest
	{
		printf '%s\n' "$MATRIX"
		[ "${EXTENDED:-0}" = 1 ] && printf '%s\n' "$EXTENDED_MATRIX"
	} | while read -r label rest; do
		[ -n "$label" ] && chosen "$label" && printf '%s %s\n' "$label" "$rest"
	done
	return 0
}

configs() {
	matrix | awk 'NF { print $2 }' | sort -u
}

die() { printf 'test: %s\n' "$*" >&2; exit "${2:-1}"; }

. harness/lib.sh

# Every boot's settings, before anything is built.
while read -r label cfg mem smp machine cpu dtb append; do
	[ -n "$label" ] || continue
	# A boot that must stop (@stop=) may be one settings.sh refuses to
	# run, on purpose: the LPAE kernel on the Cortex-A9.
	stop=0
	case " $append " in *" @stop="*) stop=1 ;; esac
	err=$(bash harness/settings.sh CONFIG="$cfg" MEM="$mem" SMP="$smp" \
		MACHINE="$machine" CPU="$cpu" DTB="$dtb" STOP=$stop) ||
		die "boot $label: ${err#settings: }" 2
done <<< "$(matrix)"

lock_checkout test
rm -rf "$LOGS"
mkdir -p "$LOGS"

# make check and the boots run as background jobs, $JOBS at a time; each
# prints its own lines when it ends.
JOBS=${JOBS:-$(nproc)}
running=0
job() {
	if [ "$running" -ge "$JOBS" ]; then
		wait -n
		running=$((running - 1))
	fi
	running=$((running + 1))
	"$@" &
}

# A boot prints its progress (run_qemu.py, on stderr) as it goes, its
# verdict when it ends.
boot() {
	local label=$1 cfg=$2 mem=$3 smp=$4 machine=$5 cpu=$6 dtb=$7 a min
	local k=$B/kernel/$TREE/$cfg extra=() initrd=$INITRD
	local timeout=${TIMEOUT:-900} init_timeout=${INIT_TIMEOUT:-120}
	shift 7
	read -ra min <<< "$(minimums "$cfg" "$@")"
	for a in "$@"; do
		case $a in
		@be) initrd=$BE_INITRD ;;
		@min=*,*) a=${a#@min=}; min=("${a%,*}" "${a#*,}") ;;
		@expect=*) extra+=(--expect "${a#@expect=}") ;;
		@stop=*) extra+=(--stop "${a#@stop=}") ;;
		@timeout=*) timeout=${a#@timeout=} ;;
		@init-timeout=*) init_timeout=${a#@init-timeout=} ;;
		@initrd-at=*) extra+=(--initrd-at "${a#@initrd-at=}") ;;
		*) extra+=(--append "$a") ;;
		esac
	done
	case $dtb in
	-) ;;
	*-1cpu.dtb)
		dtb=$k/arch/arm/boot/dts/$dtb
		bash harness/one-cpu-dtb.sh "$k" "${dtb%-1cpu.dtb}.dtb" "$dtb" ||
			return 1 ;;
	*) dtb=$k/arch/arm/boot/dts/$dtb ;;
	esac
	python3 tools/testing/lpae/run_qemu.py --kernel "$k/arch/arm/boot/zImage" \
		--dtb "$dtb" --initrd "$initrd" \
		--machine "$machine" --cpu "$cpu" --mem "$mem" --smp "$smp" \
		--timeout "$timeout" --init-timeout "$init_timeout" \
		--min-kunit "${min[0]}" --min-selftests "${min[1]}" \
		--label "$label" --log "$LOGS/$label.log" \
		"${extra[@]}" > "$LOGS/$label.out"
	cat "$LOGS/$label.out"
}

# The static checks (checkpatch, W=1, sparse, kernel-doc) count as one
# test; NOCHECK=1 leaves them out of a quick run. They need only the
# assembled tree, so they start before the kernels are built and run
# beside the builds (their own output directories, the other build slot).
check() {
	echo "test: make check started (log: $LOGS/check.log)"
	bash harness/check.sh "$SRC" > "$LOGS/check.log" 2>&1
	echo "$?" > "$LOGS/check.rc"
	sed -n '/^=== make check/,$p' "$LOGS/check.log"
}

# The judge's and the settings checks' own tests (harness/tests), on the
# host, each counted in the summary.
host_tests() {
	echo "test: host tests (pytest, harness/tests)"
	if ! command -v pytest-3 > /dev/null; then
		echo "test: no pytest-3: run harness/setup.sh"
		return 0
	fi
	PYTHONDONTWRITEBYTECODE=1 pytest-3 -q -p no:cacheprovider \
		--junitxml="$LOGS/pytest.xml" harness/tests > "$LOGS/pytest.log" 2>&1
	tail -n 1 "$LOGS/pytest.log" | sed 's/^/test: host tests: /'
}

start=$(date +%s)
host_tests
bash harness/assemble.sh ours "$SRC" || exit 1
check_args=()
if [ "${NOCHECK:-0}" != 1 ]; then
	job check
	check_args=(--check-rc-file "$LOGS/check.rc" "$LOGS/check.log")
fi

build_failed=0
verdicts=()

for c in $(configs); do
	t0=$(date +%s)
	echo "test: building $c"
	if ! bash harness/build-kernel.sh "$SRC" "$B/kernel/$TREE/$c" "$c"; then
		echo "test: build of $c FAILED"
		build_failed=$((build_failed + 1))
		touch "$B/.failed-$TREE-$c"
	else
		rm -f "$B/.failed-$TREE-$c"
	fi
	echo "test: $c ready in $(( $(date +%s) - t0 ))s"
done
bash harness/initramfs.sh "$SRC" "$INITRD" || build_failed=$((build_failed + 1))
bash harness/be-initramfs.sh "$SRC" "$BE_INITRD" || build_failed=$((build_failed + 1))

while read -r label cfg mem smp machine cpu dtb append; do
	[ -n "$label" ] || continue
	[ -f "$B/.failed-$TREE-$cfg" ] && continue
	# shellcheck disable=SC2086 # $append is a list of words
	job boot "$label" "$cfg" "$mem" "$smp" "$machine" "$cpu" "$dtb" $append
	verdicts+=("$LOGS/$label.log.json")
done <<< "$(matrix)"
wait
echo "test: checks, builds and boots took $(( $(date +%s) - start ))s ($JOBS at a time)"

echo
echo "=== make test: $(cat "$SRC/.lpae-version" 2>/dev/null) ==="
python3 harness/report.py --failed-builds "$build_failed" "${check_args[@]}" \
	--pytest "$LOGS/pytest.xml" "${verdicts[@]}" |
	tee "$LOGS/report.txt"
exit "${PIPESTATUS[0]}"

#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# /init of the LPAE test initramfs. Mounts the pseudo file systems,
# reports the memory layout, runs every selftest listed in
# /lpae/tests.list between marker lines that run_qemu.py reads, and
# powers the machine off. lpae_mode=shell on the kernel command line
# gives an interactive shell instead; lpae_tests=prog1,prog2 runs only
# those selftest programs; lpae_quick=1 runs the stress cases at their
# quick sizes (LPAE_QUICK, see lpae_util.h); lpae_hotplug=1 asks
# lpae_hotplug_test to take CPUs offline and back (LPAE_HOTPLUG);
# lpae_bench_only=a,b runs only those benchmarks (lpae_bench --only).
# lpae_lkdtm=TYPE,... provokes those LKDTM crash types first (below).

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
mount -t debugfs debugfs /sys/kernel/debug
mount -t tmpfs tmpfs /tmp

uptime_s() {
	cut -d' ' -f1 /proc/uptime
}

mode=test
timeout_s=600
only=
bench_only=
lkdtm=
for arg in $(cat /proc/cmdline); do
	case "$arg" in
	lpae_mode=*) mode=${arg#lpae_mode=} ;;
	lpae_ram=*) LPAE_RAM_MB=${arg#lpae_ram=}; export LPAE_RAM_MB ;;
	lpae_ram_end=*) LPAE_RAM_END=${arg#lpae_ram_end=}; export LPAE_RAM_END ;;
	lpae_quick=*) LPAE_QUICK=${arg#lpae_quick=}; export LPAE_QUICK ;;
	lpae_hotplug=*) LPAE_HOTPLUG=${arg#lpae_hotplug=}; export LPAE_HOTPLUG ;;
	lpae_timeout=*) timeout_s=${arg#lpae_timeout=} ;;
	lpae_tests=*) only=$(echo "${arg#lpae_tests=}" | tr , ' ') ;;
	lpae_bench_only=*) bench_only=${arg#lpae_bench_only=} ;;
	lpae_lkdtm=*) lkdtm=$(echo "${arg#lpae_lkdtm=}" | tr , ' ') ;;
	esac
done

cpus=$(grep -c ^processor /proc/cpuinfo)
echo "LPAE-INIT: at $(uptime_s)s mode=$mode" \
	"ram_mb=${LPAE_RAM_MB:-unknown} cpus=$cpus quick=${LPAE_QUICK:-0}"
. /lpae/guest-facts.sh
guest_facts

if [ "$mode" = shell ]; then
	echo "LPAE-SHELL: tests are in /lpae; 'poweroff -f' ends the session"
	setsid cttyhack sh
	poweroff -f
fi

# lpae_mode=bench (make bench): the benchmarks instead of the tests.
if [ "$mode" = bench ]; then
	/lpae/lpae_bench ${bench_only:+--only "$bench_only"} 2>&1
	echo "LPAE-BENCH-END: rc=$?"
	echo "LPAE-DONE: at $(uptime_s)s"
	poweroff -f
fi

# The KUnit suites that need the kernel read-only (lpae_live.c) run now,
# before the selftests, once; only LPAE kernels have them.
late=/sys/kernel/debug/arm_mm_kunit/run_late
if [ -e $late ]; then
	echo 1 > $late || echo "LPAE-LATE-KUNIT: failed to start"
fi

# lpae_lkdtm=ACCESS_USERSPACE,EXEC_USERSPACE: each crash type written
# to LKDTM's DIRECT file by a shell of its own, which the oops kills;
# the judge expects exactly one PAN oops from that shell's PID for each
# (judge.py, LKDTM). panic_on_oops (common.config) is off meanwhile, so
# the system lives on to run the selftests after.
if [ -n "$lkdtm" ]; then
	panic=$(cat /proc/sys/kernel/panic_on_oops)
	echo 0 > /proc/sys/kernel/panic_on_oops
	for c in $lkdtm; do
		# shellcheck disable=SC2016
		sh -c 'echo "LPAE-LKDTM-BEGIN $1 pid=$$"
			echo "$1" > /sys/kernel/debug/provoke-crash/DIRECT' \
			lkdtm "$c"
		echo "LPAE-LKDTM-END $c rc=$?"
	done
	echo "$panic" > /proc/sys/kernel/panic_on_oops
fi

cd /lpae || exit 1
# lpae_tests=a,b runs only those programs of tests.list, in that order.
# lpae_tests=- runs none (make faults, when only KUnit cases are named).
for t in ${only:-$(cat tests.list)}; do
	[ "$t" = - ] && continue
	echo "LPAE-SELFTEST-BEGIN $t at $(uptime_s)s"
	timeout "$timeout_s" "./$t" 2>&1
	echo "LPAE-SELFTEST-END $t rc=$? at $(uptime_s)s"
done

# kmemleak (lpae+debug, which has no scan thread): what the selftests
# and KUnit suites left unreferenced. A second scan, because an object
# is reported only once it is older than kmemleak's minimum age and was
# found unreferenced; the judge wants the report empty.
# "LPAE-KMEMLEAK: N unreferenced" ends it.
kmemleak_report() {
	k=/sys/kernel/debug/kmemleak
	if [ ! -e $k ]; then
		echo "LPAE-KMEMLEAK: not built"
		return 0
	fi
	echo scan > $k
	sleep 6
	echo scan > $k
	echo "LPAE-KMEMLEAK-BEGIN at $(uptime_s)s"
	cat $k > /tmp/kmemleak
	cat /tmp/kmemleak
	echo "LPAE-KMEMLEAK: $(grep -c '^unreferenced object' /tmp/kmemleak)" \
		"unreferenced"
}
kmemleak_report
pgd_cache
echo "LPAE-DONE: at $(uptime_s)s"
poweroff -f

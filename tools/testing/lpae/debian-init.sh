#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# /init of the tests disk in a boot of the Debian 12 root file system
# (make run and make shell on QEMU virt; harness/rootfs.sh). The image's
# own PID 1 mounts the disk at /lpae and hands over to this script.
#
# It prints the same marker lines as guest-init.sh, the initramfs's
# /init, so that run_qemu.py, judge.py and report.py read both boots
# alike; here the figures come from Debian's tools: the memory totals
# from free(1) of procps (its Low and High rows), the CPUs from nproc,
# the rest from /proc with grep and sed. The command-line words
# lpae_mode=, lpae_ram=, lpae_ram_end=, lpae_quick=, lpae_hotplug=,
# lpae_timeout= and lpae_tests= mean what they mean there.
# No systemd: the harness's kernels have no networking (CONFIG_NET),
# which systemd and its journal need for their sockets.

export PATH=/usr/sbin:/usr/bin:/sbin:/bin LC_ALL=C

mountpoint -q /proc || mount -t proc proc /proc
mountpoint -q /sys || mount -t sysfs sysfs /sys
mountpoint -q /dev || mount -t devtmpfs devtmpfs /dev
mount -t debugfs debugfs /sys/kernel/debug
mount -t tmpfs tmpfs /tmp
mount -t tmpfs tmpfs /run
mkdir -p /dev/pts
mount -t devpts devpts /dev/pts
hostname -F /etc/hostname 2>/dev/null

uptime_s() {
	cut -d' ' -f1 /proc/uptime
}

mode="test"
timeout_s=600
only=
read -r -a words < /proc/cmdline
for arg in "${words[@]}"; do
	case "$arg" in
	lpae_mode=*) mode=${arg#lpae_mode=} ;;
	lpae_ram=*) export LPAE_RAM_MB=${arg#lpae_ram=} ;;
	lpae_ram_end=*) export LPAE_RAM_END=${arg#lpae_ram_end=} ;;
	lpae_quick=*) export LPAE_QUICK=${arg#lpae_quick=} ;;
	lpae_hotplug=*) export LPAE_HOTPLUG=${arg#lpae_hotplug=} ;;
	lpae_timeout=*) timeout_s=${arg#lpae_timeout=} ;;
	lpae_tests=*) only=$(echo "${arg#lpae_tests=}" | tr , ' ') ;;
	esac
done

echo "LPAE-INIT: at $(uptime_s)s mode=$mode" \
	"ram_mb=${LPAE_RAM_MB:-unknown} cpus=$(nproc --all) quick=${LPAE_QUICK:-0}"
echo "LPAE-USERSPACE: Debian $(cat /etc/debian_version)" \
	"$(dpkg --print-architecture), $(dpkg-query -W | wc -l) packages," \
	"root $(findmnt -n -o SOURCE,FSTYPE /)"
. /lpae/guest-facts.sh
guest_facts

if [ "$mode" = shell ]; then
	echo "LPAE-SHELL: Debian's bash; the tests are in /lpae; 'poweroff -f' ends the session"
	# /dev/console cannot be a controlling terminal: the shell gets
	# the serial port itself, so that job control and ^C work.
	cd /root || cd /
	TERM=${TERM:-vt220} setsid -w -c bash -l <>/dev/ttyAMA0 >&0 2>&0
	sync
	poweroff -f
fi

late=/sys/kernel/debug/arm_mm_kunit/run_late
if [ -e $late ]; then
	echo 1 > $late || echo "LPAE-LATE-KUNIT: failed to start"
fi

cd /lpae || exit 1
for t in ${only:-$(cat tests.list)}; do
	[ "$t" = - ] && continue
	echo "LPAE-SELFTEST-BEGIN $t at $(uptime_s)s"
	timeout "$timeout_s" "./$t" 2>&1
	echo "LPAE-SELFTEST-END $t rc=$? at $(uptime_s)s"
done
pgd_cache
echo "LPAE-DONE: at $(uptime_s)s"
sync
poweroff -f

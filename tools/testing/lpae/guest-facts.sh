# SPDX-License-Identifier: GPL-2.0
#
# The memory facts both guest inits report before the tests, as
# LPAE-<KEY>: lines that run_qemu.py and harness/report.py read. Sourced
# by guest-init.sh (the initramfs, busybox) and debian-init.sh (the
# Debian root file system); both have /lpae/lpae_highpage.

guest_facts() {
	grep -E '^(MemTotal|LowTotal|HighTotal|PageTables):' /proc/meminfo |
		sed 's/^/LPAE-MEMINFO: /'
	grep 'System RAM' /proc/iomem | sed 's/^ */LPAE-IOMEM: /'
	# Devices at or above 4 GiB (QEMU virt, highmem=on): the PCIe ECAM,
	# the 64-bit window and the BARs in it. A start of nine hex digits
	# or more is at least 0x1_0000_0000.
	grep -E '^ *[0-9a-f]{9,}-' /proc/iomem | grep -v 'System RAM' |
		sed 's/^/LPAE-IOMEM-HIGH: /'
	/lpae/lpae_highpage 2>&1 | sed 's/^/LPAE-HIGHPAGE: /'
	pgd_cache
}

# The LPAE PGD cache: /proc/slabinfo gives the slot size (object plus
# alignment padding), sysfs the object size itself.
pgd_cache() {
	grep '^pgd' /proc/slabinfo | sed 's/^/LPAE-SLABINFO: /'
	c=/sys/kernel/slab/pgd_lpae
	[ -d $c ] || return 0
	echo "LPAE-PGD-CACHE: object_size=$(cat $c/object_size)" \
		"slab_size=$(cat $c/slab_size) align=$(cat $c/align)"
}

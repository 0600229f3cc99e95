#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The Debian 12 (bookworm) armhf root file system that make run and make
# shell boot from a virtio disk on QEMU virt (ROOTFS=debian), and the
# small disk of tests that goes beside it.
#
#   rootfs.sh image KERNEL IMAGE     build IMAGE, an ext4 file system,
#                                    unless it exists and its recipe is
#                                    unchanged; KERNEL (a zImage with
#                                    virt, virtio-blk and ext4) boots it
#                                    once to finish the installation
#   rootfs.sh tests SRC STAGE IMAGE  IMAGE: STAGE/lpae (the selftests
#                                    harness/initramfs.sh staged) and
#                                    SRC's tools/testing/lpae/debian-init.sh
#                                    as /init, ext4 labelled lpae-tests
#
# The image is made in two stages, because the maintainer scripts of
# armhf packages cannot run on an x86 host without qemu-user registered
# through binfmt_misc, which a container may lack and which this harness
# does not change:
#
#  1. On the host, mmdebstrap --variant=extract downloads the packages
#     (Essential, Priority required, procps for free(1), sysvinit-core
#     for poweroff(8)) and unpacks them into a tree below build/rootfs,
#     keeping the .deb files; mke2fs -d turns the tree into an ext4
#     image, without root, a loop device or a mount.
#  2. In the guest, our kernel boots the image with init=/sbin/lpae-stage2,
#     which installs the same .deb files with dpkg (the maintainer
#     scripts run natively on the emulated CPU), as debootstrap's second
#     stage does, deletes them and powers off.
#
# The recipe is what this file does, not its comments: the suite, the
# package list, the image size and the functions that make the image
# (bash prints them without their comments). Its checksum is kept beside
# the image (IMAGE.recipe), and the image is rebuilt when it changes.
# Boots do not change the image: the runner opens it with snapshot=on.
# The network is needed once, for stage 1.
set -eu

SUITE=bookworm
MIRROR=${LPAE_DEBIAN_MIRROR:-http://deb.debian.org/debian}
# What the boots use besides the Essential set: free(1) (procps) for the
# summary, poweroff(8) (sysvinit-core) to end the boot.
INCLUDE="?essential ?priority(required) usr-is-merged procps sysvinit-core"
IMAGE_SIZE=1G
STAGE2_TIMEOUT=1200

die() { printf 'rootfs: %s\n' "$*" >&2; exit 1; }
log() { printf 'rootfs: %s\n' "$*" >&2; }

need_tools() {
	command -v mmdebstrap >/dev/null ||
		die "mmdebstrap is not installed; 'bash harness/setup.sh --rootfs build/cache' (or apt-get install mmdebstrap) installs it"
	command -v mke2fs >/dev/null ||
		die "mke2fs is not installed (apt-get install e2fsprogs)"
	command -v qemu-system-arm >/dev/null ||
		die "qemu-system-arm is not installed (make setup)"
	[ "$(id -u)" = 0 ] ||
		die "building the Debian image needs root (the files of the tree belong to root and other users); run make as root"
}

recipe() {
	{
		printf '%s\n' "$SUITE" "$INCLUDE" "$IMAGE_SIZE"
		declare -f stage1 write_boot_init write_stage2 stage2 make_image
	} | sha256sum | cut -d' ' -f1
}

# PID 1 of every later boot (init= on the command line): mounts the disk
# of tests that the runner attaches and hands over to its /init, so that
# changing the tests or debian-init.sh does not rebuild the image.
write_boot_init() {
	cat > "$1" <<'EOF'
#!/bin/sh
# PID 1 of the LPAE harness's Debian image (harness/rootfs.sh): hands
# over to /init of the disk labelled lpae-tests, or gives a shell.
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
if mount -o ro -L lpae-tests /lpae; then
	exec /lpae/init "$@"
fi
echo "lpae-init: no disk labelled lpae-tests; a shell, 'poweroff -f' ends it"
exec /bin/bash
EOF
	chmod 755 "$1"
}

# Stage 2, run by the guest as PID 1 (see the top of this file).
write_stage2() {
	cat > "$1" <<'EOF'
#!/bin/sh
# Stage 2 of harness/rootfs.sh: install the unpacked packages for real.
export PATH=/usr/sbin:/usr/bin:/sbin:/bin LC_ALL=C
export DEBIAN_FRONTEND=noninteractive DEBCONF_NONINTERACTIVE_SEEN=true
export DPKG_COLORS=never
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t tmpfs tmpfs /run
say() { echo "LPAE-ROOTFS: $* at $(cut -d' ' -f1 /proc/uptime)s"; }
say "stage 2: $(ls /var/cache/apt/archives/*.deb | wc -l) packages"
# No service starts while packages are configured.
printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
chmod 755 /usr/sbin/policy-rc.d
# Every package unpacked first, then each configured after what it
# depends on; the order of the files on the command line does not matter.
# unsafe-io: no fsync per file (slow under emulation); the image is only
# kept once the host has checked it (e2fsck) after a clean power-off.
dpkg --install --force-depends --force-unsafe-io /var/cache/apt/archives/*.deb
say "dpkg --install rc=$?"
dpkg --configure --pending
say "dpkg --configure rc=$?"
bad=$(dpkg-query -W -f '${db:Status-Abbrev} ${Package}\n' | grep -cv '^ii ')
audit=$(dpkg --audit | wc -l)
say "packages not installed: $bad, dpkg --audit lines: $audit"
rm -f /usr/sbin/policy-rc.d /var/cache/apt/archives/*.deb /sbin/lpae-stage2
if [ "$bad" = 0 ] && [ "$audit" = 0 ]; then
	echo "LPAE-ROOTFS-DONE: ok $(cat /etc/debian_version) $(dpkg-query -W | wc -l) packages"
else
	echo "LPAE-ROOTFS-DONE: failed"
fi
umount /run
sync
mount -o remount,ro /
poweroff -f
EOF
	chmod 755 "$1"
}

stage1() {
	local tree=$1 mlog=$2
	rm -rf "$tree"
	log "stage 1: mmdebstrap $SUITE armhf from $MIRROR (log: $mlog)"
	# --include takes its words one option each: apt patterns hold commas.
	local inc=() w
	for w in $INCLUDE; do
		inc+=("--include=$w")
	done
	# check/qemu: nothing armhf runs on the host. cleanup/apt/cache: keep
	# the .deb files for stage 2. The merged-usr hook makes /bin, /sbin
	# and /lib links into /usr before anything is unpacked, as Debian 12
	# requires (usr-is-merged checks it).
	if ! nice -n 10 mmdebstrap --mode=root --arch=armhf --variant=extract \
		--skip=check/qemu,cleanup/apt/cache \
		--setup-hook=/usr/share/mmdebstrap/hooks/merged-usr/setup00.sh \
		"${inc[@]}" "$SUITE" "$tree" "$MIRROR" > "$mlog" 2>&1; then
		if grep -qiE 'could not resolve|failed to fetch|temporary failure|unable to connect|connection (refused|timed out)|network is unreachable' "$mlog"; then
			die "cannot download Debian $SUITE from $MIRROR: no network? The image needs the network once, then stays cached in $(dirname "$mlog") (log: $mlog)"
		fi
		tail -n 15 "$mlog" >&2
		die "mmdebstrap failed (log: $mlog)"
	fi
	ls "$tree"/var/cache/apt/archives/*.deb >/dev/null 2>&1 ||
		die "mmdebstrap kept no packages in $tree/var/cache/apt/archives"
	# Not the host's: mmdebstrap copies its hostname and resolv.conf.
	echo lpae-debian > "$tree/etc/hostname"
	rm -f "$tree/etc/resolv.conf"
	printf '/dev/vda / ext4 defaults 0 1\n' > "$tree/etc/fstab"
	mkdir -p "$tree/lpae"
	write_boot_init "$tree/sbin/lpae-init"
	write_stage2 "$tree/sbin/lpae-stage2"
}

stage2() {
	local kernel=$1 img=$2 slog=$3
	log "stage 2: installing the packages in the guest (log: $slog)"
	rm -f "$slog"
	timeout "$STAGE2_TIMEOUT" nice -n 10 qemu-system-arm \
		-M virt,highmem=off -cpu cortex-a7 -smp 2 -m 2048M -audio none \
		-kernel "$kernel" -no-reboot -nic none \
		-append "console=ttyAMA0 panic=-1 root=/dev/vda rootfstype=ext4 rw rootwait init=/sbin/lpae-stage2" \
		-drive "if=none,id=root,format=raw,file=$img" \
		-device virtio-blk-pci,drive=root -device virtio-rng-pci \
		-display none -monitor none -serial "file:$slog" ||
		log "QEMU ended with status $? (timeout $STAGE2_TIMEOUT s)"
	grep -a 'LPAE-ROOTFS' "$slog" | sed 's/^/  /' >&2 || true
	grep -aq '^LPAE-ROOTFS-DONE: ok' "$slog" ||
		die "stage 2 did not finish (log: $slog)"
}

make_image() {
	local kernel=$1 img=$2 dir=$3
	stage1 "$dir/tree" "$dir/mmdebstrap.log"
	mke2fs -q -t ext4 -L lpae-debian -d "$dir/tree" "$img" "$IMAGE_SIZE" \
		> /dev/null || die "mke2fs -d failed"
	rm -rf "$dir/tree"
	stage2 "$kernel" "$img" "$dir/stage2.log"
	# Stage 2 deletes its own script while it runs, which leaves an
	# orphan inode for the next mount to clean; clean it here, once,
	# and check the rest. 0: clean, 1: errors corrected.
	e2fsck -fy "$img" > "$dir/e2fsck.log" 2>&1 || [ $? = 1 ] ||
		die "e2fsck found errors it could not correct (log: $dir/e2fsck.log)"
}

image() {
	local kernel=$1 img=$2 dir want start cfg
	dir=$(dirname "$img")
	want=$(recipe)
	if [ -f "$img" ] && [ "$(cat "$img.recipe" 2>/dev/null)" = "$want" ]; then
		log "$img is up to date"
		return 0
	fi
	need_tools
	[ -f "$kernel" ] || die "no kernel $kernel to finish the image with"
	# A zImage of the harness (OUT/arch/arm/boot/zImage): its .config
	# must have what stage 2 mounts the image with.
	cfg=$(dirname "$kernel")/../../../.config
	if [ -f "$cfg" ] && ! grep -qx 'CONFIG_EXT4_FS=y' "$cfg"; then
		die "$kernel has no ext4 (CONFIG_EXT4_FS=y, common.config) to mount the image with"
	fi
	mkdir -p "$dir"
	exec 9> "$dir/.lock"
	flock 9
	# Another make may have built it while this one waited.
	if [ -f "$img" ] && [ "$(cat "$img.recipe" 2>/dev/null)" = "$want" ]; then
		return 0
	fi
	start=$(date +%s)
	rm -f "$img.tmp"
	make_image "$kernel" "$img.tmp" "$dir"
	mv "$img.tmp" "$img"
	echo "$want" > "$img.recipe"
	log "$img: Debian $SUITE armhf in $(( $(date +%s) - start )) s"
}

tests() {
	local src=$1 stage=$2 img=$3 tmp mb
	[ -f "$stage/lpae/tests.list" ] || die "no selftests staged in $stage (make initramfs)"
	tmp=$(mktemp -d)
	cp -a "$stage/lpae/." "$tmp/"
	cp "$src/tools/testing/lpae/debian-init.sh" "$tmp/init"
	chmod 755 "$tmp/init"
	mb=$(( $(du -sm "$tmp" | cut -f1) + 16 ))
	mkdir -p "$(dirname "$img")"
	rm -f "$img"
	mke2fs -q -t ext4 -O ^has_journal -L lpae-tests -E root_owner=0:0 \
		-d "$tmp" "$img" "${mb}M" > /dev/null ||
		{ rm -rf "$tmp"; die "mke2fs -d failed for $img"; }
	rm -rf "$tmp"
}

case ${1:-} in
image) [ $# = 3 ] || die "usage: rootfs.sh image KERNEL IMAGE"; image "$2" "$3" ;;
tests) [ $# = 4 ] || die "usage: rootfs.sh tests SRC STAGE IMAGE"; tests "$2" "$3" "$4" ;;
*) die "usage: rootfs.sh image KERNEL IMAGE | tests SRC STAGE IMAGE" ;;
esac

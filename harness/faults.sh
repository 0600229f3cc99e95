#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make faults: show that the tests catch the bugs they are written for.
# For each fault below, build the LPAE kernel of a scratch tree with that
# one bug injected into our files, boot it at 6 GiB with the selftest
# programs the fault targets, at their quick sizes (lpae_quick=1: a bug
# the quick boots of make test would miss should show here), and report
# which cases failed. A fault the boot does not catch is a defect of the
# tests: the exit status is then non-zero.
#
#   harness/faults.sh [NAME...]       default: every fault
#   harness/faults.sh --names         the names of the faults, one a line
#
# The scratch tree is build/src/faults (our files as committed at HEAD);
# each fault is undone before the next is applied. Not part of make test:
# every fault is a build and a boot, and the scratch tree's first build
# is a cold one.
set -u

REPO=$(cd "$(dirname "$0")/.." && pwd)
cd "$REPO" || exit 1
B=build
SRC=$B/src/faults
LOGS=$B/logs/faults
INITRD=$B/initramfs/faults.cpio.gz
PRISTINE=$REPO/$B/faults-pristine
PROC=arch/arm/mm/proc-v7-3level.S
MMU=arch/arm/mm/mmu.c
HDR=arch/arm/include/asm/pgtable-3level.h

# name | file | perl substitution (must change the file) | selftests
#   [| configuration, lpae when absent [| machine, vexpress-a15 when
#   absent; virt,... boots the Cortex-A7 with QEMU's own device tree]]
# What catches each new fault (besides the boot judge):
#   pmd-leaf         arm_lpae_pgtable.pmd_prot_none_block_is_leaf,
#                    hugepage thp.prot_none_ksmd_skips_block
#   fdt-wrap         arm_mmu_setup.fdt_window_below_4g
#   replace-refused  arm_mmu_replace.replace_live_section
#   idmap-kept       arm_mmu_setup.lowmem_linear_map_exact (VMSPLIT_1G,
#                    where head.S's identity map lies inside lowmem)
#   uc-refused       the boot judge on virt: pci_remap_cfgspace() gets no
#                    MT_UNCACHED, so bus 0's config space above 4 GiB is
#                    not mapped (a 32-bit kernel maps ECAM bus by bus),
#                    the host driver WARNs, its first config read oopses
#                    and the boot panics before lpae_pcie_test runs
# A fault that livelocks the guest (ap2-kept) ends in a soft lockup
# panic rather than the boot timeout: the boots get softlockup_panic=1.
FAULTS="
xn       | $PROC | s/^(ENTRY\(cpu_v7_set_pte_ext\)\n)/\$1\tbic\tpte_hi, pte_hi, #LPAE_HI_BIT(54)\n/m | lpae_prot_test
rdonly   | $PROC | s/^(\tand\tip, pte_hi.*\n)/\$1\tbic\tip, ip, #L_PTE_RDONLY_HI\n/m | lpae_prot_test
ap2-kept | $PROC | s/^\tbiceq\tpte_lo, pte_lo, #PTE_AP2.*\n//m | lpae_dirty_test
clean    | $PROC | s/^(\tand\tip, pte_hi.*\n)/\$1\torr\tip, ip, #L_PTE_DIRTY_HI\n/m | lpae_dirty_test
young    | $PROC | s/^(\tand\tip, pte_hi.*\n)/\$1\torr\tpte_lo, pte_lo, #L_PTE_YOUNG\n/m | lpae_dirty_test
asid     | $PROC | s/^\torr\tpgd_hi, pgd_hi, r2, lsl.*\n//m | lpae_process_test
pgd-leak | arch/arm/mm/pgd.c | s/^\tkmem_cache_free\(pgd_cache, pgd\);\n//m | lpae_process_test
pmd-leaf | $HDR | s/pmd_block_leaf\(pmd\)$/pmd_sect(pmd)/mg | lpae_hugepage_test
fdt-wrap | $MMU | s/return room < FDT_FIXED_SIZE - 1 \? room \+ 1 : FDT_FIXED_SIZE;/return (u32)(base + FDT_FIXED_SIZE) > (u32)base ? FDT_FIXED_SIZE : 0;/ | lpae_vma_test
replace-refused | $MMU | s/^(static void __init sect_write\(.*\n.*\n\{\n)/\$1\tif (pmd_val(*pmd) \&\& sect_output(pmd_val(*pmd)) != sect_output(new))\n\t\treturn;\n/m | lpae_vma_test
idmap-kept | $MMU | s/^\tclear_boot_idmap\(\);\n//m; s/^(static void __init sect_write\(.*\n.*\n\{\n)/\$1\tif (pmd_val(*pmd) \&\& sect_output(pmd_val(*pmd)) != sect_output(new))\n\t\treturn;\n/m | lpae_vma_test | lpae+split1g
uc-refused | $MMU | s/^(const struct mem_type \*get_mem_type\(unsigned int type\)\n\{\n)/\$1\tif (type == MT_UNCACHED)\n\t\treturn NULL;\n/m | lpae_pcie_test | lpae | virt,highmem=on
"

die() { printf 'faults: %s\n' "$*" >&2; exit 1; }

. harness/lib.sh

names() {
	printf '%s\n' "$FAULTS" | awk -F'|' 'NF { gsub(/[ \t]/, "", $1); print $1 }'
}

if [ "${1:-}" = --names ]; then
	names
	exit 0
fi
# A misspelt name would otherwise select nothing and "pass".
for NAME in "$@"; do
	names | grep -qxF -- "$NAME" || {
		printf 'faults: no fault %s (faults: %s)\n' "$NAME" "$(names | tr '\n' ' ')" >&2
		exit 2
	}
done
lock_checkout faults

field() {
	printf '%s\n' "$1" | cut -d'|' -f"$2" | sed 's/^ *//; s/ *$//'
}

wanted() {
	[ $# -eq 0 ] && return 0
	case " $* " in *" $NAME "*) return 0 ;; esac
	return 1
}

# Apply one fault to the scratch tree; fails if the edit no longer matches.
inject() {
	local file=$1 expr=$2 before
	before=$(sha1sum < "$SRC/$file")
	perl -0pi -e "$expr" "$SRC/$file" || return 1
	[ "$(sha1sum < "$SRC/$file")" != "$before" ]
}

restore() {
	cp "$PRISTINE/$1" "$SRC/$1"
}

LPAE_FROM_HEAD=1 bash harness/assemble.sh ours "$SRC" || die "cannot assemble $SRC"
bash harness/initramfs.sh "$SRC" "$INITRD" || die "cannot build the initramfs"
rm -rf "$PRISTINE" "$LOGS"
mkdir -p "$LOGS"
trap 'rm -rf "$PRISTINE"' EXIT

missed=0
results=()
built=""
while IFS= read -r line; do
	[ -n "$line" ] || continue
	NAME=$(field "$line" 1)
	wanted "$@" || continue
	file=$(field "$line" 2)
	expr=$(field "$line" 3)
	tests=$(field "$line" 4)
	cfg=$(field "$line" 5)
	cfg=${cfg:-lpae}
	machine=$(field "$line" 6)
	case $machine in
	virt*) boot=(--machine "$machine" --cpu cortex-a7 --dtb -) ;;
	*) boot=(--dtb "$B/kernel/faults/$cfg/arch/arm/boot/dts/vexpress-v2p-ca15-tc1.dtb") ;;
	esac
	OUT=$B/kernel/faults/$cfg
	case " $built " in *" $cfg "*) ;; *) built="$built $cfg" ;; esac
	mkdir -p "$PRISTINE/$(dirname "$file")"
	[ -f "$PRISTINE/$file" ] ||
		cp "$SRC/$file" "$PRISTINE/$file"
	if ! inject "$file" "$expr"; then
		restore "$file"
		die "fault $NAME no longer applies to $file"
	fi
	echo "faults: $NAME: $file changed, building"
	if ! bash harness/build-kernel.sh "$SRC" "$OUT" "$cfg"; then
		# A fault that does not build proves nothing about the tests.
		results+=("$NAME: MISSED, the kernel with it does not build")
		missed=$((missed + 1))
		restore "$file"
		continue
	fi
	restore "$file"
	python3 tools/testing/lpae/run_qemu.py --kernel "$OUT/arch/arm/boot/zImage" \
		"${boot[@]}" \
		--initrd "$INITRD" --mem 6G --smp 2 --timeout 600 \
		--label "fault-$NAME-$cfg" --log "$LOGS/$NAME.log" \
		--append softlockup_panic=1 --append lpae_quick=1 \
		--append "lpae_tests=$(echo "$tests" | tr ' ' ,)" > "$LOGS/$NAME.out"
	caught=$(python3 harness/report.py --caught "$LOGS/$NAME.log.json")
	if [ -n "$caught" ]; then
		results+=("$NAME: caught: $caught")
	else
		results+=("$NAME: MISSED, every test passed ($LOGS/$NAME.log)")
		missed=$((missed + 1))
	fi
done <<< "$FAULTS"

# Leave the scratch kernels as committed.
for cfg in $built; do
	bash harness/build-kernel.sh "$SRC" "$B/kernel/faults/$cfg" "$cfg" > /dev/null 2>&1
done
echo
echo "=== make faults ==="
printf '%s\n' "${results[@]}"
echo "$missed fault(s) missed"
[ "$missed" -eq 0 ]

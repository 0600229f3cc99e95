#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make faults: show that the tests catch the bugs they are written for.
# For each fault below, build the kernel of a scratch tree with that one
# bug injected into our files, boot it at 6 GiB with the selftest
# programs its named cases belong to, at their quick sizes (lpae_quick=1:
# a bug the quick boots of make test would miss should show here), and
# check that exactly its named cases failed. A fault not caught that way
# is a defect of the tests: the exit status is then non-zero.
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

TYPES=arch/arm/include/asm/pgtable-3level-types.h
HWDEF=arch/arm/include/asm/pgtable-3level-hwdef.h
TTBCR=arch/arm/include/asm/pgtable-3level-ttbcr.h
PGD=arch/arm/mm/pgd.c
INIT=arch/arm/mm/init.c
NOLPAE=arch/arm/boot/compressed/lpae_check.c
PROCV7=arch/arm/mm/proc-v7.S

# name | file | perl substitution (must change the file; write a "|" in
#   it as \x7c) | the cases
#   that must fail, and no others [| configuration, lpae when absent
#   [| machine, vexpress-a15 when absent; virt,... boots a Cortex-A7
#   with QEMU's own device tree, vexpress-a9 the Cortex-A9 (no LPAE) at
#   1 GiB on one CPU [| run_qemu.py words of a bad-input boot:
#   --append mem=..., --expect REGEX, --stop REGEX]]]
# A case is suite.case (KUnit), program:case (a selftest: the boot runs
# the programs named), "boot" (the boot's own check: a panic, a W+X
# failure, a warning), "build" (a static_assert refuses the kernel) or
# "check:table-stores" (harness/table_stores.py, which make check runs,
# rejects the file: nothing is built or booted); debug_vm_pgtable.c:N is
# the check of mm/debug_vm_pgtable.c at line N. uc-refused is booted on
# virt: pci_remap_cfgspace() gets no MT_UNCACHED, so the ECAM above 4 GiB
# is not mapped (a 32-bit kernel maps it bus by bus), the host driver
# WARNs, its first config read oopses and the boot panics.
# The boot is 6 GiB, two CPUs, lpae_quick=1; the configuration sets the
# split and the CPU count. A fault that livelocks the guest (ap2-kept)
# ends in a soft lockup panic rather than the boot timeout: the boots get
# softlockup_panic=1. A case named after a checker (kasan, kmemleak,
# lockdep, slub, page-poison) is that checker's report in a boot of
# lpae+debug (judge.py): pgd-uaf reads the PGD after giving it back to
# its cache, which no other boot sees (the cache has a constructor, so
# SLUB keeps its free pointer outside the object and the bytes read are
# still the constructed PGD). A debug configuration boots with the
# command line and limits of its make test boot.
FAULTS="
xn       | $PROC | s/^(ENTRY\(cpu_v7_set_pte_ext\)\n)/\$1\tbic\tpte_hi, pte_hi, #LPAE_HI_BIT(54)\n/m | arm_lpae_ttbr.lpae_set_pte_ext_test arm_lpae_walk.walk_kernel_regions arm_lpae_walk.walk_high_addresses arm_lpae_walk.walk_user_pages arm_lpae_audit.audit_swapper lpae_prot_test:xn.exec_from_rw_page_faults lpae_prot_test:xn.exec_from_readonly_page_faults lpae_prot_test:xn.exec_revoked_by_mprotect lpae_prot_test:xn.exec_from_stack_faults lpae_prot_test:xn.exec_next_page_faults boot
rdonly   | $PROC | s/^(\tand\tip, pte_hi.*\n)/\$1\tbic\tip, ip, #L_PTE_RDONLY_HI\n/m | arm_lpae_ttbr.lpae_set_pte_ext_test boot
ap2-kept | $PROC | s/^\tbiceq\tpte_lo, pte_lo, #PTE_AP2.*\n//m | arm_lpae_ttbr.lpae_set_pte_ext_test boot
clean    | $PROC | s/^(\tand\tip, pte_hi.*\n)/\$1\torr\tip, ip, #L_PTE_DIRTY_HI\n/m | arm_lpae_ttbr.lpae_set_pte_ext_test lpae_dirty_test:dirty.clean_page_write_faults_once lpae_dirty_test:global.shared_clean_page_write_faults_once
young    | $PROC | s/^(\tand\tip, pte_hi.*\n)/\$1\torr\tpte_lo, pte_lo, #L_PTE_YOUNG\n/m | lpae_dirty_test:dirty.clear_refs_then_access_is_referenced lpae_dirty_test:dirty.clear_refs_then_write_is_referenced lpae_dirty_test:dirty.ageing_rounds
asid     | $PROC | s/^\torr\tpgd_hi, pgd_hi, r2, lsl.*\n//m | arm_lpae_ttbr.lpae_ttbr0_user_mm_test arm_lpae_pan.pan_state_registers arm_lpae_pan.pan_resume_round_trip
sctlr-z  | $PROC | s/CR_F \x7c CR_Z \x7c/CR_F \x7c/ | arm_lpae_audit.audit_cpu_registers
pgd-leak | $PGD | s/^\tkmem_cache_free\(pgd_cache, pgd\);\n//m | lpae_process_test:proc.fork_exit_no_leak lpae_process_test:proc.fork_fails_cleanly_at_each_allocation
pgd-unwind | $PGD | s/^\t\tpgd_free\(mm, pgd\);\n(\t\treturn NULL;)/\$1/m | lpae_process_test:proc.fork_fails_cleanly_at_each_allocation
pmd-leaf | $HDR | s/pmd_block_leaf\(pmd\)$/pmd_sect(pmd)/mg | arm_lpae_pgtable.pmd_prot_none_block_is_leaf lpae_hugepage_test:thp.prot_none_ksmd_skips_block boot
sh-outer | $HWDEF | s/^(#define LPAE_SH_INNER\t\t\(ULL\()3/\${1}2/m | build
pgd-32bit | $TYPES | s/^typedef u64 pgdval_t;/typedef u32 pgdval_t;/m | build
fdt-wrap | $MMU | s/return room < FDT_FIXED_SIZE - 1 \? room \+ 1 : FDT_FIXED_SIZE;/return (u32)(base + FDT_FIXED_SIZE) > (u32)base ? FDT_FIXED_SIZE : 0;/ | arm_mmu_setup.fdt_window_below_4g
replace-refused | $MMU | s/^(static void __init sect_write\(.*\n.*\n\{\n)/\$1\tif (pmd_val(*pmd) \&\& sect_output(pmd_val(*pmd)) != sect_output(new))\n\t\treturn;\n/m | arm_mmu_replace.replace_live_section
idmap-kept | $MMU | s/^\tclear_boot_idmap\(\);\n//m; s/^(static void __init sect_write\(.*\n.*\n\{\n)/\$1\tif (pmd_val(*pmd) \&\& sect_output(pmd_val(*pmd)) != sect_output(new))\n\t\treturn;\n/m | arm_mmu_setup.lowmem_linear_map_exact arm_mmu_replace.replace_live_section arm_lpae_audit.audit_swapper boot | lpae+split1g
user-global | $MMU | s/set_pte_ext\(ptep, pteval, user \? PTE_EXT_NG : 0\);/set_pte_ext(ptep, pteval, 0);/ | arm_lpae_walk.walk_user_pages arm_lpae_audit.audit_user_mm
user-pxn | $MMU | s/^\t\*user \x7c= PTE_EXT_PXN;\n//m | arm_lpae_walk.walk_user_pages arm_lpae_walk.walk_user_block arm_lpae_audit.audit_user_mm
sh-lost  | $MMU | s/^\t\*kern \x7c= L_PTE_SHARED;\n//m | arm_lpae_walk.walk_kernel_regions arm_lpae_walk.walk_high_addresses arm_lpae_audit.audit_swapper
ro-writable | $MMU | s/PMD_TYPE_SECT \x7c\s+L_PMD_SECT_RDONLY \x7c PMD_SECT_AP2,/PMD_TYPE_SECT,/ | arm_lpae_walk.walk_kernel_regions arm_lpae_audit.audit_swapper
flush-missing | $HDR | s/^(\t\*pmdp = pmd_to_hw\(pmd\);\n)\tflush_pmd_entry\(pmdp\);\n/\$1/m | check:table-stores
pmd-mkclean-flip | $HDR | s/return pmd_clear_bits\(pmd, L_PMD_SECT_DIRTY\);/return __pmd(pmd_val(pmd) ^ L_PMD_SECT_DIRTY);/ | debug_vm_pgtable.c:220 boot
uc-refused | $MMU | s/^(const struct mem_type \*get_mem_type\(unsigned int type\)\n\{\n)/\$1\tif (type == MT_UNCACHED)\n\t\treturn NULL;\n/m | boot | lpae | virt,highmem=on
layout-panic-silent | $MMU | s/^\twatch_layout_panics\(\);\n//m | boot | lpae | | --append mem=8M --stop Kernel.panic.*kernel.image.*is.not.inside.the.RAM
image-unchecked | $MMU | s/^\tcheck_image_in_ram\(\);\n//m | boot | lpae | | --append mem=8M --stop Kernel.panic.*kernel.image.*is.not.inside.the.RAM
vmalloc-unfit | $MMU | s/^\tfit_vmalloc_to_ram\(\);\n//m | boot | lpae | | --append vmalloc=2G --expect vmalloc.area.of.976MiB.leaves.32MiB.of.lowmem.*reduced.to
initrd-unmoved | $MMU | s/^\tmove_initrd_to_lowmem\(\);\n//m | boot | lpae | | --initrd-at 0x1c0000000 --expect initrd.at.0x00000001c0000000-.*lies.beyond.lowmem.*moved.to.0x
pgd-uaf  | $PGD | s/^(\tif \(!pgd_constructed\(pgd\)\)\n\t\tpgd_init_entries\(pgd\);\n)(\tkmem_cache_free\(pgd_cache, pgd\);\n)/\$2\$1/m | kasan | lpae+debug
lpae-check-skipped | $NOLPAE | s/>= ID_MMFR0_VMSA_LONG\)/>= 0)/ | boot | lpae | vexpress-a9 | --stop This.kernel.needs.the.Large.Physical.Address.Extension.*stopping
ranges-ignored | $NOLPAE | s/^(\twhile \(bus > 0\) \{\n)/\$1\t\tbreak;\n/m | boot | lpae | vexpress-a9 | --stop This.kernel.needs.the.Large.Physical.Address.Extension.*stopping
map-40bit | $MMU | s/map_range\(&req, addr, len, __pfn_to_phys\(md->pfn\)\);/map_range(\&req, addr, len, (u32)__pfn_to_phys(md->pfn));/ | arm_mmu_replace.map_late_40bit_output
highmem-lost | $INIT | s/free_highmem_range\(max\(start, max_low\), end\);/free_highmem_range(max(start, max_low), end - 1);/ | arm_highmem.highmem_counts_test
pan-off  | $TTBCR | s/^(#define TTBCR_PAN_CLOSED_LO\t).*$/\${1}0/m; s/^(#define TTBCR_PAN_CLOSED_HI\t).*$/\${1}0/m | arm_lpae_pan.pan_state_registers arm_lpae_pan.pan_user_load arm_lpae_pan.pan_resume_round_trip arm_lpae_ttbr.lpae_ttbcr_test
pan-asid-kept | $TTBCR | s/^(#define TTBCR_PAN_CLOSED_HI\t).*$/\${1}0/m | arm_lpae_pan.pan_state_registers arm_lpae_pan.pan_resume_round_trip arm_lpae_ttbr.lpae_ttbcr_test
resume-ttbcr | $PROCV7 | s/^\tmcr\tp15, 0, r11, c2, c0, 2\t\@ TTB control register\n//m | arm_lpae_pan.pan_resume_round_trip
"

# The checkers' command line and the limits of a debug boot: those of
# the debug boots of make test (harness/test.sh).
DEBUG_WORDS=$(sed -n 's/^DEBUG="\(.*\)"$/\1/p' harness/test.sh)
DEBUG_TIMEOUT=$(sed -n 's/^DEBUG_TIMEOUT=\([0-9]*\)$/\1/p' harness/test.sh)
DEBUG_INIT_TIMEOUT=$(sed -n 's/^DEBUG_INIT_TIMEOUT=\([0-9]*\)$/\1/p' harness/test.sh)

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

# Every edit must still apply: find out now, not after half the builds.
while IFS= read -r line; do
	[ -n "$line" ] || continue
	NAME=$(field "$line" 1)
	wanted "$@" || continue
	file=$(field "$line" 2)
	perl -0pe "$(field "$line" 3)" "$SRC/$file" | cmp -s - "$SRC/$file" &&
		die "fault $NAME no longer applies to $file"
done <<< "$FAULTS"

missed=0
results=()
built=""
while IFS= read -r line; do
	[ -n "$line" ] || continue
	NAME=$(field "$line" 1)
	wanted "$@" || continue
	file=$(field "$line" 2)
	expr=$(field "$line" 3)
	cases=$(field "$line" 4)
	tests=$(printf '%s\n' $cases | sed -n 's/^\(lpae_[a-z0-9_]*\):.*/\1/p' | sort -u | tr '\n' ,)
	tests=${tests%,}
	cfg=$(field "$line" 5)
	cfg=${cfg:-lpae}
	machine=$(field "$line" 6)
	read -ra words <<< "$(field "$line" 7)"
	case $machine in
	virt*) boot=(--machine "$machine" --cpu cortex-a7 --dtb -) ;;
	vexpress-a9)
		boot=(--machine vexpress-a9 --cpu cortex-a9 --mem 1G --smp 1
		      --dtb "$B/kernel/faults/$cfg/arch/arm/boot/dts/vexpress-v2p-ca9.dtb") ;;
	*) boot=(--dtb "$B/kernel/faults/$cfg/arch/arm/boot/dts/vexpress-v2p-ca15-tc1.dtb") ;;
	esac
	limits=(--timeout 600)
	case +$cfg+ in
	*+debug+*)
		limits=(--timeout "$DEBUG_TIMEOUT" --init-timeout "$DEBUG_INIT_TIMEOUT")
		for w in $DEBUG_WORDS; do
			limits+=(--append "$w")
		done ;;
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
	if [ "$cases" = check:table-stores ]; then
		if out=$(python3 harness/table_stores.py "$SRC/$file"); then
			results+=("$NAME: MISSED by check:table-stores")
			missed=$((missed + 1))
		else
			results+=("$NAME: caught by check:table-stores (${out##*/})")
		fi
		restore "$file"
		continue
	fi
	echo "faults: $NAME: $file changed, building"
	if ! bash harness/build-kernel.sh "$SRC" "$OUT" "$cfg" > "$LOGS/$NAME.build" 2>&1; then
		restore "$file"
		# Only a fault named for it may stop the build: otherwise it
		# proves nothing about the tests.
		if [ "$cases" = build ]; then
			results+=("$NAME: caught by build ($(grep -m1 'error:' "$LOGS/$NAME.build" | sed 's/.*error: //'))")
		else
			results+=("$NAME: MISSED, the kernel with it does not build")
			missed=$((missed + 1))
		fi
		continue
	fi
	if [ "$cases" = build ]; then
		restore "$file"
		results+=("$NAME: MISSED, the kernel with it builds")
		missed=$((missed + 1))
		continue
	fi
	restore "$file"
	# The board's settings (boot) come after the defaults, which they
	# override.
	python3 tools/testing/lpae/run_qemu.py --kernel "$OUT/arch/arm/boot/zImage" \
		--initrd "$INITRD" --mem 6G --smp 2 "${limits[@]}" "${boot[@]}" \
		--label "fault-$NAME-$cfg" --log "$LOGS/$NAME.log" \
		--append softlockup_panic=1 --append lpae_quick=1 \
		--append "lpae_tests=${tests:--}" "${words[@]}" > "$LOGS/$NAME.out"
	# shellcheck disable=SC2086
	if verdict=$(python3 harness/report.py --named "$LOGS/$NAME.log.json" $cases); then
		results+=("$NAME ($cfg): $verdict")
	else
		results+=("$NAME ($cfg): $verdict ($LOGS/$NAME.log)")
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
echo "$(( ${#results[@]} - missed )) of ${#results[@]} faults caught by their named case(s)"
[ "$missed" -eq 0 ]

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make check: the static checks a kernel patch series is expected to pass.
#
#   check.sh SRC        (SRC: the assembled tree, build/src/<tree>)
#
# 1. checkpatch.pl --strict on every patch of the series (harness/series.sh
#    with NOBUILD=1, into build/check/series; it shares the scratch
#    repository of make series, so it waits while one runs). Every
#    ERROR, WARNING and CHECK is a problem unless
#    harness/check-justified.txt accepts it; accepted ones are printed
#    with their reason.
# 2. A W=1 build of our C and assembly objects, one object or directory
#    at a time, for each configuration in CHECK_CONFIGS (default
#    "lpae classic"), in build/kernel/<tree>/check-<config>.
# 3. sparse (make C=2) on the same objects.
# 4. scripts/kernel-doc -none on our .c and .h files.
# 5. No right shift of a constant by 32 or more in our assembly: an
#    assembler built for a 32-bit host evaluates (1 << 57) >> 32 as 0.
#    High-word masks come from LPAE_HI_BIT() (pgtable-3level-hwdef.h).
# 6. Every store to a table entry in our C files is followed by
#    flush_pmd_entry() or clean_pmd_entry() (harness/table_stores.py):
#    no boot under QEMU can show one missing.
#
# A warning counts against us when it is reported in one of our files;
# warnings in base files are listed but do not fail the check. The summary
# goes to build/check/summary.txt; the exit status is non-zero when any
# problem is ours (or a build fails).
set -u
unset MAKEFLAGS MFLAGS MAKEOVERRIDES MAKELEVEL

SRC=$(realpath -m "${1:?usage: check.sh SRC}")
REPO=$(cd "$(dirname "$0")/.." && pwd)
B=$REPO/build
CHK=$B/check
TREE=$(basename "$SRC")
CONFIGS=${CHECK_CONFIGS:-lpae classic}
JUSTIFIED=$REPO/harness/check-justified.txt

die() { printf 'check: %s\n' "$*" >&2; exit 1; }

mkdir -p "$CHK"
rm -f "$CHK"/*.log "$CHK"/*.txt

# Our files as they are in SRC (harness/assemble.sh put them there).
owned() {
	[ -f "$SRC/.lpae-owned" ] || die "$SRC is not an assembled tree (make tree)"
	grep -E "$1" "$SRC/.lpae-owned" || true
}

# --- 1. checkpatch -----------------------------------------------------

# Is a finding accepted? Prints the reason if so.
justified() {
	local type=$1 where=$2 t glob reason
	while IFS=$'\t' read -r t glob reason; do
		case $t in '#'* | '') continue ;; esac
		[ "$t" = "$type" ] || continue
		# shellcheck disable=SC2254
		case $where in $glob) printf '%s\n' "$reason"; return 0 ;; esac
	done < "$JUSTIFIED"
	return 1
}

run_checkpatch() {
	local p out=$CHK/series line type level file reason
	NOBUILD=1 bash "$REPO/harness/series.sh" "$out" > "$CHK/series.log" 2>&1 ||
		{ cat "$CHK/series.log" >&2; die "make series failed"; }
	CP_PATCHES=0 CP_ERR=0 CP_WARN=0 CP_CHECK=0 CP_OK=0 CP_BAD=0
	: > "$CHK/checkpatch-accepted.txt"
	: > "$CHK/checkpatch-problems.txt"
	CP_PATCHES=$(ls "$out"/[0-9][0-9][0-9][0-9]-*.patch | grep -vc /0000-cover-letter.patch)
	bash "$REPO/harness/series.sh" --checkpatch "$out" > "$CHK/checkpatch.log" 2>&1
	# "<patch>:<line>: LEVEL:TYPE: message"; the file comes from the
	# patch at that line ("+++ b/<file>" above it), or is the patch.
	while IFS= read -r line; do
		level=$(printf '%s' "$line" | sed -n 's/^[^:]*:[0-9]*: \(ERROR\|WARNING\|CHECK\):.*/\1/p')
		[ -n "$level" ] || continue
		type=$(printf '%s' "$line" | sed -n 's/^[^:]*:[0-9]*: [A-Z]*:\([A-Z0-9_]*\):.*/\1/p')
		file=$(file_at "${line%%:*}" "$(printf '%s' "$line" | cut -d: -f2)")
		case $level in
		ERROR) CP_ERR=$((CP_ERR + 1)) ;;
		WARNING) CP_WARN=$((CP_WARN + 1)) ;;
		CHECK) CP_CHECK=$((CP_CHECK + 1)) ;;
		esac
		if reason=$(justified "$type" "$file"); then
			CP_OK=$((CP_OK + 1))
			printf '%s\t%s\t%s\n' "$type" "$file" "$reason" \
				>> "$CHK/checkpatch-accepted.txt"
		else
			CP_BAD=$((CP_BAD + 1))
			printf '%s\n' "${line#"$out"/}" >> "$CHK/checkpatch-problems.txt"
		fi
	done < "$CHK/checkpatch.log"
}

# The file a line of a patch belongs to, or the patch's name when the
# line is in its commit message.
file_at() {
	awk -v n="$2" -v patch="$(basename "$1")" '
		NR > n { exit }
		/^\+\+\+ b\// { f = substr($0, 7) }
		END { print (f == "" ? patch : f) }' "$1"
}

# --- 2. and 3. W=1 and sparse ----------------------------------------

# make targets for our objects in configuration $1.
targets() {
	local f t list=""
	for f in $(owned '^arch/.*\.(c|S)$'); do
		case $f in
		arch/arm/mm/tests/*) t=arch/arm/mm/tests/ ;;
		arch/arm/mm/proc-v7-3level.S)
			[ "$1" = classic ] && continue
			t=arch/arm/mm/proc-v7.o ;;
		*.c) t=${f%.c}.o ;;
		*.S) t=${f%.S}.o ;;
		esac
		case " $list " in *" $t "*) ;; *) list="$list $t" ;; esac
	done
	printf '%s\n' $list
}

# Warnings in a build log: "path:line:col: warning: ..." (gcc, sparse),
# split into ours and base by the path.
classify() {
	local log=$1 tag=$2 line path rel
	# W=1 also runs kernel-doc ("file:line: warning", no column); those
	# are counted by the kernel-doc pass, not here.
	grep -E '^[^ :]+:[0-9]+:[0-9]+: (warning|error):' "$log" | sort -u |
	while IFS= read -r line; do
		path=${line%%:*}
		rel=${path#"$SRC"/}
		rel=${rel#../../../src/$TREE/}
		rel=$(printf '%s' "$rel" | sed 's|^\(\.\./\)*src/[^/]*/||')
		if grep -qxF "$rel" "$SRC/.lpae-owned"; then
			printf '%s\n' "$line" >> "$CHK/$tag-ours.txt"
		else
			printf '%s\n' "$line" >> "$CHK/$tag-base.txt"
		fi
	done
	return 0
}

run_builds() {
	local c out t objs
	BUILD_FAIL=0
	: > "$CHK/w1-ours.txt"; : > "$CHK/w1-base.txt"
	: > "$CHK/sparse-ours.txt"; : > "$CHK/sparse-base.txt"
	for c in $CONFIGS; do
		out=$B/kernel/$TREE/check-$c
		objs=$(targets "$c")
		[ -n "$objs" ] || continue
		# Rebuild our objects so their warnings are printed again
		# (ccache replays them).
		for t in $objs; do
			case $t in
			*/) rm -f "$out/$t"*.o ;;
			*) rm -f "$out/$t" ;;
			esac
		done
		# shellcheck disable=SC2086
		if ! bash "$REPO/harness/build-kernel.sh" "$SRC" "$out" "$c" \
			W=1 $objs > "$CHK/w1-$c.log" 2>&1; then
			BUILD_FAIL=$((BUILD_FAIL + 1))
			printf 'check: W=1 build (%s) failed, see %s\n' "$c" "$CHK/w1-$c.log"
		fi
		classify "$CHK/w1-$c.log" w1
		# shellcheck disable=SC2086
		if ! bash "$REPO/harness/build-kernel.sh" "$SRC" "$out" "$c" \
			W=1 C=2 $objs > "$CHK/sparse-$c.log" 2>&1; then
			BUILD_FAIL=$((BUILD_FAIL + 1))
			printf 'check: sparse run (%s) failed, see %s\n' "$c" "$CHK/sparse-$c.log"
		fi
		classify "$CHK/sparse-$c.log" sparse
	done
	# A warning W=1 also reports in the sparse pass is not sparse's.
	for c in ours base; do
		sort -u "$CHK/w1-$c.txt" -o "$CHK/w1-$c.txt"
		sort -u "$CHK/sparse-$c.txt" | comm -23 - "$CHK/w1-$c.txt" > "$CHK/sparse.tmp"
		mv "$CHK/sparse.tmp" "$CHK/sparse-$c.txt"
	done
}

# --- 4. kernel-doc ------------------------------------------------------

run_kerneldoc() {
	local f
	: > "$CHK/kerneldoc.txt"
	KD_FILES=0
	for f in $(owned '^arch/.*\.(c|h)$'); do
		KD_FILES=$((KD_FILES + 1))
		perl "$SRC/scripts/kernel-doc" -none "$SRC/$f" 2>&1 |
			grep -E 'warning|error' >> "$CHK/kerneldoc.txt"
	done
}

count() { grep -c . "$1" 2>/dev/null || true; }

# --- 5. 64-bit constants shifted in assembly -----------------------------

run_asm_shifts() {
	local f
	: > "$CHK/asm-shifts.txt"
	for f in $(owned '\.S$'); do
		grep -nE '>>[[:space:]]*(3[2-9]|[4-6][0-9])\b' "$SRC/$f" |
			sed "s|^|$f:|" >> "$CHK/asm-shifts.txt"
	done
}

# --- 6. table stores without cache maintenance ---------------------------

run_table_stores() {
	local f files=()
	for f in $(owned '\.[ch]$'); do
		files+=("$SRC/$f")
	done
	python3 "$REPO/harness/table_stores.py" "${files[@]}" |
		sed "s|^$SRC/||" > "$CHK/table-stores.txt"
}

summary() {
	local w1 w1b sp spb kd as ts
	w1=$(count "$CHK/w1-ours.txt"); w1b=$(count "$CHK/w1-base.txt")
	sp=$(count "$CHK/sparse-ours.txt"); spb=$(count "$CHK/sparse-base.txt")
	kd=$(count "$CHK/kerneldoc.txt")
	as=$(count "$CHK/asm-shifts.txt")
	ts=$(count "$CHK/table-stores.txt")
	printf 'checkpatch --strict: %d patches: %d errors, %d warnings, %d checks; %d accepted, %d not\n' \
		"$CP_PATCHES" "$CP_ERR" "$CP_WARN" "$CP_CHECK" "$CP_OK" "$CP_BAD"
	printf 'W=1 (%s): %d warnings in our files (%d in base files)\n' \
		"$CONFIGS" "$w1" "$w1b"
	printf 'sparse (%s): %d warnings in our files (%d in base files)\n' \
		"$CONFIGS" "$sp" "$spb"
	printf 'kernel-doc -none: %d warnings in %d files\n' "$kd" "$KD_FILES"
	printf 'assembly shifts of 64-bit constants: %d\n' "$as"
	printf 'table stores without flush_pmd_entry/clean_pmd_entry: %d\n' "$ts"
	[ "$BUILD_FAIL" = 0 ] || printf 'builds failed: %d\n' "$BUILD_FAIL"
	PROBLEMS=$((CP_BAD + w1 + sp + kd + as + ts + BUILD_FAIL))
	printf 'result: %s\n' "$([ $PROBLEMS = 0 ] && echo PASS || echo "FAIL ($PROBLEMS problems)")"
}

# Accepted findings, one line per type and file, with their reason.
accepted() {
	sort "$CHK/checkpatch-accepted.txt" | uniq -c |
	while IFS=$'\t' read -r ntype file reason; do
		printf '%s in %s (%s): %s\n' "${ntype##* }" "$file" \
			"$(echo "$ntype" | awk '{ print $1 }')x" "$reason"
	done
}

section() {
	[ -s "$2" ] || return 0
	printf '\n%s\n' "$1"
	sed 's/^/  /' "$2"
}

main() {
	local start=$(date +%s)
	run_checkpatch
	run_builds
	run_kerneldoc
	run_asm_shifts
	run_table_stores
	accepted > "$CHK/accepted.txt"
	section "checkpatch findings accepted (harness/check-justified.txt):" \
		"$CHK/accepted.txt"
	section "checkpatch problems:" "$CHK/checkpatch-problems.txt"
	section "W=1 warnings in our files:" "$CHK/w1-ours.txt"
	section "W=1 warnings in base files (not counted):" "$CHK/w1-base.txt"
	section "sparse warnings in our files:" "$CHK/sparse-ours.txt"
	section "sparse warnings in base files (not counted):" "$CHK/sparse-base.txt"
	section "kernel-doc warnings:" "$CHK/kerneldoc.txt"
	section "assembly shifts of 64-bit constants (use LPAE_HI_BIT()):" \
		"$CHK/asm-shifts.txt"
	section "table stores without cache maintenance:" \
		"$CHK/table-stores.txt"
	echo
	echo "=== make check ($(( $(date +%s) - start ))s) ==="
	summary > "$CHK/summary.txt"
	cat "$CHK/summary.txt"
	[ "$PROBLEMS" = 0 ]
}

main

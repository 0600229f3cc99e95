#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make series: our work as a git format-patch series against the base
# tree, one patch per logical step, each checked to build.
#
#   series.sh [OUTDIR]          (default build/series/out)
#   series.sh --checkpatch OUTDIR
#                               checkpatch.pl --strict --terse on each
#                               patch of OUTDIR, run in the scratch
#                               repository (make check)
#
# A scratch git repository (build/series/work/src/linux) holds the base
# tree unpacked from Debian's linux-source-6.1 tarball as its first
# commit; it is made once and reused while the tarball is unchanged.
# Each run resets it to that commit and commits the steps in order:
#
#   kconfig    each patches/ diff of its own, with its own message
#   hdr        arch/arm/include/asm/pgtable-3level*.h
#   proc       arch/arm/mm/proc-v7-3level.S
#   pgd        arch/arm/mm/pgd.c
#   mmu        arch/arm/mm/mmu.c
#   boot       arch/arm/boot/compressed/ and the patches/ diff that
#              builds it (the zImage says why it stops without LPAE)
#   kunit      arch/arm/mm/tests/ and the patches/ diff that builds it
#   selftests  tools/testing/lpae/ (the tests)
#   runner     tools/testing/lpae/ (QEMU runner, configs, probe)
#   doc        Documentation/
#   other      whatever else is ours (with a warning)
#
# A step whose files do not exist is left out. Commit messages come from
# harness/series.d/<step>.msg (the patches/ diffs carry their own); every
# commit is authored and signed off by the git identity (user.name,
# user.email) of whoever runs this, or by a placeholder when git has none.
#
# Our files are chosen as harness/assemble.sh chooses them: the work
# tree by default, HEAD with LPAE_FROM_HEAD=1 (plus LPAE_WORK files),
# without LPAE_SKIP files; patches/ come from the work tree. They are all
# copied aside when the run starts (HEAD is resolved once).
#
# Unless NOBUILD=1, the kernel is built with harness/build-kernel.sh
# (configuration SERIES_CONFIG, default lpae) after every patch that
# changes kernel sources, in one reused output directory, so each build
# is incremental. Results go to build-check.txt beside OUTDIR and into
# the cover letter, with the latest make test report and make check
# summary when they exist.
set -u
unset MAKEFLAGS MFLAGS MAKEOVERRIDES MAKELEVEL

REPO=$(cd "$(dirname "$0")/.." && pwd)
B=$REPO/build
MODE=series
if [ "${1:-}" = --checkpatch ]; then
	MODE=checkpatch
	shift
fi
OUT=$(realpath -m "${1:-$B/series/out}")
WORKDIR=$B/series/work
GIT_TREE=$WORKDIR/src/linux
CONFIG=${SERIES_CONFIG:-lpae}
KOUT=$WORKDIR/kernel/linux/$CONFIG
# Logs and build results sit beside OUTDIR, so that make check's
# NOBUILD series (build/check/series) keeps make series' results.
LOGS=$(dirname "$OUT")/logs
MSGS=$REPO/harness/series.d
RESULTS=$(dirname "$OUT")/build-check.txt
STAGE=$(dirname "$OUT")/stage
NOBUILD=${NOBUILD:-0}
[ "$NOBUILD" = 0 ] || NOBUILD=1
STEPS="kconfig hdr proc pgd mmu boot kunit selftests runner doc other"

die() { printf 'series: %s\n' "$*" >&2; exit 1; }
log() { printf 'series: %s\n' "$*"; }

. "$REPO/harness/lib.sh"

g() { git -C "$GIT_TREE" "$@"; }

# The series is signed off by whoever runs this when git knows them. A
# fresh machine has no user.name/user.email: the private commits then
# carry a placeholder, and the patches say so, so that make check (which
# only reads the series) still works there. Set an identity before
# posting.
PLACEHOLDER_NAME="LPAE harness"
PLACEHOLDER_EMAIL="lpae-harness@example.invalid"
identity() {
	NAME=$(git -C "$REPO" config user.name 2>/dev/null || true)
	EMAIL=$(git -C "$REPO" config user.email 2>/dev/null || true)
	if [ -z "$NAME" ] || [ -z "$EMAIL" ]; then
		NAME=$PLACEHOLDER_NAME EMAIL=$PLACEHOLDER_EMAIL
		log "no git user.name/user.email: signing off as \"$NAME <$EMAIL>\" (set them before posting)"
	fi
	export GIT_AUTHOR_NAME=$NAME GIT_AUTHOR_EMAIL=$EMAIL
	export GIT_COMMITTER_NAME=$NAME GIT_COMMITTER_EMAIL=$EMAIL
}

# The scratch repository at its base commit, made once per tarball.
base_repo() {
	local tb fp
	tb=$(tarball)
	[ -n "$tb" ] || die "no /usr/src/linux-source-6.1.tar.*: run harness/setup.sh"
	fp=$(stat -c '%n %s %Y' "$tb")
	if [ -d "$GIT_TREE/.git" ] && [ "$(cat "$WORKDIR/.base" 2>/dev/null)" = "$fp" ] &&
	   g rev-parse -q --verify refs/tags/base >/dev/null; then
		g checkout -q -f -B series base &&
			g clean -q -f -d -x || die "cannot reset $GIT_TREE"
		return 0
	fi
	log "making the base repository from $tb (once)"
	rm -rf "$GIT_TREE" "$WORKDIR/.base"
	mkdir -p "$GIT_TREE"
	heartbeat "series: unpacking" tar -xf "$tb" -C "$GIT_TREE" --strip-components=1 ||
		die "cannot unpack $tb"
	g init -q &&
	g config core.looseCompression 1 &&
	g config gc.auto 0 &&
	printf '/.lpae-*\n' >> "$GIT_TREE/.git/info/exclude" &&
	heartbeat "series: adding the base tree to git" g add -A -f . &&
	heartbeat "series: committing the base tree" g commit -q -m "Linux $(make -s -C "$GIT_TREE" kernelversion) (Debian linux-source-6.1)" &&
	g tag base &&
	g checkout -q -B series || die "cannot make the base repository"
	echo "$fp" > "$WORKDIR/.base"
}

# Copy every file of ours, and patches/, to $STAGE once at the start, so
# that commits or edits made while the series is built (which takes a
# while) cannot mix two states of the work.
snapshot() {
	local f
	rm -rf "$STAGE"
	mkdir -p "$STAGE/patches"
	for f in $1; do
		mkdir -p "$(dirname "$STAGE/$f")"
		owned_copy "$f" "$STAGE/$f" || rm -f "$STAGE/$f"
	done
	cp -p "$REPO"/patches/* "$STAGE/patches/" 2>/dev/null
	return 0
}

# Copy one file of ours into the scratch tree; false if it has none.
put_file() {
	[ -f "$STAGE/$1" ] || return 1
	mkdir -p "$(dirname "$GIT_TREE/$1")"
	# A fresh mtime: the build of this step must see the file as newer
	# than the objects the previous step left in the shared output.
	cp "$STAGE/$1" "$GIT_TREE/$1"
}

# Which step a file of ours belongs to.
file_step() {
	case $1 in
	arch/arm/include/asm/pgtable-3level*.h) echo hdr ;;
	arch/arm/mm/proc-v7-3level.S) echo proc ;;
	arch/arm/mm/pgd.c) echo pgd ;;
	arch/arm/mm/mmu.c) echo mmu ;;
	arch/arm/boot/compressed/*) echo boot ;;
	arch/arm/mm/tests/*) echo kunit ;;
	tools/testing/lpae/run_qemu.py | tools/testing/lpae/judge.py | \
	tools/testing/lpae/guest-init.sh | tools/testing/lpae/debian-init.sh | \
	tools/testing/lpae/guest-facts.sh | \
	tools/testing/lpae/configs/* | tools/testing/lpae/lpae_highpage.c)
		echo runner ;;
	tools/testing/lpae/*) echo selftests ;;
	Documentation/*) echo doc ;;
	*) echo other ;;
	esac
}

# Which step a patches/ diff belongs to: its own commit in "kconfig",
# unless it only makes sense with the files of a later step.
patch_step() {
	case $1 in
	*KUnit* | *kunit*) echo kunit ;;
	*-ARM-boot-*) echo boot ;;
	*) echo kconfig ;;
	esac
}

# Subject and body of a patches/ diff: the text before its "---" line.
patch_message() {
	awk '/^---[[:space:]]*$/ || /^--- a\// { exit }
	     /^Subject: / { sub(/^Subject: (\[[^]]*\] )?/, ""); print; next }
	     { print }' "$1"
}

step_patch() {
	apply_patch "$GIT_TREE" "$STAGE/patches/$1" "$LOGS/patch.log" ||
		die "patches/$1 does not apply to the base tree"
}

# @SUITES@: one line per KUnit suite in the kunit step.
suites_text() {
	local f name n
	for f in $(printf '%s\n' $STEP_FILES | grep '_kunit\.c$'); do
		name=$(sed -n 's/^[[:space:]]*\.name[[:space:]]*=[[:space:]]*"\([^"]*\)".*/\1/p' \
			"$GIT_TREE/$f" | head -n1)
		n=$(grep -c 'KUNIT_CASE' "$GIT_TREE/$f")
		printf -- '- %s (%s): %s cases\n' "${name:-?}" "${f##*/}" "$n"
	done
	for f in $(printf '%s\n' $STEP_FILES | grep '_strict\.c$'); do
		printf -- '- %s: builds that suite with STRICT_MM_TYPECHECKS\n' \
			"${f##*/}"
	done
}

# @PROGRAMS@: one line per selftest program.
programs_text() {
	local f n
	for f in $(printf '%s\n' $STEP_FILES | grep '_test\.c$'); do
		n=$(grep -cE '^(TEST|TEST_F|TEST_SIGNAL|TEST_F_TIMEOUT)\(' "$GIT_TREE/$f")
		printf -- '- %s: %s test%s\n' "$(basename "$f" .c)" "$n" \
			"$([ "$n" = 1 ] || echo s)"
	done
}

message_for() {
	local step=$1 msg=$MSGS/$1.msg
	[ -f "$msg" ] || die "no commit message $msg"
	while IFS= read -r line; do
		case $line in
		@SUITES@) suites_text ;;
		@PROGRAMS@) programs_text ;;
		*) printf '%s\n' "$line" ;;
		esac
	done < "$msg"
}

# Commit what the step changed. Ignored files (the build's
# .lpae-fingerprint) stay out; the step's own files go in even if a
# .gitignore of the kernel tree matches them.
commit() {
	g add -A -- . &&
	{ [ -z "$STEP_FILES" ] || g add -f -- $STEP_FILES; } &&
	g commit -q -s -F "$LOGS/msg" || die "commit failed"
}

# Options the fragments ask for that this step's tree does not define.
optional_options() {
	local defined f
	defined=$(g grep -h -E '^[[:space:]]*(menu)?config[[:space:]]+[A-Za-z0-9_]+' \
		-- '*Kconfig*' | awk '{ print "CONFIG_" $2 }' | sort -u)
	for f in common $(printf '%s' "$CONFIG" | tr '+' ' '); do
		sed -n 's/^\(CONFIG_[A-Za-z0-9_]*\)=.*/\1/p' \
			"$REPO/tools/testing/lpae/configs/$f.config"
	done | sort -u | comm -23 - <(printf '%s\n' "$defined")
}

# Build the kernel as it stands after the last commit.
build_step() {
	local n=$1 subject=$2 changed log start rc optional
	log=$LOGS/build-$n.log
	changed=$(g diff --name-only HEAD~1 HEAD | grep -vE '^(Documentation|tools)/' || true)
	if [ -z "$changed" ]; then
		printf '%s %s\n     no kernel source changed\n' "$n" "$subject" >> "$RESULTS"
		return 0
	fi
	optional=$(optional_options | tr '\n' ' ')
	# build-kernel.sh reconfigures when this changes: new Kconfig options.
	g ls-files -s -- '*Kconfig*' | sha1sum > "$GIT_TREE/.lpae-fingerprint"
	printf '%s\n' "$optional" >> "$GIT_TREE/.lpae-fingerprint"
	log "building after $n: $subject"
	start=$(date +%s)
	LPAE_CONFIG_OPTIONAL=$optional bash "$REPO/harness/build-kernel.sh" \
		"$GIT_TREE" "$KOUT" "$CONFIG" > "$log" 2>&1
	rc=$?
	if [ $rc = 0 ]; then
		printf '%s %s\n     builds (%ss%s)\n' "$n" "$subject" \
			"$(( $(date +%s) - start ))" \
			"${optional:+; ${optional% } not defined yet}" >> "$RESULTS"
	else
		printf '%s %s\n     BUILD FAILED (%s)\n' "$n" "$subject" "$log" >> "$RESULTS"
		tail -n 20 "$log" | sed 's/^/    /'
		FAILED=$((FAILED + 1))
	fi
}

# Commit one step; $STEP_FILES lists its files, $STEP_PATCHES its diffs.
do_step() {
	local step=$1 f p n subject
	[ -n "$STEP_FILES$STEP_PATCHES" ] || return 0
	if [ "$step" = kconfig ]; then
		for p in $STEP_PATCHES; do
			step_patch "$p"
			patch_message "$STAGE/patches/$p" > "$LOGS/msg"
			commit
			after_commit
		done
		return 0
	fi
	for p in $STEP_PATCHES; do
		step_patch "$p"
	done
	for f in $STEP_FILES; do
		put_file "$f" || die "cannot read $f"
	done
	message_for "$step" > "$LOGS/msg"
	commit
	after_commit
}

after_commit() {
	local n subject
	COUNT=$((COUNT + 1))
	n=$(printf '%04d' "$COUNT")
	subject=$(g log -1 --format=%s)
	log "$n $subject"
	if [ "$NOBUILD" = 1 ]; then
		printf '%s %s\n     not built (NOBUILD=1)\n' "$n" "$subject" >> "$RESULTS"
	else
		build_step "$n" "$subject"
	fi
}

# The cover letter's blurb.
cover_blurb() {
	local report=$B/logs/${TREE:-linux}/test/report.txt summary=$B/check/summary.txt
	tail -n +3 "$MSGS/cover.msg"
	printf '\nBase: %s, Linux %s.\n' "$(basename "$(tarball)")" \
		"$(make -s -C "$GIT_TREE" kernelversion)"
	[ "${LPAE_FROM_HEAD:-0}" = 1 ] && printf 'Files: as committed at %s.\n' "${PIN:0:12}"
	[ -n "${LPAE_SKIP:-}" ] && printf 'Left at the base version: %s\n' "$LPAE_SKIP"
	if [ -n "$MISSING" ]; then
		printf '\nNot in this posting yet (their files do not exist):%s\n' "$MISSING"
	fi
	printf '\nBuild check (%s configuration, after each patch):\n\n' "$CONFIG"
	sed 's/^/  /' "$RESULTS"
	printf '\nTests (make test: KUnit and selftests on QEMU vexpress and virt):\n\n'
	if [ -f "$report" ]; then
		printf '  report of %s:\n' "$(date -u -r "$report" '+%Y-%m-%d %H:%M UTC')"
		sed 's/^/  /' "$report"
	else
		printf '  no report yet (run make test)\n'
	fi
	if [ -f "$summary" ]; then
		printf '\nChecks (make check, %s):\n\n' \
			"$(date -u -r "$summary" '+%Y-%m-%d %H:%M UTC')"
		sed 's/^/  /' "$summary"
	fi
	printf '\nTo reproduce: make test, make check, make series (see README.md).\n'
}

fill_cover() {
	local cover=$1 subject
	subject=$(head -n1 "$MSGS/cover.msg")
	cover_blurb > "$LOGS/blurb"
	python3 - "$cover" "$subject" "$LOGS/blurb" <<'EOF'
import sys
path, subject, blurb = sys.argv[1], sys.argv[2], open(sys.argv[3]).read()
text = open(path).read()
text = text.replace("*** SUBJECT HERE ***", subject, 1)
text = text.replace("*** BLURB HERE ***", blurb.rstrip("\n"), 1)
open(path, "w").write(text)
EOF
}

# checkpatch needs a kernel tree that is a git repository (it looks
# commit ids up, and spdxcheck.py reads LICENSES/ through git): this one.
# It runs scripts/spdxcheck.py with the first python3 on PATH; Debian's
# has python3-ply and python3-git.
checkpatch() {
	local p
	export PATH=/usr/bin:$PATH
	[ -d "$GIT_TREE/.git" ] || die "no series yet in $GIT_TREE"
	for p in "$OUT"/[0-9][0-9][0-9][0-9]-*.patch; do
		case $p in */0000-cover-letter.patch) continue ;; esac
		(cd "$GIT_TREE" && perl scripts/checkpatch.pl --strict \
			--show-types --no-summary --terse "$p")
	done
	return 0
}

main() {
	local step f p all

	mkdir -p "$WORKDIR" "$LOGS" "$OUT"
	exec 8>"$B/series/.lock"
	flock 8
	if [ "$MODE" = checkpatch ]; then
		checkpatch
		return 0
	fi
	identity
	base_repo
	: > "$RESULTS"
	COUNT=0 FAILED=0 MISSING=""
	PIN=$(git -C "$REPO" rev-parse HEAD) || die "no HEAD in $REPO"
	all=$(owned_files) || exit 1
	snapshot "$all"
	for step in $STEPS; do
		STEP_FILES=$(for f in $all; do
			[ -f "$STAGE/$f" ] && [ "$(file_step "$f")" = "$step" ] &&
				echo "$f"
		done)
		STEP_PATCHES=$(for p in $(patch_list "$STAGE/patches"); do
			[ "$(patch_step "$p")" = "$step" ] && echo "$p"
		done)
		if [ "$step" = other ] && [ -n "$STEP_FILES" ]; then
			log "warning: files in no step, committed as \"other\": $STEP_FILES"
		fi
		case $step in
		proc | pgd | mmu | kunit | doc)
			[ -z "$STEP_FILES" ] && MISSING="$MISSING $step" ;;
		esac
		do_step "$step"
	done
	[ "$COUNT" -gt 0 ] || die "nothing to put in a series"

	rm -f "$OUT"/*.patch
	g format-patch -q --cover-letter -o "$OUT" base..HEAD > /dev/null ||
		die "git format-patch failed"
	fill_cover "$OUT"/0000-cover-letter.patch
	log "$COUNT patches and a cover letter in ${OUT#$REPO/}"
	sed 's/^/  /' "$RESULTS"
	[ "$FAILED" = 0 ] || die "$FAILED patch(es) do not build"
}

main

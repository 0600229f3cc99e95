# SPDX-License-Identifier: GPL-2.0
#
# What the harness scripts share. Sourced, never run: the caller sets
# REPO (the checkout's top directory) and defines die().
#
#   OVERLAY_DIRS          the directories of the repo that mirror the
#                         kernel tree; only these are ours to copy
#   tarball               Debian's linux-source-6.1 tarball, or nothing
#   require_git_tree      die unless git can list the files of REPO
#   owned_files           our files, one a line (LPAE_FROM_HEAD,
#                         LPAE_WORK and LPAE_SKIP choose them, PIN is the
#                         commit LPAE_FROM_HEAD reads, HEAD by default)
#   owned_copy FILE DEST  copy our FILE, as chosen, to DEST
#   patch_list DIR        the diffs DIR/series names, in order
#   apply_patch TREE DIFF LOG
#                         apply DIFF to TREE without fuzz; false (and
#                         patch's messages on stderr) if it does not apply
#   lock_checkout WHAT    one WHAT at a time in this checkout
#   wait_lock FILE WHAT   wait for FILE's lock (one build per directory)

OVERLAY_DIRS="arch Documentation tools include mm lib kernel drivers scripts"

tarball() {
	ls /usr/src/linux-source-6.1.tar.* 2>/dev/null | head -n1
}

# Our files are what git tracks (or would track) below OVERLAY_DIRS, so
# git must work here: not outside a work tree, and not in a checkout git
# refuses as another user's ("dubious ownership").
require_git_tree() {
	local out
	if out=$(git -C "$REPO" rev-parse --is-inside-work-tree 2>&1) &&
	   [ "$out" = true ]; then
		return 0
	fi
	out=$(printf '%s\n' "$out" | head -n1)
	die "git cannot list our files in $REPO (${out#fatal: }); the harness needs a git clone it may use"
}

owned_files() {
	local d list
	require_git_tree
	list=$(cd "$REPO" && for d in $OVERLAY_DIRS; do
		if [ "${LPAE_FROM_HEAD:-0}" = 1 ]; then
			git ls-tree -r --name-only "${PIN:-HEAD}" -- "$d" || exit 1
			# Work-tree files LPAE_WORK adds; usually none.
			printf '%s\n' ${LPAE_WORK:-} | grep "^$d/" || true
		elif [ -d "$d" ]; then
			git ls-files --cached --others --exclude-standard -- "$d" ||
				exit 1
		fi
	done) || die "git cannot list the files of $REPO"
	list=$(printf '%s\n' "$list" | sort -u |
		grep -vxF -f <(printf '%s\n' ${LPAE_SKIP:-} /dev/null))
	[ -n "$list" ] || die "no files of ours in $REPO ($OVERLAY_DIRS)"
	printf '%s\n' "$list"
}

# False when the work tree no longer has FILE (deleted, not yet
# committed); dies when it cannot be read.
owned_copy() {
	if [ "${LPAE_FROM_HEAD:-0}" = 1 ] &&
	   ! printf '%s\n' ${LPAE_WORK:-} | grep -qxF "$1"; then
		git -C "$REPO" show "${PIN:-HEAD}:$1" > "$2" ||
			die "cannot read $1 at ${PIN:-HEAD}"
		if git -C "$REPO" ls-tree "${PIN:-HEAD}" -- "$1" | grep -q '^100755'; then
			chmod +x "$2"
		fi
		return 0
	fi
	[ -e "$REPO/$1" ] || return 1
	cp -p "$REPO/$1" "$2" || die "cannot copy $REPO/$1 to $2"
}

patch_list() {
	[ -f "$1/series" ] || return 0
	sed -e 's/#.*//' "$1/series" | awk 'NF { print $1 }'
}

# No fuzz: on a newer 6.1.x a hunk may move (an offset), but one whose
# context changed stops the build instead of landing where patch guessed.
apply_patch() {
	patch -d "$1" -p1 -N --fuzz=0 --no-backup-if-mismatch -r - \
		< "$2" > "$3" 2>&1 && return 0
	cat "$3" >&2
	return 1
}

# Two runs of make test in one checkout would delete each other's logs
# and build into the same directories: the second refuses. The first
# harness script of a run takes the lock; the scripts it starts inherit
# it (LPAE_LOCKED) and the lock goes when it exits.
# heartbeat WHAT CMD...: run CMD, printing "WHAT: Ns" every 30 s while
# it runs, so that a long step (unpacking the base tree, committing it)
# is never silent for more than a minute. CMD's status is returned.
heartbeat() {
	local what=$1 pid start rc
	shift
	start=$(date +%s)
	"$@" &
	pid=$!
	while ! wait_or_tick "$pid"; do
		printf '%s: %ss\n' "$what" $(( $(date +%s) - start ))
	done
	wait "$pid"
	rc=$?
	return $rc
}

# True once process $1 has ended, false after 30 s while it still runs.
wait_or_tick() {
	local i
	for i in $(seq 60); do
		kill -0 "$1" 2>/dev/null || return 0
		sleep 0.5
	done
	return 1
}

lock_checkout() {
	local f=$REPO/build/.lock
	case " ${LPAE_LOCKED:-} " in *" $1 "*) return 0 ;; esac
	mkdir -p "$REPO/build"
	[ "$1" = test ] || f=$f.$1
	exec 7>>"$f"
	flock -n 7 ||
		die "another make $1 is running in this checkout ($(cat "$f.owner" 2>/dev/null)); wait for it or use another clone"
	printf 'pid %s since %s\n' "$$" "$(date '+%H:%M:%S')" > "$f.owner"
	export LPAE_LOCKED="${LPAE_LOCKED:-} $1"
}

# One writer per directory (an assembled tree, a kernel's output):
# a second one waits, saying so.
wait_lock() {
	mkdir -p "$(dirname "$1")"
	exec 6>>"$1"
	flock -n 6 && return 0
	printf '%s: waiting for another %s\n' "${0##*/}" "$2"
	flock 6
}

# `artefacts clean` never runs beside another run of this machine: while the
# run lock is held it exits 5 naming the lock and writes nothing; --dry-run
# still lists. It does not need the agent closed: with the agent running it
# goes through once the lock is free.
source "$(dirname "$0")/lib.sh"
skip_on_windows "the run lock held by flock(1), a Linux lock that Windows' LockFileEx does not see (the Windows lock is unit-tested)"

command -v flock >/dev/null 2>&1 || skip_test "flock(1) is not installed"
sync_setup --empty-b
sync_ok a
f="skills/review/SKILL.sync-conflict-20261120-101500-ABCDEF7.md"
put_file "$SYNC_DIR/$f" "syncthing copy"
lock="$CLOUD/.tmp/locks/machine-a.lock"
assert_file_exists "$lock"

agent="codex-e2e-$$" # unique: other tests run side by side
set_config a process_detection process_names "[\"$agent\"]"
start_agent "$agent"

exec {lock_fd}>"$lock"
flock -x -n "$lock_fd" || cs_die_setup "could not take $lock"
snapshot_sync_state before
cs_a artefacts clean
assert_exit 5
assert_stderr_contains "$lock"
assert_tree_unchanged before
cs_a artefacts clean --dry-run
assert_exit 0
assert_stdout_contains "Would move 1 file"
assert_tree_unchanged before
exec {lock_fd}>&-

cs_a artefacts clean
assert_exit 0
assert_no_file "$SYNC_DIR/$f"
assert_backed_up cloud "$f" "syncthing copy"

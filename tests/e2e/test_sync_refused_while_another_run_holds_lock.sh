# While another codexsync run on this machine holds its lock
# ($temp_dir/locks/<machine>.lock, here held with flock(1)), `sync --apply`
# exits 5 naming the lock file and writes nothing; `restore --apply` is
# refused the same way. Once the lock is free the sync goes through.
source "$(dirname "$0")/lib.sh"
skip_on_windows "the run lock held by flock(1), a Linux lock that Windows' LockFileEx does not see (the Windows lock is unit-tested)"

command -v flock >/dev/null 2>&1 || skip_test "flock(1) is not installed"
sync_setup --empty-b
sync_ok a
put_file "$STATE_A/skills/review/SKILL.md" "edited on A" "2026-03-01 10:00:00"
sync_ok a # a snapshot for the restore below
put_file "$STATE_A/skills/review/SKILL.md" "edited on A again" "2026-03-01 11:00:00"
lock="$CLOUD/.tmp/locks/machine-a.lock"
assert_file_exists "$lock"

exec {lock_fd}>"$lock"
flock -x -n "$lock_fd" || cs_die_setup "could not take $lock"
snapshot_sync_state before
cs_a sync --apply
assert_exit 5
assert_stderr_contains "another codexsync run on this machine holds $lock"
assert_stderr_contains "nothing was written"
assert_tree_unchanged before
cs_a sync --dry-run # looking needs no lock
assert_exit 0
cs_a restore --target cloud --apply
assert_exit 5
assert_stderr_contains "$lock"
assert_tree_unchanged before
exec {lock_fd}>&-

cs_a sync --apply
assert_exit 0
assert_file_is "$SYNC_DIR/skills/review/SKILL.md" "edited on A again"

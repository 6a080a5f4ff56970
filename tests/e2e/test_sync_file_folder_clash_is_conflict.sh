# A path that is a file on one side and a folder on the other (skills/x here,
# skills/x/SKILL.md in the cloud) cannot be synced either way: the plan
# shows it as a conflict, and `sync --apply` exits 2 naming it and writes
# nothing, as for any conflict.
source "$(dirname "$0")/lib.sh"

sync_setup --empty-b
sync_ok a
put_file "$STATE_A/skills/x" "a file on A"
put_file "$SYNC_DIR/skills/x/SKILL.md" "a folder in the cloud"

snapshot_sync_state before
cs_a plan
assert_exit 2
assert_stdout_matches '^  CONFLICT +skills/x'
cs_a sync --apply
assert_exit 2
assert_stderr_contains "skills/x"
assert_stderr_contains "nothing was written"
assert_tree_unchanged before

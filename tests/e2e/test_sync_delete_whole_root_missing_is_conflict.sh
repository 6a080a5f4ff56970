# delete_policy = propagate: when a whole include root has gone from this
# machine (its folder emptied or removed, as a disconnected or wiped drive
# would look), that is not taken as deletions: `sync --apply` exits 2 naming
# the root, and nothing is written or deleted on either side.
source "$(dirname "$0")/lib.sh"

sync_setup --empty-b
set_config a sync delete_policy '"propagate"'
put_file "$STATE_A/sessions/2026/11/21/second.jsonl" "second session"
sync_ok a
rm -r "$STATE_A/sessions"
mkdir "$STATE_A/sessions"

snapshot_sync_state before
cs_a sync --apply
assert_exit 2
assert_stderr_contains "2 conflict(s) left open; nothing was written."
assert_stdout_contains 'the whole of "sessions" is missing here'
assert_stderr_contains "sessions/2026/11/21/second.jsonl: here missing; cloud 14 B"
assert_tree_unchanged before
assert_file_is "$SYNC_DIR/sessions/2026/11/21/second.jsonl" "second session"

# delete_policy = propagate on a machine's first sync (no baseline): a file
# only in the cloud is copied here and a file only here is copied to the
# cloud; nothing is deleted on either side.
source "$(dirname "$0")/lib.sh"

sync_setup
set_config b sync delete_policy '"propagate"'
sync_ok a
# B already has files of its own and lacks A's.
cs_b sync --apply
assert_exit 0
assert_stdout_contains "first sync"
assert_stdout_contains "0 deletion(s)"
assert_stdout_not_matches '^  delete '
assert_file_is "$STATE_B/sessions/2026/11/20/rollout-2026-11-20T10-00-00-a.jsonl" '{"type":"session_meta","id":"a-1"}'
assert_file_is "$SYNC_DIR/sessions/2026/11/20/rollout-2026-11-20T10-00-00-b.jsonl" '{"type":"session_meta","id":"b-1"}'
assert_file_is "$SYNC_DIR/sessions/2026/11/20/rollout-2026-11-20T10-00-00-a.jsonl" '{"type":"session_meta","id":"a-1"}'

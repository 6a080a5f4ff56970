# An agent that prunes old chats at start-up (Claude Code, Gemini CLI: 30 days)
# must not prune them on the other machines: with delete_policy = "propagate",
# a deleted chat stays in the cloud and on B, while an ordinary deleted file
# is still carried over; propagate_all carries the chat deletion too.
source "$(dirname "$0")/lib.sh"

sync_setup --empty-b
chat=sessions/2026/11/20/rollout-2026-11-20T10-00-00-a.jsonl
put_config a sync delete_policy '"propagate"'
put_config b sync delete_policy '"propagate"'
sync_ok a
sync_ok b

rm "$STATE_A/$chat" "$STATE_A/skills/review/SKILL.md"
cs_a sync --apply
assert_exit 0
assert_stdout_contains "deletions of append-only files (chats an agent prunes) are not carried over"
assert_file_exists "$SYNC_DIR/$chat"
assert_no_file "$SYNC_DIR/skills/review/SKILL.md"
sync_ok b
assert_file_exists "$STATE_B/$chat"
assert_no_file "$STATE_B/skills/review/SKILL.md"

# Asked for explicitly, the chat deletion travels.
put_config a sync delete_policy '"propagate_all"'
cs_a sync --apply
assert_exit 0
assert_no_file "$SYNC_DIR/$chat"

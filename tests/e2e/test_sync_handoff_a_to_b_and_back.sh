# Handing the agent's state from machine A to machine B and back: A's
# `sync --apply` puts its files in the cloud mirror byte for byte with their
# mtimes; B, starting empty, receives them the same way; an edit made on B
# reaches A, and an edit made on A then reaches B.
source "$(dirname "$0")/lib.sh"

sync_setup --empty-b
files=(session_index.jsonl sessions/2026/11/20/rollout-2026-11-20T10-00-00-a.jsonl skills/review/SKILL.md)

sync_ok a
for f in "${files[@]}"; do
  assert_same_file "$STATE_A/$f" "$SYNC_DIR/$f"
done
assert_no_file "$SYNC_DIR/auth.json"
assert_no_file "$SYNC_DIR/config.toml"

sync_ok b
for f in "${files[@]}"; do
  assert_same_file "$STATE_A/$f" "$STATE_B/$f"
done
assert_trees_equal "$STATE_A" "$STATE_B"

# B works on, syncs; A picks it up.
put_file "$STATE_B/skills/review/SKILL.md" "# review skill, edited on machine B" "2026-03-01 09:00:00"
put_file "$STATE_B/sessions/2026/11/21/rollout-b.jsonl" '{"id":"b-2"}' "2026-03-01 09:05:00"
sync_ok b
assert_same_file "$STATE_B/skills/review/SKILL.md" "$SYNC_DIR/skills/review/SKILL.md"
sync_ok a
assert_same_file "$STATE_B/skills/review/SKILL.md" "$STATE_A/skills/review/SKILL.md"
assert_same_file "$STATE_B/sessions/2026/11/21/rollout-b.jsonl" "$STATE_A/sessions/2026/11/21/rollout-b.jsonl"

# And back: A edits, syncs; B picks it up.
put_file "$STATE_A/session_index.jsonl" '{"id":"a-1","thread_name":"renamed on A"}' "2026-03-02 08:00:00"
sync_ok a
sync_ok b
assert_same_file "$STATE_A/session_index.jsonl" "$STATE_B/session_index.jsonl"
assert_trees_equal "$STATE_A" "$STATE_B"
assert_trees_equal "$STATE_A" "$SYNC_DIR"

# Nothing left to do on either machine.
cs_a plan
assert_exit 0
assert_stdout_contains "Summary: 0 to the cloud (0 B), 0 to here (0 B), 0 deletion(s), 0 merge(s), 0 conflict(s)"
cs_b plan
assert_exit 0
assert_stdout_contains "Summary: 0 to the cloud (0 B), 0 to here (0 B), 0 deletion(s), 0 merge(s), 0 conflict(s)"

# After a handoff, A and B each edit a different file (and each adds one):
# A's sync pushes A's and pulls nothing of B's yet; B's sync pushes B's and
# pulls A's; A's next sync pulls B's. No conflict, no file lost, and each
# overwritten version is in a backup.
source "$(dirname "$0")/lib.sh"

sync_setup --empty-b
sync_ok a
sync_ok b

put_file "$STATE_A/session_index.jsonl" '{"id":"a-1","thread_name":"edited on A"}' "2026-03-01 10:00:00"
put_file "$STATE_A/skills/a-only/SKILL.md" "added on A" "2026-03-01 10:01:00"
put_file "$STATE_B/skills/review/SKILL.md" "# review skill, edited on B" "2026-03-01 11:00:00"
put_file "$STATE_B/sessions/2026/11/21/b.jsonl" '{"id":"b-2"}' "2026-03-01 11:01:00"

sync_ok a
sync_ok b
assert_stdout_contains "0 conflict(s)"
sync_ok a

for state in "$STATE_A" "$STATE_B" "$SYNC_DIR"; do
  assert_file_is "$state/session_index.jsonl" '{"id":"a-1","thread_name":"edited on A"}'
  assert_file_is "$state/skills/a-only/SKILL.md" "added on A"
  assert_file_is "$state/skills/review/SKILL.md" "# review skill, edited on B"
  assert_file_is "$state/sessions/2026/11/21/b.jsonl" '{"id":"b-2"}'
done
assert_trees_equal "$STATE_A" "$STATE_B"
# The versions replaced on the way are backed up.
assert_backed_up cloud session_index.jsonl '{"id":"a-1","thread_name":"first"}'
assert_backed_up local session_index.jsonl '{"id":"a-1","thread_name":"first"}'
assert_backed_up local skills/review/SKILL.md '# review skill of machine a'

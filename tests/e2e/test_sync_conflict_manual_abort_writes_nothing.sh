# Both machines edit the same file (conflict.policy = manual_abort, the
# template's): the second machine's `sync --apply` exits 2, names the path with
# both sides' size and time, and writes nothing anywhere, not even the
# unrelated changes the same run would otherwise carry.
source "$(dirname "$0")/lib.sh"

sync_setup --empty-b
sync_ok a
sync_ok b
put_file "$STATE_A/skills/review/SKILL.md" "edited on A" "2026-03-01 10:00:00"
sync_ok a
put_file "$STATE_B/skills/review/SKILL.md" "edited on machine B!" "2026-03-01 11:30:00"
put_file "$STATE_B/skills/other/SKILL.md" "unrelated new file on B"

snapshot_sync_state before
cs_b sync --apply
assert_exit 2
assert_stderr_contains "1 conflict(s) left open; nothing was written."
assert_stderr_contains "skills/review/SKILL.md: here 20 B, 2026-03-01 11:30:00 UTC; cloud 11 B, 2026-03-01 10:00:00 UTC"
assert_stdout_matches '^  CONFLICT +skills/review/SKILL.md .*conflict.policy = manual_abort'
assert_tree_unchanged before

# plan says the same, by exit code, and writes nothing either.
cs_b plan
assert_exit 2
assert_tree_unchanged before

# `plan`, `sync --dry-run` and `sync` without flags (dry_run_default = true),
# with and without --json, write nothing: not in either state folder, the
# mirror, the backups, the baselines or the journals, although the plan has
# copies both ways, an overwrite and (delete_policy = propagate_all) a deletion of a chat.
source "$(dirname "$0")/lib.sh"

sync_setup --empty-b
set_config a sync delete_policy '"propagate_all"'
sync_ok a
sync_ok b
put_file "$STATE_A/skills/new/SKILL.md" "new on A"                     # copy -> cloud
put_file "$STATE_A/session_index.jsonl" '{"id":"a-1","edited":true}'   # overwrite in the cloud
put_file "$STATE_B/skills/fromb/SKILL.md" "new on B"
sync_ok b                                                              # copy -> local, for A
rm "$STATE_A/sessions/2026/11/20/rollout-2026-11-20T10-00-00-a.jsonl"
put_file "$STATE_A/sessions/2026/11/22/other.jsonl" "keeps the root non-empty"

snapshot_sync_state before
for args in "plan" "--json plan" "sync --dry-run" "--json sync --dry-run" "sync" "--json sync" "-v sync"; do
  # shellcheck disable=SC2086 # the words of each run
  cs_a $args
  assert_exit 0
  assert_tree_unchanged before
done
cs_a sync
assert_stdout_contains "Dry run: nothing was written"
assert_stdout_matches '^  copy -> cloud +skills/new/SKILL.md'
assert_stdout_matches '^  copy -> cloud +session_index.jsonl'
assert_stdout_matches '^  copy -> local +skills/fromb/SKILL.md'
assert_stdout_matches '^  delete cloud +sessions/2026/11/20/rollout-2026-11-20T10-00-00-a.jsonl'

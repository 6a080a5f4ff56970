# direction = to_local writes only the agent's folder: a local edit is listed
# as "held" and the cloud mirror is not touched while cloud changes are
# pulled; the next bidirectional run still pushes it.
source "$(dirname "$0")/lib.sh"

sync_setup --empty-b
sync_ok a
sync_ok b
put_file "$STATE_B/skills/fromb/SKILL.md" "new on B" "2026-03-01 10:00:00"
sync_ok b
put_file "$STATE_A/session_index.jsonl" "edited on A" "2026-03-01 11:00:00"

set_config a sync direction '"to_local"'
snapshot_tree mirror "$SYNC_DIR"
cs_a sync --apply
assert_exit 0
assert_stdout_matches '^  held +session_index.jsonl .*direction = to_local leaves the cloud side alone'
assert_tree_unchanged mirror
assert_file_is "$STATE_A/skills/fromb/SKILL.md" "new on B"
assert_file_is "$STATE_A/session_index.jsonl" "edited on A"

set_config a sync direction '"bidirectional"'
cs_a sync --apply
assert_exit 0
assert_file_is "$SYNC_DIR/session_index.jsonl" "edited on A"

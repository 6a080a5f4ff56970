# direction = to_cloud writes only the cloud mirror: a newer cloud version of
# a file is listed as "held" and left alone here while local changes are
# pushed; the next bidirectional run still pulls it.
source "$(dirname "$0")/lib.sh"

sync_setup --empty-b
sync_ok a
sync_ok b
put_file "$STATE_B/skills/review/SKILL.md" "edited on B" "2026-03-01 10:00:00"
put_file "$STATE_B/skills/fromb/SKILL.md" "new on B" "2026-03-01 10:00:00"
sync_ok b
put_file "$STATE_A/skills/froma/SKILL.md" "new on A" "2026-03-01 11:00:00"
cp -p "$STATE_A/skills/review/SKILL.md" "$T/a-review-before"

set_config a sync direction '"to_cloud"'
cs_a sync --apply
assert_exit 0
assert_stdout_matches '^  held +skills/review/SKILL.md .*direction = to_cloud leaves the local side alone'
assert_stdout_matches '^  held +skills/fromb/SKILL.md '
assert_stdout_contains "2 held"
assert_file_is "$SYNC_DIR/skills/froma/SKILL.md" "new on A"
assert_same_file "$T/a-review-before" "$STATE_A/skills/review/SKILL.md"
assert_no_file "$STATE_A/skills/fromb"

set_config a sync direction '"bidirectional"'
cs_a sync --apply
assert_exit 0
assert_stdout_matches '^  copy -> local +skills/review/SKILL.md '
assert_file_is "$STATE_A/skills/review/SKILL.md" "edited on B"
assert_file_is "$STATE_A/skills/fromb/SKILL.md" "new on B"
assert_trees_equal "$STATE_A" "$SYNC_DIR"

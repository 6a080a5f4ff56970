# delete_policy = propagate with a baseline: a file A deleted (unchanged in
# the cloud since the last sync) is deleted from the cloud by A's sync and
# from B by B's sync; each deleted copy is first backed up byte for byte.
# Files beside it stay.
source "$(dirname "$0")/lib.sh"

sync_setup --empty-b
set_config a sync delete_policy '"propagate"'
set_config b sync delete_policy '"propagate"'
f=skills/review/SKILL.md
put_file "$STATE_A/skills/keep/SKILL.md" "stays"
sync_ok a
sync_ok b
rm "$STATE_A/$f"

cs_a sync --apply
assert_exit 0
assert_stdout_matches "^  delete cloud +$(re "$f") .*deleted here since the last sync, unchanged on the other side"
assert_stdout_contains "1 deleted, 1 backed up"
assert_no_file "$SYNC_DIR/$f"
assert_no_file "$SYNC_DIR/skills/review"
assert_backed_up cloud "$f" "# review skill of machine a"
assert_file_is "$SYNC_DIR/skills/keep/SKILL.md" "stays"

cs_b sync --apply
assert_exit 0
assert_stdout_matches "^  delete local +$(re "$f") .*deleted in the cloud since the last sync, unchanged on the other side"
assert_no_file "$STATE_B/$f"
assert_backed_up local "$f" "# review skill of machine a"
assert_file_is "$STATE_B/skills/keep/SKILL.md" "stays"
assert_trees_equal "$STATE_A" "$STATE_B"

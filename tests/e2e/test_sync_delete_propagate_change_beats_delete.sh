# delete_policy = propagate: a file deleted here that the other machine
# changed since this machine's last sync is not deleted; the change wins and
# comes back here.
source "$(dirname "$0")/lib.sh"

sync_setup --empty-b
set_config a sync delete_policy '"propagate"'
set_config b sync delete_policy '"propagate"'
f=skills/review/SKILL.md
put_file "$STATE_A/skills/keep/SKILL.md" "keeps the skills root non-empty"
sync_ok a
sync_ok b
put_file "$STATE_B/$f" "changed on B" "2026-03-01 10:00:00"
sync_ok b
rm "$STATE_A/$f"

cs_a sync --apply
assert_exit 0
assert_stdout_matches "^  copy -> local +$(re "$f") .*deleted here but changed on the other side since the last sync; the change wins"
assert_stdout_contains "0 deletion(s)"
assert_file_is "$STATE_A/$f" "changed on B"
assert_file_is "$SYNC_DIR/$f" "changed on B"

# delete_policy = never (the template's): a file deleted on this machine
# since the last sync is copied back from the cloud, with its bytes and
# mtime, and nothing is deleted in the cloud.
source "$(dirname "$0")/lib.sh"

sync_setup --empty-b
f=sessions/2026/11/20/rollout-2026-11-20T10-00-00-a.jsonl
sync_ok a
cp -p "$STATE_A/$f" "$T/kept-copy"
rm "$STATE_A/$f"

cs_a sync --apply
assert_exit 0
assert_stdout_matches "^  copy -> local +$(re "$f") .*deleted here since the last sync; delete_policy = never puts it back"
assert_stdout_contains "0 deletion(s)"
assert_same_file "$T/kept-copy" "$STATE_A/$f"
assert_same_file "$T/kept-copy" "$SYNC_DIR/$f"

# conflict.policy = prefer_cloud: when both machines edited a file, the
# machine that syncs takes the cloud's version; its own edit is backed up
# byte for byte first, and `backups list` shows that snapshot.
source "$(dirname "$0")/lib.sh"

f=skills/review/SKILL.md
make_conflict "$f" "edited on A, older" "2026-03-01 10:00:00" "edited on B" "2026-03-01 12:00:00"
set_config b conflict policy '"prefer_cloud"'

cs_b sync --apply
assert_exit 0
assert_stdout_matches "^  copy -> local +$(re "$f") .*prefer_cloud"
assert_file_is "$STATE_B/$f" "edited on A, older"
assert_same_file "$STATE_A/$f" "$STATE_B/$f"
assert_file_is "$SYNC_DIR/$f" "edited on A, older"
assert_backed_up local "$f" "edited on B"
snap="$(snapshot_names | tail -1)"
[[ "$snap" == machine-b-* ]] || cs_fail "expected machine B's snapshot, found: $(snapshot_names | tr '\n' ' ')"
[[ "$(cat "$BACKUP_DIR/$snap/local/$f")" == "edited on B" ]] || cs_fail "expected B's edit in $snap"

cs_b backups list
assert_exit 0
assert_stdout_matches "^$snap +[0-9TZ:-]+ +1 +11 B +complete$"

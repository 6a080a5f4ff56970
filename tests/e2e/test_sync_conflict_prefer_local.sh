# conflict.policy = prefer_local: when both machines edited a file, the
# machine that syncs keeps its version and writes it to the cloud; the
# cloud's version (the other machine's edit) is backed up byte for byte
# first, and `backups list` shows that snapshot.
source "$(dirname "$0")/lib.sh"

f=skills/review/SKILL.md
make_conflict "$f" "edited on A" "2026-03-01 12:00:00" "edited on B, older" "2026-03-01 10:00:00"
set_config b conflict policy '"prefer_local"'

cs_b sync --apply
assert_exit 0
assert_stdout_matches "^  copy -> cloud +$(re "$f") .*prefer_local"
assert_file_is "$SYNC_DIR/$f" "edited on B, older"
assert_file_is "$STATE_B/$f" "edited on B, older"
assert_same_file "$STATE_B/$f" "$SYNC_DIR/$f"
assert_backed_up cloud "$f" "edited on A"
snap="$(snapshot_names | tail -1)"
[[ "$snap" == machine-b-* ]] || cs_fail "expected machine B's snapshot, found: $(snapshot_names | tr '\n' ' ')"
[[ "$(cat "$BACKUP_DIR/$snap/cloud/$f")" == "edited on A" ]] || cs_fail "expected A's edit in $snap"
assert_stdout_contains "into snapshot $snap"

cs_b backups list
assert_exit 0
assert_stdout_matches "^$snap +[0-9TZ:-]+ +1 +11 B +complete$"

# A then receives B's version.
sync_ok a
assert_file_is "$STATE_A/$f" "edited on B, older"

# A snapshot whose manifest is gone (a run killed while backing up leaves one
# so) is listed with its problem, not as complete, and a restore never uses
# it: the default restore falls back to the newest complete snapshot.
source "$(dirname "$0")/lib.sh"

make_cloud_overwrite
good="$(snapshot_names)"
put_file "$STATE_B/skills/review/SKILL.md" "edited on B again" "2026-03-01 11:00:00"
sync_ok b
bad="$(snapshot_names | grep -vxF "$good")"
rm "$BACKUP_DIR/$bad.manifest.json"

cs_b backups list
assert_exit 0
assert_stdout_matches "^$bad .*incomplete: no manifest"
assert_stdout_matches "^$good .* 1 +28 B +complete$"

cs_b restore --target cloud
assert_exit 0
assert_stdout_contains "Restore from snapshot $good:"
cs_b restore --from "$bad" --target cloud --apply
assert_exit 5
assert_output_contains "$bad"
assert_file_is "$SYNC_DIR/skills/review/SKILL.md" "edited on B again"

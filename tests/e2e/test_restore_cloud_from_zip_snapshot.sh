# With backup.compression = "zip" the backup of an overwritten file is one
# `<name>.zip` per run, and `restore --target cloud --apply` puts the earlier
# version back from it byte for byte, with its mtime.
source "$(dirname "$0")/lib.sh"

make_cloud_overwrite zip
snap="$(snapshot_names)"
assert_file_exists "$BACKUP_DIR/$snap.zip"
assert_no_file "$BACKUP_DIR/$snap"
[[ "$(zip_entry "$BACKUP_DIR/$snap.zip" "cloud/$REVIEW")" == "# review skill of machine a" ]] ||
  cs_fail "expected the zip to hold the earlier version as cloud/$REVIEW"

cs_b restore --target cloud --apply
assert_exit 0
assert_stdout_contains "Restore from snapshot $snap:"
assert_stdout_contains "Done: 1 put back, 0 removed."
assert_same_file "$REVIEW_BEFORE" "$SYNC_DIR/$REVIEW"

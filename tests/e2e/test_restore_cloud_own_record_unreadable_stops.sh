# A restore into the cloud mirror claims what it puts back in this machine's
# delivery record. When that record is there but cannot be read (damaged, or
# a cloud client's placeholder), the restore stops before writing anything
# (exit 5): starting over from an empty record would drop every claim it
# makes, and peers would then wait for files nobody vouches for. The damaged
# record is left as it is; once it is readable again the restore goes ahead.
source "$(dirname "$0")/lib.sh"

make_cloud_overwrite
record="$CLOUD/state/delivery/machine-b.json"
assert_file_exists "$record"
cp -p "$record" "$T/record-good"
printf '{"format": "codexsync-deliv' >"$record" # cut short
snapshot_tree mirror "$SYNC_DIR"
snapshot_tree state_b "$STATE_B"
snapshot_tree backups "$BACKUP_DIR"
cs_b restore --target cloud --apply
assert_exit 5
assert_stderr_contains "delivery record cannot be read"
assert_stderr_contains "machine-b.json"
assert_stderr_contains "nothing was written"
assert_tree_unchanged mirror
assert_tree_unchanged state_b
assert_tree_unchanged backups
assert_file_is "$record" '{"format": "codexsync-deliv'

# Readable again: the restore runs and the record claims the restored version.
cp -p "$T/record-good" "$record"
cs_b restore --target cloud --apply
assert_exit 0
assert_same_file "$REVIEW_BEFORE" "$SYNC_DIR/$REVIEW"
assert_file_contains "$record" "$(sha_of "$REVIEW_BEFORE")"

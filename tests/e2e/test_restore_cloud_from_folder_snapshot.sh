# After a sync overwrote a file in the cloud mirror,
# `restore --target cloud --apply` (this machine's newest snapshot, a
# folder snapshot) puts the earlier version back byte for byte, with its
# mtime, and touches nothing on the local side.
source "$(dirname "$0")/lib.sh"

make_cloud_overwrite
snap="$(snapshot_names)"
[[ "$snap" == machine-b-* && -d "$BACKUP_DIR/$snap/cloud" ]] || cs_fail "expected one folder snapshot of B, found: $snap"
snapshot_tree local "$STATE_B"

cs_b restore --target cloud --apply
assert_exit 0
assert_stdout_contains "Restore from snapshot $snap:"
assert_stdout_matches "^  put back +cloud +$(re "$REVIEW") "
assert_stdout_contains "Done: 1 put back, 0 removed."
assert_same_file "$REVIEW_BEFORE" "$SYNC_DIR/$REVIEW"
assert_tree_unchanged local

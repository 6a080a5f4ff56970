# After a sync pulled another machine's version over a local file,
# `restore --target local --apply` puts this machine's earlier version back
# byte for byte, with its mtime, and leaves the cloud mirror alone.
source "$(dirname "$0")/lib.sh"

make_cloud_overwrite
# A pulls B's edit over its own copy.
cp -p "$STATE_A/$REVIEW" "$T/a-before"
sync_ok a
assert_file_is "$STATE_A/$REVIEW" "edited on B"
snap="$(snapshot_names | grep '^machine-a-')"
snapshot_tree mirror "$SYNC_DIR"

cs_a restore --target local --apply
assert_exit 0
assert_stdout_contains "Restore from snapshot $snap:"
assert_stdout_matches "^  put back +local +$(re "$REVIEW") "
assert_stdout_contains "Done: 1 put back, 0 removed."
assert_same_file "$T/a-before" "$STATE_A/$REVIEW"
assert_tree_unchanged mirror

# A restore into the cloud mirror is a write to it like a sync's: the
# restoring machine's delivery record then claims what it put back (size and
# SHA-256), so the other machines take the restored version (exit 0) instead
# of waiting for the version it replaced ("cloud folder still syncing",
# exit 5), and still check that it arrived whole.
source "$(dirname "$0")/lib.sh"

make_cloud_overwrite
cs_b restore --target cloud --apply
assert_exit 0
assert_same_file "$REVIEW_BEFORE" "$SYNC_DIR/$REVIEW"
record="$CLOUD/state/delivery/machine-b.json"
assert_file_contains "$record" "$(sha_of "$REVIEW_BEFORE")"

# A takes the restored version.
cs_a sync --apply
assert_exit 0
assert_same_file "$REVIEW_BEFORE" "$STATE_A/$REVIEW"

# Had the restored copy not arrived whole at A (another version in A's view),
# A would wait for it. (No record changed since A's last run: a run that
# lists the mirror is the one that sees it.)
put_file "$SYNC_DIR/$REVIEW" "a half-arrived version" "2026-03-05 10:00:00"
cs_a sync --apply --full-scan
assert_exit 5
assert_stderr_contains "$REVIEW: "
assert_stderr_contains "machine-b"

# Two machines whose first syncs both run before the cloud client has carried
# anything each make a workspace marker. The cloud client keeps one and
# renames the other (a Syncthing conflict copy): the machine whose marker lost
# finds its id in that copy, joins the winner with a warning and syncs (exit
# 0); neither is locked out. A machine that finds other machines' records but
# no marker yet waits for it (exit 5) instead of making a rival one.
source "$(dirname "$0")/lib.sh"
source "$CS_E2E_DIR/transport_lib.sh"

sync_setup --empty-b
split_views
sync_ok a
# B's cloud folder holds A's records but not the marker yet.
deliver_to_b state
cs_b sync --apply
assert_exit 5
assert_stderr_contains "holds machine machine-a's records but no workspace marker"
assert_no_file "$CLOUD_B/.codexsync-workspace"

# B's view is empty again: its first sync makes a marker of its own.
rm -rf "$CLOUD_B"
mkdir -p "$CLOUD_B"
sync_ok b
assert_file_exists "$CLOUD_B/.codexsync-workspace"
cmp -s "$CLOUD/.codexsync-workspace" "$CLOUD_B/.codexsync-workspace" && cs_fail "expected two different markers"

# The cloud client settles the clash: B's marker wins, A's is kept beside it.
# (Syncthing takes the whole name after the leading dot for an extension.)
copy=".sync-conflict-20261124-101500-ABCDEF7.codexsync-workspace"
mv "$CLOUD/.codexsync-workspace" "$CLOUD/$copy"
cp -p "$CLOUD/$copy" "$CLOUD_B/$copy"
cp -p "$CLOUD_B/.codexsync-workspace" "$CLOUD/.codexsync-workspace"
deliver_to_b
deliver_to_a

cs_a sync --apply
assert_exit 0
assert_stderr_contains "made by another machine's first sync at the same time"
cs_b sync --apply
assert_exit 0
assert_trees_equal "$STATE_A" "$STATE_B"
# From now on A checks the winner without a word.
cs_a sync --apply
assert_exit 0
assert_stderr_not_contains "same time"

# A marker from elsewhere with no copy of A's id beside it still stops A.
printf '{"format":"codexsync-workspace-v1","id":"0123456789abcdef0123456789abcdef"}\n' >"$CLOUD/.codexsync-workspace"
cs_a sync --apply
assert_exit 5
assert_stderr_contains "not the one you synced with"

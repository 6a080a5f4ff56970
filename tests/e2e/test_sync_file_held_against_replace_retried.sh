# Windows: a file that another program keeps open while a sync wants to
# replace it (a virus scanner, an indexer or a cloud client that lets others
# read but not replace: share mode FILE_SHARE_READ). The backup reads it, the
# replace is refused (MoveFileExW: access denied, under Wine; a sharing
# violation is handled the same way) and retried for about 5 s, then
# the run gives up on that file, names it, syncs the rest and exits 1. Nothing
# is lost: the file keeps its old content and time, no temp file is left
# beside it, the cloud copy is untouched, and the first sync after the file is
# released brings the new version. (POSIX has no share modes: skipped there.)
source "$(dirname "$0")/lib.sh"

file="skills/held/SKILL.md"
sync_setup --empty-b
put_file "$STATE_A/$file" "old version" "2026-02-01 12:00:00"
put_file "$STATE_A/skills/other/SKILL.md" "other, first" "2026-02-01 12:00:00"
sync_ok a
sync_ok b
assert_file_is "$STATE_B/$file" "old version"
put_file "$STATE_A/$file" "new version from A" "2026-02-02 12:00:00"
put_file "$STATE_A/skills/other/SKILL.md" "other, second" "2026-02-02 12:00:00"
sync_ok a
snapshot_tree cloud "$SYNC_DIR"
old_mtime="$(mtime_of "$STATE_B/$file")"

hold_file "$STATE_B/$file" read
started=$SECONDS
cs_b sync --apply
took=$((SECONDS - started))
assert_exit 1
assert_stderr_contains "cannot write $STATE_B/$file"
assert_stderr_contains "close programs that hold it open"
((took >= 4)) || cs_fail "expected the replace to be retried for about 5 s; the run took ${took} s"
# The rest synced; the held file is whole and old; nothing is left beside it.
assert_file_is "$STATE_B/skills/other/SKILL.md" "other, second"
assert_file_is "$STATE_B/$file" "old version"
[[ "$(mtime_of "$STATE_B/$file")" == "$old_mtime" ]] || cs_fail "expected $STATE_B/$file to keep its mtime"
leftovers="$(find "$STATE_B" -name '*.codexsync-tmp-*')"
[[ -z "$leftovers" ]] || cs_fail "expected no temp file left in $STATE_B" "$leftovers"
assert_tree_unchanged cloud

release_file
sync_ok b
assert_file_is "$STATE_B/$file" "new version from A"
assert_same_file "$SYNC_DIR/$file" "$STATE_B/$file"
assert_trees_equal "$STATE_A" "$STATE_B"
assert_tree_unchanged cloud

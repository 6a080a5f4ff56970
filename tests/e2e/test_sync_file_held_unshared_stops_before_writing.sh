# Windows: a file that another program holds open without sharing (share
# mode 0: nobody else may even read it) while a sync wants to replace it. The
# run must back the file up before replacing it and cannot read it, so it stops
# with exit 5 (fail-safe) before writing anything, naming the file; the file,
# the rest of the state folder and the cloud folder are untouched, and the
# first sync after the file is released brings the new version. A hold of a
# moment (an indexer, a virus scanner) is waited for: the backup retries its
# open for about 2 s.
# (POSIX has no share modes: skipped there.)
source "$(dirname "$0")/lib.sh"

file="skills/held/SKILL.md"
sync_setup --empty-b
put_file "$STATE_A/$file" "old version" "2026-02-01 12:00:00"
put_file "$STATE_A/skills/other/SKILL.md" "other, first" "2026-02-01 12:00:00"
sync_ok a
sync_ok b
put_file "$STATE_A/$file" "new version from A" "2026-02-02 12:00:00"
put_file "$STATE_A/skills/other/SKILL.md" "other, second" "2026-02-02 12:00:00"
sync_ok a
snapshot_tree before "$STATE_B" "$SYNC_DIR"

hold_file "$STATE_B/$file" none
cs_b sync --apply
assert_exit 5
assert_stderr_contains "cannot back up local:$file"
assert_stderr_contains "Sharing violation"
assert_stderr_contains "run again once the file is readable"
assert_tree_unchanged before

release_file
sync_ok b
assert_file_is "$STATE_B/$file" "new version from A"
assert_same_file "$SYNC_DIR/$file" "$STATE_B/$file"
assert_trees_equal "$STATE_A" "$STATE_B"

# A hold of about a second ends while the backup retries: the run goes on.
put_file "$STATE_A/$file" "a third version" "2026-02-03 12:00:00"
sync_ok a
hold_file "$STATE_B/$file" none 1
cs_b sync --apply
assert_exit 0
assert_file_is "$STATE_B/$file" "a third version"

# Two paths that differ only in letter case (skills/Review/SKILL.md here,
# skills/review/SKILL.md in the cloud) would be one file on a
# case-insensitive disk: `sync --apply` exits 2 naming both and writes
# nothing.
source "$(dirname "$0")/lib.sh"

sync_setup --empty-b
sync_ok a
mv "$STATE_A/skills/review" "$STATE_A/skills/Review"

snapshot_sync_state before
cs_a sync --apply
assert_exit 2
assert_stdout_contains "names differ only in letter case or Unicode form (skills/Review/SKILL.md, skills/review/SKILL.md)"
assert_stderr_contains "skills/Review/SKILL.md: here"
assert_stderr_contains "skills/review/SKILL.md: here missing; cloud"
assert_tree_unchanged before

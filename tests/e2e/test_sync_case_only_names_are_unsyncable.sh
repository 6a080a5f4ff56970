# Two paths that differ only in letter case (skills/Review/SKILL.md here,
# skills/review/SKILL.md in the cloud) would be one file on a
# case-insensitive disk: `sync --apply` lists both as unsyncable, leaves
# both where they are (nothing copied, nothing deleted), syncs the rest and
# exits 0.
source "$(dirname "$0")/lib.sh"

sync_setup --empty-b
cs_set_key "$CONFIG_A" sync delete_policy '"propagate"'
sync_ok a
mv "$STATE_A/skills/review" "$STATE_A/skills/Review"
put_file "$STATE_A/skills/other/SKILL.md" "synced all the same"

cs_a sync --apply
assert_exit 0
assert_stdout_matches '^  UNSYNCABLE +skills/Review/SKILL.md .*names differ only in letter case or Unicode form \(skills/Review/SKILL.md, skills/review/SKILL.md\)'
assert_stdout_matches '^  UNSYNCABLE +skills/review/SKILL.md '
assert_stdout_contains "2 unsyncable"
assert_stderr_contains "skills/Review/SKILL.md"
assert_same_file "$STATE_A/skills/other/SKILL.md" "$SYNC_DIR/skills/other/SKILL.md"
# Neither name was copied over nor deleted anywhere.
assert_no_file "$SYNC_DIR/skills/Review/SKILL.md"
assert_file_exists "$SYNC_DIR/skills/review/SKILL.md"
assert_file_exists "$STATE_A/skills/Review/SKILL.md"

# Renaming it back settles it: the next run has nothing to do for it.
mv "$STATE_A/skills/Review" "$STATE_A/skills/review"
cs_a sync --apply
assert_exit 0
assert_stdout_not_contains "UNSYNCABLE"

# An empty side facing a non-empty baseline is a stop, not a wipe: when the
# agent's folder holds no file at all any more (wiped, or another folder
# mounted there), a sync with delete_policy = "propagate" would delete the
# whole mirror; it stops with exit 5 instead, whatever max_delete_percent
# says. With delete_policy = "never" the same run copies everything back.
source "$(dirname "$0")/lib.sh"

sync_setup --empty-b
set_config a sync delete_policy '"propagate"'
set_config a sync max_delete_percent 100
# A single include root, so the plan's own "whole root missing" rule does not
# step in first.
set_config a targets include_roots '["skills/review/SKILL.md"]'
sync_ok a
rm "$STATE_A/skills/review/SKILL.md"

snapshot_sync_state before
cs_a sync --apply
assert_exit 5
assert_stderr_contains "the local side holds no file at all, though the last sync saw 1 there"
assert_tree_unchanged before

set_config a sync delete_policy '"never"'
sync_ok a
assert_file_exists "$STATE_A/skills/review/SKILL.md"

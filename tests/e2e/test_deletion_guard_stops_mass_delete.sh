# The deletion guard: with delete_policy = "propagate", deleting 80% of the
# files on one side makes `sync --apply` (and a dry run, and `plan`) stop
# with exit 5 before anything is written, saying why and how to go on;
# `--force-deletes` carries the deletions out (each backed up first).
# max_delete_count stops smaller plans by count.
source "$(dirname "$0")/lib.sh"

sync_setup --empty-b
set_config a sync delete_policy '"propagate"'
rm -rf "$STATE_A/skills" "$STATE_A/sessions" "$STATE_A/plugins"
for i in 1 2 3 4 5 6 7 8 9 10; do
  put_file "$STATE_A/skills/s$i/SKILL.md" "skill $i" "2026-01-05 10:00:00"
done
sync_ok a

for i in 1 2 3 4 5 6 7 8; do
  rm -r "$STATE_A/skills/s$i"
done
snapshot_sync_state before
cs_a sync --apply
assert_exit 5
assert_stderr_contains "deletion guard: the plan deletes 8 of the 11 file(s) the last sync saw in the cloud folder (72%), more than max_delete_percent = 50"
assert_stderr_contains "--force-deletes"
assert_stdout_contains "Deletion guard:"
cs_a sync --dry-run
assert_exit 5
cs_a plan
assert_exit 5
assert_tree_unchanged before

# A count limit stops it too, and a higher share lets it through.
set_config a sync max_delete_percent 90
put_config a sync max_delete_count 5
cs_a sync --apply
assert_exit 5
assert_stderr_contains "the plan deletes 8 file(s) in the cloud folder, more than max_delete_count = 5"
assert_tree_unchanged before

cs_a sync --apply --force-deletes
assert_exit 0
assert_stdout_contains "8 deleted, 8 backed up"
for i in 1 2 3 4 5 6 7 8; do
  assert_no_file "$SYNC_DIR/skills/s$i/SKILL.md"
  assert_backed_up cloud "skills/s$i/SKILL.md" "skill $i"
done
assert_file_is "$SYNC_DIR/skills/s9/SKILL.md" "skill 9"

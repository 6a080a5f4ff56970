# `restore` without --apply (and with --dry-run, and with --json) lists what
# it would put back and writes nothing: not the file, not a backup, not a
# journal.
source "$(dirname "$0")/lib.sh"

make_cloud_overwrite
snapshot_sync_state before
for args in "restore --target cloud" "restore --target cloud --dry-run" "--json restore --target cloud"; do
  # shellcheck disable=SC2086 # the words of each run
  cs_b $args
  assert_exit 0
  assert_tree_unchanged before
done
cs_b restore --target cloud
assert_stdout_matches "^  put back +cloud +$(re "$REVIEW") "
assert_stdout_contains "Summary: 1 to put back, 0 to remove, 0 unchanged, 0 refused"
assert_stdout_contains "Dry run: nothing was written."
cs_b --json restore --target cloud
assert_stdout_json
json_check 'd["applied"] is False' 'd["items"][0]["step"] == "put back" and d["items"][0]["path"] == "skills/review/SKILL.md"'
assert_file_is "$SYNC_DIR/$REVIEW" "edited on B"

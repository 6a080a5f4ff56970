# doctor is read-only: on a fresh setup whose cloud subfolders do not exist yet
# it creates none of them (no cloud, backup, temp, log or manifest folder), and
# nothing anywhere in the sandbox changes, with or without --json and -v.
source "$(dirname "$0")/lib.sh"

make_machine a
make_cloud
init_config_for a
snapshot_tree before "$T"

for args in "doctor" "--json doctor" "-v doctor"; do
  # shellcheck disable=SC2086 # the words of each run
  run_cs -c "$CONFIG_A" $args
  assert_exit 0
  assert_stdout_matches '^(Result: |  "result": )'
  assert_tree_unchanged before
done
assert_no_file "$CLOUD/sync"
assert_no_file "$CLOUD/backups"
assert_no_file "$CLOUD/.tmp"
assert_no_file "$CLOUD/logs"
assert_no_file "$CLOUD/state"

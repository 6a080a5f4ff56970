# When the workspace root (the cloud-synced folder) is missing, doctor shows a
# FAIL row for it, exits 5, and does not create it. (Its one write is its run
# record, kept aside here.)
source "$(dirname "$0")/lib.sh"
keep_run_records_aside

make_machine a
init_config_for a # $CLOUD is never made
snapshot_tree before "$T"

run_cs -c "$CONFIG_A" doctor
assert_exit 5
assert_stdout_matches "^FAIL +workspace_root +$(re "$CLOUD") does not exist"
assert_stdout_matches '^Result: FAIL'
assert_no_file "$CLOUD"
assert_tree_unchanged before
assert_file_contains "$(run_record a last-run.json)" '"exit_code": 5'

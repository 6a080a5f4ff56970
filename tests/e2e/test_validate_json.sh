# `validate --json` prints one JSON document with "valid": true and the
# resolved folders on stdout, and exits 0.
source "$(dirname "$0")/lib.sh"

make_machine a
make_cloud
minimal_config a | write_file "$CONFIG_A"

run_cs -c "$CONFIG_A" --json validate
assert_exit 0
assert_stdout_json
assert_stdout_contains '"valid": true'
assert_stdout_contains "\"machine_id\": \"machine-a\""
assert_stdout_contains "\"local_state_dir\": \"$STATE_A\""
assert_stdout_contains "\"cloud_root_dir\": \"$CLOUD/sync\""
assert_stdout_not_contains "Config is valid"

# `init-config --machine-id --local-state-dir --workspace-root --output` writes a
# commented config holding those values, which `validate` accepts as it is.
source "$(dirname "$0")/lib.sh"

make_machine a
make_cloud

run_cs init-config --output "$CONFIG_A" --machine-id machine-a --local-state-dir "$STATE_A" --workspace-root "$CLOUD"
assert_exit 0
assert_stdout_contains "Wrote $CONFIG_A"
assert_file_exists "$CONFIG_A"
assert_file_contains "$CONFIG_A" "# "
assert_file_contains "$CONFIG_A" "machine_id = 'machine-a'"

run_cs -c "$CONFIG_A" validate
assert_exit 0
assert_stdout_contains "Config is valid: $CONFIG_A"
assert_stdout_contains "machine id:         machine-a"
assert_stdout_contains "agent state folder: $STATE_A (from config)"
assert_stdout_contains "cloud mirror:       $CLOUD/sync"
assert_stderr_empty

# Machine A and machine B, each with its own state folder and config, can use
# the same cloud folder: both configs validate and pass doctor with their own
# machine id and state folder, and the same cloud mirror.
source "$(dirname "$0")/lib.sh"

make_machine a
make_machine b
make_cloud
init_config_for a
init_config_for b

run_cs -c "$CONFIG_A" validate
assert_exit 0
assert_stdout_contains "machine id:         machine-a"
assert_stdout_contains "agent state folder: $STATE_A (from config)"
assert_stdout_contains "cloud mirror:       $CLOUD/sync"

run_cs -c "$CONFIG_B" validate
assert_exit 0
assert_stdout_contains "machine id:         machine-b"
assert_stdout_contains "agent state folder: $STATE_B (from config)"
assert_stdout_contains "cloud mirror:       $CLOUD/sync"

run_cs -c "$CONFIG_A" doctor
assert_exit 0
run_cs -c "$CONFIG_B" doctor
assert_exit 0

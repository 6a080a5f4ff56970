# `doctor --json` prints one JSON document with a "checks" array of
# {name, status, message}, the overall result and exit_code, and exits 0.
source "$(dirname "$0")/lib.sh"

make_machine a
make_cloud
init_config_for a

run_cs -c "$CONFIG_A" --json doctor
assert_exit 0
assert_stdout_json
assert_stdout_contains '"checks": ['
assert_stdout_contains '"name": "local_state"'
assert_stdout_contains '"status": "PASS"'
assert_stdout_contains '"exit_code": 0'
assert_stdout_matches '"result": "(PASS|WARN)"'
assert_stdout_not_contains '"status": "FAIL"'
assert_stdout_not_contains 'Result:'

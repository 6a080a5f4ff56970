# `doctor --json` with a FAIL check exits 5 and says so in the document:
# a FAIL entry, "result": "FAIL" and "exit_code": 5.
source "$(dirname "$0")/lib.sh"

make_machine a
init_config_for a # $CLOUD is never made

run_cs -c "$CONFIG_A" --json doctor
assert_exit 5
assert_stdout_json
assert_stdout_contains '"name": "workspace_root"'
assert_stdout_contains '"status": "FAIL"'
assert_stdout_contains '"result": "FAIL"'
assert_stdout_contains '"exit_code": 5'

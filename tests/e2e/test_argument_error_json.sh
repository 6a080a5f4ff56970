# With --json, an argument error still exits 4 and also prints a JSON document
# with exit_code 4 on stdout for programs.
source "$(dirname "$0")/lib.sh"

run_cs --json synchronise
assert_exit 4
assert_stdout_json
assert_stdout_contains '"exit_code": 4'
assert_stderr_contains "unknown command 'synchronise'"

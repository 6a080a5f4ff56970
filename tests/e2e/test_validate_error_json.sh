# `validate --json` on an invalid config exits 4, prints the FILE:LINE:COL
# problem on stderr, and a JSON document with exit_code 4 and the same message
# on stdout.
source "$(dirname "$0")/lib.sh"

make_machine a
make_cloud
{
  minimal_config a
  printf '\n[conflict]\npolicy = "newest"\n'
} | write_file "$CONFIG_A"
line="$(grep -n '^policy = ' "$CONFIG_A" | cut -d: -f1)"

run_cs -c "$CONFIG_A" --json validate
assert_exit 4
assert_stderr_matches "^$(re "$CONFIG_A"):$line:[0-9]+: conflict.policy"
assert_stdout_json
assert_stdout_contains '"exit_code": 4'
assert_stdout_contains "$CONFIG_A:$line:"
assert_stdout_not_contains '"valid": true'

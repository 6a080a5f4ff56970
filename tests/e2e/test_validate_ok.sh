# `validate` on a good config exits 0, says "Config is valid" with the file and
# the resolved folders, and prints nothing on stderr.
source "$(dirname "$0")/lib.sh"

make_machine a
make_cloud
minimal_config a | write_file "$CONFIG_A"

run_cs -c "$CONFIG_A" validate
assert_exit 0
assert_stdout_contains "Config is valid: $CONFIG_A (found via -c)"
assert_stdout_contains "agent state folder: $STATE_A (from config)"
assert_stdout_contains "cloud mirror:       $CLOUD/sync"
assert_stdout_contains "backups:            $CLOUD/backups"
assert_stdout_contains "temp:               $CLOUD/.tmp"
assert_stdout_contains "include roots:      sessions, skills"
assert_stderr_empty

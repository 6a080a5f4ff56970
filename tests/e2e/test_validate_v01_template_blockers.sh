# The codexSync 0.1 template's allow_terminate_if_running = true and
# session_mode = "last_date_only" load, but validate refuses them: exit 4 naming
# both keys at their lines, in one run.
source "$(dirname "$0")/lib.sh"

mkdir -p "$HOME/.codex"
v01_config true last_date_only | write_file "$CONFIG_A"
terminate_line="$(grep -n '^allow_terminate_if_running = ' "$CONFIG_A" | cut -d: -f1)"
session_line="$(grep -n '^session_mode = ' "$CONFIG_A" | cut -d: -f1)"

run_cs -c "$CONFIG_A" validate
assert_exit 4
assert_stderr_matches "^$(re "$CONFIG_A"):$terminate_line:[0-9]+: process_detection.allow_terminate_if_running = true is refused"
assert_stderr_matches "^$(re "$CONFIG_A"):$session_line:[0-9]+: sync.session_mode = \"last_date_only\" is refused"
assert_stdout_not_contains "Config is valid"

# The codexSync 0.1 template's session_mode = "last_date_only" loads, but
# validate refuses it: exit 4 naming the key at its line. Its
# allow_terminate_if_running = true is accepted (closing the agent needs a
# confirmation or an explicit flag).
source "$(dirname "$0")/lib.sh"

mkdir -p "$HOME/.codex"
v01_config true last_date_only | write_file "$CONFIG_A"
session_line="$(grep -n '^session_mode = ' "$CONFIG_A" | cut -d: -f1)"

run_cs -c "$CONFIG_A" validate
assert_exit 4
assert_stderr_not_contains "allow_terminate_if_running"
assert_stderr_matches "^$(re "$CONFIG_A"):$session_line:[0-9]+: sync.session_mode = \"last_date_only\" is refused"
assert_stdout_not_contains "Config is valid"

# A config that loads but blocks every write (the codexSync 0.1 template's
# session_mode = "last_date_only") shows a FAIL row in doctor naming the key
# and FILE:LINE:COL; its allow_terminate_if_running = true is no blocker.
# (The exit code for config problems is checked in doctor_invalid_config_exits_4.)
source "$(dirname "$0")/lib.sh"

make_cloud
mkdir -p "$HOME/.codex"
v01_config true last_date_only | write_file "$CONFIG_A"
session_line="$(grep -n '^session_mode = ' "$CONFIG_A" | cut -d: -f1)"

run_cs -c "$CONFIG_A" doctor
[[ "$CS_EXIT" != 0 ]] || cs_fail "expected a non-zero exit code"
assert_stdout_not_contains "allow_terminate_if_running"
assert_stdout_matches "^FAIL +config_writable +$(re "$CONFIG_A"):$session_line:[0-9]+: sync.session_mode"

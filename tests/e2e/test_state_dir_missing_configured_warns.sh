# A configured paths.local_state_dir that does not exist is not silently
# replaced: validate warns at that line, naming the missing folder and the
# folder used instead.
source "$(dirname "$0")/lib.sh"

make_cloud
mkdir -p "$HOME/.codex" "$MACHINE_A"
minimal_config a | write_file "$CONFIG_A" # $STATE_A is never made
line="$(grep -n '^local_state_dir = ' "$CONFIG_A" | cut -d: -f1)"

run_cs -c "$CONFIG_A" validate
assert_exit 0
assert_stderr_matches "^$(re "$CONFIG_A"):$line:[0-9]+: warning: paths.local_state_dir $(re "$STATE_A") does not exist; using $(re "$HOME")/.codex"
assert_stdout_contains "agent state folder: $HOME/.codex (from ~/.codex)"

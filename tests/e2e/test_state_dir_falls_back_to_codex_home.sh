# Without paths.local_state_dir, the agent's state folder is $CODEX_HOME, and
# validate says where it came from.
source "$(dirname "$0")/lib.sh"

make_machine a
make_cloud
mkdir -p "$HOME/.codex" # present, but CODEX_HOME comes first
minimal_config a | grep -v '^local_state_dir = ' | write_file "$CONFIG_A"

CODEX_HOME="$STATE_A" run_cs -c "$CONFIG_A" validate
assert_exit 0
assert_stdout_contains "agent state folder: $STATE_A (from CODEX_HOME)"

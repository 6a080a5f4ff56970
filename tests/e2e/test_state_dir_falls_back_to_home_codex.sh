# Without paths.local_state_dir and $CODEX_HOME, the agent's state folder is
# ~/.codex, and validate says where it came from.
source "$(dirname "$0")/lib.sh"

make_cloud
mkdir -p "$HOME/.codex"
minimal_config a | grep -v '^local_state_dir = ' | write_file "$CONFIG_A"

run_cs -c "$CONFIG_A" validate
assert_exit 0
assert_stdout_contains "agent state folder: $HOME/.codex (from ~/.codex)"

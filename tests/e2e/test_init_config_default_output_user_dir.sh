# Without --output, -c or $CODEXSYNC_CONFIG, init-config writes
# $XDG_CONFIG_HOME/codexsync/config.toml (making the folder), where the other
# commands then find it.
source "$(dirname "$0")/lib.sh"

make_machine a
make_cloud

run_cs init-config --machine-id machine-a --local-state-dir "$STATE_A" --workspace-root "$CLOUD"
assert_exit 0
assert_file_exists "$XDG_CONFIG_HOME/codexsync/config.toml"
assert_no_file "$T/config.toml"

run_cs validate
assert_exit 0
assert_stdout_contains "Config is valid: $XDG_CONFIG_HOME/codexsync/config.toml (found via user config folder)"

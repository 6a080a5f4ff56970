# $CODEXSYNC_CONFIG naming a missing file exits 4, names the file and the
# variable, and does not fall back to the user config folder.
source "$(dirname "$0")/lib.sh"

make_machine a --empty
make_cloud
mkdir -p "$XDG_CONFIG_HOME/codexsync"
minimal_config a >"$XDG_CONFIG_HOME/codexsync/config.toml"

CODEXSYNC_CONFIG="$T/nowhere/codexsync.toml" run_cs validate
assert_exit 4
assert_stderr_contains "$T/nowhere/codexsync.toml"
assert_stderr_contains "CODEXSYNC_CONFIG"
assert_stdout_not_contains "Config is valid"
assert_no_file "$T/nowhere"

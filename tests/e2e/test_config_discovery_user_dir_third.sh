# Without -c and $CODEXSYNC_CONFIG, $XDG_CONFIG_HOME/codexsync/config.toml wins
# over ./config.toml.
source "$(dirname "$0")/lib.sh"

make_machine a --empty
make_cloud
mkdir -p "$XDG_CONFIG_HOME/codexsync"
minimal_config a | sed "s/machine-a/from-user/" >"$XDG_CONFIG_HOME/codexsync/config.toml"
minimal_config a | sed "s/machine-a/from-cwd/" >"$T/config.toml"

run_cs validate
assert_exit 0
assert_stdout_contains "machine id:         from-user"
assert_stdout_contains "$XDG_CONFIG_HOME/codexsync/config.toml"
assert_stdout_contains "(found via user config folder)"

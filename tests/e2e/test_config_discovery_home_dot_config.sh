# With XDG_CONFIG_HOME unset, the user config folder is ~/.config/codexsync.
source "$(dirname "$0")/lib.sh"

make_machine a --empty
make_cloud
mkdir -p "$HOME/.config/codexsync"
minimal_config a | sed "s/machine-a/from-home/" >"$HOME/.config/codexsync/config.toml"
unset XDG_CONFIG_HOME

run_cs validate
assert_exit 0
assert_stdout_contains "machine id:         from-home"
assert_stdout_contains "(found via user config folder)"

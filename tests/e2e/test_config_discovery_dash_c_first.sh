# `-c FILE` wins over $CODEXSYNC_CONFIG, the user config folder and ./config.toml.
source "$(dirname "$0")/lib.sh"

make_machine a --empty
make_cloud
for where in dash-c env user cwd; do
  minimal_config a | sed "s/machine-a/from-$where/" >"$T/$where.toml"
done
mkdir -p "$XDG_CONFIG_HOME/codexsync"
cp "$T/user.toml" "$XDG_CONFIG_HOME/codexsync/config.toml"
cp "$T/cwd.toml" "$T/config.toml"

CODEXSYNC_CONFIG="$T/env.toml" run_cs -c "$T/dash-c.toml" validate
assert_exit 0
assert_stdout_contains "machine id:         from-dash-c"
assert_stdout_contains "(found via -c)"

# With no -c, no $CODEXSYNC_CONFIG and no user config, ./config.toml is used.
source "$(dirname "$0")/lib.sh"

make_machine a --empty
make_cloud
mkdir -p "$T/work"
minimal_config a | sed "s/machine-a/from-cwd/" >"$T/work/config.toml"
cd "$T/work"

run_cs validate
assert_exit 0
assert_stdout_contains "machine id:         from-cwd"
assert_stdout_contains "(found via current folder)"

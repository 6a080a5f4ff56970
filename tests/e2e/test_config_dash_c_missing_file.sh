# `-c missing.toml` exits 4 and names that file; it does not fall back to
# another config, even when one exists.
source "$(dirname "$0")/lib.sh"

make_machine a --empty
make_cloud
mkdir -p "$XDG_CONFIG_HOME/codexsync"
minimal_config a >"$XDG_CONFIG_HOME/codexsync/config.toml"

run_cs -c missing.toml validate
assert_exit 4
assert_stderr_contains "$T/missing.toml"
assert_stderr_contains "not found"
assert_stdout_not_contains "Config is valid"
assert_no_file "$T/missing.toml"

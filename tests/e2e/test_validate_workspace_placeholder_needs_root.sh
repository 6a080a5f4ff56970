# ${workspace_root} without paths.workspace_root_dir exits 4 at the line that
# uses it and says to set workspace_root_dir.
source "$(dirname "$0")/lib.sh"

make_machine a
make_cloud
CFG_WORKSPACE="" CFG_BACKUP="$(toml_str "$T/backups")" CFG_TEMP="$(toml_str "$T/tmp")" minimal_config a |
  write_file "$CONFIG_A"
line="$(grep -n '^cloud_root_dir = ' "$CONFIG_A" | cut -d: -f1)"

run_cs -c "$CONFIG_A" validate
assert_exit 4
assert_stderr_matches "^$(re "$CONFIG_A"):$line:[0-9]+: paths.cloud_root_dir uses \\\$\{workspace_root\}"
assert_stderr_contains "workspace_root_dir is not set"

# The agent's state folder may not lie inside the cloud mirror (it would be
# synced into itself): exit 4, FILE:LINE:COL at paths.cloud_root_dir.
source "$(dirname "$0")/lib.sh"

make_machine a
make_cloud
CFG_CLOUD="$(toml_str "$MACHINE_A")" minimal_config a | write_file "$CONFIG_A"
line="$(grep -n '^cloud_root_dir = ' "$CONFIG_A" | cut -d: -f1)"

run_cs -c "$CONFIG_A" validate
assert_exit 4
assert_stderr_matches "^$(re "$CONFIG_A"):$line:[0-9]+: the agent's state folder .* lies inside the cloud mirror \(paths.cloud_root_dir\)"

# A cloud mirror whose path goes through a symlink to the agent's state folder
# lies inside that folder: validate exits 4 even though the text differs.
source "$(dirname "$0")/lib.sh"
skip_on_windows "symlinks (Wine shows a Unix symlink as the folder it points to)"

make_machine a
make_cloud
ln -s "$STATE_A" "$T/codex-link"
CFG_CLOUD="$(toml_str "$T/codex-link/mirror")" minimal_config a | write_file "$CONFIG_A"
line="$(grep -n '^cloud_root_dir = ' "$CONFIG_A" | cut -d: -f1)"

run_cs -c "$CONFIG_A" validate
assert_exit 4
assert_stderr_matches "^$(re "$CONFIG_A"):$line:[0-9]+: .*\(paths.cloud_root_dir\).* lies inside the agent's state folder"

# Folders are compared by their real paths: a backup_dir reached through a
# symlink to the cloud mirror is the same folder, so validate exits 4.
source "$(dirname "$0")/lib.sh"
skip_on_windows "symlinks (Wine shows a Unix symlink as the folder it points to)"

make_machine a
make_cloud
mkdir -p "$CLOUD/sync"
ln -s "$CLOUD/sync" "$T/looks-different"
CFG_BACKUP="$(toml_str "$T/looks-different")" minimal_config a | write_file "$CONFIG_A"
line="$(grep -n '^backup_dir = ' "$CONFIG_A" | cut -d: -f1)"

run_cs -c "$CONFIG_A" validate
assert_exit 4
assert_stderr_matches "^$(re "$CONFIG_A"):$line:[0-9]+: .*\(paths.cloud_root_dir\) and .*\(paths.backup_dir\) are the same folder"

# A Windows path written with the \\?\ long-path prefix means the same folder as
# without it: cloud_root_dir 'D:\Cloud\codexsync\sync' and backup_dir
# '\\?\D:\Cloud\codexsync\sync' are the same folder, so validate exits 4.
# (On Linux these are relative names; they resolve against the config's folder.)
source "$(dirname "$0")/lib.sh"

write_file "$CONFIG_A" <<'TOML'
[identity]
machine_id = "work-pc"

[paths]
local_state_dir = 'C:\Users\me\.codex'
cloud_root_dir = 'D:\Cloud\codexsync\sync'
backup_dir = '\\?\D:\Cloud\codexsync\sync'
temp_dir = '\\?\D:\Cloud\codexsync\.tmp'

[targets]
include_roots = ["skills"]
TOML

run_cs -c "$CONFIG_A" validate
assert_exit 4
assert_stderr_matches "^$(re "$CONFIG_A"):7:[0-9]+: .*\(paths.cloud_root_dir\) and .*\(paths.backup_dir\) are the same folder"
assert_stderr_not_contains "\\\\?\\" # the \\?\ prefix

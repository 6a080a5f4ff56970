# `schedule install --print` and `schedule remove --print` show, for any
# platform on any OS, the files and commands they would use, and change
# nothing: no file written, no scheduler tool called.
source "$(dirname "$0")/lib.sh"
skip_on_windows "systemd/launchd schedule files, their tools and the POSIX scripts (Windows: Task Scheduler, covered by schedule_script_windows_template and the XML golden files)"
source "$CS_E2E_DIR/schedule_lib.sh"

make_machine a
make_cloud
init_config_for a
for tool in systemctl launchctl schtasks; do
  stub_tool "$tool"
done
snapshot_tree home "$T/home"

run_cs -c "$CONFIG_A" schedule install --print --platform linux --every 2h
assert_exit 0
assert_stdout_contains "OnUnitActiveSec=2h"
assert_stdout_contains "# 5. systemctl --user enable codexsync-sync.timer"

run_cs -c "$CONFIG_A" schedule install --print --platform macos --at-login
assert_exit 0
assert_stdout_contains "<key>StartInterval</key>"
assert_stdout_contains "<integer>1800</integer>"
assert_stdout_matches "launchctl bootstrap gui/[0-9]+ $(re "$HOME/Library/LaunchAgents/org.codexsync.sync.plist")"

USERNAME=ann USERDOMAIN=CORP LOCALAPPDATA='C:\Users\ann\AppData\Local' \
  run_cs -c "$CONFIG_A" schedule install --print --platform windows --at-login --mode apply
assert_exit 0
assert_stdout_contains "(written as UTF-16LE with a byte-order mark; shown here as UTF-8)"
assert_stdout_contains "<LogonTrigger>"
assert_stdout_contains "<UserId>CORP\\ann</UserId>"
assert_stdout_contains 'schtasks /Create /XML'
assert_stdout_contains '/TN "\codexsync\codexsync sync (CORP-ann)" /F'

run_cs -c "$CONFIG_A" --json schedule install --print --platform linux
assert_exit 0
assert_stdout_json
assert_stdout_contains '"registered": false'

run_cs -c "$CONFIG_A" schedule remove --print --platform macos
assert_exit 0
assert_stdout_contains "launchctl bootout gui/"

[[ ! -s "$STUB_LOG" ]] || cs_fail "a scheduler tool was called" "$(cat "$STUB_LOG")"
assert_tree_unchanged home

# `schedule status` warns when the installed task runs a codexsync that no
# longer exists (a moved or uninstalled program) or another config, and says
# to run `schedule install` again.
source "$(dirname "$0")/lib.sh"
skip_on_windows "systemd/launchd schedule files, their tools and the POSIX scripts (Windows: Task Scheduler, covered by schedule_script_windows_template and the XML golden files)"
source "$CS_E2E_DIR/schedule_lib.sh"

make_machine a
make_cloud
init_config_for a
stub_tool systemctl 'case "$*" in *is-enabled*) echo enabled;; esac; exit 0'
mkdir -p "$T/old-bin"
cp "$(readlink -f "${CS_BIN[0]}")" "$T/old-bin/codexsync"

run_cs -c "$CONFIG_A" schedule install --binary "$T/old-bin/codexsync"
assert_exit 0
rm "$T/old-bin/codexsync"

cp "$CONFIG_A" "$T/other.toml"
run_cs -c "$T/other.toml" schedule status
assert_exit 0
assert_stdout_contains "Scheduled sync (linux): installed"
assert_stdout_contains "program   ANOTHER program"
assert_stdout_contains "config    ANOTHER config"
assert_stderr_contains "the task runs $T/old-bin/codexsync, which does not exist any more"
assert_stderr_contains "the task uses the config $CONFIG_A, not $T/other.toml"

run_cs -c "$T/other.toml" --json schedule status
assert_exit 0
assert_stdout_json
assert_stdout_contains '"binary_is_this": false'
assert_stdout_contains '"config_is_this": false'

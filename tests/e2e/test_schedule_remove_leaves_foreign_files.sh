# `schedule remove` removes only what `schedule install` wrote: a
# codexsync-sync.service a person wrote (without our marker line) is left in
# place, nothing is disabled, and the exit code is 5 (a person must look).
source "$(dirname "$0")/lib.sh"
skip_on_windows "systemd/launchd schedule files, their tools and the POSIX scripts (Windows: Task Scheduler, covered by schedule_script_windows_template and the XML golden files)"
source "$CS_E2E_DIR/schedule_lib.sh"

make_machine a
make_cloud
init_config_for a
stub_tool systemctl
units="$XDG_CONFIG_HOME/systemd/user"
mkdir -p "$units"
printf '[Service]\nType=oneshot\nExecStart=/usr/local/bin/my-own-sync\n' >"$units/codexsync-sync.service"

run_cs -c "$CONFIG_A" schedule remove
assert_exit 5
assert_stderr_contains "$units/codexsync-sync.service was not written by \`codexsync schedule install\`"
assert_file_contains "$units/codexsync-sync.service" "ExecStart=/usr/local/bin/my-own-sync"
[[ ! -s "$STUB_LOG" ]] || cs_fail "systemctl was called" "$(cat "$STUB_LOG")"

# install refuses to overwrite it too.
run_cs -c "$CONFIG_A" schedule install
assert_exit 5
assert_file_contains "$units/codexsync-sync.service" "ExecStart=/usr/local/bin/my-own-sync"

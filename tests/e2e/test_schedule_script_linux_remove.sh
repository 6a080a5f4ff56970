# scripts/scheduler/linux/remove.sh leaves no unit file behind and calls
# systemctl exactly as `codexsync schedule remove` does, also when disabling
# and reset-failed fail (a timer that is not loaded). A codexsync-sync.service
# without the marker line is refused (exit 5) by remove.sh and install.sh alike:
# the file stays, nothing else is written, systemctl is not called.
source "$(dirname "$0")/lib.sh"
skip_on_windows "systemd/launchd schedule files, their tools and the POSIX scripts (Windows: Task Scheduler, covered by schedule_script_windows_template and the XML golden files)"
source "$CS_E2E_DIR/schedule_lib.sh"

make_machine a
make_cloud
init_config_for a
stub_tool systemctl 'case "$*" in *disable*|*reset-failed*) exit 1;; esac; exit 0'
units="$XDG_CONFIG_HOME/systemd/user"

run_script linux/install.sh --binary "${CS_BIN[0]}" --config "$CONFIG_A" --every 1h --at-login
assert_exit 0
assert_file_exists "$units/codexsync-sync.timer"
: >"$STUB_LOG"
run_script linux/remove.sh
assert_exit 0
assert_stdout_contains "The scheduled sync is removed."
assert_no_file "$units/codexsync-sync.service"
assert_no_file "$units/codexsync-sync.timer"
cp "$STUB_LOG" "$T/by-script.log"

run_script linux/install.sh --binary "${CS_BIN[0]}" --config "$CONFIG_A" --every 1h --at-login
assert_exit 0
: >"$STUB_LOG"
run_cs -c "$CONFIG_A" schedule remove
assert_exit 0
cmp -s "$STUB_LOG" "$T/by-script.log" ||
  cs_fail "remove.sh and \`codexsync schedule remove\` called systemctl differently" \
    "$(diff -u "$STUB_LOG" "$T/by-script.log" || true)"
assert_calls_contain "systemctl --user disable --now codexsync-sync.timer"

# Nothing installed: still fine.
run_script linux/remove.sh
assert_exit 0

# A unit a person wrote.
mkdir -p "$units"
printf '[Service]\nType=oneshot\nExecStart=/usr/local/bin/my-own-sync\n' >"$units/codexsync-sync.service"
: >"$STUB_LOG"
run_script linux/remove.sh
assert_exit 5
assert_stderr_contains "$units/codexsync-sync.service was not written by \`codexsync schedule install\`"
assert_file_contains "$units/codexsync-sync.service" "ExecStart=/usr/local/bin/my-own-sync"
run_script linux/install.sh --binary "${CS_BIN[0]}" --config "$CONFIG_A"
assert_exit 5
assert_file_contains "$units/codexsync-sync.service" "ExecStart=/usr/local/bin/my-own-sync"
assert_no_file "$units/codexsync-sync.timer"
[[ ! -s "$STUB_LOG" ]] || cs_fail "systemctl was called" "$(cat "$STUB_LOG")"

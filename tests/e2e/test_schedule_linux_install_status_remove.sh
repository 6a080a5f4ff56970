# On Linux, `schedule install` writes the systemd user service and timer under
# $XDG_CONFIG_HOME/systemd/user, running this codexsync with an absolute -c,
# and enables the timer through `systemctl --user`; `schedule status` says it is
# installed, enabled and points at this binary and config; `schedule remove`
# disables it and leaves no file of ours behind.
source "$(dirname "$0")/lib.sh"
skip_on_windows "systemd/launchd schedule files, their tools and the POSIX scripts (Windows: Task Scheduler, covered by schedule_script_windows_template and the XML golden files)"
source "$CS_E2E_DIR/schedule_lib.sh"

make_machine a
make_cloud
init_config_for a
stub_tool systemctl 'case "$*" in *is-enabled*) echo enabled;; *is-active*) echo active;; esac; exit 0'
units="$XDG_CONFIG_HOME/systemd/user"

run_cs -c "$CONFIG_A" schedule install --every 1h --at-login
assert_exit 0
assert_stdout_contains "Scheduled: codexsync sync (dry-run) every 1h and after sign-in."
assert_file_exists "$units/codexsync-sync.service"
assert_file_exists "$units/codexsync-sync.timer"
binary="$(readlink -f "${CS_BIN[0]}")"
assert_file_contains "$units/codexsync-sync.service" \
  "ExecStart=\"$binary\" \"-c\" \"$CONFIG_A\" \"--scheduled\" \"sync\" \"--dry-run\""
assert_file_contains "$units/codexsync-sync.timer" "OnUnitActiveSec=1h"
assert_file_contains "$units/codexsync-sync.timer" "OnStartupSec=1min"
assert_calls_contain "systemctl --user daemon-reload"
assert_calls_contain "systemctl --user enable codexsync-sync.timer"
assert_calls_contain "systemctl --user restart codexsync-sync.timer"

run_cs -c "$CONFIG_A" schedule status
assert_exit 0
assert_stdout_contains "Scheduled sync (linux): installed"
assert_stdout_contains "every     1h, and after sign-in"
assert_stdout_contains "program   this codexsync"
assert_stdout_contains "config    the config in use"
assert_stdout_contains "enabled: yes"
assert_stdout_contains "active: yes"
assert_stderr_not_contains "warning"

: >"$STUB_LOG"
run_cs -c "$CONFIG_A" schedule remove
assert_exit 0
assert_stdout_contains "The scheduled sync is removed."
assert_calls_contain "systemctl --user disable --now codexsync-sync.timer"
assert_calls_contain "systemctl --user daemon-reload"
assert_no_file "$units/codexsync-sync.service"
assert_no_file "$units/codexsync-sync.timer"
left="$(find "$XDG_CONFIG_HOME" -name 'codexsync-sync*' -print)"
[[ -z "$left" ]] || cs_fail "files of the task were left behind" "$left"

stub_tool systemctl 'case "$*" in *is-enabled*) echo disabled; exit 1;; *is-active*) echo inactive; exit 3;; esac; exit 0'
run_cs -c "$CONFIG_A" schedule status
assert_exit 0
assert_stdout_contains "Scheduled sync (linux): not installed"
assert_stdout_contains "enabled: no"
assert_stdout_contains "codexsync schedule install"

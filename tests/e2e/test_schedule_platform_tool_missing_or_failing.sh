# When systemctl is not on PATH, `schedule install` exits 1 naming it and writes
# nothing; when systemctl fails, it exits 1 with the command and systemctl's own
# message, so the user knows what to fix.
source "$(dirname "$0")/lib.sh"
skip_on_windows "systemd/launchd schedule files, their tools and the POSIX scripts (Windows: Task Scheduler, covered by schedule_script_windows_template and the XML golden files)"
source "$CS_E2E_DIR/schedule_lib.sh"

make_machine a
make_cloud
init_config_for a
units="$XDG_CONFIG_HOME/systemd/user"

# codexsync runs with a PATH that has no systemctl at all.
mkdir -p "$T/bare-bin"
saved_bin=("${CS_BIN[@]}")
CS_BIN=(env "PATH=$T/bare-bin" "${CS_BIN[@]}")
run_cs -c "$CONFIG_A" schedule install
CS_BIN=("${saved_bin[@]}")
assert_exit 1
assert_stderr_contains "systemctl was not found on PATH, so nothing was changed"
assert_stderr_contains "--print"
[[ ! -e "$units" ]] || cs_fail "unit files were written although systemctl is missing"

stub_tool systemctl 'case "$*" in *enable*) echo "Failed to connect to bus: No medium found" >&2; exit 1;; esac; exit 0'
run_cs -c "$CONFIG_A" schedule install
assert_exit 1
assert_stderr_contains "\`systemctl --user enable codexsync-sync.timer\` failed (exit code 1)"
assert_stderr_contains "Failed to connect to bus: No medium found"
assert_stderr_contains "loginctl enable-linger"

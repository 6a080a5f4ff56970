# The units `schedule install` writes on Linux pass `systemd-analyze verify`
# (syntax, known settings, an ExecStart program that exists), for a config
# path with a space and a '%' (a systemd specifier unless doubled).
source "$(dirname "$0")/lib.sh"
skip_on_windows "systemd/launchd schedule files, their tools and the POSIX scripts (Windows: Task Scheduler, covered by schedule_script_windows_template and the XML golden files)"
source "$CS_E2E_DIR/schedule_lib.sh"

command -v systemd-analyze >/dev/null 2>&1 || skip_test "systemd-analyze is not installed (package systemd)"

make_machine a
make_cloud
init_config_for a
mkdir -p "$T/odd 100% dir"
cp "$CONFIG_A" "$T/odd 100% dir/config.toml"
stub_tool systemctl
units="$XDG_CONFIG_HOME/systemd/user"

run_cs -c "$T/odd 100% dir/config.toml" schedule install --every 30m --at-login --mode apply
assert_exit 0
assert_file_contains "$units/codexsync-sync.service" "\"$T/odd 100%% dir/config.toml\""

# verify needs no running user manager when given the unit files themselves.
mkdir -p "$T/run"
out="$(XDG_RUNTIME_DIR="$T/run" systemd-analyze --user verify "$units/codexsync-sync.service" \
  "$units/codexsync-sync.timer" 2>&1)" || cs_fail "systemd-analyze verify failed" "$out"
if grep -Ei 'unknown|invalid|ignoring|not executable|failed' <<<"$out"; then
  cs_fail "systemd-analyze verify complained" "$out"
fi

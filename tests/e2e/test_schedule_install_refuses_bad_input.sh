# `schedule install` refuses, with exit 4, a message naming the problem and
# nothing written or registered: an interval that is not a duration or is under
# 5 minutes, registering for another OS (without --print), a broken config, and
# --mode apply with a config that refuses writes.
source "$(dirname "$0")/lib.sh"
source "$CS_E2E_DIR/schedule_lib.sh"

make_machine a
make_cloud
init_config_for a
stub_tool systemctl

refused() {
  local want="$1"
  shift
  run_cs "$@"
  assert_exit 4
  assert_stderr_contains "$want"
  [[ ! -e "$XDG_CONFIG_HOME/systemd" ]] || cs_fail "something was written under $XDG_CONFIG_HOME/systemd"
  [[ ! -s "$STUB_LOG" ]] || cs_fail "systemctl was called" "$(cat "$STUB_LOG")"
}

case_not_a_duration() { refused "--every half-an-hour: not a duration; write it like 30m, 2h or 1h30m" \
  -c "$CONFIG_A" schedule install --every half-an-hour; }
case_too_short() { refused "the interval 4m is shorter than the minimum, 5m" -c "$CONFIG_A" schedule install --every 4m; }
case_unknown_mode() { refused "--mode" -c "$CONFIG_A" schedule install --mode sometimes; }
case_other_os() { refused "add --print to see what it would do on macos" -c "$CONFIG_A" schedule install --platform macos; }
case_broken_config() {
  printf '[paths\n' >broken.toml
  refused "broken.toml" -c "$CASE_DIR/broken.toml" schedule install
}
case_apply_with_write_blocker() {
  cp "$CONFIG_A" blocked.toml
  cs_set_key blocked.toml backup backup_before_overwrite false
  refused "backup_before_overwrite" -c "$CASE_DIR/blocked.toml" schedule install --mode apply
}

run_case "an interval that is not a duration" case_not_a_duration
run_case "an interval under 5 minutes" case_too_short
run_case "an unknown mode" case_unknown_mode
run_case "another OS without --print" case_other_os
run_case "a broken config" case_broken_config
run_case "--mode apply with a config that refuses writes" case_apply_with_write_blocker
finish_cases

# scripts/scheduler/linux/install.sh reads --every with the command's grammar
# (units d, h, m, s, largest first, each once; 5m to 31d): every spelling below
# that `codexsync schedule install` refuses, the script refuses with exit 4
# and a message, and every one it takes gives the same timer. Bad input of
# any kind (interval, program, config, mode, option, no systemctl) stops it
# before anything is written or systemctl is called.
source "$(dirname "$0")/lib.sh"
skip_on_windows "systemd/launchd schedule files, their tools and the POSIX scripts (Windows: Task Scheduler, covered by schedule_script_windows_template and the XML golden files)"
source "$CS_E2E_DIR/schedule_lib.sh"

make_machine a
make_cloud
init_config_for a
stub_tool systemctl
units="$XDG_CONFIG_HOME/systemd/user"

nothing_done() {
  [[ ! -e "$XDG_CONFIG_HOME/systemd" ]] || cs_fail "something was written" "$(find "$XDG_CONFIG_HOME/systemd")"
  [[ ! -s "$STUB_LOG" ]] || cs_fail "systemctl was called" "$(cat "$STUB_LOG")"
}

# refused EXIT MESSAGE INSTALL_OPTIONS...
refused() {
  local want_exit="$1" message="$2"
  shift 2
  run_script linux/install.sh "$@"
  assert_exit "$want_exit"
  assert_stderr_contains "$message"
  nothing_done
}

for every in 30 m 30x 30m1h 1h1h 0m 0s "" 1.5h -5m +5m 30M "30m " " 30m" 1h_30m 1hm 1d2h3m4s5s 999999999999999d; do
  run_cs -c "$CONFIG_A" schedule install --print --every "$every"
  assert_exit 4
  refused 4 "--every $every: not a duration" --binary "${CS_BIN[0]}" --config "$CONFIG_A" --every "$every"
done
refused 4 "the interval 4m59s is shorter than the minimum, 5m" --binary "${CS_BIN[0]}" --config "$CONFIG_A" --every 299s
refused 4 "the interval 31d1s is longer than the maximum, 31d" --binary "${CS_BIN[0]}" --config "$CONFIG_A" --every 31d1s

# Spellings both take give the same timer.
for every in 5m 300s 0d0h5m 007m 1d2h3m4s 31d; do
  run_script linux/install.sh --binary "${CS_BIN[0]}" --config "$CONFIG_A" --every "$every"
  assert_exit 0
  cp "$units/codexsync-sync.timer" "$T/by-script.timer"
  run_cs -c "$CONFIG_A" schedule install --binary "${CS_BIN[0]}" --every "$every"
  assert_exit 0
  cmp -s "$units/codexsync-sync.timer" "$T/by-script.timer" ||
    cs_fail "--every $every: install.sh wrote another timer" "$(diff -u "$units/codexsync-sync.timer" "$T/by-script.timer" || true)"
done
run_cs -c "$CONFIG_A" schedule remove
assert_exit 0
rm -rf "$XDG_CONFIG_HOME/systemd"
: >"$STUB_LOG"

refused 4 "--binary $T/missing/codexsync: no such executable program" --binary "$T/missing/codexsync" --config "$CONFIG_A"
printf 'not a program\n' >"$T/codexsync-not-executable"
refused 4 "no such executable program" --binary "$T/codexsync-not-executable" --config "$CONFIG_A"
refused 4 "the config $T/missing.toml does not exist" --binary "${CS_BIN[0]}" --config "$T/missing.toml"
refused 4 "the config $T is a folder, not a config file" --binary "${CS_BIN[0]}" --config "$T"
printf '[identity\n' >"$T/broken.toml"
refused 4 "does not pass \`codexsync validate\`" --binary "${CS_BIN[0]}" --config "$T/broken.toml"
refused 4 "--mode sometimes: use dry-run" --binary "${CS_BIN[0]}" --config "$CONFIG_A" --mode sometimes
refused 4 "unknown option '--every-day'" --binary "${CS_BIN[0]}" --config "$CONFIG_A" --every-day
refused 4 "--every needs a value" --binary "${CS_BIN[0]}" --config "$CONFIG_A" --every
# No codexsync on PATH and no --binary.
SCRIPT_SHELL="env PATH=$STUB_BIN:/usr/bin:/bin sh" refused 4 "codexsync was not found on PATH" --config "$CONFIG_A"

# No systemctl: a PATH with only what runs the script.
mkdir -p "$T/bare-path"
for tool in sh dirname; do
  ln -s "$(command -v "$tool")" "$T/bare-path/$tool"
done
SCRIPT_SHELL="env PATH=$T/bare-path sh" refused 1 "systemctl was not found on PATH, so nothing was changed" \
  --binary "${CS_BIN[0]}" --config "$CONFIG_A"

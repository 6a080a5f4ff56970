# scripts/scheduler/macos/install.sh, run on Linux with a stub launchctl and a
# sandbox HOME, writes the plist `codexsync schedule install --platform macos`
# would write (its --print --json "content"), byte for byte: program, config
# and HOME (so the log path) with '&', an apostrophe, '<', '>', '"', '%', '$'
# and spaces; with and without --at-login. It creates the log folder and makes
# the command's launchctl calls (bootout, bootstrap, enable for gui/<uid>);
# remove.sh makes the command's call (bootout) and deletes the plist, and
# refuses a plist without the marker line (exit 5).
source "$(dirname "$0")/lib.sh"
skip_on_windows "systemd/launchd schedule files, their tools and the POSIX scripts (Windows: Task Scheduler, covered by schedule_script_windows_template and the XML golden files)"
source "$CS_E2E_DIR/schedule_lib.sh"

command -v python3 >/dev/null 2>&1 ||
  skip_test "python3 is not installed; it reads the command's --print --json output to compare with"
make_machine a
make_cloud
stub_tool launchctl
export HOME="$T/home & 'co' <1>"
mkdir -p "$HOME"
odd="$T/odd 100% \$HOME & \"quoted\" <x>"
make_odd_inputs "$odd" "config 'main'.toml"
config="$ODD_CONFIG"
plist="$HOME/Library/LaunchAgents/org.codexsync.sync.plist"

# json_steps FILE: the written content and the programs run, from --print --json.
json_steps() {
  python3 - "$1" "$T/command.plist" "$T/command-calls.log" <<'EOF'
import json, sys
doc = json.load(open(sys.argv[1]))
with open(sys.argv[3], "w") as calls:
    for step in doc["steps"]:
        if "content" in step:
            open(sys.argv[2], "w").write(step["content"])
        if "run" in step:
            calls.write(" ".join(step["run"]) + "\n")
EOF
}

for login in --at-login --mode=dry-run; do
  : >"$STUB_LOG"
  run_script macos/install.sh --binary "$ODD_BINARY" --config "$config" --every 1h30m "$login"
  assert_exit 0
  assert_dir_exists "$HOME/Library/Logs/codexsync"
  run_cs -c "$config" --json schedule install --platform macos --print --binary "$ODD_BINARY" --every 1h30m "$login"
  assert_exit 0
  json_steps "$CS_RUN/stdout"
  cmp -s "$plist" "$T/command.plist" ||
    cs_fail "install.sh ($login) and the command wrote different plists" "$(diff -u "$T/command.plist" "$plist" || true)"
  cmp -s "$STUB_LOG" "$T/command-calls.log" ||
    cs_fail "install.sh called launchctl differently" "$(diff -u "$T/command-calls.log" "$STUB_LOG" || true)"
done
assert_file_contains "$plist" "<string>$T/home &amp; &apos;co&apos; &lt;1&gt;/Library/Logs/codexsync/scheduled-sync.log</string>"
assert_file_contains "$plist" "<false/>"

: >"$STUB_LOG"
run_script macos/remove.sh
assert_exit 0
assert_no_file "$plist"
run_cs --json schedule remove --platform macos --print
assert_exit 0
json_steps "$CS_RUN/stdout"
cmp -s "$STUB_LOG" "$T/command-calls.log" ||
  cs_fail "remove.sh called launchctl differently" "$(diff -u "$T/command-calls.log" "$STUB_LOG" || true)"

mkdir -p "${plist%/*}"
printf '<plist><dict><key>Label</key><string>mine</string></dict></plist>\n' >"$plist"
: >"$STUB_LOG"
run_script macos/remove.sh
assert_exit 5
assert_stderr_contains "$plist was not written by \`codexsync schedule install\`"
assert_file_contains "$plist" "<string>mine</string>"
[[ ! -s "$STUB_LOG" ]] || cs_fail "launchctl was called" "$(cat "$STUB_LOG")"

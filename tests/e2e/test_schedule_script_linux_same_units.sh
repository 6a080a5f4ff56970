# scripts/scheduler/linux/install.sh writes the same systemd units as
# `codexsync schedule install`, byte for byte, for the same inputs: a program
# and config under a path with a space, '%', '$', '&' and a double quote, with
# and without --at-login, 45m and 1h30m, both modes; run by dash (sh) and by
# bash --posix (macOS's /bin/sh is bash). The defaults agree too: the codexsync
# on PATH (a link, resolved) and a relative $CODEXSYNC_CONFIG with "..".
# systemctl is a stub; the calls are the command's.
source "$(dirname "$0")/lib.sh"
skip_on_windows "systemd/launchd schedule files, their tools and the POSIX scripts (Windows: Task Scheduler, covered by schedule_script_windows_template and the XML golden files)"
source "$CS_E2E_DIR/schedule_lib.sh"

make_machine a
make_cloud
stub_tool systemctl
units="$XDG_CONFIG_HOME/systemd/user"
odd="$T/odd 100% \$HOME & \"quoted\""
make_odd_inputs "$odd/bin"
binary="$ODD_BINARY"
config="$ODD_CONFIG"

# same_as_command INSTALL_OPTIONS...: the script's units, then the command's
# (after `schedule remove`), must be the same files; so must the systemctl calls.
same_as_command() {
  run_script linux/install.sh "$@"
  assert_exit 0
  rm -rf "$T/by-script"
  mkdir -p "$T/by-script"
  cp "$units/codexsync-sync.service" "$units/codexsync-sync.timer" "$STUB_LOG" "$T/by-script/"
  run_cs -c "$config" schedule remove
  assert_exit 0
  assert_no_file "$units/codexsync-sync.service"
  : >"$STUB_LOG"
  local options=() config_given=""
  while [[ $# -gt 0 ]]; do
    if [[ "$1" == --config ]]; then
      config_given="$2"
      shift 2
    else
      options+=("$1")
      shift
    fi
  done
  if [[ -n "$config_given" ]]; then
    run_cs -c "$config_given" schedule install "${options[@]}"
  else
    run_cs schedule install "${options[@]}"
  fi
  assert_exit 0
  local file
  for file in codexsync-sync.service codexsync-sync.timer; do
    cmp -s "$units/$file" "$T/by-script/$file" ||
      cs_fail "install.sh (${SCRIPT_SHELL:-sh}) and \`codexsync schedule install\` wrote different $file" \
        "$(diff -u "$units/$file" "$T/by-script/$file" || true)"
  done
  cmp -s "$STUB_LOG" "$T/by-script/stub-calls.log" ||
    cs_fail "install.sh called systemctl differently" "$(diff -u "$STUB_LOG" "$T/by-script/stub-calls.log" || true)"
  run_cs -c "$config" schedule remove
  assert_exit 0
  : >"$STUB_LOG"
}

for shell in sh "bash --posix"; do
  SCRIPT_SHELL="$shell"
  same_as_command --binary "$binary" --config "$config" --every 45m --at-login --mode apply
  same_as_command --binary "$binary" --config "$config" --every 1h30m
  same_as_command --binary "$binary" --config "$config" --every 1h30m --at-login --mode dry-run
  same_as_command --binary "$binary" --config "$config" --every=45m --mode=apply
done
SCRIPT_SHELL=sh
assert_file_contains "$T/by-script/codexsync-sync.service" 'ExecStart="'"$T"'/odd 100%% $$HOME & \"quoted\"/bin/codexsync"'

# The defaults: the codexsync on PATH (through a link) and $CODEXSYNC_CONFIG,
# relative to the working folder.
mkdir -p "$T/on-path"
ln -s "${CS_BIN[0]}" "$T/on-path/codexsync"
PATH="$T/on-path:$PATH" CODEXSYNC_CONFIG="nowhere/../${odd#"$T/"}/./bin/config.toml" same_as_command --every 2h
assert_file_contains "$T/by-script/codexsync-sync.service" \
  "ExecStart=\"$(readlink -f "${CS_BIN[0]}")\" \"-c\" \"$T/odd 100%% \$\$HOME & \\\"quoted\\\"/bin/config.toml\""

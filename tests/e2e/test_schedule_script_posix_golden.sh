# The Linux and macOS scheduler scripts, given the golden spec's inputs
# (tests/unit/support/golden_specs.hpp: program "/opt/codex sync/bin/codexsync",
# config "/home/ann/Cloud & Co/100% "sure"/$HOME.toml", 45m, --at-login, apply,
# log in /Users/ann/Library/Logs/codexsync), write the golden files, which the
# unit tests prove are what `codexsync schedule install` writes.
#
# The scripts write only where the real system would (under $HOME or
# $XDG_CONFIG_HOME) and check that the program exists, so the golden paths are
# rebuilt under the sandbox: /opt, /home/ann and /Users/ann (HOME) become
# $ROOT/opt, $ROOT/home/ann and $ROOT/Users/ann, and the golden files are
# compared with that one plain prefix put in front of each path. $ROOT holds
# no character that any escaping changes, so every escape the golden files
# show is the script's own. The program there is a stub that passes
# `validate`; the other script tests run the real codexsync.
source "$(dirname "$0")/lib.sh"
source "$CS_E2E_DIR/schedule_lib.sh"

golden="$CODEXSYNC_SOURCE_DIR/tests/golden/schedule"
ROOT="$T/root"
[[ "$ROOT" =~ ^[A-Za-z0-9/._-]+$ ]] || skip_test "the sandbox path $ROOT holds characters sed or the escapes would change"
stub_tool systemctl
stub_tool launchctl

binary="$ROOT/opt/codex sync/bin/codexsync"
config="$ROOT/home/ann/Cloud & Co/100% \"sure\"/\$HOME.toml"
mkdir -p "${binary%/*}" "${config%/*}"
printf '#!/bin/sh\nexit 0\n' >"$binary"
chmod +x "$binary"
printf '# the stub program does not read it\n' >"$config"

# expect GOLDEN LINES: the golden file with $ROOT in front of its paths, which
# stand on LINES lines.
expect() {
  sed -e "s|/opt/codex sync/|$ROOT/opt/codex sync/|" -e "s|/home/ann/|$ROOT/home/ann/|" \
    -e "s|/Users/ann/|$ROOT/Users/ann/|" "$golden/$1" >"$T/expected-$1"
  local changed
  changed="$(diff "$golden/$1" "$T/expected-$1" | grep -c '^>' || true)"
  [[ "$changed" == "$2" ]] || cs_fail "the prefix went into $changed lines of $1, not $2"
}
# same FILE GOLDEN LINES
same() {
  expect "$2" "$3"
  cmp -s "$1" "$T/expected-$2" || cs_fail "the script's $2 is not the golden file" \
    "$(diff -u "$T/expected-$2" "$1" || true)"
}

run_script linux/install.sh --binary "$binary" --config "$config" --every 45m --at-login --mode apply
assert_exit 0
same "$XDG_CONFIG_HOME/systemd/user/codexsync-sync.service" codexsync-sync.service 1
same "$XDG_CONFIG_HOME/systemd/user/codexsync-sync.timer" codexsync-sync.timer 0

HOME="$ROOT/Users/ann" run_script macos/install.sh --binary "$binary" --config "$config" --every 45m --at-login \
  --mode apply
assert_exit 0
same "$ROOT/Users/ann/Library/LaunchAgents/org.codexsync.sync.plist" org.codexsync.sync.plist 4

# shellcheck shell=bash
# Helpers for the `schedule` end-to-end tests; source after lib.sh.
#
#   stub_tool NAME [BODY]   puts a stand-in NAME first on PATH: it appends
#                           "NAME ARGS..." to $STUB_LOG, then runs BODY (sh;
#                           default: exit 0), so what codexsync asked the OS
#                           for can be checked without touching the real one.
#   assert_calls_contain LINE / assert_calls_not_contain LINE
#   run_script SCRIPT ARGS...
#                           runs scripts/scheduler/SCRIPT (e.g. linux/install.sh)
#                           like run_cs runs codexsync, so the assert_* helpers
#                           apply; with $SCRIPT_SHELL (default: sh).
#   make_odd_inputs DIR [NAME]
#                           puts codexsync at DIR/codexsync (a hard link, or a
#                           copy: a symbolic link would be resolved away) and a
#                           valid config for machine a at DIR/NAME (default
#                           config.toml); sets ODD_BINARY and ODD_CONFIG.

STUB_BIN="$T/stub-bin"
STUB_LOG="$T/stub-calls.log"
mkdir -p "$STUB_BIN"
: >"$STUB_LOG"
export PATH="$STUB_BIN:$PATH"

stub_tool() {
  local name="$1" body="${2:-exit 0}"
  {
    printf '#!/bin/sh\n'
    printf 'printf "%%s\\n" "%s $*" >>"%s"\n' "$name" "$STUB_LOG"
    printf '%s\n' "$body"
  } >"$STUB_BIN/$name"
  chmod +x "$STUB_BIN/$name"
}

assert_calls_contain() {
  grep -Fxq -- "$1" "$STUB_LOG" || cs_fail "expected the stub log to contain the call: $1" "calls: $(cat "$STUB_LOG")"
}
assert_calls_not_contain() {
  ! grep -Fq -- "$1" "$STUB_LOG" || cs_fail "expected no call like: $1" "calls: $(cat "$STUB_LOG")"
}

SCHEDULER_SCRIPTS="$CODEXSYNC_SOURCE_DIR/scripts/scheduler"
run_script() {
  local script="$1" saved=("${CS_BIN[@]}")
  shift
  read -r -a CS_BIN <<<"${SCRIPT_SHELL:-sh}"
  CS_BIN+=("$SCHEDULER_SCRIPTS/$script")
  run_cs "$@"
  CS_BIN=("${saved[@]}")
}

make_odd_inputs() {
  ODD_BINARY="$1/codexsync"
  ODD_CONFIG="$1/${2:-config.toml}"
  mkdir -p "$1"
  ln "${CS_BIN[0]}" "$ODD_BINARY" 2>/dev/null || cp "${CS_BIN[0]}" "$ODD_BINARY"
  run_cs init-config --output "$ODD_CONFIG" --machine-id machine-a --local-state-dir "$STATE_A" --workspace-root "$CLOUD"
  assert_exit 0
}

# shellcheck shell=bash
# Helpers for the `schedule` end-to-end tests; source after lib.sh.
#
#   stub_tool NAME [BODY]   puts a stand-in NAME first on PATH: it appends
#                           "NAME ARGS..." to $STUB_LOG, then runs BODY (sh;
#                           default: exit 0), so what codexsync asked the OS
#                           for can be checked without touching the real one.
#   assert_calls_contain LINE / assert_calls_not_contain LINE

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

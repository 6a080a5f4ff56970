#!/usr/bin/env bash
# Runs the Windows build of codexsync (or a test helper) under Wine as if a
# Windows user had typed the command, for the end-to-end tests:
#   scripts/wine-codexsync.sh PREFIX PROGRAM.exe [ARGS...]
# tests/CMakeLists.txt sets CODEXSYNC to this for the cross build, so the
# scripts in tests/e2e drive build-windows/codexsync.exe unchanged.
#
# What it translates (the build machine's / is drive Z: under Wine):
#   - arguments that are absolute Linux paths (/x, --opt=/x) become Z:/x;
#   - the path variables codexsync reads (CODEXSYNC_CONFIG, CODEX_HOME, ...);
#   - the user folders: %USERPROFILE% is $HOME, %APPDATA% is $XDG_CONFIG_HOME
#     and %LOCALAPPDATA% is $XDG_STATE_HOME (or $HOME/.config, $HOME/.local/state),
#     so the program finds its user config and writes its run records where
#     the same test finds them on Linux;
#   - on the way back, stdout and stderr: Z:/x becomes /x, Z:\x\y becomes
#     /x/y, and CRLF line ends become LF.
# Files the program writes (configs, logs, journals) keep their Windows paths.
#
# Wine cannot be told these user folders from the outside: it sets APPDATA,
# LOCALAPPDATA and USERPROFILE from the registry key "HKCU\Volatile
# Environment", which it writes anew whenever its wineserver starts. So this
# script keeps one wineserver running for the prefix (wineserver -p) and, once
# it runs, turns those values into %CODEXSYNC_WINE_APPDATA% and friends, which
# every later program started under it expands from its own environment. One
# live wineserver also makes a program start in tens of milliseconds instead
# of seconds. scripts/test-windows.sh stops it at the end (wineserver -k).
#
# Exit status: the program's; 125 when Wine cannot be set up.
set -uo pipefail

if (($# < 2)); then
  printf 'usage: wine-codexsync.sh PREFIX PROGRAM.exe [ARGS...]\n' >&2
  exit 2
fi
prefix="$1"
program="$2"
shift 2
script_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

export WINEPREFIX="$prefix"
# Quiet, but for Wine's memory-layout errors (see wine_cmd below).
export WINEDEBUG=-all,err+virtual
export WINEDLLOVERRIDES="${WINEDLLOVERRIDES:-mscoree,mshtml=}"
# The display, as in wine-run.sh: only CODEXSYNC_WINE_DISPLAY, never the
# desktop of whoever runs the tests.
unset WAYLAND_DISPLAY
if [[ -n "${CODEXSYNC_WINE_DISPLAY:-}" ]]; then
  export DISPLAY="$CODEXSYNC_WINE_DISPLAY"
else
  unset DISPLAY
fi

# Wine with address space randomisation off (setarch -R), as in wine-run.sh:
# Debian's wine64 has no preloader, and a randomised brk heap now and then
# covers Wine's fixed shared user data page, so that Wine ends with exit 1
# before the program starts ("failed to map the shared user data"). Where the
# personality cannot be set, Wine runs as is and such a start is retried.
wine_cmd=(wine)
if setarch "$(uname -m)" -R true >/dev/null 2>&1; then
  wine_cmd=(setarch "$(uname -m)" -R wine)
fi
k_wine_start_failure='failed to map the shared user data'

session_file="$prefix.session"
k_user_folders=(APPDATA LOCALAPPDATA USERPROFILE)

# The pid of the wineserver serving this prefix, or nothing.
wineserver_pid() {
  local pid
  for pid in $(pgrep '^wineserver' 2>/dev/null); do
    if { tr '\0' '\n' <"/proc/$pid/environ"; } 2>/dev/null | grep -qxF "WINEPREFIX=$prefix"; then
      printf '%s' "$pid"
      return 0
    fi
  done
  return 1
}

session_alive() {
  local pid
  [[ -f "$session_file" ]] || return 1
  pid="$(cat "$session_file" 2>/dev/null)"
  # Alive, a wineserver (Debian's is wineserver64) and not a zombie.
  [[ -n "$pid" && "$(cat "/proc/$pid/comm" 2>/dev/null)" == wineserver* ]] &&
    ! grep -q '^[0-9]* ([^)]*) Z' "/proc/$pid/stat" 2>/dev/null
}

start_session() {
  local pid name
  # The prefix itself (wineboot, some seconds the first time).
  "$script_dir/wine-run.sh" "$prefix" cmd /c exit 0 >/dev/null 2>&1 </dev/null || return 1
  # A persistent server: when one that is not (started by some wine) runs,
  # wait for it to end first.
  if ! wineserver -p600 >/dev/null 2>&1; then
    wineserver -w >/dev/null 2>&1 || true
    wineserver -p600 >/dev/null 2>&1 || return 1
  fi
  # A program to make sure the server has booted the session before the
  # registry is changed (wineboot rewrites the key at the start).
  "${wine_cmd[@]}" cmd /c exit 0 >/dev/null 2>&1 </dev/null || return 1
  for name in "${k_user_folders[@]}"; do
    "${wine_cmd[@]}" reg add 'HKCU\Volatile Environment' /v "$name" /t REG_EXPAND_SZ \
      /d "%CODEXSYNC_WINE_$name%" /f >/dev/null 2>&1 </dev/null || return 1
  done
  pid="$(wineserver_pid)" || return 1
  printf '%s' "$pid" >"$session_file"
}

if ! session_alive; then
  mkdir -p "$(dirname "$prefix")"
  exec 9>"$prefix.session.lock"
  flock 9
  if ! session_alive && ! start_session; then
    printf 'wine-codexsync.sh: could not start a Wine session in %s\n' "$prefix" >&2
    exit 125
  fi
  flock -u 9
  exec 9>&-
fi

# /x -> Z:/x
to_windows() {
  if [[ "$1" == /* ]]; then
    printf 'Z:%s' "$1"
  else
    printf '%s' "$1"
  fi
}

export CODEXSYNC_WINE_USERPROFILE="" CODEXSYNC_WINE_APPDATA="" CODEXSYNC_WINE_LOCALAPPDATA=""
if [[ -n "${HOME:-}" ]]; then
  CODEXSYNC_WINE_USERPROFILE="$(to_windows "$HOME")"
  CODEXSYNC_WINE_APPDATA="$(to_windows "${XDG_CONFIG_HOME:-$HOME/.config}")"
  CODEXSYNC_WINE_LOCALAPPDATA="$(to_windows "${XDG_STATE_HOME:-$HOME/.local/state}")"
fi
for name in CODEXSYNC_CONFIG CODEX_HOME CLAUDE_CONFIG_DIR GEMINI_CLI_HOME PI_CODING_AGENT_DIR; do
  if [[ -n "${!name:-}" ]]; then
    export "$name=$(to_windows "${!name}")"
  fi
done

args=()
for arg in "$@"; do
  if [[ "$arg" == /* ]]; then
    args+=("Z:$arg")
  elif [[ "$arg" =~ ^(--[a-z-]+=)(/.*)$ ]]; then
    args+=("${BASH_REMATCH[1]}Z:${BASH_REMATCH[2]}")
  else
    args+=("$arg")
  fi
done

# CODEXSYNC_WINE_EXEC=1: become the program (for one started in the background
# and killed by its pid, e.g. the tests' fake agent); its output is left as is.
if [[ "${CODEXSYNC_WINE_EXEC:-0}" == 1 ]]; then
  exec "${wine_cmd[@]}" "$program" "${args[@]}"
fi

out_dir="$(mktemp -d "${TMPDIR:-/tmp}/wine-codexsync.XXXXXX")" || exit 125
trap 'rm -rf "$out_dir"' EXIT
# A start that Wine itself gave up on (exit 1, its error on stderr, nothing
# of the program run) is tried again, twice at most; each is noted in
# PREFIX.wine-retries.
for _ in 1 2 3; do
  rc=0
  "${wine_cmd[@]}" "$program" "${args[@]}" >"$out_dir/stdout" 2>"$out_dir/stderr" || rc=$?
  if ((rc != 1)) || [[ -s "$out_dir/stdout" ]] || ! grep -q "$k_wine_start_failure" "$out_dir/stderr"; then
    break
  fi
  # test-windows.sh counts these.
  printf '%s: %s\n' "$program" "$k_wine_start_failure" >>"$prefix.wine-retries"
done

# Z:\a\b c -> /a/b c is not decidable in general; a Windows path runs up to the
# first character that cannot be in one here (space, quote, comma, ...).
back_to_linux() {
  sed -e 's/\r$//' \
    -e ':bs' -e 's#\([Zz]:[^ "'"'"',;]*\)\\#\1/#' -e 't bs' \
    -e 's#[Zz]:/#/#g' "$1"
}
back_to_linux "$out_dir/stdout"
back_to_linux "$out_dir/stderr" >&2
exit "$rc"

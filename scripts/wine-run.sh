#!/usr/bin/env bash
# Runs a Windows program under Wine in a prefix of its own, quietly:
#   scripts/wine-run.sh PREFIX PROGRAM.exe [ARGS...]
# The cross-build (cmake/toolchains/mingw-w64-x86_64.cmake) makes this CTest's
# emulator, so the unit tests and the test helpers run through it. PREFIX is
# created on first use (wineboot, some seconds); it never is the user's ~/.wine.
# Exit status: the program's, or 127 when Wine is missing.
set -euo pipefail

if (($# < 2)); then
  printf 'usage: wine-run.sh PREFIX PROGRAM.exe [ARGS...]\n' >&2
  exit 2
fi
export WINEPREFIX="$1"
shift

wine_bin="$(command -v wine || command -v wine64 || true)"
if [[ -z "$wine_bin" ]]; then
  printf 'wine-run.sh: Wine is not installed (apt-get install wine wine64).\n' >&2
  exit 127
fi

# No debug chatter but Wine's own memory-layout errors (see below); no Mono
# or Gecko install prompts.
export WINEDEBUG=-all,err+virtual
export WINEDLLOVERRIDES="${WINEDLLOVERRIDES:-mscoree,mshtml=}"
# No display, so no window shows up on the desktop of whoever runs the tests,
# unless the stage gives Wine one of its own: CODEXSYNC_WINE_DISPLAY (the
# Xvfb that scripts/test-windows.sh starts), with which programs can make
# windows. Wine binds the display to its session when the session starts.
unset WAYLAND_DISPLAY
if [[ -n "${CODEXSYNC_WINE_DISPLAY:-}" ]]; then
  export DISPLAY="$CODEXSYNC_WINE_DISPLAY"
else
  unset DISPLAY
fi
# scripts/wine-codexsync.sh makes the user folders %CODEXSYNC_WINE_APPDATA% and
# friends while its wineserver runs; other programs get Wine's own.
wine_user="$(id -un 2>/dev/null || echo user)"
export CODEXSYNC_WINE_USERPROFILE="${CODEXSYNC_WINE_USERPROFILE:-C:\\users\\$wine_user}"
export CODEXSYNC_WINE_APPDATA="${CODEXSYNC_WINE_APPDATA:-$CODEXSYNC_WINE_USERPROFILE\\AppData\\Roaming}"
export CODEXSYNC_WINE_LOCALAPPDATA="${CODEXSYNC_WINE_LOCALAPPDATA:-$CODEXSYNC_WINE_USERPROFILE\\AppData\\Local}"

# Debian's wine64 comes without Wine's preloader, so nothing reserves the
# addresses Wine needs before Linux lays out the process, and with address
# space randomisation the loader's brk heap (which starts at a random place in
# the 1 GiB after wine64, linked at 0x7d000000) now and then covers Wine's
# fixed shared user data page at 0x7ffe0000: Wine then stops with exit 1 before
# the program runs ("failed to map the shared user data: c0000018", an err
# that WINEDEBUG=-all hid). Without randomisation (setarch -R, inherited by
# the processes a program starts) the heap always follows wine64. Where the
# personality cannot be set (a seccomp profile that forbids it), Wine runs as
# before and the error at least shows (err+virtual above).
wine_cmd=("$wine_bin")
if setarch "$(uname -m)" -R true >/dev/null 2>&1; then
  wine_cmd=(setarch "$(uname -m)" -R "$wine_bin")
fi

if [[ ! -f "$WINEPREFIX/system.reg" ]]; then
  mkdir -p "$WINEPREFIX"
  # Two runs at once may both get here; a lock keeps to one wineboot.
  (
    flock 9
    if [[ ! -f "$WINEPREFIX/system.reg" ]]; then
      "${wine_cmd[@]}" wineboot --init >/dev/null 2>&1 || true
      wineserver_bin="$(command -v wineserver || true)"
      [[ -n "$wineserver_bin" ]] && "$wineserver_bin" --wait || true
    fi
  ) 9>"$WINEPREFIX.lock"
fi

exec "${wine_cmd[@]}" "$@"

#!/usr/bin/env bash
# Cross-builds codexsync for Windows (scripts/build-windows.sh) and runs its
# unit tests and end-to-end tests under Wine with CTest, in a fresh Wine
# prefix of their own (build-windows/wine-prefix, never ~/.wine). Extra
# arguments go to ctest, e.g. `./scripts/test-windows.sh -R unit.sha256` or
# `-L windows-e2e` (the e2e scripts only).
#
# The e2e scripts drive codexsync.exe through scripts/wine-codexsync.sh. One
# wineserver is kept running for the whole stage (it also carries the user
# folders the wrapper sets); it is stopped at the end. So is the Xvfb started
# for it (CODEXSYNC_WINE_DISPLAY), on which programs under Wine make windows.
#
# Unit tests that need a POSIX-only facility run on Windows as stand-ins named
# "skipped on Windows: <test>", each saying why; e2e scripts that do are
# reported by CTest as skipped, each printing why. Both counts are printed.
#
# Environment: JOBS=N (default 2), CI, CODEXSYNC_SKIP_DEPS (see build-windows.sh).
# CODEXSYNC_WINE_DISPLAY is set here (Xvfb's display), not taken from outside.
# Exit status: ctest's; 77 when the toolchain or Wine could not be had (the
# message says why); 1 when the build failed.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"
build_dir="$repo_root/build-windows"
prefix="$build_dir/wine-prefix"

status=0
./scripts/build-windows.sh || status=$?
if ((status != 0)); then
  exit "$status"
fi
if ! command -v wine >/dev/null 2>&1 && ! command -v wine64 >/dev/null 2>&1; then
  printf 'test-windows: Wine is not installed; run scripts/install-deps.sh --windows\n' >&2
  exit 77
fi

# A throwaway prefix for every run: no state carried over between runs.
stop_wineserver() {
  WINEPREFIX="$prefix" wineserver -k >/dev/null 2>&1 || true
}
stop_wineserver
rm -rf "$prefix" "$prefix.lock" "$prefix.session" "$prefix.session.lock" "$prefix.wine-retries"
started=$SECONDS

# An X server of its own for Wine (Xvfb, no screen, no network), so that
# programs under Wine can make windows: the tests of the polite close post
# WM_CLOSE to a fake agent's window. Wine binds its session to the display
# it starts with, so this comes before the prefix and the wineserver. The
# wrappers pass CODEXSYNC_WINE_DISPLAY on as DISPLAY; without it Wine has no
# display and those tests skip, saying why (under CI=true they fail).
xvfb_pid=""
stop_xvfb() {
  if [[ -n "$xvfb_pid" ]]; then
    kill "$xvfb_pid" 2>/dev/null || true
    wait "$xvfb_pid" 2>/dev/null || true
    xvfb_pid=""
  fi
}
start_xvfb() {
  local display_file="$build_dir/xvfb.display" tries=100
  if ! command -v Xvfb >/dev/null 2>&1; then
    printf 'test-windows: Xvfb is not installed (run scripts/install-deps.sh --windows): Wine gets no display, so the WM_CLOSE tests skip\n' >&2
    return 0
  fi
  rm -f "$display_file"
  # -displayfd: Xvfb picks a free display number and writes it once it listens.
  Xvfb -displayfd 9 -screen 0 1024x768x24 -nolisten tcp 9>"$display_file" >"$build_dir/xvfb.log" 2>&1 &
  xvfb_pid=$!
  while ((tries-- > 0)) && ! grep -q '^[0-9]' "$display_file" 2>/dev/null && kill -0 "$xvfb_pid" 2>/dev/null; do
    sleep 0.1
  done
  if ! grep -q '^[0-9]' "$display_file" 2>/dev/null; then
    printf 'test-windows: Xvfb did not start (see %s): Wine gets no display, so the WM_CLOSE tests skip\n' \
      "$build_dir/xvfb.log" >&2
    stop_xvfb
    return 0
  fi
  CODEXSYNC_WINE_DISPLAY=":$(tr -dc '0-9' <"$display_file")"
  export CODEXSYNC_WINE_DISPLAY
  printf 'test-windows: Wine draws its windows on Xvfb, display %s\n' "$CODEXSYNC_WINE_DISPLAY"
}
unset CODEXSYNC_WINE_DISPLAY
trap 'stop_wineserver; stop_xvfb' EXIT
start_xvfb
# The prefix, and the one wineserver every test of the stage runs under.
if ! ./scripts/wine-codexsync.sh "$prefix" cmd /c exit 0 >/dev/null 2>&1 </dev/null; then
  printf 'test-windows: Wine cannot start a program (wine cmd /c exit 0 failed in %s)\n' "$prefix" >&2
  exit 77
fi
printf 'test-windows: Wine prefix ready in %ss (%s)\n' "$((SECONDS - started))" "$prefix"
# The wrappers start Wine with address space randomisation off: without
# Wine's preloader (Debian ships none) a randomised heap now and then takes
# the address Wine needs, and Wine ends with exit 1 before the program runs.
if setarch "$(uname -m)" -R true >/dev/null 2>&1; then
  printf 'test-windows: Wine runs with address space randomisation off (setarch -R)\n'
else
  printf 'test-windows: setarch -R is not allowed here: Wine runs with randomisation on, %s\n' \
    'and a start it gives up on is retried (see docs/windows.md)' >&2
fi
trap 'stop_wineserver; stop_xvfb; rm -f "$prefix.session" "$prefix.session.lock"' EXIT

stand_ins="$(ctest --test-dir "$build_dir" -N -R 'skipped on Windows' | awk '/Total Tests:/ { print $3 }')"
printf 'test-windows: %s POSIX-only tests stand in as "skipped on Windows: ..." and say why\n' "${stand_ins:-0}"

e2e_skips="$(grep -l '^skip_on_windows ' tests/e2e/test_*.sh | wc -l)"
printf 'test-windows: %s e2e scripts are skipped under Wine (skip_on_windows), each saying why\n' "$e2e_skips"

status=0
if (($# > 0)); then
  ctest --test-dir "$build_dir" --output-on-failure --no-tests=error -j "${JOBS:-2}" "$@" || status=$?
else
  # The unit tests, then the e2e scripts: two runs, so that neither kind
  # shares the wineserver with the other (see docs/windows.md). Under Wine a
  # test that fails is run once more (--repeat until-pass:2): Wine itself now
  # and then hangs a process start or ends a run with exit 1 and no output
  # (seen in a fresh clone's CI run: the Toolhelp32 probe test timed out, a
  # sync exited 1 silently; both passed on their own). A test that fails
  # twice fails the stage; a Windows bug fails every time.
  ctest --test-dir "$build_dir" --output-on-failure --no-tests=error -j "${JOBS:-2}" --repeat until-pass:2 \
    -L unit || status=$?
  printf 'test-windows: unit tests done after %ss; now the e2e scripts\n' "$((SECONDS - started))"
  ctest --test-dir "$build_dir" --output-on-failure --no-tests=error -j "${JOBS:-2}" --repeat until-pass:2 \
    -L windows-e2e || status=$?
  untested="$(ctest --test-dir "$build_dir" -N -LE 'unit|windows-e2e' | awk '/Total Tests:/ { print $3 }')"
  if [[ "${untested:-0}" != 0 ]]; then
    printf 'test-windows: %s tests have neither the unit nor the windows-e2e label and did not run\n' "$untested" >&2
    status=1
  fi
fi
if [[ -s "$prefix.wine-retries" ]]; then
  printf 'test-windows: Wine gave up on %s program starts, each started again:\n' \
    "$(wc -l <"$prefix.wine-retries")"
  sort "$prefix.wine-retries" | uniq -c
fi
printf 'test-windows: the Windows tests took %ss in all\n' "$((SECONDS - started))"
exit "$status"

# Windows stage only: both Wine wrappers start Wine with address space
# randomisation off (setarch -R). Debian's wine64 has no preloader, so a
# randomised brk heap now and then covered Wine's fixed shared user data page
# (0x7ffe0000) and Wine ended with exit 1 before the program ran: the
# "exit 1, no output" that the Windows stage saw now and then. Checked on the
# running Wine process itself (/proc/PID/personality, ADDR_NO_RANDOMIZE), for
# scripts/wine-codexsync.sh (the e2e runs) and scripts/wine-run.sh (CTest's
# unit tests and helpers).
source "$(dirname "$0")/lib.sh"

((CS_ON_WINDOWS)) || skip_test "only the Windows stage starts programs under Wine"
setarch "$(uname -m)" -R true 2>/dev/null ||
  skip_test "this machine does not let a process turn randomisation off (setarch -R fails); the wrapper then retries a start that Wine gave up on instead (wine_start_failure_is_retried)"
helper="$CS_WINDOWS_HELPERS/fake_agent.exe"
[[ -f "$helper" ]] || cs_die_setup "the fake agent helper is not built ($helper)"
k_addr_no_randomize=$((0x0040000))

# check_personality WHAT PID: the process PID (the Wine process running
# fake_agent.exe, which prints its Windows pid first) has randomisation off.
check_personality() {
  local what="$1" pid="$2" out="$3" tries=100 personality
  while ((tries-- > 0)) && ! grep -q '^[0-9]' "$out" 2>/dev/null; do
    sleep 0.1
  done
  grep -q '^[0-9]' "$out" || cs_fail "$what: fake_agent.exe did not start (no pid printed)"
  personality="$(cat "/proc/$pid/personality" 2>/dev/null)" || cs_fail "$what: no process $pid"
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  (((0x$personality & k_addr_no_randomize) != 0)) ||
    cs_fail "$what: Wine runs with address space randomisation on (personality $personality)"
}

CODEXSYNC_WINE_EXEC=1 "${CS_WINE[@]}" "$helper" 20 >"$T/wrapper.out" 2>"$T/wrapper.err" </dev/null &
check_personality "scripts/wine-codexsync.sh" "$!" "$T/wrapper.out"

prefix="${CS_WINE[1]}"
"$CODEXSYNC_SOURCE_DIR/scripts/wine-run.sh" "$prefix" "$helper" 20 >"$T/run.out" 2>"$T/run.err" </dev/null &
check_personality "scripts/wine-run.sh" "$!" "$T/run.out"

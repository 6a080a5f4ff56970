# Windows stage only: a start that Wine itself gives up on ("failed to map the
# shared user data": exit 1 before the program runs, its error on stderr) is
# tried again by scripts/wine-codexsync.sh, so the test sees the program's own
# run, and the retry is noted in PREFIX.wine-retries for test-windows.sh to
# count. A fake `wine` first on PATH fails the first start of codexsync.exe
# that way and runs the real Wine after.
source "$(dirname "$0")/lib.sh"

((CS_ON_WINDOWS)) || skip_test "only the Windows stage starts programs under Wine"
real_wine="$(command -v wine)"
mkdir -p "$T/fake-wine"
cat >"$T/fake-wine/wine" <<FAKE
#!/usr/bin/env bash
case " \$* " in
  *codexsync.exe*)
    if [[ ! -e "$T/fake-wine/failed-once" ]]; then
      touch "$T/fake-wine/failed-once"
      printf '0024:err:virtual:virtual_alloc_first_teb wine: failed to map the shared user data: c0000018\n' >&2
      exit 1
    fi
    ;;
esac
exec "$real_wine" "\$@"
FAKE
chmod +x "$T/fake-wine/wine"
prefix="${CS_WINE[1]}"
retries_noted() {
  if [[ -f "$prefix.wine-retries" ]]; then
    wc -l <"$prefix.wine-retries"
  else
    echo 0
  fi
}
retries_before="$(retries_noted)"
# The stage reports the retries it saw: this test's own is taken back after.
if [[ -f "$prefix.wine-retries" ]]; then
  cp "$prefix.wine-retries" "$T/retries-before"
fi
restore_retries() {
  if [[ -f "$T/retries-before" ]]; then
    cp "$T/retries-before" "$prefix.wine-retries"
  else
    rm -f "$prefix.wine-retries"
  fi
}

PATH="$T/fake-wine:$PATH" run_cs --version
[[ -e "$T/fake-wine/failed-once" ]] || cs_fail "the fake wine was not used"
assert_exit 0
assert_stdout_contains "codexsync "
assert_stderr_empty
retries_after="$(retries_noted)"
restore_retries
((retries_after == retries_before + 1)) ||
  cs_fail "expected one more line in $prefix.wine-retries ($retries_before before, $retries_after after)"

# `codexsync unlock --stale` clears the run lock only when nobody holds it or
# its recorded holder on this host is gone; a live holder is left alone
# (exit 5, named). Without --stale it is an argument error.
source "$(dirname "$0")/lib.sh"
skip_on_windows "the run lock held by flock(1), a Linux lock that Windows' LockFileEx does not see (the Windows lock is unit-tested)"

command -v flock >/dev/null 2>&1 || skip_test "flock(1) is not installed"
make_machine a
make_cloud
init_config_for a
mkdir -p "$CLOUD/.tmp/locks"
lock="$CLOUD/.tmp/locks/machine-a.lock"

run_cs -c "$CONFIG_A" unlock
assert_exit 4

run_cs -c "$CONFIG_A" unlock --stale
assert_exit 0
assert_stdout_contains "Not locked"

# A live holder: a background flock, recorded as the holder.
flock -x "$lock" sleep 30 &
holder=$!
sleep 0.3
printf '{"pid":%s,"host":"%s","started":"2026-11-24T00:00:00Z","command":"sync --apply"}' \
  "$holder" "$(hostname)" >"$lock.json"
run_cs -c "$CONFIG_A" unlock --stale
assert_exit 5
assert_stderr_contains "held by a running process (pid $holder"
assert_file_exists "$lock"

run_cs -c "$CONFIG_A" sync --apply
assert_exit 5
assert_stderr_contains "pid $holder on $(hostname)"

pkill -P "$holder" sleep || true # the sleep holds the lock's file descriptor too
kill "$holder" 2>/dev/null || true
wait "$holder" 2>/dev/null || true
run_cs -c "$CONFIG_A" unlock --stale
assert_exit 0
assert_stdout_contains "Not locked"

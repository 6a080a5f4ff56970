# The scheduled case, nothing changed: `sync --apply` rewrites neither the
# baseline nor a delivery record, and while the delivery records and the
# mirror are exactly as its last clean run left them it does not even open the
# records. A record that changes (even with its size and mtime put back) is
# read and checked again, and so is a mirror that no longer holds what the
# baseline saw; a record nobody can read is never taken as settled.
source "$(dirname "$0")/lib.sh"
skip_on_windows "strace, to count the files read and written"
source "$CS_E2E_DIR/transport_lib.sh"

sync_setup
sync_ok a
sync_ok b
sync_ok a # pulls what B pushed; both are now settled
sync_ok b

# Nothing changed: nothing of the sync state is rewritten.
snapshot_tree records "$CLOUD/state/delivery"
baseline="$CLOUD/state/manifest.machine-a.json"
assert_file_exists "$baseline"
baseline_before="$(stat -c '%s %.9Y %i' "$baseline")"
cs_a sync --apply
assert_exit 0
assert_tree_unchanged records
[[ "$(stat -c '%s %.9Y %i' "$baseline")" == "$baseline_before" ]] || cs_fail "a no-op sync rewrote $baseline"

# Settled: the delivery records are not even opened (strace lists the files
# the run opens).
command -v strace >/dev/null || skip_test "strace is not installed (scripts/install-deps.sh installs it)"
saved_prefix=("${CS_TIMEOUT[@]}")
CS_TIMEOUT=("${saved_prefix[@]}" strace -f -qq -e trace=openat -o "$T/trace")
cs_a sync --apply
CS_TIMEOUT=("${saved_prefix[@]}")
assert_exit 0
grep -q 'manifest.machine-a.json' "$T/trace" || cs_fail "expected the trace to show the baseline being read"
if grep -q 'state/delivery/machine-' "$T/trace"; then
  cs_fail "a settled no-op opened a delivery record" "$(grep 'state/delivery/' "$T/trace")"
fi

# B's record replaced by garbage of the same size, its mtime put back: the
# change is still seen (its ctime moved), the record read and reported. (A's
# own record no longer claims the files B replaced since A pulled them, so
# nothing older resurfaces: exit 0.)
record="$(delivery_record machine-b)"
when="$(stat -c '%.9Y' "$record")"
size="$(stat -c '%s' "$record")"
cp "$record" "$T/record-b"
head -c "$size" /dev/zero | tr '\0' '#' >"$record"
touch -d "@$when" "$record"
cs_a sync --apply
assert_exit 0
assert_stderr_contains "a delivery record cannot be read and is ignored"
assert_stderr_contains "$record"

# B's record back as it was (another mtime than A remembers: read again, fine).
cp -p "$T/record-b" "$record"
touch "$record"
cs_a sync --apply
assert_exit 0
assert_stderr_not_contains "delivery record cannot be read"

# The records unchanged, a file B wrote missing from the mirror: a run that
# lists the mirror finds it not as the baseline saw it, so the check runs and
# stops on B's claim. (A plain run does not list the mirror while nothing was
# delivered: see test_sync_noop_takes_mirror_as_left.)
claimed="$(grep -o '"sessions/[^"]*"' "$record" | head -1 | tr -d '"')"
[[ -n "$claimed" ]] || cs_fail "expected B's record to claim a session file"
cs_a sync --apply
assert_exit 0
rm "$SYNC_DIR/$claimed"
cs_a sync --apply --full-scan
assert_exit 5
assert_stderr_contains "cloud folder still syncing"
assert_stderr_contains "$claimed: missing"
assert_file_exists "$STATE_A/$claimed"

# A record nobody can read (a third machine's, damaged) never counts as
# settled: every run reads it again and says so again.
cs_a sync --apply --accept-undelivered
assert_exit 0
printf 'not a record' >"$CLOUD/state/delivery/machine-c.json"
cs_a sync --apply
assert_exit 0
assert_stderr_contains "machine-c.json: damaged"
cs_a sync --apply
assert_exit 0
assert_stderr_contains "machine-c.json: damaged"

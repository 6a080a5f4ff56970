# The scheduled case, nothing changed: `sync --apply` rewrites neither the
# baseline nor a delivery record, and while the delivery records and the
# mirror are exactly as its last clean run left them it does not even read the
# records. A record that changes (another size or mtime) is read and checked
# again, and so is a mirror that no longer holds what the baseline saw.
source "$(dirname "$0")/lib.sh"
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

# B's record damaged but with the same size and mtime: not read (the shortcut).
record="$(delivery_record machine-b)"
when="$(stat -c '%.9Y' "$record")"
size="$(stat -c '%s' "$record")"
cp "$record" "$T/record-b"
head -c "$size" /dev/zero | tr '\0' '#' >"$record"
touch -d "@$when" "$record"
cs_a sync --apply
assert_exit 0
assert_stderr_not_contains "delivery record cannot be read"

# The same damage seen with a new mtime: read and reported (and, B's claims
# unknown, A's own older claims on the files B replaced no longer hold: exit 5).
touch -d "2026-06-01 12:00:00 UTC" "$record"
cs_a sync --apply
assert_exit 5
assert_stderr_contains "a delivery record cannot be read and is ignored"
assert_stderr_contains "$record"

# B's record back as it was (another mtime than A remembers: read again, fine).
cp -p "$T/record-b" "$record"
touch "$record"
cs_a sync --apply
assert_exit 0
assert_stderr_not_contains "delivery record cannot be read"

# The records unchanged, a file B wrote missing from the mirror: the mirror is
# not as the baseline saw it, so the check runs and stops on B's claim.
claimed="$(grep -o '"sessions/[^"]*"' "$record" | head -1 | tr -d '"')"
[[ -n "$claimed" ]] || cs_fail "expected B's record to claim a session file"
cs_a sync --apply
assert_exit 0
rm "$SYNC_DIR/$claimed"
cs_a sync --apply
assert_exit 5
assert_stderr_contains "cloud folder still syncing"
assert_stderr_contains "$claimed: missing"
assert_file_exists "$STATE_A/$claimed"

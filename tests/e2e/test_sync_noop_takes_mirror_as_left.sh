# The scheduled no-op's shortcut: while no delivery record changed since the
# last clean run, `sync` lists only the agent's folder and takes the cloud
# mirror as that run left it, and the plan says so. It is for the no-op only:
# a plan with anything in it is made again from a listing of the whole mirror,
# so a file edited by hand in the mirror while A changed it too is a conflict,
# never overwritten. `--full-scan`, an old last listing, `full_scan_hours = 0`,
# a peer's new record, and a mirror that the last listing did not find as the
# baseline saw it (a file only there) all list the mirror.
source "$(dirname "$0")/lib.sh"
source "$CS_E2E_DIR/transport_lib.sh"

not_listed="cloud mirror not listed"
sync_setup
sync_ok a
sync_ok b
sync_ok a # pulls what B pushed; both are now settled
assert_stdout_not_contains "$not_listed"
sync_ok b
# A's last listing found files new in the mirror (B's): it lists once more,
# and this time finds the mirror exactly as its baseline saw it.
sync_ok a
assert_stdout_not_contains "$not_listed"

# Nothing delivered since: the mirror is not listed, and the plan says so.
cs_a sync --apply
assert_exit 0
assert_stdout_contains "$not_listed"
assert_stdout_contains "--full-scan"
cs_a plan --json
assert_exit 0
assert_stdout_contains '"cloud_listed": false'

# A file removed from the mirror by hand is not seen by the shortcut (nothing
# is planned from it), but a full listing sees it.
victim="$(cd "$SYNC_DIR" && find sessions -name '*.jsonl' | LC_ALL=C sort | head -1)"
[[ -n "$victim" ]] || cs_fail "expected a chat in the mirror"
mv "$SYNC_DIR/$victim" "$T/victim"
cs_a sync --apply
assert_exit 0
assert_stdout_contains "$not_listed"
cs_a sync --apply --full-scan
assert_exit 5
assert_stdout_not_contains "$not_listed"
assert_stderr_contains "$victim"
mv "$T/victim" "$SYNC_DIR/$victim"
cs_a sync --apply --full-scan
assert_exit 0

# A file edited by hand in the mirror while A changed it too: A has something
# to send, so the mirror is listed after all, and both edits are seen (a
# conflict, and a file that is not what B's record says B wrote there).
cs_a sync --apply
assert_exit 0
assert_stdout_contains "$not_listed"
target="skills/review/SKILL.md"
[[ -f "$SYNC_DIR/$target" ]] || cs_fail "expected $target in the mirror"
put_file "$SYNC_DIR/$target" "edited by hand in the cloud folder" "2026-03-01 10:00:00"
put_file "$STATE_A/$target" "edited on A" "2026-03-01 11:00:00"
cs_a sync --apply
assert_exit 5
assert_stdout_not_contains "$not_listed"
assert_stdout_contains "CONFLICT"
assert_stdout_contains "$target"
assert_file_is "$SYNC_DIR/$target" "edited by hand in the cloud folder"
assert_file_is "$STATE_A/$target" "edited on A"
put_file "$SYNC_DIR/$target" "edited on A" "2026-03-01 11:00:00"
cs_a sync --apply --accept-undelivered
assert_exit 0
sync_ok a
assert_stdout_not_contains "$not_listed"
sync_ok a
assert_stdout_contains "$not_listed"

# The last full listing long ago: listed again, and the time renewed.
seen="$(find "$CLOUD/state" -name '*.machine-a.delivery-seen.txt')"
[[ -f "$seen" ]] || cs_fail "expected the remembered stamp beside A's baseline"
grep -q '^walked [0-9]*$' "$seen" || cs_fail "expected the time of the last listing in $seen" "$(cat "$seen")"
sed -i "s/^walked .*/walked $(($(date +%s) - 25 * 3600))/" "$seen"
sync_ok a
assert_stdout_not_contains "$not_listed"
sync_ok a
assert_stdout_contains "$not_listed"

# A file only in the mirror (put there by hand, no record says so) is seen by
# a full listing; that listing does not count as finding the mirror as the
# baseline saw it, so the next run lists it again.
put_file "$SYNC_DIR/skills/by-hand/SKILL.md" "put in the cloud folder by hand" "2026-03-03 10:00:00"
cs_a sync --apply --full-scan
assert_exit 0
cs_a sync --apply
assert_exit 0
assert_stdout_not_contains "$not_listed"
sync_ok a
assert_stdout_contains "$not_listed"

# full_scan_hours = 0: always listed.
put_config a sync full_scan_hours 0
sync_ok a
assert_stdout_not_contains "$not_listed"
put_config a sync full_scan_hours 6
sync_ok a
sync_ok a
assert_stdout_contains "$not_listed"

# A peer delivers: its record changed, so the mirror is listed (and B's new
# file pulled).
put_file "$STATE_B/skills/from-b/SKILL.md" "new on B" "2026-03-02 09:00:00"
sync_ok b
sync_ok a
assert_stdout_not_contains "$not_listed"
assert_file_is "$STATE_A/skills/from-b/SKILL.md" "new on B"
sync_ok a
assert_stdout_not_contains "$not_listed"
sync_ok a
assert_stdout_contains "$not_listed"

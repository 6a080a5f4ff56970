# A file gone from B's view of the cloud folder is deleted on B only when a
# delivery record says a machine deleted it (a tombstone), with
# delete_policy = "propagate": a file the cloud client has not delivered yet,
# or removed by hand, is kept and listed as kept apart; a deletion A made is
# carried over once it has arrived, and a deletion that has not arrived yet
# (A's record says deleted, the file is still in B's view) stops B with exit 5.
source "$(dirname "$0")/lib.sh"
source "$CS_E2E_DIR/transport_lib.sh"

sync_setup --empty-b
split_views
set_config a sync delete_policy '"propagate"'
set_config b sync delete_policy '"propagate"'
put_file "$STATE_A/skills/gone/SKILL.md" "deleted on A later" "2026-01-05 10:00:00"
put_file "$STATE_B/skills/vanished/SKILL.md" "vanishes from B's view" "2026-01-05 10:00:00"
sync_ok a
deliver_to_b
sync_ok b
deliver_to_a
sync_ok a

# A deletes one skill; A's record now holds its tombstone.
rm -r "$STATE_A/skills/gone"
sync_ok a
assert_no_file "$SYNC_DIR/skills/gone/SKILL.md"
grep -q '"skills/gone/SKILL.md"' "$(delivery_record machine-a)" || cs_fail "expected a tombstone in A's record"

# The record has arrived, the deletion not yet: B must not pull the stale
# file back into the mirror's history or keep going.
deliver_to_b state
cs_b sync --apply
assert_exit 5
assert_stderr_contains "skills/gone/SKILL.md: deleted by machine-a"
assert_file_exists "$STATE_B/skills/gone/SKILL.md"

# Now the deletion arrives, and a file B uploaded disappears from B's view
# with no record saying anyone deleted it (removed by hand, or by the cloud
# client).
rm -r "$SYNC_DIR_B/skills/gone" "$SYNC_DIR_B/skills/vanished"
cs_b sync --apply
assert_exit 0
assert_stdout_matches '^  delete local +skills/gone/SKILL.md '
assert_stdout_matches '^  kept apart +skills/vanished/SKILL.md .*no machine.s delivery record says it deleted it'
assert_no_file "$STATE_B/skills/gone/SKILL.md"
assert_file_is "$STATE_B/skills/vanished/SKILL.md" "vanishes from B's view"

# Told that the cloud folder is right as it is, B carries that removal over.
cs_b sync --apply --accept-undelivered
assert_exit 0
assert_stdout_matches '^  delete local +skills/vanished/SKILL.md '
assert_no_file "$STATE_B/skills/vanished/SKILL.md"

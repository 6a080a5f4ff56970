# A file gone from B's view of the cloud folder is deleted on B only when a
# delivery record says a machine deleted it (a tombstone), with
# delete_policy = "propagate". A deletion A made that has not arrived yet (A's
# record says deleted, the file is still in B's view) stops B with exit 5,
# and is carried over once it arrives. A file B itself wrote there that
# vanished stops B too (exit 5) until `--accept-undelivered`, which then
# sticks. A file no record mentions is kept apart, never deleted.
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

# Now the deletion arrives: B carries it over.
rm -r "$SYNC_DIR_B/skills/gone"
cs_b sync --apply
assert_exit 0
assert_stdout_matches '^  delete local +skills/gone/SKILL.md '
assert_no_file "$STATE_B/skills/gone/SKILL.md"

# A file B uploaded disappears from B's view with no record saying anyone
# deleted it (removed by hand, or by the cloud client): not what B wrote
# there, so B stops and deletes nothing.
rm -r "$SYNC_DIR_B/skills/vanished"
cs_b sync --apply
assert_exit 5
assert_stderr_contains "skills/vanished/SKILL.md: not what this machine wrote there"
assert_file_is "$STATE_B/skills/vanished/SKILL.md" "vanishes from B's view"
# Told that the cloud folder is right as it is, B carries that removal over,
# and says so in its record: the next plain run has nothing left to accept.
cs_b sync --apply --accept-undelivered
assert_exit 0
assert_stdout_matches '^  delete local +skills/vanished/SKILL.md '
assert_no_file "$STATE_B/skills/vanished/SKILL.md"
cs_b sync --apply
assert_exit 0

# A file no record mentions (written by a machine with an older codexsync)
# that is gone from B's view: kept apart, never deleted.
put_file "$STATE_A/skills/orphan/SKILL.md" "no record will mention me" "2026-03-02 10:00:00"
sync_ok a
deliver_to_b
sync_ok b
rm "$CLOUD_B/state/delivery/machine-a.json" "$CLOUD_B/state/delivery/machine-b.json"
rm -r "$SYNC_DIR_B/skills/orphan"
cs_b sync --apply
assert_exit 0
assert_stdout_matches '^  kept apart +skills/orphan/SKILL.md .*no machine.s delivery record says it deleted it'
assert_file_is "$STATE_B/skills/orphan/SKILL.md" "no record will mention me"

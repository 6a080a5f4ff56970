# A first sync that read no claims (the peer's files have reached this
# machine's view of the cloud folder, the peer's delivery record, written
# last, not yet) overwrites one of the peer's files in the mirror and is
# killed before it publishes its record. Then the peer's record arrives,
# claiming the version that was replaced. The killed run must have left a
# statement newer than that claim (its withdrawal: a pending claim), so the
# next run of either machine does not wait for a version nobody will ever
# deliver again: both converge with exit 0.
source "$(dirname "$0")/lib.sh"
source "$CS_E2E_DIR/transport_lib.sh"

sync_setup
split_views
put_file "$STATE_B/skills/review/SKILL.md" "review skill as B wrote it" "2026-03-01 09:00:00"
put_file "$STATE_A/skills/review/SKILL.md" "review skill as A edited it, newer" "2026-03-01 10:00:00"
sync_ok b

# B's files and the marker have arrived in A's view; B's record has not.
deliver_to_a .codexsync-workspace sync
[[ ! -e "$(delivery_record machine-b)" ]] || cs_die_setup "B's record must not be in A's view yet"
cs_a plan
assert_exit 0
assert_stdout_contains "skills/review/SKILL.md"

# A's first sync replaces B's version in the mirror and is killed before its record.
CODEXSYNC_TEST_FAULT=engine.before_baseline cs_a sync --apply
assert_exit 86
assert_file_is "$SYNC_DIR/skills/review/SKILL.md" "review skill as A edited it, newer"

# Now B's record arrives, claiming the version A replaced.
deliver_to_a state/delivery/machine-b.json
cs_a sync --apply
assert_exit 0
assert_file_is "$SYNC_DIR/skills/review/SKILL.md" "review skill as A edited it, newer"

# B, once it sees A's view, takes A's version too.
deliver_to_b
sync_ok b
assert_file_is "$STATE_B/skills/review/SKILL.md" "review skill as A edited it, newer"

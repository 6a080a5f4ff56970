# Machine B runs while the cloud client is still downloading A's last upload:
# B's view of the cloud folder holds A's delivery record but only part of the
# files it lists (one missing, one still the old version). `sync --apply` on
# B exits 5 "cloud folder still syncing; retry later" naming both, and writes
# nothing at all, not even the files that did arrive; once the rest arrives,
# B's sync completes and B holds exactly A's files.
source "$(dirname "$0")/lib.sh"
source "$CS_E2E_DIR/transport_lib.sh"

sync_setup --empty-b
split_views
sync_ok a
deliver_to_b
sync_ok b
assert_trees_equal "$STATE_A" "$STATE_B"

# A's next upload: an edited skill and a new chat.
put_file "$STATE_A/skills/review/SKILL.md" "review skill, second version, longer" "2026-03-01 10:00:00"
put_file "$STATE_A/sessions/2026/11/21/rollout-2026-11-21T09-00-00-a.jsonl" '{"type":"session_meta"}' \
  "2026-03-01 10:00:00"
put_file "$STATE_A/skills/extra/SKILL.md" "a new skill" "2026-03-01 10:00:00"
sync_ok a
assert_file_exists "$(delivery_record machine-a)"

# The record and the new skill have arrived; the chat and the edit have not.
deliver_to_b state .codexsync-workspace sync/skills/extra
snapshot_tree before "$STATE_B"
cs_b sync --apply
assert_exit 5
assert_stderr_contains "cloud folder still syncing; retry later"
assert_stderr_contains "sessions/2026/11/21/rollout-2026-11-21T09-00-00-a.jsonl: missing; machine-a wrote it"
assert_stderr_contains "skills/review/SKILL.md: "
assert_stderr_contains "--accept-undelivered"
assert_stdout_contains "Not delivered yet (2)"
assert_tree_unchanged before
# A dry run and `plan` say the same, with the same exit code.
cs_b plan
assert_exit 5
assert_stderr_contains "cloud folder still syncing"

# The edit arrives with the wrong content but the right size (a same-size
# older version): still not delivered.
cp -p "$SYNC_DIR_B/skills/review/SKILL.md" "$T/old-review"
head -c "$(stat -c %s "$SYNC_DIR/skills/review/SKILL.md")" /dev/zero | tr '\0' 'x' >"$SYNC_DIR_B/skills/review/SKILL.md"
deliver_to_b sync/sessions
cs_b sync --apply
assert_exit 5
assert_stderr_contains "skills/review/SKILL.md: other content than machine-a wrote"
assert_tree_unchanged before

# Everything has arrived: B completes.
deliver_to_b
sync_ok b
assert_trees_equal "$STATE_A" "$STATE_B"
assert_same_file "$STATE_A/skills/review/SKILL.md" "$STATE_B/skills/review/SKILL.md"
cs_b sync --apply
assert_exit 0
assert_stdout_contains "0 to the cloud (0 B), 0 to here (0 B)"

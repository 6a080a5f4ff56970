# A file this machine wrote to the mirror, then edited there by hand (no
# record changes): when this machine next has something to send, it lists
# the mirror first, finds the file is not what it wrote there and stops
# (exit 5, nothing written), instead of republishing its record as if the
# file were still its own (which left the peer to stop on it).
source "$(dirname "$0")/lib.sh"
source "$CS_E2E_DIR/transport_lib.sh"

settle_on_shortcut
record="$(delivery_record machine-a)"
claimed="$(grep -o '"sessions/[^"]*"' "$record" | head -1 | tr -d '"')"
[[ -n "$claimed" ]] || cs_fail "expected A's record to claim a skill file" "$(cat "$record")"
# Someone edits A's file in the mirror by hand (no record changes).
put_file "$SYNC_DIR/$claimed" "edited in the cloud folder by hand, longer than before" "2026-03-01 10:00:00"
# A changes another file and syncs (shortcut: pushes it, republishes).
put_file "$STATE_A/skills/new-on-a/SKILL.md" "new on a" "2026-03-01 11:00:00"
cs_a sync --apply
assert_exit 5
assert_stdout_not_contains "cloud mirror not listed"
assert_stderr_contains "$claimed: not what this machine wrote there"
assert_file_is "$SYNC_DIR/$claimed" "edited in the cloud folder by hand, longer than before"
assert_no_file "$SYNC_DIR/skills/new-on-a/SKILL.md"

# With [sync] delivery_wait_seconds, B waits for a file A's delivery record
# lists instead of stopping at once: it says it is waiting, looks again, and
# completes as soon as the file arrives (here from a background "cloud
# client" two seconds later). With the file never arriving it stops with
# exit 5 after the wait.
source "$(dirname "$0")/lib.sh"
source "$CS_E2E_DIR/transport_lib.sh"

sync_setup --empty-b
split_views
put_config b sync delivery_wait_seconds 20
sync_ok a
deliver_to_b state .codexsync-workspace sync/skills sync/session_index.jsonl

(sleep 2 && deliver_to_b sync/sessions) &
cs_b sync --apply
assert_exit 0
wait
assert_stderr_contains "waiting for the cloud folder: 1 file(s) not delivered yet"
assert_trees_equal "$STATE_A" "$STATE_B"

# A file that never comes: exit 5 after the wait.
put_config b sync delivery_wait_seconds 2
put_file "$STATE_A/skills/late/SKILL.md" "never delivered" "2026-03-01 10:00:00"
sync_ok a
deliver_to_b state
started=$SECONDS
cs_b sync --apply
assert_exit 5
assert_stderr_contains "skills/late/SKILL.md: missing"
[[ $((SECONDS - started)) -ge 2 ]] || cs_fail "expected B to wait about 2 s before giving up"
assert_no_file "$STATE_B/skills/late/SKILL.md"

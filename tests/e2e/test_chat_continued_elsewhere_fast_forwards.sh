# A chat continued on machine A reaches machine B as a fast-forward: B's copy
# is the start of A's, so the longer one wins whatever the times say (here
# B's older copy even has the newer mtime, and B has no sync history for it:
# an mtime copy would have thrown A's new lines away). Only the new tail is
# copied, and no backup is needed.
source "$(dirname "$0")/lib.sh"

sync_setup --empty-b
chat=sessions/2026/11/20/rollout-2026-11-20T10-00-00-a.jsonl

# B got an early copy of the chat by hand, with a later time than A's.
mkdir -p "$(dirname "$STATE_B/$chat")"
cp "$STATE_A/$chat" "$STATE_B/$chat"
touch -d "2026-06-01 12:00:00 UTC" "$STATE_B/$chat"
printf '{"type":"response_item","text":"continued on A"}\n' >>"$STATE_A/$chat"
touch -d "2026-01-05 10:00:00 UTC" "$STATE_A/$chat"
sync_ok a

cs_b plan
assert_exit 0
assert_stdout_contains "fast-forward: the cloud copy is the local one plus 49 more bytes"
assert_stdout_not_contains "CONFLICT"

sync_ok b
assert_same_file "$STATE_A/$chat" "$STATE_B/$chat"
assert_stdout_contains "1 append-only file(s) fast-forwarded"
assert_stdout_contains "Done: 3 copied (112 B), 0 deleted, 0 backed up" # 49 B of the chat, 63 B of two new files

# A continues again; the baseline now vouches for B's copy: fast-forward again.
printf '{"type":"response_item","text":"and again"}\n' >>"$STATE_A/$chat"
sync_ok a
assert_stdout_contains "1 append-only file(s) fast-forwarded"
sync_ok b
assert_same_file "$STATE_A/$chat" "$STATE_B/$chat"
assert_same_file "$STATE_A/$chat" "$SYNC_DIR/$chat"

cs_b plan
assert_exit 0
assert_stdout_contains "Summary: 0 to the cloud (0 B), 0 to here (0 B), 0 deletion(s), 0 merge(s), 0 conflict(s)"

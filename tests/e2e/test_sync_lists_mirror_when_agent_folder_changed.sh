# The scheduled no-op's shortcut (the mirror taken as the last clean run left
# it) is not taken when the agent's folder changed: a run with something to
# send lists the whole mirror first. So a chat the agent continued here that
# was removed from the cloud folder by hand is seen at once (A vouched for it:
# a stop, nothing written), not written over a mirror that is not as thought.
# Nothing of the chat is lost.
source "$(dirname "$0")/lib.sh"
source "$CS_E2E_DIR/transport_lib.sh"

settle_on_shortcut

chat="$(cd "$STATE_A" && find sessions -name '*.jsonl' | LC_ALL=C sort | head -1)"
[[ -n "$chat" && -f "$SYNC_DIR/$chat" ]] || cs_fail "expected a chat on A and in the mirror"
rm "$SYNC_DIR/$chat"
write_chat "$STATE_A/$chat" 3
cp -p "$STATE_A/$chat" "$T/chat-on-a"
cs_a sync --apply
assert_stdout_not_contains "cloud mirror not listed"
# What the full listing finds: the chat A vouched for is gone from the mirror
# (a stop, as without the shortcut); nothing was written.
assert_exit 5
assert_stderr_contains "cloud folder still syncing"
assert_stderr_contains "$chat"
assert_same_file "$T/chat-on-a" "$STATE_A/$chat"
[[ ! -e "$SYNC_DIR/$chat" ]] || cs_fail "expected nothing written to the mirror"
# The removal was by hand: A vouches for what is there, and its chat goes back.
cs_a sync --apply --accept-undelivered
assert_exit 0
assert_same_file "$T/chat-on-a" "$SYNC_DIR/$chat"
assert_same_file "$T/chat-on-a" "$STATE_A/$chat"

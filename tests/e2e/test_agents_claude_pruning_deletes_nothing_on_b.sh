# Claude Code deletes chats older than 30 days when it starts. On machine A
# that start-up pruning must not delete anything on machine B or in the cloud:
# with delete_policy = "propagate" the plan keeps those chats apart, and B
# keeps every one of them.
source "$(dirname "$0")/lib.sh"
source "$CS_E2E_DIR/agents_lib.sh"

agent_setup claude --sessions 12 --days 60 --start 2026-09-01
agent_config "$AG_CFG_A" sync delete_policy '"propagate"'
agent_config "$AG_CFG_B" sync delete_policy '"propagate"'
ag_sync a
ag_sync b
chats_before="$(cd "$AG_B" && ag_list append-only "$AG_B" | LC_ALL=C sort)"

pruned="$("$AGENT_TREE" prune --agent claude --root "$AG_A" --older-than-days 30 --now 2026-11-24)"
[[ -n "$pruned" ]] || cs_fail "the start-up pruning deleted nothing: the test proves nothing"
ag_sync a
assert_stdout_contains "deletions of append-only files (chats an agent prunes) are not carried over"
assert_stdout_contains "0 deleted"
ag_sync b
assert_stdout_contains "0 deleted"
chats_after="$(cd "$AG_B" && ag_list append-only "$AG_B" | LC_ALL=C sort)"
[[ "$chats_before" == "$chats_after" ]] || cs_fail "machine B lost chats" "$(diff <(echo "$chats_before") <(echo "$chats_after") | head -5)"
while IFS= read -r path; do
  [[ "$path" == *.jsonl ]] || continue
  assert_file_exists "$AG_MIRROR/$path"
  assert_file_exists "$AG_B/$path"
done <<<"$pruned"

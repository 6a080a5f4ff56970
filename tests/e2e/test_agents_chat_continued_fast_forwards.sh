# For each agent: a multi-megabyte chat continued on machine A reaches machine B
# as a fast-forward (only the new lines are copied, no backup), and B's copy
# ends byte for byte equal to A's.
source "$(dirname "$0")/lib.sh"
source "$CS_E2E_DIR/agents_lib.sh"

for kind in codex claude gemini pi; do
  agent_setup "$kind" --sessions 4 --big-mb 3
  ag_sync a
  ag_sync b
  # The biggest chat is the one continued.
  chat="$(cd "$AG_A" && ag_list append-only "$AG_A" | while IFS= read -r p; do printf '%s %s\n' "$(stat -c %s "$p")" "$p"; done |
    sort -n | tail -1 | cut -d' ' -f2-)"
  size_before="$(stat -c %s "$AG_A/$chat")"
  [[ "$size_before" -gt 3000000 ]] || cs_fail "$kind: expected a multi-megabyte chat, got $size_before bytes"
  agent_tree append --file "$AG_A/$chat" --lines 5 --seed 7
  ag_sync a
  assert_stdout_contains "1 append-only file(s) fast-forwarded"
  assert_stdout_contains "0 backed up"
  ag_b plan
  assert_exit 0
  assert_stdout_contains "fast-forward: the cloud copy is the local one plus"
  ag_sync b
  assert_stdout_contains "1 append-only file(s) fast-forwarded"
  assert_same_file "$AG_A/$chat" "$AG_B/$chat"
done

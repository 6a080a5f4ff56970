# `conflicts restore ID` writes into the agent's folder, so it is cold-gated
# like `sync --apply`: while the agent runs it exits 3 naming it and writes
# nothing (no file, no new entry); --dry-run still answers. Once the agent
# has exited, the same command restores.
source "$(dirname "$0")/lib.sh"
source "$CS_E2E_DIR/conflicts_lib.sh"

chat_conflict_on_a
agent="codex-e2e-$$" # unique: other tests run side by side
set_config a process_detection process_names "[\"$agent\"]"
start_agent "$agent"

snapshot_tree before "$STATE_A" "$CLOUD/conflicts"
cs_a conflicts restore "$KEPT_ID"
assert_exit 3
assert_stderr_contains "the agent is running"
assert_stderr_contains "pid $AGENT_SHOWN_PID"
assert_tree_unchanged before

cs_a conflicts restore --dry-run "$KEPT_ID"
assert_exit 0
assert_stdout_contains "Would replace $STATE_A/$CHAT"
assert_tree_unchanged before

stop_agent
cs_a conflicts restore "$KEPT_ID"
assert_exit 0
assert_same_file "$T/loser.jsonl" "$STATE_A/$CHAT"

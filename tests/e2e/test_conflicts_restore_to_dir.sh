# `conflicts restore ID --to DIR` writes the kept version to DIR/<its path>,
# byte for byte, without the cold gate and without touching the agent's
# folder or the store; it never overwrites a file (exit 5 naming it), and
# refuses a DIR inside the agent's folder, the mirror or the store (exit 4).
source "$(dirname "$0")/lib.sh"
source "$CS_E2E_DIR/conflicts_lib.sh"

chat_conflict_on_a
agent="codex-e2e-$$" # --to needs no cold gate: the agent may run
set_config a process_detection process_names "[\"$agent\"]"
start_agent "$agent"
snapshot_sync_state before
snapshot_tree store "$CLOUD/conflicts"

mkdir -p "$T/work"
cd "$T/work" # a relative DIR is below the working folder
run_cs -c "$CONFIG_A" conflicts restore "$KEPT_ID" --to out
cd "$T"
assert_exit 0
assert_same_file "$T/loser.jsonl" "$T/work/out/$CHAT"
assert_stdout_contains "to $T/work/out/$CHAT (SHA-256 verified)"
assert_tree_unchanged before
assert_tree_unchanged store

# A second time the file is there: refused, left as it is.
printf 'mine\n' >"$T/work/out/$CHAT"
cs_a conflicts restore "$KEPT_ID" --to "$T/work/out"
assert_exit 5
assert_stderr_contains "$T/work/out/$CHAT already exists"
assert_file_is "$T/work/out/$CHAT" "mine"

for inside in "$STATE_A" "$STATE_A/sessions" "$SYNC_DIR" "$CLOUD/conflicts/machine-a"; do
  cs_a conflicts restore "$KEPT_ID" --to "$inside"
  assert_exit 4
  assert_stderr_contains "is inside"
done
assert_tree_unchanged before
assert_tree_unchanged store

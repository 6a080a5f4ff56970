# `conflicts restore ID --dry-run` (with and without --to, and with --json)
# says what it would do and writes nothing: not the agent's folder, not the
# conflict store, not the --to folder.
source "$(dirname "$0")/lib.sh"
source "$CS_E2E_DIR/conflicts_lib.sh"

chat_conflict_on_a
snapshot_sync_state before
snapshot_tree store "$CLOUD/conflicts" "$T/out"

cs_a conflicts restore "$KEPT_ID" --dry-run
assert_exit 0
assert_stdout_contains "Would replace $STATE_A/$CHAT"
assert_stdout_contains "after keeping that version as a new conflict entry"
assert_stdout_contains "Dry run: nothing was written."

cs_a conflicts restore "$KEPT_ID" --dry-run --to "$T/out"
assert_exit 0
assert_stdout_contains "Would write conflict $KEPT_ID ($CHAT, "
assert_stdout_contains "to $T/out/$CHAT."

cs_a --json conflicts restore "$KEPT_ID" --dry-run
assert_exit 0
assert_stdout_json
json_check "d['dry_run'] is True" "d['action'] == 'replace'" "'restored' not in d"

# Nothing there: it would be put back.
rm "$STATE_A/$CHAT"
snapshot_sync_state gone
cs_a conflicts restore "$KEPT_ID" --dry-run
assert_exit 0
assert_stdout_contains "Would write it to $STATE_A/$CHAT (nothing is there now)."
assert_tree_unchanged gone
assert_tree_unchanged store

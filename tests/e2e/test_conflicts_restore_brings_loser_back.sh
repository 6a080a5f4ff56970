# A chat continued on both machines, whose losing version a conflict policy
# kept: `conflicts restore ID` puts it back into the agent's folder byte for
# byte (with its mtime), keeps the version it replaces as a new entry first,
# and the next `sync --apply` carries the restored version to the mirror.
source "$(dirname "$0")/lib.sh"
source "$CS_E2E_DIR/conflicts_lib.sh"

chat_conflict_on_a
id="$KEPT_ID"

cs_a conflicts restore "$id"
assert_exit 0
assert_same_file "$T/loser.jsonl" "$STATE_A/$CHAT"
assert_stdout_contains "Conflict $id: $CHAT"
assert_stdout_contains "Restored it to $STATE_A/$CHAT (SHA-256 verified)."
assert_stdout_contains "the next \`codexsync sync --apply\` carries it to your other machines"
new_id="$(sed -n 's/^The version that was there is kept as conflict \([^:]*\):.*/\1/p' "$CS_RUN/stdout")"
[[ -n "$new_id" && "$new_id" != "$id" ]] || cs_fail "expected the replaced version to be kept as a new entry"

# The replaced version is in the store, whole, with why it was kept.
assert_same_file "$T/winner.jsonl" "$(entry_dir "$new_id")/$(basename "$CHAT")"
assert_file_contains "$(entry_dir "$new_id")/entry.json" "\"reason\": \"replaced by conflicts restore $id\""
# The restored entry stays in the store (never pruned).
assert_same_file "$T/loser.jsonl" "$(entry_dir "$id")/$(basename "$CHAT")"
cs_a --json conflicts list
assert_exit 0
json_check "[e['id'] for e in d['entries']] == ['$id', '$new_id']"

# Restoring the same entry again finds it already there and writes nothing.
snapshot_tree again "$STATE_A" "$CLOUD/conflicts"
cs_a conflicts restore "${id:0:22}" # a unique prefix
assert_exit 0
assert_stdout_contains "already holds this version: nothing was written."
assert_tree_unchanged again

# The run is recorded like restore's.
assert_file_contains "$(run_record a last-run.json)" '"command": "conflicts restore"'

# It is a local change now: the next sync carries it to the mirror.
sync_ok a
assert_same_file "$T/loser.jsonl" "$SYNC_DIR/$CHAT"

# --json gives one document saying what was done.
cs_a --json conflicts restore "$new_id"
assert_exit 0
assert_stdout_json
json_check "d['id'] == '$new_id'" "d['action'] == 'replace'" "d['restored'] is True" \
  "d['replaced_kept_as'] not in (None, '$id', '$new_id')" "d['path'] == '$CHAT'"
assert_same_file "$T/winner.jsonl" "$STATE_A/$CHAT"

# `conflicts restore` with an id no entry has, or that names several, exits 4
# naming what to do or the candidates; an entry whose kept bytes are missing
# or damaged exits 5. None of them writes anything.
source "$(dirname "$0")/lib.sh"
source "$CS_E2E_DIR/conflicts_lib.sh"

chat_conflict_on_a
first="$KEPT_ID"
keep_loser machine-a "$T/loser.jsonl" "$CHAT"
second="$KEPT_ID"
snapshot_sync_state before
snapshot_tree store "$CLOUD/conflicts"

cs_a conflicts restore 20991231T000000Z-ffffffff
assert_exit 4
assert_stderr_contains "no conflict entry \"20991231T000000Z-ffffffff\""
assert_stderr_contains "codexsync conflicts list"

cs_a conflicts restore 2099
assert_exit 4
assert_stderr_contains "at least its first 8 characters"

# Both entries were kept in the same minute: the date and hour name both
# (the ids differ in their last 8 hex digits, and maybe in the seconds).
common="$(printf '%s\n%s\n' "$first" "$second" | sed -e 'N;s/^\(.*\).*\n\1.*$/\1/')"
[[ ${#common} -ge 8 ]] || skip_test "the two entries were kept on different days"
cs_a conflicts restore "$common"
assert_exit 4
assert_stderr_contains "matches 2 conflict entries"
assert_stderr_contains "machine-a/$first"
assert_stderr_contains "machine-a/$second"

cs_a --json conflicts restore 20991231T000000Z-ffffffff
assert_exit 4
assert_stdout_json
json_check "d['exit_code'] == 4"
assert_tree_unchanged before
assert_tree_unchanged store

# Damaged: same size, other bytes. Refused by hash, also with --to.
printf '%s' "$LOSER_TEXT" | tr '[:lower:]' '[:upper:]' >"$(entry_dir "$first")/$(basename "$CHAT")"
snapshot_tree store "$CLOUD/conflicts"
cs_a conflicts restore "$first"
assert_exit 5
assert_stderr_contains "it is damaged; nothing was written"
cs_a conflicts restore "$first" --to "$T/out"
assert_exit 5
assert_no_file "$T/out"
assert_tree_unchanged before

# Missing bytes: no longer listed, and refused.
rm "$(entry_dir "$second")/$(basename "$CHAT")"
cs_a conflicts list
assert_exit 0
assert_stdout_not_matches "^$second "
assert_stdout_contains "Not listed: 1 incomplete or damaged entry"
assert_stdout_contains "$(entry_dir "$second"): its file $(basename "$CHAT") is missing"
cs_a conflicts restore "$second"
assert_exit 5
assert_stderr_contains "conflict entry $second"
assert_stderr_contains "is missing"
assert_tree_unchanged before

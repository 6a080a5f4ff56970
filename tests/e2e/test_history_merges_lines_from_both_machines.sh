# Prompt histories grow on every machine: Codex history.jsonl lines from A and
# B are merged, not copied over each other: both machines end with the union,
# ordered by each line's "ts", every line once.
source "$(dirname "$0")/lib.sh"

sync_setup --empty-b
roots='["sessions", "session_index.jsonl", "skills", "history.jsonl"]'
put_config a targets include_roots "$roots"
put_config b targets include_roots "$roots"
put_file "$STATE_A/history.jsonl" '{"session_id":"s1","ts":100,"text":"first on A"}
' "2026-01-02 10:00:00"
sync_ok a
sync_ok b
assert_same_file "$STATE_A/history.jsonl" "$STATE_B/history.jsonl"

printf '%s\n' '{"session_id":"s1","ts":300,"text":"later on A"}' >>"$STATE_A/history.jsonl"
printf '%s\n' '{"session_id":"s2","ts":200,"text":"meanwhile on B"}' '{"session_id":"s2","ts":400,"text":"last on B"}' \
  >>"$STATE_B/history.jsonl"
sync_ok a
cs_b plan
assert_exit 0
assert_stdout_contains "merge lines"
sync_ok b
expected='{"session_id":"s1","ts":100,"text":"first on A"}
{"session_id":"s2","ts":200,"text":"meanwhile on B"}
{"session_id":"s1","ts":300,"text":"later on A"}
{"session_id":"s2","ts":400,"text":"last on B"}'
assert_file_is "$STATE_B/history.jsonl" "$expected"
assert_file_is "$SYNC_DIR/history.jsonl" "$expected"
sync_ok a
assert_file_is "$STATE_A/history.jsonl" "$expected"

# Merging again changes nothing.
cs_a plan
assert_exit 0
assert_stdout_contains "0 merge(s), 0 conflict(s)"
cs_b plan
assert_exit 0
assert_stdout_contains "0 merge(s), 0 conflict(s)"

# `conflicts list` shows every machine's kept losing versions, oldest first,
# with id, time, machine, size, path and why they lost, and says how to bring
# one back; --json gives one document. A half-written entry (a keep killed
# before it published) is not shown. It writes nothing.
source "$(dirname "$0")/lib.sh"
source "$CS_E2E_DIR/conflicts_lib.sh"

chat_conflict_on_a
first="$KEPT_ID"
printf 'a skill B lost\n' >"$T/skill.md"
sleep 1.1 # a later second: "oldest first" is by time
keep_loser machine-b "$T/skill.md" "skills/review/SKILL.md" cloud "changed on both sides; conflict.policy = prefer_local"
second="$KEPT_ID"
# A keep killed before its entry was published leaves only a hidden folder.
rc=0
CODEXSYNC_TEST_FAULT=conflict_store.before_publish "$CS_KEEP_CONFLICT" "$CLOUD" machine-a "$T/skill.md" \
  "skills/other.md" >/dev/null 2>&1 || rc=$?
[[ $rc -eq 86 ]] || cs_die_setup "the fault point did not stop keep_conflict (exit $rc)"
compgen -G "$CLOUD/conflicts/machine-a/.*.codexsync-tmp-*" >/dev/null ||
  cs_die_setup "the killed keep left no hidden folder"
snapshot_sync_state before
snapshot_tree store "$CLOUD/conflicts"

cs_a conflicts list
assert_exit 0
assert_stdout_contains "Conflict store $CLOUD/conflicts: 2 entries, oldest first"
assert_stdout_matches "^$first  [0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:]{8}  machine-a +[0-9]+ B  $(re "$CHAT")$"
assert_stdout_matches "^$second  .*  machine-b +15 B  skills/review/SKILL.md$"
assert_stdout_contains "    local version: changed on both sides; conflict.policy = prefer_cloud"
assert_stdout_contains "    cloud version: changed on both sides; conflict.policy = prefer_local"
assert_stdout_contains "codexsync conflicts restore ID"
assert_stdout_not_contains "skills/other.md"
assert_stdout_not_contains "Not listed"
[[ "$(grep -n "^$first " "$CS_RUN/stdout" | cut -d: -f1)" -lt "$(grep -n "^$second " "$CS_RUN/stdout" | cut -d: -f1)" ]] ||
  cs_fail "expected the older entry first"

cs_a --json conflicts list
assert_exit 0
assert_stdout_json
json_check "d['store'] == '$CLOUD/conflicts'" "[e['id'] for e in d['entries']] == ['$first', '$second']" \
  "d['entries'][0]['machine'] == 'machine-a' and d['entries'][0]['this_machine'] is True" \
  "d['entries'][1]['loser_side'] == 'cloud' and d['entries'][1]['size'] == 15" \
  "d['entries'][0]['path'] == '$CHAT' and len(d['entries'][0]['sha256']) == 64" "d['damaged'] == []"

# Machine B sees the same store.
cs_b conflicts list
assert_exit 0
assert_stdout_contains "2 entries, oldest first"
assert_tree_unchanged before
assert_tree_unchanged store

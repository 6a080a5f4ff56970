# A run killed under the previous version left one journal file with its
# actions inline (format codexsync-journal-v1, no <id>.actions.jsonl): after
# the upgrade `recover list` counts its writes and `recover rollback --apply`
# still undoes them from it.
source "$(dirname "$0")/lib.sh"

sync_setup --empty-b
sync_ok a
snapshot_files mirror-before "$SYNC_DIR"
put_file "$STATE_A/session_index.jsonl" '{"id":"a-1","thread_name":"edited on A"}' "2026-03-01 10:00:00"
put_file "$STATE_A/sessions/2026/11/22/new2.jsonl" '{"id":"a-2"}' "2026-03-01 10:03:00"
put_file "$STATE_A/skills/new1/SKILL.md" "new skill on A" "2026-03-01 10:02:00"
put_file "$STATE_A/skills/review/SKILL.md" "# review skill, edited on A" "2026-03-01 10:01:00"
CODEXSYNC_TEST_FAULT=engine.before_baseline cs_a sync --apply
assert_exit 86
mapfile -t ids < <(open_run_ids)
[[ ${#ids[@]} -eq 1 ]] || cs_fail "expected one unfinished run, found: ${ids[*]}"
header="$CLOUD/.tmp/journals/${ids[0]}.json"
actions="$CLOUD/.tmp/journals/${ids[0]}.actions.jsonl"
[[ -f "$header" && -f "$actions" ]] || cs_fail "expected the run's header and actions file"

# Rewrite it as the previous version wrote it: one file, actions inline.
python3 - "$header" "$actions" <<'PY'
import json, sys
header, actions = sys.argv[1], sys.argv[2]
j = json.load(open(header))
lines = open(actions).read().splitlines()
for key in ("action_count", "actions_file", "actions_size"):
    j.pop(key)
j["format"] = "codexsync-journal-v1"
j["actions"] = [json.loads(line) for line in lines[1:]]
json.dump(j, open(header, "w"), indent=1)
PY
rm "$actions"

cs_a recover list
assert_exit 0
assert_stdout_contains "${ids[0]}"
assert_stdout_contains "4 write(s), stopped at committing"
assert_stdout_not_contains "unreadable"

cs_a recover rollback "${ids[0]}" --apply
assert_exit 0
assert_stdout_contains "Done: 2 put back, 2 removed."
assert_files_unchanged mirror-before
assert_no_file "$SYNC_DIR/skills/new1"
cs_a recover list
assert_exit 0
assert_stdout_contains "No unfinished runs."

# `plan --json` prints one JSON document listing every action with its kind,
# path, reason and both sides' states, and a summary that counts them;
# `sync --json --dry-run` prints the same plan with "applied": false.
source "$(dirname "$0")/lib.sh"

sync_setup --empty-b
sync_ok a
put_file "$STATE_A/skills/new/SKILL.md" "new on A"
put_file "$STATE_B/skills/fromb/SKILL.md" "new on B"
sync_ok b
put_file "$STATE_A/session_index.jsonl" '{"id":"a-1","edited":true}' "2026-03-01 10:00:00"

cs_a --json plan
assert_exit 0
assert_stdout_json
json_check \
  'd["machine"] == "machine-a" and d["baseline"] == "loaded"' \
  'all(a["reason"] and a["path"] and a["action"] for a in d["actions"])' \
  '{a["path"]: a["action"] for a in d["actions"]} == {"skills/new/SKILL.md": "copy_to_cloud", "session_index.jsonl": "copy_to_cloud", "skills/fromb/SKILL.md": "copy_to_local"}' \
  '[a["reason"] for a in d["actions"] if a["path"] == "skills/new/SKILL.md"] == ["new here"]' \
  '[a["reason"] for a in d["actions"] if a["path"] == "skills/fromb/SKILL.md"] == ["new in the cloud"]' \
  '"changed here since the last sync" in [a["reason"] for a in d["actions"] if a["path"] == "session_index.jsonl"][0]' \
  '[a["local"]["size"] for a in d["actions"] if a["path"] == "skills/new/SKILL.md"] == [8]' \
  '[a["cloud"] for a in d["actions"] if a["path"] == "skills/new/SKILL.md"] == [None]' \
  'd["summary"]["copy_to_cloud"] == 2 and d["summary"]["copy_to_local"] == 1 and d["summary"]["conflicts"] == 0' \
  'd["summary"]["in_sync"] == 2'

cs_a --json sync --dry-run
assert_exit 0
assert_stdout_json
json_check 'd["applied"] is False' 'len(d["actions"]) == 3'

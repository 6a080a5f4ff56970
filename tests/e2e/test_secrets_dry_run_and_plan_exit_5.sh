# A secret stops a dry run and `plan` too (exit 5, nothing written), with the
# plan printed first; --json shows the withheld file with its findings
# (line, rule, redaction, fingerprint) and never the value.
source "$(dirname "$0")/lib.sh"
source "$CS_E2E_DIR/secrets_lib.sh"

sync_setup --empty-b
sync_ok a
plant_token a skills/mine/SKILL.md

snapshot_sync_state before
cs_a sync
assert_exit 5
assert_stdout_matches "^  WITHHELD +skills/mine/SKILL\.md"
assert_stderr_contains "skills/mine/SKILL.md:4 github-token $FAKE_TOKEN_SHOWN, fingerprint cs1:"
assert_stdout_not_contains "Dry run: nothing was written."
assert_tree_unchanged before

cs_a sync --dry-run
assert_exit 5
assert_tree_unchanged before

cs_a plan
assert_exit 5
assert_stdout_matches "^  WITHHELD +skills/mine/SKILL\.md"
assert_stderr_contains "1 file(s) hold a secret and must not go to the cloud folder; nothing was written."
assert_tree_unchanged before

cs_a --json sync --dry-run
assert_exit 5
plan_json_check 'd["summary"]["withheld"] == 1' \
  '[a["action"] for a in d["actions"] if a["path"] == "skills/mine/SKILL.md"] == ["withheld"]' \
  '[a["held_action"] for a in d["actions"] if a["path"] == "skills/mine/SKILL.md"] == ["copy_to_cloud"]' \
  '[(s["line"], s["rule"], s["redacted"]) for a in d["actions"] if a["action"] == "withheld" for s in a["secrets"]] == [(4, "github-token", "ghp_****(40 chars)")]' \
  'all(s["fingerprint"].startswith("cs1:") and len(s["fingerprint"]) == 20 for a in d["actions"] for s in a.get("secrets", []))'
assert_tree_unchanged before

cs_a --json plan
assert_exit 5
plan_json_check 'd["summary"]["withheld"] == 1'
# The error follows as its own document.
python3 -c 'import json,sys; t=open(sys.argv[1]).read(); d,end=json.JSONDecoder().raw_decode(t); e=json.loads(t[end:]); sys.exit(0 if e["exit_code"] == 5 and "hold a secret" in e["messages"][0] else 1)' \
  "$CS_RUN/stdout" || cs_fail "expected the error document after the plan"
assert_tree_unchanged before
assert_token_only_in "$STATE_A/skills/mine/SKILL.md"

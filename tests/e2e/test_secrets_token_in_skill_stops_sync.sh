# A GitHub token planted in a skill stops `sync --apply` with exit 5 before
# anything is written, even the unrelated change of the same run. stderr names
# the file and line and shows the token only redacted, with its fingerprint
# and the ways to go on; the token is in no output, log, run record or journal.
source "$(dirname "$0")/lib.sh"
source "$CS_E2E_DIR/secrets_lib.sh"

sync_setup --empty-b
sync_ok a
plant_token a skills/mine/SKILL.md
put_file "$STATE_A/skills/review/SKILL.md" "edited on A" "2026-03-01 10:00:00"

snapshot_sync_state before
cs_a sync --apply
assert_exit 5
assert_stderr_contains "1 file(s) hold a secret and must not go to the cloud folder; nothing was written."
assert_stderr_matches "skills/mine/SKILL\.md:4 github-token $(re "$FAKE_TOKEN_SHOWN"), fingerprint cs1:[0-9a-f]{16}$"
assert_stderr_contains "add its fingerprint to [secrets] allow in $CONFIG_A"
assert_stderr_contains 'on_detect = "skip"'
assert_stdout_matches "^  WITHHELD +skills/mine/SKILL\.md .*contains a secret: skills/mine/SKILL\.md:4 github-token"
assert_stdout_contains "1 withheld (secrets)"
assert_tree_unchanged before
assert_no_file "$SYNC_DIR/skills/mine"

# -v puts debug records on stderr as well; the token stays out of them too.
cs_a -v sync --apply
assert_exit 5
assert_tree_unchanged before
[[ -n "$(find "$CLOUD/logs" -type f)" ]] || cs_fail "expected a log file below $CLOUD/logs"
[[ -f "$(run_record a last-run.json)" ]] || cs_fail "expected a run record at $(run_record a last-run.json)"
grep -qF "hold a secret" "$(run_record a last-run.json)" ||
  cs_fail "expected the run record to say why the run stopped" "$(cat "$(run_record a last-run.json)")"
assert_token_only_in "$STATE_A/skills/mine/SKILL.md"

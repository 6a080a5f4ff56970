# With [secrets] on_detect = "skip", a file holding a secret stays on this
# machine: `sync --apply` warns (stderr and the log) naming the file and line
# with the value redacted, syncs everything else and exits 0; the next run
# withholds it again, and the other machine never receives it.
source "$(dirname "$0")/lib.sh"
source "$CS_E2E_DIR/secrets_lib.sh"

sync_setup --empty-b
set_config a secrets on_detect '"skip"'
sync_ok a
plant_token a skills/mine/SKILL.md
put_file "$STATE_A/skills/review/SKILL.md" "edited on A" "2026-03-01 10:00:00"
put_file "$STATE_A/skills/other/SKILL.md" "a new skill"

cs_a sync --apply
assert_exit 0
assert_stdout_matches "^  WITHHELD +skills/mine/SKILL\.md .*contains a secret"
assert_stderr_contains "skills/mine/SKILL.md:4 github-token $FAKE_TOKEN_SHOWN, fingerprint cs1:"
assert_stderr_contains "stays on this machine"
assert_stdout_contains "Done: 2 copied"
assert_no_file "$SYNC_DIR/skills/mine"
assert_same_file "$STATE_A/skills/review/SKILL.md" "$SYNC_DIR/skills/review/SKILL.md"
assert_same_file "$STATE_A/skills/other/SKILL.md" "$SYNC_DIR/skills/other/SKILL.md"
grep -rqF "skills/mine/SKILL.md:4 github-token $FAKE_TOKEN_SHOWN" "$CLOUD/logs" ||
  cs_fail "expected the warning in the log below $CLOUD/logs"

# Still withheld on the next run, still exit 0.
cs_a sync --apply
assert_exit 0
assert_stderr_contains "skills/mine/SKILL.md:4 github-token"
assert_no_file "$SYNC_DIR/skills/mine"

cs_b sync --apply
assert_exit 0
assert_file_is "$STATE_B/skills/other/SKILL.md" "a new skill"
assert_no_file "$STATE_B/skills/mine"
assert_token_only_in "$STATE_A/skills/mine/SKILL.md"

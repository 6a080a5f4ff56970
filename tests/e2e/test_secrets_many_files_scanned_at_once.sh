# A first sync of many files scans them for secrets on several threads at
# once: the ones holding a secret (wherever they fall in the list) are still
# withheld with the same report, and every other file syncs.
source "$(dirname "$0")/lib.sh"
source "$CS_E2E_DIR/secrets_lib.sh"

sync_setup --empty-b
set_config a secrets on_detect '"skip"'
for i in $(seq 1 60); do
  put_file "$STATE_A/skills/s$i/SKILL.md" "skill $i: nothing secret here"
done
plant_token a skills/s7/SKILL.md
plant_token a skills/s53/SKILL.md

cs_a sync --apply
assert_exit 0
assert_stdout_matches "^  WITHHELD +skills/s7/SKILL\.md .*contains a secret"
assert_stdout_matches "^  WITHHELD +skills/s53/SKILL\.md .*contains a secret"
assert_stderr_contains "skills/s7/SKILL.md:4 github-token $FAKE_TOKEN_SHOWN"
assert_stderr_contains "skills/s53/SKILL.md:4 github-token $FAKE_TOKEN_SHOWN"
assert_no_file "$SYNC_DIR/skills/s7"
assert_no_file "$SYNC_DIR/skills/s53"
for i in 1 6 8 52 54 60; do
  assert_same_file "$STATE_A/skills/s$i/SKILL.md" "$SYNC_DIR/skills/s$i/SKILL.md"
done
assert_token_only_in "$STATE_A/skills/s7/SKILL.md" "$STATE_A/skills/s53/SKILL.md"

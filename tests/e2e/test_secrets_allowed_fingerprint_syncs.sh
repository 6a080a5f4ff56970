# A finding whose fingerprint is in [secrets] allow does not stop its file: the
# fingerprint shown by the refused run, added to allow, lets the next run copy
# the file to the cloud folder; the token is still never printed or logged.
source "$(dirname "$0")/lib.sh"
source "$CS_E2E_DIR/secrets_lib.sh"

sync_setup --empty-b
sync_ok a
plant_token a skills/mine/SKILL.md

cs_a sync --apply
assert_exit 5
fingerprint="$(grep -oE 'skills/mine/SKILL\.md:4 github-token .*fingerprint cs1:[0-9a-f]{16}' "$CS_RUN/stderr" |
  grep -oE 'cs1:[0-9a-f]{16}' | head -1)"
[[ -n "$fingerprint" ]] || cs_fail "expected a fingerprint for skills/mine/SKILL.md:4 on stderr"

# Another fingerprint does not help.
set_config a secrets allow '["cs1:0000000000000000"]'
cs_a sync --apply
assert_exit 5
assert_no_file "$SYNC_DIR/skills/mine"

set_config a secrets allow "[\"cs1:0000000000000000\", \"$fingerprint\"]"
cs_a sync --apply
assert_exit 0
assert_stdout_not_contains "WITHHELD"
assert_same_file "$STATE_A/skills/mine/SKILL.md" "$SYNC_DIR/skills/mine/SKILL.md"
grep -rqF "$fingerprint" "$CLOUD/logs" || cs_fail "expected the log to record that $fingerprint was accepted"
assert_token_only_in "$STATE_A/skills/mine/SKILL.md" "$SYNC_DIR/skills/mine/SKILL.md"

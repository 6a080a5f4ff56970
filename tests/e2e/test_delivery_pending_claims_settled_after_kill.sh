# A run killed after it withdrew its claims (pending: "being rewritten") and
# wrote the file, but before it finished: the next run finds nothing left to
# copy, and still brings the delivery record up to date, so the file is
# claimed again with its hash and peers check it as before.
source "$(dirname "$0")/lib.sh"
source "$CS_E2E_DIR/transport_lib.sh"

sync_setup --empty-b
sync_ok a
record="$(delivery_record machine-a)"
put_file "$STATE_A/skills/review/SKILL.md" "edited on A" "2026-03-01 10:00:00"
CODEXSYNC_TEST_FAULT=engine.before_baseline cs_a sync --apply
assert_exit 86
grep -qE '"skills/review/SKILL.md":\{"at":"[^"]*","sha256":""' "$record" ||
  cs_fail "expected a pending claim on skills/review/SKILL.md after the killed run" "$(head -c 600 "$record")"

cs_a sync --apply
assert_exit 0
assert_stdout_contains "Done: 0 copied"
grep -qE "\"skills/review/SKILL.md\":\\{\"at\":\"[^\"]*\",\"sha256\":\"$(sha_of "$SYNC_DIR/skills/review/SKILL.md")\"" "$record" ||
  cs_fail "expected the next run to claim skills/review/SKILL.md with its hash" "$(head -c 600 "$record")"

# A pull killed mid-run and undone with `recover rollback`: a sync forgets the
# remembered stamp before its first write, so after the rollback closed its
# journal the next run lists the mirror and sees again the file it had
# pulled, instead of taking the scheduled no-op's shortcut. (Found by a
# review: the stamp used to survive a killed run, and rollback does not touch
# it.)
source "$(dirname "$0")/lib.sh"
source "$CS_E2E_DIR/transport_lib.sh"

not_listed="cloud mirror not listed"
settle_on_reused_plan

# A file only in the mirror; a full listing finds it and pulls it, killed
# before the baseline is written; then undone.
put_file "$SYNC_DIR/skills/by-hand/SKILL.md" "put in the mirror by hand" "2026-03-05 10:00:00"
CODEXSYNC_TEST_FAULT=engine.before_baseline cs_a sync --apply --full-scan
assert_exit 86
assert_file_is "$STATE_A/skills/by-hand/SKILL.md" "put in the mirror by hand"
mapfile -t ids < <(open_run_ids)
[[ ${#ids[@]} -eq 1 ]] || cs_fail "expected one unfinished run, found: ${ids[*]}"
cs_a recover rollback "${ids[0]}" --apply
assert_exit 0
assert_no_file "$STATE_A/skills/by-hand/SKILL.md"

cs_a plan
assert_exit 0
assert_stdout_not_contains "$not_listed"
assert_stdout_contains "skills/by-hand/SKILL.md"
sync_ok a
assert_file_is "$STATE_A/skills/by-hand/SKILL.md" "put in the mirror by hand"

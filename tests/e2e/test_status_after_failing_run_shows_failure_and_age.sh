# A sync that fails (a conflict, exit 2) is what `status` shows as the last
# run: its exit code and meaning, its first error, how long ago, the
# conflicting path and what to do, and a WARNING; the last success stays the
# earlier one. The age comes from the record (backdated here by 3 h 12 min).
source "$(dirname "$0")/lib.sh"

make_conflict skills/review/SKILL.md "edited on A" "2026-03-01 10:00:00" "edited on B" "2026-03-01 11:30:00"
cs_b sync --apply
assert_exit 2

record="$(run_record b last-run.json)"
assert_file_contains "$record" '"exit_code": 2'
assert_file_contains "$record" '"skills/review/SKILL.md"'
earlier="$(date -u -d '-3 hours -12 minutes' +%Y-%m-%dT%H:%M:%S.000Z)"
sed -i "s/\"finished\": \"[^\"]*\"/\"finished\": \"$earlier\"/" "$record"

cs_b status
assert_exit 0
assert_stdout_matches '^Last run: +sync --apply ended .*\(3 h 12 min ago\)$'
assert_stdout_contains "exit 2 (conflict left open): 1 conflict(s) left open; nothing was written."
assert_stdout_matches '^Last successful sync: sync --apply ended '
assert_stdout_contains "Open conflicts: 1"
assert_stdout_matches '^  skills/review/SKILL.md$'
assert_stdout_contains '`codexsync plan`'
assert_stdout_contains "WARNING: the last run failed: sync --apply ended with exit 2 (conflict left open)"

cs_b --json status
assert_exit 0
json_check 'd["last_run"]["exit_code"] == 2' 'd["last_run"]["outcome"] == "conflict"' \
  '3*3600 + 12*60 <= d["last_run"]["age_seconds"] < 3*3600 + 13*60' \
  'd["open_conflicts"]["paths"] == ["skills/review/SKILL.md"]' 'd["last_run_failed"] is True' 'd["stale"] is False'

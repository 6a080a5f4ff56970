# The run record is machine-local: after successful, failing and dry runs,
# restore and doctor, no record is anywhere in the cloud folder; and a run
# that finds the cloud folder missing (exit 5) is recorded without creating it.
source "$(dirname "$0")/lib.sh"

make_conflict skills/review/SKILL.md "edited on A" "2026-03-01 10:00:00" "edited on B" "2026-03-01 11:30:00"
cs_b sync --apply
assert_exit 2
cs_a sync --dry-run
assert_exit 0
cs_a doctor
cs_a restore --target local
assert_exit 0
assert_file_contains "$(run_record a last-run.json)" '"command": "restore"'
assert_file_contains "$(run_record a last-sync.json)" '"mode": "dry-run"'
assert_file_contains "$(run_record b last-run.json)" '"exit_code": 2'
found="$(find "$CLOUD" -name 'last-*.json' -o -name 'runs' | head -5)"
[[ -z "$found" ]] || cs_fail "a run record is in the cloud folder" "$found"

mv "$CLOUD" "$T/cloud-unmounted"
cs_a sync --apply
assert_exit 5
assert_no_file "$CLOUD"
assert_file_contains "$(run_record a last-run.json)" '"outcome": "fail_safe"'
assert_file_contains "$(run_record a last-run.json)" "the cloud folder $(cs_native_path "$CLOUD") does not exist"

# A `sync --apply` killed after its last write (before or after saving the
# baseline) leaves nothing for the next run to write; that next
# `sync --apply` still settles the unfinished run, as `recover list` promises
# ("the next `sync --apply` settles it"): afterwards it says
# "No unfinished runs."
source "$(dirname "$0")/lib.sh"

killed_after_last_write() {
  case_layout
  sync_setup --empty-b
  sync_ok a
  put_file "$STATE_A/skills/new/SKILL.md" "new on A"
  put_file "$STATE_A/session_index.jsonl" "edited on A"
  CODEXSYNC_TEST_FAULT="$1" cs_a sync --apply
  assert_exit 86
  cs_a recover list
  assert_stdout_contains "the next \`sync --apply\` settles it"

  cs_a sync --apply
  assert_exit 0
  assert_stdout_contains "Summary: 0 to the cloud (0 B), 0 to here (0 B)"
  cs_a recover list
  assert_exit 0
  assert_stdout_contains "No unfinished runs."
}

run_case "killed after the last write" killed_after_last_write engine.after_write:2
run_case "killed before the baseline" killed_after_last_write engine.before_baseline
run_case "killed after the baseline" killed_after_last_write engine.after_baseline
finish_cases

# `recover rollback ID --apply` after a killed `sync --apply` puts the cloud
# mirror back as it was before that run: files the run overwrote get their
# old bytes and mtime back from the run's backup, files it created are
# removed (with the folders they leave empty); a dry run before writes
# nothing; the run is then no longer listed as unfinished. Killed after all
# of its writes, and in the middle.
source "$(dirname "$0")/lib.sh"

rolled_back() {
  local point="$1" put_back="$2" removed="$3"
  case_layout
  sync_setup --empty-b
  sync_ok a
  snapshot_files mirror-before "$SYNC_DIR"
  # The run's writes, in order: session_index.jsonl (overwrite),
  # sessions/2026/11/22/new2.jsonl (new), skills/new1/SKILL.md (new),
  # skills/review/SKILL.md (overwrite).
  put_file "$STATE_A/session_index.jsonl" '{"id":"a-1","thread_name":"edited on A"}' "2026-03-01 10:00:00"
  put_file "$STATE_A/sessions/2026/11/22/new2.jsonl" '{"id":"a-2"}' "2026-03-01 10:03:00"
  put_file "$STATE_A/skills/new1/SKILL.md" "new skill on A" "2026-03-01 10:02:00"
  put_file "$STATE_A/skills/review/SKILL.md" "# review skill, edited on A" "2026-03-01 10:01:00"

  CODEXSYNC_TEST_FAULT="$point" cs_a sync --apply
  assert_exit 86
  assert_file_is "$SYNC_DIR/session_index.jsonl" '{"id":"a-1","thread_name":"edited on A"}'
  local ids
  mapfile -t ids < <(open_run_ids)
  [[ ${#ids[@]} -eq 1 ]] || cs_fail "expected one unfinished run, found: ${ids[*]}"

  snapshot_sync_state dry
  cs_a recover rollback "${ids[0]}"
  assert_exit 0
  assert_stdout_matches '^  put back +cloud +session_index.jsonl '
  assert_stdout_contains "Summary: $put_back to put back, $removed to remove"
  assert_stdout_contains "Dry run: nothing was written"
  assert_tree_unchanged dry

  cs_a recover rollback "${ids[0]}" --apply
  assert_exit 0
  assert_stdout_contains "Done: $put_back put back, $removed removed."
  assert_files_unchanged mirror-before
  assert_no_file "$SYNC_DIR/skills/new1"
  assert_no_file "$SYNC_DIR/sessions/2026/11/22"
  assert_file_is "$STATE_A/skills/new1/SKILL.md" "new skill on A" # A's own edits stay
  cs_a recover list
  assert_exit 0
  assert_stdout_contains "No unfinished runs."
}

run_case "killed after every write" rolled_back engine.before_baseline 2 2
run_case "killed after the second write" rolled_back engine.after_write:2 1 1
finish_cases

# A killed `sync --apply` whose journal lost its actions file
# (<id>.actions.jsonl beside the header <id>.json), or has it damaged: `recover
# rollback` cannot tell which files to undo, so it writes nothing, exits 5 and
# names the file and what to do; `recover list` names a missing file; the next
# `sync --apply` still settles the run.
source "$(dirname "$0")/lib.sh"

unreadable_actions() {
  local how="$1"
  case_layout
  sync_setup --empty-b
  sync_ok a
  put_file "$STATE_A/session_index.jsonl" '{"id":"a-1","thread_name":"edited on A"}' "2026-03-01 10:00:00"
  put_file "$STATE_A/skills/new1/SKILL.md" "new skill on A" "2026-03-01 10:02:00"
  CODEXSYNC_TEST_FAULT=engine.after_write:1 cs_a sync --apply
  assert_exit 86
  local ids
  mapfile -t ids < <(open_run_ids)
  [[ ${#ids[@]} -eq 1 ]] || cs_fail "expected one unfinished run, found: ${ids[*]}"
  local actions="$CLOUD/.tmp/journals/${ids[0]}.actions.jsonl"
  [[ -f "$actions" ]] || cs_fail "expected the run's actions file $actions"
  [[ -f "$CLOUD/.tmp/journals/${ids[0]}.json" ]] || cs_fail "expected the run's journal header"
  if [[ "$how" == missing ]]; then
    rm "$actions"
    cs_a recover list
    assert_exit 0
    assert_stdout_contains "unreadable journal: its actions file $actions cannot be read"
  else
    # Same size, so only reading it tells.
    head -c "$(stat -c %s "$actions")" /dev/zero | tr '\0' '#' >"$actions.new"
    mv "$actions.new" "$actions"
  fi

  snapshot_sync_state before
  cs_a recover rollback "${ids[0]}" --apply
  assert_exit 5
  assert_stderr_contains "$actions"
  assert_stderr_contains "is missing or damaged"
  assert_stderr_contains "sync --apply"
  assert_tree_unchanged before

  cs_a sync --apply
  assert_exit 0
  cs_a recover list
  assert_exit 0
  assert_stdout_contains "No unfinished runs."
}

run_case "actions file missing" unreadable_actions missing
run_case "actions file damaged" unreadable_actions damaged
finish_cases

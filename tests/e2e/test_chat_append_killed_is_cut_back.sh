# A sync killed while it appends a chat's new tail in place (the test fault
# hook ends the process between two 1 MiB chunks, exit 86, as a kill would)
# leaves that chat as its old bytes plus the start of the tail. The next
# `sync --apply` first cuts it back to its old bytes and old mtime (the run's
# journal names the file and its old length), says so, then fast-forwards it
# again: both sides equal, nothing lost, the run settled. Where bytes that are
# not the source's were written after the kill (the agent was started on the
# half-appended chat), the next run changes nothing and stops with exit 5
# naming the file; once a person has looked, `recover close` lets syncs go on.
# Meanwhile the other machine never takes the half-appended chat. Only files
# the run began to append to are judged so (a run killed before reaching a
# chat leaves it to the plan), and `recover rollback` cuts back first.
source "$(dirname "$0")/lib.sh"

chat=sessions/2026/11/20/rollout-2026-11-20T10-00-00-a.jsonl

# A chat synced on A, B and the cloud folder; then A continues it by ~3.5 MB.
prepare_chat() {
  case_layout
  sync_setup --empty-b
  write_chat "$STATE_A/$chat" 2000
  sync_ok a
  sync_ok b
  OLD_SIZE="$(stat -c %s "$STATE_A/$chat")"
  OLD_SHA="$(sha_of "$STATE_A/$chat")"
  write_chat "$STATE_A/$chat" 40000
  touch -d "2026-11-21 09:00:00 UTC" "$STATE_A/$chat"
}

# assert_torn FILE: FILE is its old bytes plus a part of A's new tail.
assert_torn() {
  local size
  size="$(stat -c %s "$1")"
  ((size > OLD_SIZE && size < $(stat -c %s "$STATE_A/$chat"))) ||
    cs_fail "expected $1 to hold part of the new tail after the kill (size $size, old $OLD_SIZE)"
  cmp -s -n "$size" "$1" "$STATE_A/$chat" || cs_fail "expected $1 to be the start of A's chat"
}

push_killed_then_repaired() {
  prepare_chat
  CODEXSYNC_TEST_FAULT=apply.append.after_chunk:2 cs_a sync --apply
  assert_exit 86
  assert_torn "$SYNC_DIR/$chat"
  mapfile -t ids < <(open_run_ids)
  [[ ${#ids[@]} -eq 1 ]] || cs_fail "expected one unfinished run, found: ${ids[*]}"

  # B, meanwhile, never takes the half-appended chat: A's record says A was
  # appending to it from its old size, so B leaves that chat alone (kept
  # apart, said so) and syncs the rest.
  put_file "$STATE_B/skills/from-b/SKILL.md" "a skill made on B" "2026-11-21 10:00:00"
  cs_b sync --apply
  assert_exit 0
  assert_output_contains "was appending to it from"
  [[ "$(sha_of "$STATE_B/$chat")" == "$OLD_SHA" ]] || cs_fail "B took a half-appended chat"
  assert_same_file "$STATE_B/skills/from-b/SKILL.md" "$SYNC_DIR/skills/from-b/SKILL.md"

  cs_a sync --apply
  assert_exit 0
  assert_stderr_contains "was cut back to its first $OLD_SIZE bytes"
  assert_same_file "$STATE_A/$chat" "$SYNC_DIR/$chat"
  grep -q "cut back" "$CLOUD"/logs/codexsync-machine-a-*.log || cs_fail "expected A's log to record the cut"
  cs_a recover list
  assert_exit 0
  assert_stdout_contains "No unfinished runs."
  sync_ok b
  assert_same_file "$STATE_A/$chat" "$STATE_B/$chat"
}

# The cut itself, seen alone: a run that stops right after it (the agent
# found running) leaves the chat wholly old, its old mtime back.
cut_back_restores_old_mtime() {
  prepare_chat
  local cloud_mtime
  cloud_mtime="$(mtime_of "$SYNC_DIR/$chat")"
  CODEXSYNC_TEST_FAULT=apply.append.after_chunk:1 cs_a sync --apply
  assert_exit 86
  assert_torn "$SYNC_DIR/$chat"
  CODEXSYNC_TEST_FAULT=engine.after_backup cs_a sync --apply
  assert_exit 86
  [[ "$(sha_of "$SYNC_DIR/$chat")" == "$OLD_SHA" ]] || cs_fail "expected the cloud chat cut back to its old bytes"
  [[ "$(mtime_of "$SYNC_DIR/$chat")" == "$cloud_mtime" ]] || cs_fail "expected the cloud chat's old mtime back"
  sync_ok a
  assert_same_file "$STATE_A/$chat" "$SYNC_DIR/$chat"
}

pull_killed_then_agent_wrote() {
  prepare_chat
  sync_ok a
  local b_old
  b_old="$(sha_of "$STATE_B/$chat")"
  [[ "$b_old" == "$OLD_SHA" ]]
  CODEXSYNC_TEST_FAULT=apply.append.after_chunk:1 cs_b sync --apply
  assert_exit 86
  assert_torn "$STATE_B/$chat"
  # The agent was started on B before the next sync and went on in this chat.
  printf '{"type":"response_item","text":"typed on B after the kill"}\n' >>"$STATE_B/$chat"
  snapshot_tree b_state "$STATE_B"
  cs_b sync --apply
  assert_exit 5
  assert_stderr_contains "$chat"
  assert_stderr_contains "recover close"
  assert_stderr_contains "Nothing was changed"
  assert_tree_unchanged b_state
  # Plans and dry runs change nothing either.
  cs_b sync --dry-run
  assert_tree_unchanged b_state

  # A person looks, keeps the old chat and the line typed on B, and closes the run.
  local id
  id="$(cs_b --json recover list >/dev/null; python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["runs"][0]["id"])' "$CS_RUN/stdout")"
  head -c "$OLD_SIZE" "$STATE_B/$chat" >"$CASE_DIR/fixed"
  printf '{"type":"response_item","text":"typed on B after the kill"}\n' >>"$CASE_DIR/fixed"
  cat "$CASE_DIR/fixed" >"$STATE_B/$chat"
  cs_b recover close "$id"
  assert_exit 0
  assert_stdout_contains "Run $id closed; no file was changed"
  cs_b recover close "$id"
  assert_exit 4
  # Both went on from the same chat: a real divergence, for conflict.policy
  # (manual_abort: exit 2, nothing written).
  cs_b sync --apply
  assert_exit 2
  assert_file_is "$STATE_B/$chat" "$(cat "$CASE_DIR/fixed")"
}

# Killed after the last byte, before the time was set: the next run finds the
# whole tail, keeps it and gives it A's time (else the cloud copy, then B's,
# would keep the time of the kill).
killed_before_the_time() {
  prepare_chat
  local chunks=$(( ($(stat -c %s "$STATE_A/$chat") - OLD_SIZE + 1048575) / 1048576 ))
  CODEXSYNC_TEST_FAULT="apply.append.after_chunk:$chunks" cs_a sync --apply
  assert_exit 86
  [[ "$(stat -c %s "$SYNC_DIR/$chat")" == "$(stat -c %s "$STATE_A/$chat")" ]] || cs_fail "expected the whole tail written"
  [[ "$(mtime_of "$SYNC_DIR/$chat")" != "$(mtime_of "$STATE_A/$chat")" ]] || cs_fail "expected the time not yet set"
  sync_ok a
  assert_same_file "$STATE_A/$chat" "$SYNC_DIR/$chat"
  [[ "$(mtime_of "$SYNC_DIR/$chat")" == "$(mtime_of "$STATE_A/$chat")" ]] || cs_fail "expected A's mtime on the cloud copy"
  sync_ok b
  [[ "$(mtime_of "$STATE_B/$chat")" == "$(mtime_of "$STATE_A/$chat")" ]] || cs_fail "expected A's mtime on B's copy"
}

# A pull killed before it reached the chat, then the agent went on in that
# chat on B: nothing of the run is in it, so this is an ordinary divergence
# for conflict.policy (manual_abort: exit 2, nothing written), not a repair.
killed_before_the_chat_then_agent_wrote() {
  prepare_chat
  sync_ok a
  CODEXSYNC_TEST_FAULT=engine.after_backup cs_b sync --apply
  assert_exit 86
  printf '{"type":"response_item","text":"typed on B"}\n' >>"$STATE_B/$chat"
  cs_b sync --apply
  assert_exit 2
  assert_stderr_not_contains "interrupted run was appending"
}

# `recover rollback --apply` of a run killed mid-append cuts the chat back
# first, then closes the run; nothing is left half-appended.
rollback_cuts_back() {
  prepare_chat
  CODEXSYNC_TEST_FAULT=apply.append.after_chunk:1 cs_a sync --apply
  assert_exit 86
  assert_torn "$SYNC_DIR/$chat"
  local id
  id="$(open_run_ids | head -1)"
  cs_a recover rollback "$id" --apply
  assert_exit 0
  [[ "$(sha_of "$SYNC_DIR/$chat")" == "$OLD_SHA" ]] || cs_fail "expected the rollback to cut the cloud chat back"
  cs_a recover list
  assert_stdout_contains "No unfinished runs."
  sync_ok a
  assert_same_file "$STATE_A/$chat" "$SYNC_DIR/$chat"
}

run_case "push killed mid-append, then repaired" push_killed_then_repaired
run_case "killed before the time was set" killed_before_the_time
run_case "killed before the chat, then the agent wrote" killed_before_the_chat_then_agent_wrote
run_case "rollback cuts back" rollback_cuts_back
run_case "the cut restores the old mtime" cut_back_restores_old_mtime
run_case "pull killed mid-append, then the agent wrote" pull_killed_then_agent_wrote
finish_cases

# A `sync --apply` killed at any point (the test fault hook makes the process
# die on the spot, exit 86, as a kill would) leaves every file on both sides
# wholly old or wholly new, no half-written file under a real name (only
# hidden `.<name>.codexsync-tmp-<hex>` temps may remain), and an unfinished
# run that `recover list` shows. A plain `sync --apply` afterwards converges:
# both sides equal and new, and the run no longer listed as unfinished.
source "$(dirname "$0")/lib.sh"

# The run's writes, in order: session_index.jsonl (cloud, overwrite), the
# rollout (local, overwrite, pulled from B), new2.jsonl (cloud, new),
# skills/new1/SKILL.md (cloud, new), skills/review/SKILL.md (cloud, overwrite).
rollout=sessions/2026/11/20/rollout-2026-11-20T10-00-00-a.jsonl
paths=(session_index.jsonl "$rollout" sessions/2026/11/22/new2.jsonl skills/new1/SKILL.md skills/review/SKILL.md)

prepare_run() {
  case_layout
  sync_setup --empty-b
  sync_ok a
  sync_ok b
  put_file "$STATE_B/$rollout" '{"id":"a-1","continued_on":"B"}' "2026-03-01 09:00:00"
  sync_ok b
  put_file "$STATE_A/session_index.jsonl" '{"id":"a-1","thread_name":"edited on A, longer"}' "2026-03-01 10:00:00"
  put_file "$STATE_A/skills/review/SKILL.md" "# review skill, edited on A" "2026-03-01 10:01:00"
  put_file "$STATE_A/skills/new1/SKILL.md" "new skill on A" "2026-03-01 10:02:00"
  mkdir -p "$STATE_A/sessions/2026/11/22"
  head -c 300000 /dev/urandom >"$STATE_A/sessions/2026/11/22/new2.jsonl"
  touch -d "2026-03-01 10:03:00 UTC" "$STATE_A/sessions/2026/11/22/new2.jsonl"
  # old and new content of every path, on each side
  local p
  for p in "${paths[@]}"; do
    printf '%s %s %s\n' "$p" "$(sha_of "$SYNC_DIR/$p")" "$(sha_of "$STATE_A/$p")"
  done >"$CASE_DIR/before"
}

# assert_whole SIDE_DIR: each path under SIDE_DIR holds the old or the new
# content (or is still missing when it was), and nothing else is there but
# hidden codexsync temp files.
assert_whole() {
  local dir="$1" p cloud_old local_old now
  while read -r p cloud_old local_old; do
    now="$(sha_of "$dir/$p")"
    [[ "$now" == "$cloud_old" || "$now" == "$local_old" ]] ||
      cs_fail "$dir/$p is neither its old nor its new version (sha256 $now)"
  done <"$CASE_DIR/before"
  local f name
  while IFS= read -r f; do
    name="$(basename "$f")"
    if [[ "$name" == *codexsync-tmp* ]]; then
      [[ "$name" =~ ^\..+\.codexsync-tmp-[0-9a-f]{12}$ ]] || cs_fail "a temp file with a visible name: $f"
      TEMPS_SEEN=$((TEMPS_SEEN + 1))
      continue
    fi
    grep -qxF "${f#"$dir"/}" <(printf '%s\n' "${paths[@]}" auth.json config.toml) || cs_fail "an unexpected file: $f"
  done < <(find "$dir" -type f)
}

killed_at() {
  local point="$1"
  prepare_run
  CODEXSYNC_TEST_FAULT="$point" cs_a sync --apply
  assert_exit 86
  TEMPS_SEEN=0
  assert_whole "$SYNC_DIR"
  assert_whole "$STATE_A"
  if [[ "$point" == apply.copy.after_temp_write || "$point" == apply.copy.before_rename ]]; then
    [[ $TEMPS_SEEN -eq 1 ]] || cs_fail "expected the killed copy's temp file to remain (found $TEMPS_SEEN)"
  fi
  cs_a recover list
  assert_exit 0
  assert_stdout_matches '^machine-a-[0-9]{8}T[0-9]{6}Z-[0-9a-f]+  .*  sync  5 write\(s\), stopped at '
  assert_stdout_contains "the next \`sync --apply\` settles it"

  cs_a sync --apply
  assert_exit 0
  assert_trees_equal "$STATE_A" "$SYNC_DIR"
  local p cloud_old local_old
  while read -r p cloud_old local_old; do
    [[ "$(sha_of "$SYNC_DIR/$p")" == "$local_old" || "$p" == "$rollout" ]] ||
      cs_fail "$p did not converge to A's new version"
  done <"$CASE_DIR/before"
  assert_file_is "$STATE_A/$rollout" '{"id":"a-1","continued_on":"B"}'
  cs_a recover list
  assert_exit 0
  assert_stdout_contains "No unfinished runs."
}

for point in apply.copy.after_temp_write apply.copy.before_rename apply.copy.after_rename \
  apply.copy.after_rename:3 engine.backup_file engine.backup_file:2 engine.after_backup \
  engine.after_write engine.after_write:4 apply.copy.after_rename:5 engine.after_write:5 \
  engine.before_baseline engine.after_baseline; do
  run_case "$point" killed_at "$point"
done
finish_cases

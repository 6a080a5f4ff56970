# Copies running on several threads at once ([sync] copy_threads = 4) keep
# the guarantee of one-at-a-time copies: a run killed at any point leaves
# every file in the mirror absent (first sync), wholly old or wholly new, only
# hidden temp files besides, and the next run converges; machine B then pulls
# everything, also four at a time, and the trees are equal.
source "$(dirname "$0")/lib.sh"

make_many() {
  local i dir
  for i in $(seq 1 80); do
    dir="$STATE_A/sessions/2026/03/$(printf '%02d' $((i % 9 + 1)))"
    mkdir -p "$dir"
    head -c $((i * 997 % 60000 + 10)) /dev/urandom >"$dir/rollout-$i.jsonl"
    touch -d "@$((1767261600 + i * 60))" "$dir/rollout-$i.jsonl"
  done
}

# assert_whole_or_absent: every mirror file is absent or equal to A's; no
# visible temp file.
assert_whole_or_absent() {
  local f rel name
  while IFS= read -r f; do
    rel="${f#"$SYNC_DIR"/}"
    name="$(basename "$f")"
    if [[ "$name" == *codexsync-tmp* ]]; then
      [[ "$name" =~ ^\..+\.codexsync-tmp-[0-9a-f]{12}$ ]] || cs_fail "a temp file with a visible name: $f"
      continue
    fi
    cmp -s "$f" "$STATE_A/$rel" || cs_fail "$f is not A's version (a partial or wrong copy)"
  done < <(find "$SYNC_DIR" -type f)
}

killed_at() {
  case_layout
  sync_setup --empty-b
  put_config a sync copy_threads 4
  put_config b sync copy_threads 4
  make_many
  CODEXSYNC_TEST_FAULT="$1" cs_a sync --apply
  assert_exit 86
  assert_whole_or_absent
  sync_ok a
  assert_trees_equal "$STATE_A" "$SYNC_DIR"
  cs_a recover list
  assert_exit 0
  assert_stdout_contains "No unfinished runs."
  sync_ok b
  assert_trees_equal "$STATE_A" "$STATE_B"
}

for point in apply.copy.after_temp_write:40 apply.copy.before_rename:70 engine.after_write:30 \
  engine.before_baseline; do
  run_case "$point" killed_at "$point"
done
finish_cases

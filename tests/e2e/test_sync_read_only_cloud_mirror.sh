# A cloud mirror that cannot be written (mounted read-only; or, where mount
# namespaces are not allowed, made immutable with chattr): `sync --apply`
# stops before writing anything (exit 5) with a message that names the mirror
# path, loses nothing (the agent's folder is untouched, the mirror's content
# unchanged)
# and, once the mirror is writable again, the next run completes.
source "$(dirname "$0")/lib.sh"

sync_setup --empty-b
sync_ok a
put_file "$STATE_A/session_index.jsonl" '{"id":"a-1","thread_name":"edited on A"}' "2026-03-01 10:00:00"
put_file "$STATE_A/sessions/2026/11/22/new.jsonl" '{"id":"a-2"}' "2026-03-01 10:01:00"
snapshot_tree state "$STATE_A"
snapshot_files mirror "$SYNC_DIR"

if can_use_mount_ns; then
  how="a read-only bind mount"
  run_cs_in_mount_ns "mount --bind -o ro '$SYNC_DIR' '$SYNC_DIR'" -c "$CONFIG_A" sync --apply
elif command -v chattr >/dev/null 2>&1 && chattr -R +i "$SYNC_DIR" 2>/dev/null; then
  how="chattr +i"
  trap 'chattr -R -i "$SYNC_DIR" 2>/dev/null; cs_on_exit' EXIT
  cs_a sync --apply
  chattr -R -i "$SYNC_DIR"
else
  skip_test "cannot make a read-only folder here: neither a mount namespace (unshare -m) nor chattr +i is allowed"
fi
printf 'read-only mirror made with %s\n' "$how"

if [[ "$how" == "a read-only bind mount" ]]; then
  assert_exit 5
  assert_stderr_contains "nothing was written"
else
  # root may pass the access check on an immutable folder; the write then fails (exit 1), still losing nothing
  [[ "$CS_EXIT" == 1 || "$CS_EXIT" == 5 ]] || cs_fail "expected exit code 1 or 5 for an immutable mirror"
fi
assert_stderr_contains "$SYNC_DIR"
assert_tree_unchanged state
assert_files_unchanged mirror

# Writable again: the run goes through.
cs_a sync --apply
assert_exit 0
assert_file_is "$SYNC_DIR/session_index.jsonl" '{"id":"a-1","thread_name":"edited on A"}'
assert_file_is "$SYNC_DIR/sessions/2026/11/22/new.jsonl" '{"id":"a-2"}'

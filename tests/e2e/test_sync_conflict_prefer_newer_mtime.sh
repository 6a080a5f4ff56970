# conflict.policy = prefer_newer_mtime: when both machines edited a file, the
# version with the newer mtime wins, whichever side it is on; the other is
# backed up byte for byte first. Equal times stay a conflict (exit 2).
source "$(dirname "$0")/lib.sh"

f=sessions/2026/11/20/rollout-2026-11-20T10-00-00-a.jsonl

local_newer() {
  case_layout
  make_conflict "$f" "A's edit, older" "2026-03-01 10:00:00" "B's edit, newer" "2026-03-01 10:00:05"
  set_config b conflict policy '"prefer_newer_mtime"'
  cs_b sync --apply
  assert_exit 0
  assert_stdout_matches "^  copy -> cloud +$(re "$f") .*this copy is newer"
  assert_file_is "$SYNC_DIR/$f" "B's edit, newer"
  assert_same_file "$STATE_B/$f" "$SYNC_DIR/$f"
  assert_backed_up cloud "$f" "A's edit, older"
  cs_b backups list
  assert_stdout_matches "^machine-b-[0-9]{8}T[0-9]{6}Z-[0-9a-f]{12} .* 1 +15 B +complete$"
}

cloud_newer() {
  case_layout
  make_conflict "$f" "A's edit, newer" "2026-03-01 10:00:05" "B's edit, older" "2026-03-01 10:00:00"
  set_config b conflict policy '"prefer_newer_mtime"'
  cs_b sync --apply
  assert_exit 0
  assert_stdout_matches "^  copy -> local +$(re "$f") .*the cloud copy is newer"
  assert_file_is "$STATE_B/$f" "A's edit, newer"
  assert_same_file "$SYNC_DIR/$f" "$STATE_B/$f"
  assert_backed_up local "$f" "B's edit, older"
  cs_b backups list
  assert_stdout_matches "^machine-b-[0-9]{8}T[0-9]{6}Z-[0-9a-f]{12} .* 1 +15 B +complete$"
}

same_time() {
  case_layout
  make_conflict "$f" "A's edit" "2026-03-01 10:00:00" "B's edit!" "2026-03-01 10:00:00"
  set_config b conflict policy '"prefer_newer_mtime"'
  snapshot_sync_state before
  cs_b sync --apply
  assert_exit 2
  assert_stderr_contains "$f: here 9 B, 2026-03-01 10:00:00 UTC; cloud 8 B, 2026-03-01 10:00:00 UTC"
  assert_tree_unchanged before
}

run_case "the local copy is newer" local_newer
run_case "the cloud copy is newer" cloud_newer
run_case "the same time stays a conflict" same_time
finish_cases

# A restore that replaces a file first backs up the version it replaces, in a
# new complete snapshot (a folder or a zip, as backup.compression says) that
# the output names, so the restore itself can be undone.
source "$(dirname "$0")/lib.sh"

backs_up() {
  case_layout
  make_cloud_overwrite "$1"
  local first
  first="$(snapshot_names)"
  cs_b restore --target cloud --apply
  assert_exit 0
  local second
  second="$(snapshot_names | grep -vxF "$first")"
  [[ -n "$second" && "$second" == machine-b-* ]] || cs_fail "expected a second snapshot of B, found: $(snapshot_names | tr '\n' ' ')"
  assert_stdout_contains "What was there before is in snapshot $second."
  if [[ "$1" == zip ]]; then
    [[ "$(zip_entry "$BACKUP_DIR/$second.zip" "cloud/$REVIEW")" == "edited on B" ]] ||
      cs_fail "expected $second.zip to hold the replaced version as cloud/$REVIEW"
  else
    assert_file_is "$BACKUP_DIR/$second/cloud/$REVIEW" "edited on B"
  fi
  cs_b backups list
  assert_stdout_matches "^$second .* 1 +11 B +complete$"
  # and it can be restored in turn
  cs_b restore --from "$second" --target cloud --apply
  assert_exit 0
  assert_file_is "$SYNC_DIR/$REVIEW" "edited on B"
}

run_case "folder snapshots" backs_up none
run_case "zip snapshots" backs_up zip
finish_cases

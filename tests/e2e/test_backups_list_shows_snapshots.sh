# `backups list` shows every snapshot, newest first, with its name, creation
# time, number of files and bytes, and "complete"; with no backups yet it
# says so.
source "$(dirname "$0")/lib.sh"

sync_setup --empty-b
cs_a backups list
assert_exit 0
assert_stdout_contains "No backups in $BACKUP_DIR."

make_cloud_overwrite_twice() {
  sync_ok a
  sync_ok b
  put_file "$STATE_B/skills/review/SKILL.md" "edited on B" "2026-03-01 10:00:00"
  sync_ok b # backs up A's 28-byte version from the cloud
  snaps=("$(run_snapshot)")
  put_file "$STATE_B/session_index.jsonl" "x" "2026-03-01 10:01:00"
  put_file "$STATE_B/skills/review/SKILL.md" "edited on B again" "2026-03-01 10:01:00"
  sync_ok b # backs up 35 + 11 bytes
  snaps+=("$(run_snapshot)")
}
make_cloud_overwrite_twice
[[ "$(snapshot_names | wc -l)" -eq 2 && -n "${snaps[0]}" && -n "${snaps[1]}" ]] ||
  cs_fail "expected two snapshots, found: $(snapshot_names | tr '\n' ' ')"

cs_b backups list
assert_exit 0
assert_stdout_matches '^name +created \(UTC\) +files +bytes +state$'
assert_stdout_matches "^${snaps[0]} +20[0-9]{2}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z +1 +28 B +complete$"
assert_stdout_matches "^${snaps[1]} +20[0-9]{2}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z +2 +46 B +complete$"
# newest first
[[ "$(sed -n 2p "$CS_RUN/stdout")" == "${snaps[1]} "* ]] || cs_fail "expected ${snaps[1]} (the newer) listed first"

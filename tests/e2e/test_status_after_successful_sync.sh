# After a successful `sync --apply`, `status` shows it as the last run and the
# last successful sync, with its age, warns of nothing and exits 0; --json
# says the same with "stale": false. The record is this machine's, in the user
# state folder.
source "$(dirname "$0")/lib.sh"

sync_setup --empty-b
sync_ok a
assert_file_contains "$(run_record a last-run.json)" '"format": "codexsync-run-v1"'
assert_file_contains "$(run_record a last-success.json)" '"copied_to_cloud": 3'
assert_file_contains "$(run_record a last-sync.json)" '"mode": "apply"'

cs_a status
assert_exit 0
assert_stdout_contains "Config:               $CONFIG_A (machine machine-a)"
assert_stdout_matches '^Last run: +sync --apply ended [0-9-]+ [0-9:]+ \([0-9]+ s ago\)$'
assert_stdout_matches '^ +exit 0 \(ok\)$'
assert_stdout_matches '^Last successful sync: sync --apply ended .* ago\)$'
assert_stdout_contains "OK: the last run succeeded"
assert_stdout_not_contains "WARNING"

cs_a --json status
assert_exit 0
assert_stdout_json
json_check 'd["stale"] is False' 'd["last_run_failed"] is False' 'd["last_success"]["exit_code"] == 0' \
  'd["last_success"]["counts"]["copied_to_cloud"] == 3' 'd["config"]["machine"] == "machine-a"' \
  'd["last_run"]["age_seconds"] < 60'

# Machine B's config has records of its own: none yet.
cs_b status
assert_exit 0
assert_stdout_contains "Last run:             none recorded yet"
assert_stdout_contains "WARNING: there has never been a successful"

# Each `sync --apply` that writes records its start and end in
# <workspace>/state/machines/<machine>.json. A run killed mid-way leaves its
# start without an end: another machine that syncs within [sync]
# lease_seconds is warned that the files may still be arriving, or, with
# respect_peer_lease = true, stops with exit 5 and writes nothing; once the
# lease has run out, or the run has finished, it goes on.
source "$(dirname "$0")/lib.sh"

sync_setup --empty-b
sync_ok a
record="$CLOUD/state/machines/machine-a.json"
assert_file_exists "$record"
assert_file_contains "$record" '"last_exit_code": 0'
assert_file_contains "$record" '"sync_started"'
# The clock probe leaves nothing behind.
[[ -z "$(find "$CLOUD/state/machines" -name '.clock-probe*')" ]] || cs_fail "a clock probe was left behind"

# A's next run dies after its backups, before it records an end.
put_file "$STATE_A/skills/review/SKILL.md" "edited on A" "2026-03-01 10:00:00"
CODEXSYNC_TEST_FAULT=engine.after_backup cs_a sync --apply
assert_exit 86

cs_b sync --apply
assert_exit 0
assert_stderr_contains "machine-a began a sync"
assert_stderr_contains "has not finished"

put_config b sync respect_peer_lease true
snapshot_sync_state before
cs_b sync --apply
assert_exit 5
assert_stderr_contains "respect_peer_lease = true"
assert_tree_unchanged before
cs_b status
assert_exit 0
assert_stdout_contains "machine-a"

# A short lease: the interrupted run no longer holds anyone up.
put_config b sync lease_seconds 1
sleep 2
cs_b sync --apply
assert_exit 0
assert_stderr_contains "never recorded its end"

# A finishes; nothing more to say about it.
put_config b sync lease_seconds 900
sync_ok a
assert_file_contains "$record" '"last_exit_code": 0'
cs_b sync --apply
assert_exit 0
assert_stderr_not_contains "machine-a"

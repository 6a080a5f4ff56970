# `status` warns when the last successful `sync --apply` is older than
# [scheduler] stale_after_hours (default 24), and not when it is within it.
# The record's times are moved back 30 h.
source "$(dirname "$0")/lib.sh"

sync_setup --empty-b
sync_ok a
for name in last-run.json last-sync.json last-success.json; do
  old="$(date -u -d '-30 hours' +%Y-%m-%dT%H:%M:%S.000Z)"
  sed -i "s/\"\\(started\\|finished\\)\": \"[^\"]*\"/\"\\1\": \"$old\"/" "$(run_record a "$name")"
done

cs_a status
assert_exit 0
assert_stdout_matches '^Last successful sync: sync --apply ended .*\(1 day 6 h ago\)$'
assert_stdout_contains "WARNING: the last successful sync was 1 day 6 h ago, more than stale_after_hours = 24 h ago"
cs_a --json status
json_check 'd["stale"] is True' 'd["stale_after_hours"] == 24' 'd["last_run_failed"] is False'

set_config a scheduler stale_after_hours 48
cs_a status
assert_exit 0
assert_stdout_not_contains "WARNING"
cs_a --json status
json_check 'd["stale"] is False' 'd["stale_after_hours"] == 48'

# A dry run is not a success: it does not make the warning go away.
set_config a scheduler stale_after_hours 24
cs_a sync --dry-run
assert_exit 0
cs_a status
assert_stdout_matches '^Last run: +sync --dry-run ended '
assert_stdout_contains "WARNING: the last successful sync was 1 day 6 h ago"

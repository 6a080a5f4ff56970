# [notify] command runs after a --scheduled run that ends with exit 2 or 5
# (and 4), with the CODEXSYNC_* variables; not after exit 0, and never after a
# run without --scheduled. It runs after the record is written.
source "$(dirname "$0")/lib.sh"
skip_on_windows "notify commands written for sh (sh -c, echo; exit 7) where Windows runs cmd.exe"

make_conflict skills/review/SKILL.md "edited on A" "2026-03-01 10:00:00" "edited on B" "2026-03-01 11:30:00"
calls="$T/notify-calls"
env_file="$T/notify-env"
add_config b notify "command = $(toml_str "printf '%s\\n' \"\$CODEXSYNC_EXIT_CODE\" >>'$calls'; env | grep '^CODEXSYNC_' | sort >'$env_file'; test -f \"\$CODEXSYNC_RUN_RECORD\" && echo record-was-there >>'$env_file'")"
notified() { [[ -f "$calls" ]] && tr '\n' ' ' <"$calls" | sed 's/ $//'; }

# exit 0, scheduled: nothing
cs_a --scheduled sync --apply
assert_exit 0
[[ "$(notified)" == "" ]] || cs_fail "notify ran after exit 0" "calls: $(notified)"

# exit 2, by hand: nothing; scheduled: notified
cs_b sync --apply
assert_exit 2
[[ "$(notified)" == "" ]] || cs_fail "notify ran for a run without --scheduled" "calls: $(notified)"
cs_b --scheduled sync --apply
assert_exit 2
[[ "$(notified)" == "2" ]] || cs_fail "expected one notification for exit 2" "calls: $(notified)"
assert_file_contains "$env_file" "CODEXSYNC_EXIT_CODE=2"
assert_file_contains "$env_file" "CODEXSYNC_OUTCOME=conflict"
assert_file_contains "$env_file" "CODEXSYNC_COMMAND=sync --apply"
assert_file_contains "$env_file" "CODEXSYNC_MACHINE=machine-b"
assert_file_contains "$env_file" "CODEXSYNC_MESSAGE=sync --apply on machine-b ended with exit 2 (conflict left open): 1 conflict(s) left open; nothing was written."
assert_file_contains "$env_file" "CODEXSYNC_RUN_RECORD=$(run_record b last-run.json)"
assert_file_contains "$env_file" "CODEXSYNC_CONFIG=$CONFIG_B"
assert_file_contains "$env_file" "record-was-there"
assert_file_contains "$(run_record b last-run.json)" '"scheduled": true'

# exit 5 (the cloud folder is gone), scheduled: notified
mv "$CLOUD" "$CLOUD.away"
cs_b --scheduled sync --apply
assert_exit 5
mv "$CLOUD.away" "$CLOUD"
[[ "$(notified)" == "2 5" ]] || cs_fail "expected a notification for exit 5" "calls: $(notified)"
assert_file_contains "$env_file" "CODEXSYNC_OUTCOME=fail_safe"

# exit 4 (a broken value elsewhere in the config), scheduled: notified, the
# [notify] section being still readable
cs_set_key "$CONFIG_B" conflict policy '"newest"'
cs_b --scheduled sync --apply
assert_exit 4
[[ "$(notified)" == "2 5 4" ]] || cs_fail "expected a notification for exit 4" "calls: $(notified)"

# exit 4 (a command line this version does not take, as an old scheduled task
# might have), scheduled: recorded and notified too
cs_set_key "$CONFIG_B" conflict policy '"manual_abort"'
cs_b --scheduled sync --apply --no-such-flag
assert_exit 4
[[ "$(notified)" == "2 5 4 4" ]] || cs_fail "expected a notification for a bad command line" "calls: $(notified)"
assert_file_contains "$(run_record b last-run.json)" "The following argument was not expected: --no-such-flag"

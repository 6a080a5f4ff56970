# A scheduled run that finds the agent running (exit 3) notifies only when the
# scheduled run before it ended with 3 too: not the first time, the second
# time yes, and again the third; a manual run in between does not reset that.
# A scheduled run never asks to close the agent, even when allowed to.
source "$(dirname "$0")/lib.sh"
skip_on_windows "notify commands written for sh (sh -c, echo; exit 7) where Windows runs cmd.exe"

sync_setup --empty-b
agent="codex-e2e-notify-$$" # unique: other tests run side by side
set_config a process_detection process_names "[\"$agent\"]"
set_config a process_detection allow_terminate_if_running true
calls="$T/notify-calls"
add_config a notify "command = [\"sh\", \"-c\", \"echo \\\"\$CODEXSYNC_EXIT_CODE\\\" >>\\\"\$1\\\"\", \"notify\", $(toml_str "$calls")]"
notified() { [[ -f "$calls" ]] && tr '\n' ' ' <"$calls" | sed 's/ $//'; }
start_agent "$agent"

cs_a --scheduled sync --apply
assert_exit 3
assert_stderr_contains "no terminal to ask"
kill -0 "$AGENT_PID" || cs_fail "a scheduled run closed the agent"
[[ "$(notified)" == "" ]] || cs_fail "notify ran after the first exit 3" "calls: $(notified)"
assert_file_contains "$(run_record a last-run.json)" '"streak": 1'

cs_a sync --apply # by hand, in between
assert_exit 3

cs_a --scheduled sync --apply
assert_exit 3
[[ "$(notified)" == "3" ]] || cs_fail "expected a notification for the second exit 3 in a row" "calls: $(notified)"
assert_file_contains "$(run_record a last-run.json)" '"streak": 2'

cs_a --scheduled sync --apply
assert_exit 3
[[ "$(notified)" == "3 3" ]] || cs_fail "expected a notification for the third exit 3 in a row" "calls: $(notified)"

cs_a status
assert_stdout_contains "3 scheduled run(s) in a row ended this way; failing since"

stop_agent
cs_a --scheduled sync --apply
assert_exit 0
[[ "$(notified)" == "3 3" ]] || cs_fail "notify ran after exit 0" "calls: $(notified)"

# Windows: an agent with no top-level window (a console program, as the Codex
# CLI is) cannot be sent WM_CLOSE. codexsync still waits
# terminate_timeout_seconds for it (the person may close it meanwhile), then
# ends it, and says it could not be asked rather than that it ignored the
# request; the sync goes on (exit 0). Run under Wine with the console fake
# agent (tests/helpers/fake_agent.cpp), which has no window.
# Skipped on Linux: SIGTERM reaches every process (sync_closes_agent_when_allowed).
source "$(dirname "$0")/lib.sh"
((CS_ON_WINDOWS)) ||
  skip_test "on POSIX every process can be asked with SIGTERM (sync_closes_agent_when_allowed); a process with no window to send WM_CLOSE to is a Windows case, run under Wine"

sync_setup --empty-b
agent="codex-e2e-console-$$" # unique: other tests run side by side
timeout_s=2
set_config a process_detection process_names "[\"$agent\"]"
set_config a process_detection allow_terminate_if_running true
set_config a process_detection terminate_timeout_seconds "$timeout_s"
start_agent "$agent"

started=$SECONDS
run_cs --auto-terminate-without-confirmation -c "$CONFIG_A" sync --apply
took=$((SECONDS - started))
assert_exit 0
agent_gone_within 5 || cs_fail "the agent still runs after the sync ended it"
assert_stderr_contains "the agent could not be asked to close (it has no window to send WM_CLOSE to"
assert_stderr_contains "and was ended after $timeout_s s"
assert_stderr_contains "(pid $AGENT_SHOWN_PID"
assert_stderr_not_contains "did not close when asked"
((took >= timeout_s)) || cs_fail "the agent was ended after ${took}s, before the ${timeout_s} s timeout"
assert_trees_equal "$STATE_A" "$SYNC_DIR"

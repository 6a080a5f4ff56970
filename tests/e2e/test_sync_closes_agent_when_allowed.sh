# With allow_terminate_if_running = true, a running agent is closed only with a
# confirmation: with no terminal to ask on, sync --apply refuses (exit 3, agent
# still running, nothing written); with --auto-terminate-without-confirmation
# the agent is asked to close (SIGTERM), closes, and the sync proceeds. An
# agent that ignores the request is ended after terminate_timeout_seconds.
source "$(dirname "$0")/lib.sh"
skip_on_windows "SIGTERM to the fake agent and a fake agent that ignores it (the Windows polite close, WM_CLOSE to the app's windows, is sync_closes_windowed_agent_with_wm_close and sync_forces_agent_ignoring_wm_close_after_timeout)"

sync_setup --empty-b
set_config a process_detection grace_period_seconds 0
agent="codex-e2e-$$" # unique: other tests run side by side
set_config a process_detection process_names "[\"$agent\"]"
set_config a process_detection allow_terminate_if_running true
set_config a process_detection terminate_timeout_seconds 1
start_agent "$agent"

snapshot_sync_state before
cs_a sync --apply
assert_exit 3
assert_stderr_contains "was not closed"
kill -0 "$AGENT_PID" || cs_fail "the agent was closed without a confirmation"
assert_tree_unchanged before

run_cs --auto-terminate-without-confirmation -c "$CONFIG_A" sync --apply
assert_exit 0
agent_gone_within 5 || cs_fail "the agent still runs after the sync closed it"
grep -q "fake agent: closing" "$T/agent-bin/$agent.stderr" || cs_fail "the agent was not asked politely to close"
assert_file_exists "$SYNC_DIR/skills/review/SKILL.md"

# A stubborn agent: asked, then ended.
put_file "$STATE_A/skills/review/SKILL.md" "edited" "2026-03-01 10:00:00"
start_agent "$agent" ignore-term
run_cs --auto-terminate-without-confirmation -c "$CONFIG_A" sync --apply
assert_exit 0
agent_gone_within 5 || cs_fail "the stubborn agent still runs"
assert_file_is "$SYNC_DIR/skills/review/SKILL.md" "edited"

run_cs --auto-terminate-without-confirmation --manual-terminate-confirmation -c "$CONFIG_A" sync --apply
assert_exit 4

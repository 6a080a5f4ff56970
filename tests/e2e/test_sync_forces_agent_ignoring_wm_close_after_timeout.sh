# Windows: an agent's desktop app that ignores WM_CLOSE (an unsaved-work
# prompt, a close-to-tray app) is asked, waited for terminate_timeout_seconds,
# then ended (TerminateProcess), and the run says so; only then does the sync
# go on (exit 0), as docs/configuration.md says of allow_terminate_if_running.
# Run under Wine with a display (Xvfb, started by scripts/test-windows.sh)
# against a fake app with a real window (tests/helpers/fake_window_agent.cpp
# with ignore-close), which says when it was sent WM_CLOSE.
# Skipped on Linux: the POSIX case (SIGTERM ignored) is in sync_closes_agent_when_allowed.
source "$(dirname "$0")/lib.sh"

sync_setup --empty-b
agent="codex-e2e-wm-stubborn-$$" # unique: other tests run side by side
timeout_s=3
set_config a process_detection process_names "[\"$agent\"]"
set_config a process_detection allow_terminate_if_running true
set_config a process_detection terminate_timeout_seconds "$timeout_s"
start_window_agent "$agent" ignore-close

started=$SECONDS
run_cs --auto-terminate-without-confirmation -c "$CONFIG_A" sync --apply
took=$((SECONDS - started))
assert_exit 0
rc="$(agent_exit_code_within 5)"
assert_file_contains "$AGENT_STDERR" "fake agent: asked to close (WM_CLOSE), ignoring it"
! grep -q "fake agent: closing" "$AGENT_STDERR" || cs_fail "the stubborn agent closed by itself" "it said: $(cat "$AGENT_STDERR")"
# force_end's TerminateProcess gives exit code 1; the agent itself exits 0.
[[ "$rc" == 1 ]] || cs_fail "the agent ended with exit $rc, not 1 (TerminateProcess)" "it said: $(cat "$AGENT_STDERR")"
((took >= timeout_s)) || cs_fail "the agent was forced after ${took}s, before the ${timeout_s} s timeout"
assert_stderr_contains "the agent did not close when asked and was ended"
assert_stderr_contains "(pid $AGENT_SHOWN_PID"
assert_file_exists "$SYNC_DIR/skills/review/SKILL.md"
assert_trees_equal "$STATE_A" "$SYNC_DIR"

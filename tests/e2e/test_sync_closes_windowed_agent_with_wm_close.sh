# Windows: with allow_terminate_if_running = true, codexsync asks the agent's
# desktop app to close by posting WM_CLOSE to its top-level windows. Run under
# Wine with a display (Xvfb, started by scripts/test-windows.sh) against a fake
# app with a real window (tests/helpers/fake_window_agent.cpp):
#   - not confirmed (console confirmation, no terminal): sync --apply stops
#     with exit 3, the app is sent nothing and still runs, nothing is written;
#   - with --auto-terminate-without-confirmation: the app's main window gets
#     WM_CLOSE (its owned tool window does not), the app exits 0 by itself
#     well within the timeout, nothing is forced, and the sync goes on (exit 0).
# Skipped on Linux: the POSIX polite close (SIGTERM) is sync_closes_agent_when_allowed.
source "$(dirname "$0")/lib.sh"

sync_setup --empty-b
agent="codex-e2e-wm-$$" # unique: other tests run side by side
set_config a process_detection process_names "[\"$agent\"]"
set_config a process_detection allow_terminate_if_running true
# The console asks (no terminal here: the answer is no); a message box would
# wait for a click on the test's X server.
set_config a process_detection terminate_confirmation_mode '"console"'
# Long enough that a close only forced after it shows in the time taken.
set_config a process_detection terminate_timeout_seconds 20
start_window_agent "$agent"

snapshot_sync_state before
cs_a sync --apply
assert_exit 3
assert_stderr_contains "was not closed"
agent_gone_within 1 && cs_fail "the agent was closed without a confirmation" "it said: $(cat "$AGENT_STDERR")"
[[ ! -s "$AGENT_STDERR" ]] || cs_fail "the agent was sent something without a confirmation" "it said: $(cat "$AGENT_STDERR")"
assert_tree_unchanged before

started=$SECONDS
run_cs --auto-terminate-without-confirmation -c "$CONFIG_A" sync --apply
took=$((SECONDS - started))
assert_exit 0
assert_output_contains "Closing the agent (--auto-terminate-without-confirmation)"
assert_output_contains "(pid $AGENT_SHOWN_PID"
rc="$(agent_exit_code_within 5)"
assert_file_contains "$AGENT_STDERR" "fake agent: asked to close (WM_CLOSE)"
assert_file_contains "$AGENT_STDERR" "fake agent: closing"
[[ "$rc" == 0 ]] || cs_fail "the agent ended with exit $rc, not 0: it was forced, not closed by WM_CLOSE" \
  "it said: $(cat "$AGENT_STDERR")"
! grep -q "owned window was sent WM_CLOSE" "$AGENT_STDERR" ||
  cs_fail "WM_CLOSE went to the app's owned tool window too; only its owner is asked" "it said: $(cat "$AGENT_STDERR")"
assert_stderr_not_contains "did not close when asked"
((took < 20)) || cs_fail "the sync took ${took}s: the agent was not closed before the 20 s timeout"
assert_file_exists "$SYNC_DIR/skills/review/SKILL.md"
assert_trees_equal "$STATE_A" "$SYNC_DIR"

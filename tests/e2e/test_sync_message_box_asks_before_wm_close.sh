# Windows: with allow_terminate_if_running = true and the default
# terminate_confirmation_mode = "gui", codexsync asks in a message box before
# it closes the agent's desktop app. Run under Wine with a display (Xvfb,
# started by scripts/test-windows.sh): answer_dialog.exe presses a button of
# the box titled "codexsync", as a person would, against a fake app with a
# real window (tests/helpers/fake_window_agent.cpp):
#   - the box names the app and its pid; "No": exit 3, the app is sent
#     nothing and still runs, nothing is written;
#   - "Yes": the app gets WM_CLOSE, exits 0 by itself, and the sync goes on.
# Skipped on Linux: the Linux dialog (zenity, kdialog) is unit-tested with a
# stand-in program.
source "$(dirname "$0")/lib.sh"

sync_setup --empty-b
agent="codex-e2e-wm-box-$$" # unique: other tests run side by side
set_config a process_detection process_names "[\"$agent\"]"
set_config a process_detection allow_terminate_if_running true
set_config a process_detection terminate_timeout_seconds 20
start_window_agent "$agent"
answer="$CODEXSYNC_HELPERS/answer_dialog"

# answer_box yes|no: presses that button of codexsync's box once it shows,
# in the background; box_answered waits for that and checks it was pressed.
answer_box() {
  rm -f "$T/box.out" "$T/box.err"
  ("$answer" codexsync "$1" 40 >"$T/box.out" 2>"$T/box.err" &
    echo $! >"$T/box.pid")
}
box_answered() {
  local pid tries=100
  pid="$(cat "$T/box.pid")"
  while ((tries-- > 0)) && kill -0 "$pid" 2>/dev/null; do
    sleep 0.1
  done
  [[ -s "$T/box.out" ]] || cs_fail "no message box titled codexsync was answered" "answer_dialog said: $(cat "$T/box.err")"
}

snapshot_sync_state before
answer_box no
cs_a sync --apply
box_answered
assert_exit 3
assert_file_contains "$T/box.out" "The agent is running:"
assert_file_contains "$T/box.out" "(pid $AGENT_SHOWN_PID"
assert_file_contains "$T/box.out" "Close them now?"
assert_stderr_contains "Declined in a dialog"
assert_stderr_contains "was not closed"
agent_gone_within 1 && cs_fail "the agent was closed though the box said No" "it said: $(cat "$AGENT_STDERR")"
[[ ! -s "$AGENT_STDERR" ]] || cs_fail "the agent was sent something though the box said No" "it said: $(cat "$AGENT_STDERR")"
assert_tree_unchanged before

answer_box yes
cs_a sync --apply
box_answered
assert_exit 0
assert_stderr_contains "Confirmed in a dialog: closing them."
rc="$(agent_exit_code_within 5)"
assert_file_contains "$AGENT_STDERR" "fake agent: asked to close (WM_CLOSE)"
[[ "$rc" == 0 ]] || cs_fail "the agent ended with exit $rc, not 0: it was forced, not closed by WM_CLOSE" \
  "it said: $(cat "$AGENT_STDERR")"
assert_stderr_not_contains "did not close when asked"
assert_trees_equal "$STATE_A" "$SYNC_DIR"

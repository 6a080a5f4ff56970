# The cold precondition: while a process named like the agent (`codex`) runs,
# `sync --apply` exits 3 naming it and writes nothing; `plan` still works and
# marks its output volatile. Once the agent has exited, the same sync goes
# through.
source "$(dirname "$0")/lib.sh"

sync_setup --empty-b
set_config a process_detection grace_period_seconds 0
agent="codex-e2e-$$" # unique: other tests run side by side
set_config a process_detection process_names "[\"$agent\"]"
start_agent "$agent"

snapshot_sync_state before
cs_a sync --apply
assert_exit 3
assert_stderr_contains "the agent is running"
assert_stderr_contains "pid $AGENT_SHOWN_PID"
assert_tree_unchanged before

cs_a plan
assert_exit 0
assert_stdout_contains "volatile: the agent is running"

stop_agent
cs_a sync --apply
assert_exit 0
assert_file_exists "$SYNC_DIR/skills/review/SKILL.md"

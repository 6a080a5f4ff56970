# `init-config --agent claude|gemini|pi` writes a config for that agent that
# `validate` accepts: [agent] kind, the agent's include roots, a state folder
# comment with its variable, the process names it is recognised by, and for
# Claude Code and Gemini CLI the note on their 30-day chat deletion.
# --agent custom and unknown agents are refused (exit 4).
source "$(dirname "$0")/lib.sh"

make_cloud

init_agent() {
  local kind="$1" state="$2" variable="$3" root="$4" note="$5"
  mkdir -p "$state"
  run_cs init-config --agent "$kind" --output "$CASE_DIR/config.toml" --machine-id laptop \
    --local-state-dir "$state" --workspace-root "$CLOUD"
  assert_exit 0
  [[ -z "$note" ]] || assert_stdout_contains "$note"
  local file="$CASE_DIR/config.toml"
  assert_file_contains "$file" "kind = \"$kind\""
  assert_file_contains "$file" "When unset or missing: \$$variable"
  assert_file_contains "$file" "# process_names = "
  [[ -z "$note" ]] || assert_file_contains "$file" "$note"
  run_cs -c "$file" validate
  assert_exit 0
  assert_stderr_empty
  assert_stdout_contains "agent state folder: $state (from config)"
  assert_stdout_matches "^  include roots: .*$(re "$root")"
  run_cs -c "$file" --json validate
  assert_exit 0
  json_check "d[\"agent\"] == \"$kind\""
}

run_case claude init_agent claude "$T/home/.claude" CLAUDE_CONFIG_DIR projects cleanupPeriodDays
run_case gemini init_agent gemini "$T/home/.gemini" GEMINI_CLI_HOME tmp general.sessionRetention
run_case pi init_agent pi "$T/home/.pi/agent" PI_CODING_AGENT_DIR sessions ""

refused() {
  run_cs init-config --agent "$1" --output "$CASE_DIR/config.toml"
  assert_exit 4
  assert_stderr_contains "--agent $1"
  assert_no_file "$CASE_DIR/config.toml"
}
run_case 'custom is refused' refused custom
run_case 'an unknown agent is refused' refused cursor
finish_cases

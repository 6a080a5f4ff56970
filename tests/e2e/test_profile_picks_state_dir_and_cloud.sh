# --profile NAME loads [profiles.NAME]: its agent's state folder (the agent's
# default under the home folder, or its variable), its own cloud folder
# (${workspace_root}/NAME) and its own backup and temp folders. The other
# profile's folders are not touched.
source "$(dirname "$0")/lib.sh"
source "$CS_E2E_DIR/profiles_lib.sh"

CLAUDE_DIR="$HOME/.claude"
PI_DIR="$HOME/.pi/agent"
make_cloud
put_file "$CLAUDE_DIR/CLAUDE.md" '# claude instructions'
put_file "$CLAUDE_DIR/projects/-home-u-app/s1.jsonl" '{"type":"user"}'
put_file "$PI_DIR/sessions/--home-u-app--/2026-03-15T10-20-30-123Z_u.jsonl" '{"type":"session"}'
put_file "$PI_DIR/AGENTS.md" '# pi instructions'
{
  shared_top
  printf '[profiles.claude]\n'
  quiet_gate profiles.claude.process_detection
  printf '[profiles.pi]\n'
  quiet_gate profiles.pi.process_detection
} >"$PROFILES_CONFIG"

run_cs -c "$PROFILES_CONFIG" --profile claude validate
assert_exit 0
assert_stdout_contains "agent:              Claude Code (profile claude)"
assert_stdout_contains "agent state folder: $CLAUDE_DIR (from ~/.claude)"
assert_stdout_contains "cloud mirror:       $CLOUD/claude"
assert_stdout_contains "backups:            $CLOUD/backups/claude"
assert_stdout_contains "temp:               $CLOUD/.tmp/claude"

# The agent's variable is honoured: PI_CODING_AGENT_DIR, with ~.
mkdir -p "$HOME/pi-elsewhere"
# shellcheck disable=SC2088 # codexsync expands the ~, as Pi does
PI_CODING_AGENT_DIR='~/pi-elsewhere' run_cs -c "$PROFILES_CONFIG" --profile pi validate
assert_exit 0
assert_stdout_contains "agent state folder: $HOME/pi-elsewhere (from PI_CODING_AGENT_DIR)"

run_cs -c "$PROFILES_CONFIG" --profile pi sync --apply
assert_exit 0
assert_same_file "$PI_DIR/AGENTS.md" "$CLOUD/pi/AGENTS.md"
assert_same_file "$PI_DIR/sessions/--home-u-app--/2026-03-15T10-20-30-123Z_u.jsonl" \
  "$CLOUD/pi/sessions/--home-u-app--/2026-03-15T10-20-30-123Z_u.jsonl"
assert_dir_exists "$CLOUD/.tmp/pi/state"
assert_no_file "$CLOUD/claude"
assert_no_file "$CLOUD/.tmp/claude"
# The option may also follow the command.
run_cs -c "$PROFILES_CONFIG" sync --apply --profile claude
assert_exit 0
assert_same_file "$CLAUDE_DIR/CLAUDE.md" "$CLOUD/claude/CLAUDE.md"

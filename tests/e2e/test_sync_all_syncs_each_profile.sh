# `sync --all --apply` syncs every agent of a config with profiles in turn,
# each into its own cloud folder, prints a header per profile and one result
# line per profile, records each profile's run apart (so `status` shows each),
# and with --json gives one document listing them.
source "$(dirname "$0")/lib.sh"
source "$CS_E2E_DIR/profiles_lib.sh"

CODEX_DIR="$MACHINE_A/.codex"
CLAUDE_DIR="$MACHINE_A/.claude"
make_cloud
put_file "$CODEX_DIR/sessions/2026/03/15/rollout-2026-03-15T10-20-30-019c.jsonl" '{"type":"session_meta"}'
put_file "$CODEX_DIR/auth.json" '{"OPENAI_API_KEY":"sk-s3cr3t"}'
put_file "$CLAUDE_DIR/projects/-home-u-app/s1.jsonl" '{"type":"user"}'
put_file "$CLAUDE_DIR/.credentials.json" '{"accessToken":"s3cr3t"}'
{
  shared_top
  printf '[profiles.codex]\nlocal_state_dir = %s\n' "$(toml_str "$CODEX_DIR")"
  quiet_gate profiles.codex.process_detection
  printf '[profiles.claude]\nlocal_state_dir = %s\n' "$(toml_str "$CLAUDE_DIR")"
  quiet_gate profiles.claude.process_detection
} >"$PROFILES_CONFIG"

run_cs -c "$PROFILES_CONFIG" sync --all --apply
assert_exit 0
assert_stdout_contains "== profile codex =="
assert_stdout_contains "== profile claude =="
assert_stdout_contains "== result =="
assert_stdout_matches "^codex: exit 0 \\(ok\\)$"
assert_stdout_matches "^claude: exit 0 \\(ok\\)$"
# In file order.
[[ "$(grep -n '^== profile' "$CS_RUN/stdout" | cut -d: -f1 | head -1)" -lt \
  "$(grep -n '^== profile claude' "$CS_RUN/stdout" | cut -d: -f1)" ]] || cs_fail "expected codex before claude"
assert_same_file "$CODEX_DIR/sessions/2026/03/15/rollout-2026-03-15T10-20-30-019c.jsonl" \
  "$CLOUD/codex/sessions/2026/03/15/rollout-2026-03-15T10-20-30-019c.jsonl"
assert_same_file "$CLAUDE_DIR/projects/-home-u-app/s1.jsonl" "$CLOUD/claude/projects/-home-u-app/s1.jsonl"
if grep -rq s3cr3t "$CLOUD"; then
  cs_fail "a credential reached the cloud folder"
fi

# One record per profile; none for the file as a whole.
assert_file_contains "$(profile_record codex last-success.json)" '"profile": "codex"'
assert_file_contains "$(profile_record claude last-success.json)" '"profile": "claude"'
whole_file_key="$(printf '%s' "$(cs_native_path "$(realpath -m "$PROFILES_CONFIG")")" | sha256sum | cut -c1-16)"
assert_no_file "$RUNS_DIR/$whole_file_key"
run_cs -c "$PROFILES_CONFIG" status
assert_exit 0
assert_stdout_contains "Config:               $PROFILES_CONFIG, profile codex (machine machine-a)"
assert_stdout_contains "Config:               $PROFILES_CONFIG, profile claude (machine machine-a)"
[[ "$(grep -c '^Last successful sync: sync --apply ended' "$CS_RUN/stdout")" == 2 ]] ||
  cs_fail "expected a successful sync for each profile"

run_cs -c "$PROFILES_CONFIG" --json sync --all --dry-run
assert_exit 0
assert_stdout_json
json_check 'd["exit_code"] == 0' '[p["profile"] for p in d["profiles"]] == ["codex", "claude"]' \
  'all(p["exit_code"] == 0 and p["result"]["applied"] is False for p in d["profiles"])'

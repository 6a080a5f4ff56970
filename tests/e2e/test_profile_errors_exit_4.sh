# Choosing a profile goes wrong with exit 4 and a message that says what to
# do, and nothing is written: an unknown --profile (the names are listed),
# no --profile for a file that only holds profiles, --profile for a file
# without profiles, and --profile together with sync --all.
source "$(dirname "$0")/lib.sh"
source "$CS_E2E_DIR/profiles_lib.sh"

make_machine a
make_cloud
put_file "$HOME/.claude/CLAUDE.md" '# claude'
put_file "$HOME/.pi/agent/AGENTS.md" '# pi'
{
  shared_top
  printf '[profiles.claude]\n'
  quiet_gate profiles.claude.process_detection
  printf '[profiles.pi]\n'
  quiet_gate profiles.pi.process_detection
} >"$PROFILES_CONFIG"
line="$(grep -n '^\[profiles.claude\]$' "$PROFILES_CONFIG" | cut -d: -f1)"
minimal_config a >"$CONFIG_A"
snapshot_tree before "$HOME/.claude" "$HOME/.pi" "$CLOUD" "$STATE_A"

unknown_profile() {
  run_cs -c "$PROFILES_CONFIG" --profile gemini sync --apply
  assert_exit 4
  assert_stderr_contains "there is no profile \"gemini\" in this config; its profiles are claude, pi"
}
no_profile_given() {
  run_cs -c "$PROFILES_CONFIG" sync --apply
  assert_exit 4
  assert_stderr_contains "$PROFILES_CONFIG:$line:11: this config has profiles claude, pi: pick one with --profile NAME (or \`sync --all\`)"
  run_cs -c "$PROFILES_CONFIG" plan
  assert_exit 4
  assert_stderr_contains "pick one with --profile NAME"
}
profile_without_profiles() {
  run_cs -c "$CONFIG_A" --profile claude sync --apply
  assert_exit 4
  assert_stderr_contains "--profile claude was given, but this config has no [profiles.<name>] tables"
}
profile_and_all() {
  run_cs -c "$PROFILES_CONFIG" --profile claude sync --all --apply
  assert_exit 4
  assert_stderr_contains "--profile and --all cannot be used together"
}
run_case 'unknown profile' unknown_profile
run_case 'no --profile' no_profile_given
run_case '--profile without profiles' profile_without_profiles
run_case '--profile with --all' profile_and_all
finish_cases
assert_tree_unchanged before

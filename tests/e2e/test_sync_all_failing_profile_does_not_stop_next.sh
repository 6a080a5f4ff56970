# `sync --all --apply`: a profile that fails does not stop the ones after it.
# Here one profile's config is invalid (exit 4 for it alone) and another's
# agent runs (exit 3); the last one still syncs. The run exits with the most
# serious code (4 before 3) and reports each profile's own.
source "$(dirname "$0")/lib.sh"
source "$CS_E2E_DIR/profiles_lib.sh"

agent="pi-e2e-$$" # unique: other tests run side by side
make_cloud
for name in broken busy fine; do
  put_file "$MACHINE_A/$name/AGENTS.md" "# $name"
done
{
  shared_top
  printf '[profiles.broken]\nkind = "pi"\nlocal_state_dir = %s\n' "$(toml_str "$MACHINE_A/broken")"
  quiet_gate profiles.broken.process_detection
  printf '[profiles.broken.sync]\ndirection = "sideways"\n'
  printf '[profiles.busy]\nkind = "pi"\nlocal_state_dir = %s\n' "$(toml_str "$MACHINE_A/busy")"
  quiet_gate profiles.busy.process_detection | sed "s/codexsync-e2e-none/$agent/"
  printf '[profiles.fine]\nkind = "pi"\nlocal_state_dir = %s\n' "$(toml_str "$MACHINE_A/fine")"
  quiet_gate profiles.fine.process_detection
} >"$PROFILES_CONFIG"
start_agent "$agent"

run_cs -c "$PROFILES_CONFIG" sync --all --apply
assert_exit 4
assert_stderr_contains 'sync.direction = "sideways" is not allowed'
assert_stderr_contains "the agent is running"
assert_stdout_matches '^broken: exit 4 \(invalid config or arguments\)'
assert_stdout_matches '^busy: exit 3 \(agent running\)'
assert_stdout_matches '^fine: exit 0 \(ok\)$'
assert_same_file "$MACHINE_A/fine/AGENTS.md" "$CLOUD/fine/AGENTS.md"
assert_no_file "$CLOUD/broken"
assert_no_file "$CLOUD/busy"
# Each profile's run is recorded with its own exit code.
assert_file_contains "$(profile_record broken last-run.json)" '"exit_code": 4'
assert_file_contains "$(profile_record busy last-run.json)" '"exit_code": 3'
assert_file_contains "$(profile_record fine last-run.json)" '"exit_code": 0'

# Without the broken profile, the running agent decides: exit 3.
sed -i 's/direction = "sideways"/direction = "bidirectional"/' "$PROFILES_CONFIG"
run_cs -c "$PROFILES_CONFIG" sync --all --apply
assert_exit 3
assert_stdout_matches '^broken: exit 0 \(ok\)$'
assert_same_file "$MACHINE_A/broken/AGENTS.md" "$CLOUD/broken/AGENTS.md"

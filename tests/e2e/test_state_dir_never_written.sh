# No command of this version writes into the agent's state folder, whatever it
# is asked: every command, with and without --json and -v, on a valid and on an
# invalid config; init-config writing beside it or refused a layout inside it;
# doctor finding it through $CODEX_HOME. The folder is compared entry by entry
# (type, size, mode, mtime) and file by file (SHA-256).
source "$(dirname "$0")/lib.sh"

make_machine a
make_cloud
init_config_for a
{
  minimal_config a
  printf '\n[conflict]\npolicy = "newest"\n'
} | write_file "$MACHINE_A/invalid.toml"
snapshot_tree state "$STATE_A"

runs=(
  "validate" "--json validate" "-v validate"
  "doctor" "--json doctor" "-v preflight"
  "plan" "sync" "sync --dry-run" "sync --apply" "--json sync --apply"
  "restore --target local --apply" "restore --target cloud --apply"
  "backups list" "status" "--json status"
)
for args in "${runs[@]}"; do
  # shellcheck disable=SC2086 # the words of each run
  run_cs -c "$CONFIG_A" $args
  assert_tree_unchanged state
  # shellcheck disable=SC2086
  run_cs -c "$MACHINE_A/invalid.toml" $args
  assert_tree_unchanged state
done
# init-config beside the state folder, and refused inside it
run_cs init-config --output "$MACHINE_A/second.toml" --machine-id machine-a --local-state-dir "$STATE_A" \
  --workspace-root "$CLOUD"
assert_exit 0
run_cs init-config --output "$MACHINE_A/third.toml" --machine-id machine-a --local-state-dir "$STATE_A" \
  --workspace-root "$STATE_A"
assert_exit 4
# with CODEX_HOME pointing at it instead of the config
CODEX_HOME="$STATE_A" run_cs -c "$CONFIG_A" doctor
assert_exit 0
assert_stdout_matches '^PASS +local_state'
assert_tree_unchanged state

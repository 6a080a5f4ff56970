# plan, sync, restore, backups list and status have not landed yet: each exits 1,
# says "not available in this version" and names itself, and writes nothing:
# not in the agent's state folder, the cloud folder, or anywhere in the sandbox.
source "$(dirname "$0")/lib.sh"

make_machine a
make_cloud
init_config_for a

check_unavailable() {
  local name="$1"
  shift
  snapshot_tree before "$T"
  run_cs -c "$CONFIG_A" "$@"
  assert_exit 1
  assert_stderr_contains "codexsync $name\` is not available in this version"
  assert_tree_unchanged before
}

run_case "plan" check_unavailable plan plan
run_case "sync" check_unavailable sync sync
run_case "sync --dry-run" check_unavailable sync sync --dry-run
run_case "sync --apply" check_unavailable sync sync --apply
run_case "restore --apply" check_unavailable restore restore --target local --apply
run_case "backups list" check_unavailable "backups list" backups list
run_case "status" check_unavailable status status
finish_cases

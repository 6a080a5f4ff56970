# None of codexsync's own folders (cloud mirror, backups, temp, logs, manifest)
# may lie inside the agent's state folder: exit 4 with FILE:LINE:COL at the key.
source "$(dirname "$0")/lib.sh"

make_machine a
make_cloud

# check_inside KEY CONFIG_TEXT_MAKER...
check_inside() {
  local key="$1" file="$CASE_DIR/config.toml"
  shift
  "$@" >"$file"
  run_cs -c "$file" validate
  assert_exit 4
  assert_stderr_matches "^$(re "$file"):[0-9]+:[0-9]+: .*\($key\).* lies inside the agent's state folder"
  assert_stderr_contains "$STATE_A"
}
state_q() { toml_str "$STATE_A/$1"; }
cloud_in_state() { CFG_CLOUD="$(state_q mirror)" minimal_config a; }
backup_in_state() { CFG_BACKUP="$(state_q backups)" minimal_config a; }
temp_in_state() { CFG_TEMP="$(state_q .tmp)" minimal_config a; }
cloud_is_state() { CFG_CLOUD="$(toml_str "$STATE_A")" minimal_config a; }
log_in_state() {
  minimal_config a
  printf '\n[logging]\nfile = %s\n' "$(state_q log/codexsync.log)"
}
manifest_in_state() {
  minimal_config a
  printf '\n[state]\nmanifest_file = %s\n' "$(state_q state/manifest.json)"
}

run_case "cloud_root_dir inside" check_inside paths.cloud_root_dir cloud_in_state
run_case "cloud_root_dir is the state folder" check_inside paths.cloud_root_dir cloud_is_state
run_case "backup_dir inside" check_inside paths.backup_dir backup_in_state
run_case "temp_dir inside" check_inside paths.temp_dir temp_in_state
run_case "logging.file inside" check_inside logging.file log_in_state
run_case "state.manifest_file inside" check_inside state.manifest_file manifest_in_state
finish_cases

# The cloud mirror, backup and temp folders must be three different folders:
# two of them the same (also when written differently) exits 4 naming both.
source "$(dirname "$0")/lib.sh"

make_machine a
make_cloud

# check_same KEY1 KEY2 CFG_X=VALUE: minimal_config with one path replaced.
check_same() {
  local first="$1" second="$2" file="$CASE_DIR/config.toml"
  local "$3"
  minimal_config a >"$file"
  run_cs -c "$file" validate
  assert_exit 4
  assert_stderr_matches "^$(re "$file"):[0-9]+:[0-9]+: .*\($first\) and .*\($second\) are the same folder"
}
# shellcheck disable=SC2016 # codexsync's placeholder, not the shell's
placeholder='${workspace_root}'

run_case "cloud = backup" check_same paths.cloud_root_dir paths.backup_dir CFG_BACKUP="'$placeholder/sync'"
run_case "cloud = temp" check_same paths.cloud_root_dir paths.temp_dir CFG_TEMP="'$placeholder/sync'"
run_case "backup = temp" check_same paths.backup_dir paths.temp_dir CFG_TEMP="'$placeholder/backups'"
run_case "backup = temp, spelled differently" check_same paths.backup_dir paths.temp_dir \
  CFG_TEMP="'$CLOUD/x/../backups/'"
finish_cases

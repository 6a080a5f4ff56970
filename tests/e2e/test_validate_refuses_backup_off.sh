# backup.backup_before_overwrite = false loads but is refused: validate exits 4
# at that line and says it is refused and to set it to true.
source "$(dirname "$0")/lib.sh"

make_machine a
make_cloud
{
  minimal_config a
  printf '\n[backup]\nbackup_before_overwrite = false\n'
} | write_file "$CONFIG_A"
line="$(grep -n '^backup_before_overwrite = ' "$CONFIG_A" | cut -d: -f1)"

run_cs -c "$CONFIG_A" validate
assert_exit 4
assert_stderr_matches "^$(re "$CONFIG_A"):$line:[0-9]+: backup.backup_before_overwrite = false is refused"
assert_stderr_contains "Set it to true"
assert_stdout_not_contains "Config is valid"

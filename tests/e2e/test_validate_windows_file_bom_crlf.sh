# A config saved by Windows Notepad (UTF-8 BOM, CRLF line ends) validates, and
# a mistake in it is still reported at the right line.
source "$(dirname "$0")/lib.sh"

make_machine a
make_cloud
{
  printf '\xEF\xBB\xBF'
  minimal_config a | sed 's/$/\r/'
} | write_file "$CONFIG_A"

run_cs -c "$CONFIG_A" validate
assert_exit 0
assert_stdout_contains "Config is valid"
assert_stdout_contains "agent state folder: $STATE_A (from config)"

printf '\r\n[sync]\r\ndry_run_default = "yes"\r\n' >>"$CONFIG_A"
line="$(grep -n '^dry_run_default' "$CONFIG_A" | cut -d: -f1)"
run_cs -c "$CONFIG_A" validate
assert_exit 4
assert_stderr_matches "^$(re "$CONFIG_A"):$line:[0-9]+: sync.dry_run_default"

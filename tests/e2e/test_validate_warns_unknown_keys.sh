# Unknown keys and sections do not make a config invalid: validate exits 0 and
# warns on stderr, naming each key and its FILE:LINE.
source "$(dirname "$0")/lib.sh"

make_machine a
make_cloud
{
  minimal_config a
  printf '\n[sync]\ndry_run_defualt = true\n\n[colours]\ntheme = "dark"\n'
} | write_file "$CONFIG_A"
key_line="$(grep -n '^dry_run_defualt = ' "$CONFIG_A" | cut -d: -f1)"
section_line="$(grep -n '^\[colours\]' "$CONFIG_A" | cut -d: -f1)"

run_cs -c "$CONFIG_A" validate
assert_exit 0
assert_stdout_contains "Config is valid"
assert_stderr_matches "^$(re "$CONFIG_A"):$key_line:[0-9]+: warning: .*'sync.dry_run_defualt'"
assert_stderr_matches "^$(re "$CONFIG_A"):$section_line:[0-9]+: warning: .*'colours'"

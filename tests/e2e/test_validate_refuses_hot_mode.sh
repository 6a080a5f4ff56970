# sync.mode = "hot" exits 4 at that line: only "cold" exists.
source "$(dirname "$0")/lib.sh"

make_machine a
make_cloud
{
  minimal_config a
  printf '\n[sync]\nmode = "hot"\n'
} | write_file "$CONFIG_A"
line="$(grep -n '^mode = ' "$CONFIG_A" | cut -d: -f1)"

run_cs -c "$CONFIG_A" validate
assert_exit 4
assert_stderr_matches "^$(re "$CONFIG_A"):$line:[0-9]+: sync.mode = \"hot\" is not allowed"
assert_stderr_contains '"cold"'

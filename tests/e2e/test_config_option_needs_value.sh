# `-c` without a file name exits 4 with a hint to --help.
source "$(dirname "$0")/lib.sh"

run_cs -c
assert_exit 4
assert_stderr_contains "config"
assert_stderr_contains "Run 'codexsync --help'"

# `codexsync` without a command exits 4 with a one-line hint to --help.
source "$(dirname "$0")/lib.sh"

run_cs
assert_exit 4
assert_stderr_contains "Run 'codexsync --help'"
assert_stdout_empty

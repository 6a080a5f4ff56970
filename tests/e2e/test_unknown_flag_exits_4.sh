# An unknown option of a command exits 4, names the option, and points at that
# command's --help.
source "$(dirname "$0")/lib.sh"

run_cs validate --frobnicate
assert_exit 4
assert_stderr_contains "--frobnicate"
assert_stderr_contains "Run 'codexsync validate --help'"

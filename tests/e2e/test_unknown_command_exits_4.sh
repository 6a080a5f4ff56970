# An unknown command exits 4, names the word, and points at --help.
source "$(dirname "$0")/lib.sh"

run_cs synchronise
assert_exit 4
assert_stderr_contains "unknown command 'synchronise'"
assert_stderr_contains "Run 'codexsync --help'"

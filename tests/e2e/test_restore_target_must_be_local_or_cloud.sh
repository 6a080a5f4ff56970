# `restore --target` accepts only local or cloud; anything else exits 4.
source "$(dirname "$0")/lib.sh"

run_cs restore --target elsewhere
assert_exit 4
assert_stderr_contains "elsewhere"
assert_stderr_contains "Run 'codexsync restore --help'"

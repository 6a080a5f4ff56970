# `sync --apply --dry-run` is an argument error (exit 4), not a sync.
source "$(dirname "$0")/lib.sh"

run_cs sync --apply --dry-run
assert_exit 4
assert_stderr_contains "--apply"
assert_stderr_contains "--dry-run"
assert_stderr_contains "Run 'codexsync sync --help'"

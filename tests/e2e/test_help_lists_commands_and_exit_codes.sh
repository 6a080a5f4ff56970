# `codexsync --help` exits 0 and lists every command and every exit code.
source "$(dirname "$0")/lib.sh"

run_cs --help
assert_exit 0
for command in init-config validate doctor preflight plan sync restore backups status; do
  assert_stdout_matches "^  $command +[A-Za-z]"
done
assert_stdout_contains "Exit codes"
assert_stdout_matches '^  0 +ok'
assert_stdout_matches '^  1 +runtime error'
assert_stdout_matches '^  2 +conflict'
assert_stdout_matches '^  3 +the agent is running'
assert_stdout_matches '^  4 +invalid config or command-line arguments'
assert_stdout_matches '^  5 +fail-safe abort'
assert_stdout_contains "Example:"

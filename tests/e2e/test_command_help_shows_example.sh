# `codexsync <command> --help` exits 0 and shows a usage line and an example
# of that command, for every command.
source "$(dirname "$0")/lib.sh"

check_help() {
  run_cs "$@" --help
  assert_exit 0
  assert_stdout_contains "Usage: codexsync $*"
  assert_stdout_contains "Example:"
  assert_stdout_matches "^  codexsync .*$*"
}

for command in init-config validate doctor preflight plan sync restore "backups list" status; do
  # shellcheck disable=SC2086 # "backups list" is two words on purpose
  run_case "$command --help" check_help $command
done
finish_cases

# A codexSync 0.1 config (every 0.1 key, Windows paths in literal strings, a
# \\?\ prefix) with safe values loads: validate exits 0 and reports no error
# and no unknown key.
source "$(dirname "$0")/lib.sh"

mkdir -p "$HOME/.codex" # the Windows state folder does not exist here: ~/.codex is used
v01_config false all | write_file "$CONFIG_A"

run_cs -c "$CONFIG_A" validate
assert_exit 0
assert_stdout_contains "Config is valid: $CONFIG_A"
assert_stdout_contains "machine id:         work-pc"
assert_stdout_contains "include roots:      sessions, session_index.jsonl, skills, .codex-global-state.json"
assert_stderr_not_contains "unknown"
assert_stderr_not_contains "error"
assert_stdout_not_contains "\\\\?\\" # the \\?\ prefix is stripped

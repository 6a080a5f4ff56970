# With no config anywhere, a command that needs one exits 4, lists every place
# it searched in order, and suggests `codexsync init-config`.
source "$(dirname "$0")/lib.sh"

snapshot_tree before "$T"
run_cs validate
assert_exit 4
assert_stderr_contains "no config file found"
assert_stderr_contains "-c FILE"
assert_stderr_contains "\$CODEXSYNC_CONFIG"
assert_stderr_contains "$XDG_CONFIG_HOME/codexsync/config.toml"
assert_stderr_contains "$T/config.toml"
assert_stderr_contains "codexsync init-config"
# the user config folder is searched before the current folder
user_line="$(grep -n -F "$XDG_CONFIG_HOME/codexsync/config.toml" "$CS_RUN/stderr" | head -1 | cut -d: -f1)"
cwd_line="$(grep -n -F "  $T/config.toml" "$CS_RUN/stderr" | head -1 | cut -d: -f1)"
[[ -n "$user_line" && -n "$cwd_line" && "$user_line" -lt "$cwd_line" ]] ||
  cs_fail "expected the user config folder to be listed before ./config.toml"
assert_tree_unchanged before

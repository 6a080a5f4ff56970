# The command an installed task runs works as the scheduler would start it:
# taken word for word from the installed service's ExecStart, it syncs (with
# --mode apply), and `codexsync status` then shows that scheduled run, the
# last successful sync and the installed task (and, after `schedule remove`,
# that no task is installed).
source "$(dirname "$0")/lib.sh"
skip_on_windows "systemd/launchd schedule files, their tools and the POSIX scripts (Windows: Task Scheduler, covered by schedule_script_windows_template and the XML golden files)"
source "$CS_E2E_DIR/schedule_lib.sh"

make_machine a
make_cloud
init_config_for a
stub_tool systemctl
unit="$XDG_CONFIG_HOME/systemd/user/codexsync-sync.service"

run_cs -c "$CONFIG_A" schedule install --mode apply
assert_exit 0
exec_start="$(sed -n 's/^ExecStart=//p' "$unit")"
[[ -n "$exec_start" ]] || cs_fail "no ExecStart= in $unit"
# The test paths hold no characters systemd and bash quote differently.
eval "task=($exec_start)"
# shellcheck disable=SC2154 # task is set by the eval above
[[ "${task[*]:1}" == "-c $CONFIG_A --scheduled sync --apply" ]] || cs_fail "unexpected task command: ${task[*]}"

# Run it as the scheduler does: no terminal, nothing on stdin.
saved_bin=("${CS_BIN[@]}")
CS_BIN=("${task[0]}")
run_cs "${task[@]:1}"
CS_BIN=("${saved_bin[@]}")
assert_exit 0
assert_file_exists "$CLOUD/sync/skills/review/SKILL.md"

run_cs -c "$CONFIG_A" status
assert_exit 0
assert_stdout_contains "(scheduled)"
assert_stdout_contains "exit 0 (ok)"
assert_stdout_not_contains "WARNING"
assert_stdout_contains "Scheduled task:       installed: sync --apply every 30m (\`codexsync schedule status\` checks it)"

run_cs -c "$CONFIG_A" schedule remove
assert_exit 0
run_cs -c "$CONFIG_A" status
assert_stdout_contains "Scheduled task:       not installed (\`codexsync schedule install --every 30m --at-login\`)"

# preflight (what scheduled runs call) leaves its findings in the log file and
# writes nothing else: no cloud, backup, temp or manifest folder, nothing in the
# agent's state folder, the machine's folder or HOME.
source "$(dirname "$0")/lib.sh"

make_machine a
make_cloud
init_config_for a
snapshot_tree outside_cloud "$MACHINE_A" "$HOME"

run_cs -c "$CONFIG_A" preflight
assert_exit 0
assert_stdout_matches '^Result: (PASS|WARN)$'
assert_tree_unchanged outside_cloud
others="$(cd "$CLOUD" && find . -mindepth 1 -not -path ./logs -not -path './logs/*')"
[[ -z "$others" ]] || cs_fail "expected preflight to write only below $CLOUD/logs" "it wrote: $others"
if [[ -d "$CLOUD/logs" ]]; then
  grep -rqF "preflight finished" "$CLOUD/logs" || cs_fail "expected the log below $CLOUD/logs to record 'preflight finished'"
fi

# A run whose config is broken (exit 4) is still recorded, under the same
# config's records, and `status` shows it, says the config is invalid, prints
# the config's problems on stderr and exits 4.
source "$(dirname "$0")/lib.sh"

sync_setup --empty-b
sync_ok a
set_config a conflict policy '"newest"'
cs_a sync --apply
assert_exit 4
assert_file_contains "$(run_record a last-run.json)" '"outcome": "invalid_config"'
assert_file_contains "$(run_record a last-run.json)" 'conflict.policy = \"newest\" is not allowed'
[[ "$(find "$RUNS_DIR" -mindepth 1 -maxdepth 1 | wc -l)" == 1 ]] || cs_fail "expected one config's records" "$(ls "$RUNS_DIR")"

cs_a status
assert_exit 4
assert_stdout_contains "Config:               $CONFIG_A (machine machine-a)"
assert_stdout_contains "the config is INVALID (exit 4)"
assert_stdout_contains "exit 4 (invalid config or arguments): $CONFIG_A:"
assert_stdout_matches '^Last successful sync: sync --apply ended '
assert_stdout_contains "WARNING: the last run failed: sync --apply ended with exit 4"
assert_stderr_contains 'conflict.policy = "newest" is not allowed'

cs_a --json status
assert_exit 4
assert_stdout_json
json_check 'd["config"]["valid"] is False' 'd["last_run"]["exit_code"] == 4' 'd["last_success"]["exit_code"] == 0'

# A -c file that is gone is recorded under its name too.
mv "$CONFIG_A" "$CONFIG_A.away"
cs_a sync --apply
assert_exit 4
mv "$CONFIG_A.away" "$CONFIG_A"
assert_file_contains "$(run_record a last-run.json)" 'config file not found'

# When the agent's state folder is missing (the configured one and the
# ~/.codex fallback), doctor shows a FAIL row for it, exits 5, and does not
# create it. (Its one write is its run record, kept aside here.)
source "$(dirname "$0")/lib.sh"
keep_run_records_aside

make_cloud
mkdir -p "$MACHINE_A"
minimal_config a | write_file "$CONFIG_A" # $STATE_A is never made
snapshot_tree before "$MACHINE_A" "$T/home"
files_before="$(cd "$T" && find . -path ./.run -prune -o -print | sort)"

run_cs -c "$CONFIG_A" doctor
assert_exit 5
assert_stdout_matches '^FAIL +local_state +.*does not exist'
assert_stdout_matches '^Result: FAIL'
assert_no_file "$STATE_A"
assert_no_file "$HOME/.codex"
assert_tree_unchanged before
  files_after="$(cd "$T" && find . -path ./.run -prune -o -print | sort)"
  [[ "$files_before" == "$files_after" ]] || cs_fail "doctor left files behind" "$(diff <(echo "$files_before") <(echo "$files_after"))"
assert_file_contains "$(run_record a last-run.json)" '"exit_code": 5'

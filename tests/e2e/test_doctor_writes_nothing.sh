# doctor is read-only: on a fresh setup whose cloud subfolders do not exist yet
# it creates none of them (no cloud, backup, temp, log or manifest folder); the
# machine's folders are untouched and no file is left anywhere, with or without
# --json and -v. (Its clock check writes and removes one probe file in the cloud
# folder, which touches only that folder's time.) Its one write is its run
# record in the user state folder, kept aside here.
source "$(dirname "$0")/lib.sh"
keep_run_records_aside

make_machine a
make_cloud
init_config_for a
snapshot_tree before "$MACHINE_A" "$T/home"
files_before="$(cd "$T" && find . -path ./.run -prune -o -print | sort)"

for args in "doctor" "--json doctor" "-v doctor"; do
  # shellcheck disable=SC2086 # the words of each run
  run_cs -c "$CONFIG_A" $args
  assert_exit 0
  assert_stdout_matches '^(Result: |  "result": )'
  assert_tree_unchanged before
  files_after="$(cd "$T" && find . -path ./.run -prune -o -print | sort)"
  [[ "$files_before" == "$files_after" ]] || cs_fail "doctor left files behind" "$(diff <(echo "$files_before") <(echo "$files_after"))"
done
assert_no_file "$CLOUD/sync"
assert_no_file "$CLOUD/backups"
assert_no_file "$CLOUD/.tmp"
assert_no_file "$CLOUD/logs"
assert_no_file "$CLOUD/state"
assert_file_contains "$(run_record a last-run.json)" '"command": "doctor"'

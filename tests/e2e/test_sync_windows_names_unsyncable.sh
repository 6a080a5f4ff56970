# Names Windows cannot hold (a reserved device name such as aux.json or CON,
# a ':' in a name, a name ending in a dot) are listed in the plan as
# unsyncable and left where they are, in either direction; everything else
# syncs and the run exits 0. portable_names = false syncs them anyway.
source "$(dirname "$0")/lib.sh"
skip_on_windows "names that Windows cannot hold made on the Linux side: Wine shows a:b.md and notes. under other names and opens aux.json as the AUX device; the planner's rules run on every platform (unit tests)"

sync_setup --empty-b
put_file "$STATE_A/skills/x/aux.json" '{"reserved":"on Windows"}'
put_file "$STATE_A/skills/x/a:b.md" "a colon"
put_file "$STATE_A/skills/x/notes." "trailing dot"
put_file "$STATE_A/skills/x/fine.md" "synced"
# One arrives from the cloud folder too.
put_file "$SYNC_DIR/skills/y/CON" "from the cloud"

cs_a sync --apply
assert_exit 0
assert_stdout_matches '^  UNSYNCABLE +skills/x/aux.json .*reserved'
assert_stdout_matches '^  UNSYNCABLE +skills/x/a:b.md '
assert_stdout_matches '^  UNSYNCABLE +skills/x/notes. '
assert_stdout_matches '^  UNSYNCABLE +skills/y/CON '
assert_stdout_contains "4 unsyncable"
assert_stderr_contains "skills/x/aux.json"
assert_same_file "$STATE_A/skills/x/fine.md" "$SYNC_DIR/skills/x/fine.md"
assert_no_file "$SYNC_DIR/skills/x/aux.json"
assert_no_file "$SYNC_DIR/skills/x/a:b.md"
assert_no_file "$STATE_A/skills/y/CON"
# The next run says the same and writes nothing.
cs_a sync --apply
assert_exit 0
assert_stdout_contains "0 to the cloud (0 B), 0 to here (0 B)"

set_config a sync portable_names false
sync_ok a
assert_same_file "$STATE_A/skills/x/aux.json" "$SYNC_DIR/skills/x/aux.json"
assert_same_file "$SYNC_DIR/skills/y/CON" "$STATE_A/skills/y/CON"

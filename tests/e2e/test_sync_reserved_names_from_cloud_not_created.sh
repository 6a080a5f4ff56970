# Files whose names Windows reserves for devices (CON.md, nul.txt, aux.json:
# the device, whatever follows a dot), made by another machine and arriving
# in the cloud folder, are listed as unsyncable and not created here; the
# rest syncs and the run exits 0. On Windows (this script runs under Wine
# too) the scan must reach such a file as a file, not open the CON/NUL/AUX
# device in its place (which made the whole run stop with exit 5).
source "$(dirname "$0")/lib.sh"

sync_setup --empty-b
sync_ok a
for name in CON.md nul.txt aux.json; do
  put_file "$SYNC_DIR/skills/from-linux/$name" "made by another machine: $name"
done
put_file "$SYNC_DIR/skills/from-linux/fine.md" "synced"
snapshot_tree cloud "$SYNC_DIR"

cs_a sync --apply
assert_exit 0
for name in CON.md nul.txt aux.json; do
  assert_stdout_matches "^  UNSYNCABLE +$(re "skills/from-linux/$name") .*reserved name on Windows"
  assert_no_file "$STATE_A/skills/from-linux/$name"
done
assert_stdout_contains "3 unsyncable"
assert_same_file "$SYNC_DIR/skills/from-linux/fine.md" "$STATE_A/skills/from-linux/fine.md"
assert_tree_unchanged cloud
# The next run says the same and writes nothing.
cs_a sync --apply
assert_exit 0
assert_stdout_contains "3 unsyncable"
assert_stdout_contains "0 to the cloud (0 B), 0 to here (0 B)"

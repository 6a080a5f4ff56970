# A file whose full path is longer than 260 characters (Windows' MAX_PATH)
# syncs both ways: A sends it to the cloud, B gets it, B changes it and A
# gets the change back. On Windows codexsync reaches such paths with the
# `\\?\` prefix; here (Linux, or Windows under Wine) the same script runs.
# The path inside the state folder stays under the 220 UTF-16 units the
# planner allows (longer ones are unsyncable); the folders around it make
# the rest.
source "$(dirname "$0")/lib.sh"

sync_setup --empty-b
deep="skills/long"
for part in one two three four; do
  deep+="/a-folder-name-forty-characters-long-$part"
done
file="$deep/SKILL-with-a-long-name-too.md"
put_file "$STATE_A/$file" "made on A"
for full in "$STATE_A/$file" "$STATE_B/$file" "$SYNC_DIR/$file"; do
  full="$(cs_native_path "$full")"
  ((${#full} > 260)) || cs_die_setup "the path is only ${#full} characters long: $full"
done

sync_ok a
assert_same_file "$STATE_A/$file" "$SYNC_DIR/$file"
sync_ok b
assert_same_file "$STATE_A/$file" "$STATE_B/$file"

put_file "$STATE_B/$file" "changed on B" "2026-03-01 10:00:00"
sync_ok b
sync_ok a
assert_file_is "$STATE_A/$file" "changed on B"
assert_same_file "$STATE_B/$file" "$STATE_A/$file"
assert_backed_up local "$file" "made on A"

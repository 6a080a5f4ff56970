# iCloud evicts a synced file from the mirror and leaves `.NAME.icloud` in its
# place. Even with delete_policy = "propagate", the next sync neither deletes
# the agent's copy nor copies it to the cloud nor stops: the path is "not
# available" (kept apart, with what to do), the stub is never imported, and
# once iCloud brings the file back everything is in sync again.
source "$(dirname "$0")/lib.sh"

sync_setup --empty-b
set_config a sync delete_policy '"propagate"'
set_config b sync delete_policy '"propagate"'
sync_ok a
sync_ok b
f=skills/review/SKILL.md
mv "$SYNC_DIR/$f" "$T/evicted"
put_file "$SYNC_DIR/skills/review/.SKILL.md.icloud" "bplist00 stub"

cs_b sync --apply
assert_exit 0
assert_stdout_contains "placeholder"
assert_stdout_not_matches '^  delete '
assert_file_is "$STATE_B/$f" "# review skill of machine a"
assert_no_file "$STATE_B/skills/review/.SKILL.md.icloud"
assert_no_file "$SYNC_DIR/$f"

cs_b artefacts
assert_exit 0
assert_stdout_contains "iCloud placeholder (not downloaded) of $f"

rm "$SYNC_DIR/skills/review/.SKILL.md.icloud"
mv "$T/evicted" "$SYNC_DIR/$f"
cs_b sync --apply
assert_exit 0
assert_stdout_not_matches '^  (delete|copy) '
assert_file_is "$STATE_B/$f" "# review skill of machine a"

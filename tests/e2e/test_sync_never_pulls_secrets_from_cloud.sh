# Files that must never sync are not taken from the cloud mirror either: a
# credential, a database, an executable or a symlink found there is listed
# under "Never synced" (cloud side) and never written into the agent's folder.
source "$(dirname "$0")/lib.sh"
skip_on_windows "a symlink in the cloud folder (Wine shows a Unix symlink as the file or folder it points to)"

sync_setup --empty-b
sync_ok a
put_file "$SYNC_DIR/skills/review/auth.json" '{"token":"planted"}'
put_file "$SYNC_DIR/sessions/.env" 'KEY=planted'
put_file "$SYNC_DIR/sessions/history.db" 'planted'
printf '\x7fELF\x02\x01\x01\0planted' >"$SYNC_DIR/skills/review/tool"
ln -s /etc "$SYNC_DIR/skills/etc-link"

cs_b sync --apply
assert_exit 0
assert_stdout_contains "Never synced (5):"
assert_stdout_contains "  skills/review/auth.json (cloud): credential file: never synced"
assert_stdout_contains "  sessions/.env (cloud): credential file: never synced"
assert_stdout_contains "  sessions/history.db (cloud): SQLite database: never synced"
assert_stdout_contains "  skills/review/tool (cloud): native executable: never synced"
assert_stdout_contains "  skills/etc-link (cloud): symlink: not followed"
assert_file_is "$STATE_B/skills/review/SKILL.md" "# review skill of machine a"
if grep -rq planted "$STATE_B"; then
  cs_fail "a planted file reached the agent's folder: $(grep -rl planted "$STATE_B")"
fi
assert_no_file "$STATE_B/skills/etc-link"

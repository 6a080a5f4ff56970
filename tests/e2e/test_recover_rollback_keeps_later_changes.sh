# `recover rollback` undoes only what the killed run wrote: a file the run
# overwrote in the cloud that another machine has changed since is kept
# (listed as refused), as a file the run created and someone changed since
# already is; the later edit is not replaced by the pre-run version.
source "$(dirname "$0")/lib.sh"

sync_setup --empty-b
sync_ok a
sync_ok b
put_file "$STATE_A/skills/review/SKILL.md" "A's edit" "2026-03-01 10:00:00"
put_file "$STATE_A/skills/new/SKILL.md" "A's new skill" "2026-03-01 10:00:00"
CODEXSYNC_TEST_FAULT=engine.before_baseline cs_a sync --apply
assert_exit 86
# B picks up A's run, edits both files and syncs them.
sync_ok b
put_file "$STATE_B/skills/review/SKILL.md" "B's later edit" "2026-03-02 10:00:00"
put_file "$STATE_B/skills/new/SKILL.md" "B's later edit of the new skill" "2026-03-02 10:00:00"
sync_ok b
id="$(open_run_ids)"

cs_a recover rollback "$id"
assert_exit 0
assert_stdout_matches '^  refused +cloud +skills/new/SKILL.md '
assert_stdout_matches '^  refused +cloud +skills/review/SKILL.md '
cs_a recover rollback "$id" --apply
assert_exit 0
assert_file_is "$SYNC_DIR/skills/new/SKILL.md" "B's later edit of the new skill"
assert_file_is "$SYNC_DIR/skills/review/SKILL.md" "B's later edit"

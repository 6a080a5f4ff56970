# `artefacts clean`: a file that cannot be backed up (here a name with a
# backslash, which a snapshot never holds) is named with why, stays in the
# mirror, and the others are still moved; the run exits 1.
source "$(dirname "$0")/lib.sh"
skip_on_windows "a file name holding a backslash, which only a POSIX file system can hold"

sync_setup --empty-b
sync_ok a
d="$SYNC_DIR/skills/review"
bad='odd\name (Alice'"'"'s conflicted copy 2026-11-20).md'
good="SKILL.sync-conflict-20261120-101500-ABCDEF7.md"
put_file "$d/$bad" "stays"
put_file "$d/$good" "goes"

cs_a artefacts clean
assert_exit 1
assert_stderr_contains "could not move skills/review/$bad"
assert_stderr_contains "backslash"
assert_stderr_contains "1 file could not be moved"
assert_stdout_contains "Moved 1 file into backup snapshot"
assert_file_is "$d/$bad" "stays"
assert_no_file "$d/$good"
assert_backed_up cloud "skills/review/$good" "goes"

# `restore` never writes a file that filters.never_sync_globs names, even
# when a snapshot holds it (it was synced before the glob was added): the
# item is listed as refused with the reason, the file stays as it is, and
# the other files of the snapshot are put back.
source "$(dirname "$0")/lib.sh"

make_cloud_overwrite
KEY=skills/review/deploy.key
put_file "$STATE_B/$KEY" "key of B" "2026-03-02 10:00:00"
put_file "$STATE_A/$KEY" "key of A" "2026-03-01 09:00:00"
sync_ok b
# A pulls B's versions over its own: both are in A's snapshot now.
sync_ok a
assert_file_is "$STATE_A/$KEY" "key of B"
assert_file_is "$STATE_A/$REVIEW" "edited on B"
add_config a filters 'never_sync_globs = ["**/*.key"]'

cs_a restore --target local --apply
assert_exit 0
assert_stdout_matches "^  refused +local +$(re "$KEY") +\(credential or machine-specific file: never written by codexsync\)"
assert_stdout_matches "^  put back +local +$(re "$REVIEW") "
assert_file_is "$STATE_A/$KEY" "key of B"
assert_file_is "$STATE_A/$REVIEW" "# review skill of machine a"

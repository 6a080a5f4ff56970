# `codexsync artefacts` alone is `artefacts list`: with no cloud-client files
# it says so and exits 0; an unknown word after it exits 4 with a hint.
source "$(dirname "$0")/lib.sh"

sync_setup --empty-b
sync_ok a
snapshot_sync_state before
cs_a artefacts
assert_exit 0
assert_stdout_contains "No files made by a cloud client"
assert_stdout_contains "$SYNC_DIR"
cs_a artefacts list
assert_exit 0
assert_stdout_contains "No files made by a cloud client"
cs_a artefacts clean --dry-run
assert_exit 0
assert_stdout_contains "nothing to clean"
assert_tree_unchanged before

cs_a artefacts shred
assert_exit 4
assert_stderr_contains "shred"
assert_stderr_contains "codexsync artefacts --help"

# The first sync writes <workspace>/.codexsync-workspace and the machine
# remembers its id. When the marker is gone (an unmounted drive, an emptied
# folder) or holds another id (another cloud folder), `sync` exits 5 naming
# it and writes nothing; `--adopt-workspace` takes the folder on as a first
# sync: files are copied both ways and nothing is deleted, even with
# delete_policy = "propagate".
source "$(dirname "$0")/lib.sh"

sync_setup --empty-b
set_config a sync delete_policy '"propagate"'
sync_ok a
assert_file_exists "$CLOUD/.codexsync-workspace"
id="$(sed -n 's/.*"id": *"\([0-9a-f]*\)".*/\1/p' "$CLOUD/.codexsync-workspace")"
[[ -n "$id" ]] || cs_fail "expected an id in the marker"
# B joins the same workspace without a word.
sync_ok b
cs_b doctor
assert_stdout_matches "PASS.*workspace_marker.*workspace $id"
assert_file_contains "$CLOUD/.codexsync-workspace" "$id"

# The marker is gone.
mv "$CLOUD/.codexsync-workspace" "$T/marker"
snapshot_sync_state before
cs_a sync --apply
assert_exit 5
assert_stderr_contains "cloud folder not mounted or not the one you synced with"
assert_stderr_contains "$CLOUD/.codexsync-workspace is missing"
assert_stderr_contains "--adopt-workspace"
cs_a plan
assert_exit 5
# doctor says the same, before any sync is tried.
cs_a doctor
assert_exit 5
assert_stdout_matches 'FAIL.*workspace_marker.*is missing'
assert_tree_unchanged before

# Another workspace's marker.
printf '{"format":"codexsync-workspace-v1","id":"0123456789abcdef0123456789abcdef"}\n' >"$CLOUD/.codexsync-workspace"
cs_a sync --apply
assert_exit 5
assert_stderr_contains "holds workspace 0123456789abcdef0123456789abcdef, but this machine synced with $id"
# A damaged one.
printf 'not json' >"$CLOUD/.codexsync-workspace"
cs_a sync --apply
assert_exit 5
assert_stderr_contains "is not readable as a marker"
mv "$T/marker" "$CLOUD/.codexsync-workspace"
sync_ok a

# An empty folder where the cloud folder was: stopped, then adopted as a first sync.
mv "$CLOUD" "$T/old-cloud"
mkdir -p "$CLOUD"
rm "$STATE_A/skills/review/SKILL.md"
cs_a sync --apply
assert_exit 5
assert_stderr_contains "is missing"
cs_a sync --apply --adopt-workspace
assert_exit 0
assert_stdout_contains "adopting this cloud folder"
assert_file_exists "$CLOUD/.codexsync-workspace"
assert_same_file "$STATE_A/session_index.jsonl" "$SYNC_DIR/session_index.jsonl"
# Nothing was deleted: the file removed on A is simply not there.
assert_file_exists "$STATE_A/config.toml"
new_id="$(sed -n 's/.*"id": *"\([0-9a-f]*\)".*/\1/p' "$CLOUD/.codexsync-workspace")"
[[ "$new_id" != "$id" ]] || cs_fail "expected a new workspace id"
# From now on the new marker is the one A checks.
sync_ok a

# A new machine that syncs before the cloud client has delivered anything:
# machine A syncs into its cloud folder while Syncthing is paused, machine B
# (empty) syncs against its still-empty cloud folder, so each makes a
# workspace marker; then Syncthing carries both folders, keeps one marker and
# makes a conflict copy of the other. Neither machine may then be locked out:
# A's next sync and B's both exit 0, and B gets A's files. (The same race with
# a simulated cloud client: test_workspace_marker_first_syncs_race.sh.)
source "$(dirname "$0")/lib.sh"
source "$CS_E2E_DIR/syncthing_lib.sh"
st_require

DIR_A="$T/cloud-a"
DIR_B="$T/cloud-b"
make_machine a
make_machine b --empty
mkdir -p "$DIR_A" "$DIR_B"
st_init_config_for a "$DIR_A"
st_init_config_for b "$DIR_B"
st_start "$DIR_A" "$DIR_B"

# not_locked_out: the last run did not refuse the cloud folder as another one.
not_locked_out() {
  ! cs_contains "$CS_STDOUT$CS_STDERR" "not the one you synced with" ||
    cs_fail "expected no machine to be locked out of the shared cloud folder"
}

# Nothing travels until st_resume: B's first sync surely runs before A's
# files (and A's workspace marker) reach B's cloud folder.
st_pause
sync_ok a
assert_file_exists "$DIR_A/.codexsync-workspace"
assert_no_file "$DIR_B/.codexsync-workspace"
cs_b sync --apply
[[ "$CS_EXIT" == 0 || "$CS_EXIT" == 5 ]] || cs_fail "B's sync against an empty cloud folder must exit 0 or 5"

st_resume
st_wait_in_sync 30

# A syncs again: its cloud folder is still the one it synced with.
cs_a sync --apply
not_locked_out
assert_exit 0
# B gets A's files.
cs_b sync --apply
not_locked_out
assert_exit 0
assert_trees_equal "$STATE_A" "$STATE_B"

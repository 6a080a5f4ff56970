# Windows: a junction (mklink /J) inside an include root, pointing at a
# folder outside the state folder, is never followed: it is listed under
# "Never synced" as a junction or reparse point, nothing behind it reaches
# the cloud folder, and the rest syncs with exit 0. Runs where a junction can
# be made (Windows; Wine from version 9 or so); skipped where it cannot (Wine
# 8: FSCTL_SET_REPARSE_POINT is not supported) and on POSIX, which has no
# junctions (symlinks there: sync_never_syncs_secrets_databases_executables_links).
source "$(dirname "$0")/lib.sh"
((CS_ON_WINDOWS)) ||
  skip_test "junctions are NTFS reparse points (Windows only, run under Wine); POSIX symlinks are tested by sync_never_syncs_secrets_databases_executables_links"

sync_setup --empty-b
put_file "$STATE_A/skills/real/SKILL.md" "a real skill"
mkdir -p "$T/outside"
put_file "$T/outside/secret.txt" "s3cr3t-value-behind-the-junction"
rc=0
"$CODEXSYNC_HELPERS/make_junction" "$STATE_A/skills/junction" "$T/outside" >"$CS_RUN/junction.out" 2>&1 || rc=$?
if ((rc == 3)); then
  skip_test "this Wine cannot make a junction: $(tr -d '\r' <"$CS_RUN/junction.out")"
fi
((rc == 0)) || cs_die_setup "make_junction failed (exit $rc): $(cat "$CS_RUN/junction.out")"

cs_a sync --apply
assert_exit 0
assert_stdout_contains "  skills/junction (local): junction or reparse point: not followed"
assert_same_file "$STATE_A/skills/real/SKILL.md" "$SYNC_DIR/skills/real/SKILL.md"
assert_no_file "$SYNC_DIR/skills/junction/secret.txt"
if grep -rq s3cr3t-value "$CLOUD"; then
  cs_fail "a file behind the junction reached the cloud folder: $(grep -rl s3cr3t-value "$CLOUD")"
fi

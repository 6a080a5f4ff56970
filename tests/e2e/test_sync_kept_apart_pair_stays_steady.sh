# A path kept apart (equal mtimes, different bytes, no history) is reported
# the same way by every scheduled run, exit 0: the listing that found it does
# not count as finding the mirror as the baseline saw it, and a plan with it
# in is never made from the shortcut. (It used to alternate exit 0 / exit 5:
# the shortcut planned "new here" and the copy refused to replace the file.)
source "$(dirname "$0")/lib.sh"
source "$CS_E2E_DIR/transport_lib.sh"

settle_on_shortcut

put_file "$STATE_A/skills/apart/SKILL.md" "here" "2026-03-01 10:00:00"
put_file "$SYNC_DIR/skills/apart/SKILL.md" "cloud!" "2026-03-01 10:00:00"
cs_a sync --apply --full-scan
assert_exit 0
assert_stdout_contains "kept apart"
exits=""
for i in 1 2 3 4; do
  cs_a sync --apply
  exits+="$CS_EXIT "
  assert_stdout_contains "kept apart"
done
[[ "$exits" == "0 0 0 0 " ]] || cs_fail "scheduled runs of an unchanged pair of folders: exits $exits (expected 0 0 0 0)"

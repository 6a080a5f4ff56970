# Each delivery record a machine publishes has a generation one more than the
# one before: a run that writes to the cloud folder publishes two (the
# withdrawal of what it is about to replace, then the final record), so the
# first such run ends at generation 2 and the next at 4; a run with nothing
# new to say publishes none.
source "$(dirname "$0")/lib.sh"

generation() { sed -n 's/.*"generation":\([0-9]*\).*/\1/p' "$CLOUD/state/delivery/machine-a.json"; }

sync_setup --empty-b
sync_ok a
[[ "$(generation)" == 2 ]] || cs_fail "expected generation 2 after the first run, found $(generation)"
put_file "$STATE_A/skills/review/SKILL.md" "edited on A" "2026-03-01 10:00:00"
sync_ok a
[[ "$(generation)" == 4 ]] || cs_fail "expected generation 4 after the second run, found $(generation)"
sync_ok a
[[ "$(generation)" == 4 ]] || cs_fail "expected no new record from a run with nothing to write, found $(generation)"

# B's first sync withdraws what it is about to write (its own new file)
# before writing it, then publishes.
generation_b() { sed -n 's/.*"generation":\([0-9]*\).*/\1/p' "$CLOUD/state/delivery/machine-b.json"; }
put_file "$STATE_B/skills/b-only/SKILL.md" "made on B" "2026-03-02 10:00:00"
sync_ok b
[[ "$(generation_b)" == 2 ]] || cs_fail "expected B to withdraw before its first writes (generation 2), found $(generation_b)"

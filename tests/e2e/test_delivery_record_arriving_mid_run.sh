# A peer's delivery record that arrives while this machine's sync is running
# was not read by that run, so it is never remembered as settled: the next
# run reads it and stops on what it claims and the cloud folder does not hold
# yet (exit 5), instead of taking the cloud folder as settled.
source "$(dirname "$0")/lib.sh"
source "$CS_E2E_DIR/transport_lib.sh"

sync_setup --empty-b
split_views
sync_ok a
deliver_to_b
sync_ok b
deliver_to_a
sync_ok a # in step with B; A's records are settled from here on
sync_ok a

# B makes a new skill; its record (claiming it) reaches A's view only during
# A's next run, and the skill itself not at all yet.
put_file "$STATE_B/skills/late/SKILL.md" "a skill still on its way" "2026-03-01 10:00:00"
sync_ok b

# A's run copies a big file, long enough for the record to arrive meanwhile.
mkdir -p "$STATE_A/sessions/2026/11/23"
head -c 200000000 /dev/zero | tr '\0' 'x' >"$STATE_A/sessions/2026/11/23/big.jsonl"
touch -d "2026-03-01 11:00:00 UTC" "$STATE_A/sessions/2026/11/23/big.jsonl"
(
  for _ in $(seq 1 400); do
    if compgen -G "$SYNC_DIR/sessions/2026/11/23/.big.jsonl.codexsync-tmp-*" >/dev/null; then
      deliver_to_a state/delivery/machine-b.json
      touch "$T/delivered"
      exit 0
    fi
    sleep 0.02
  done
) &
cs_a sync --apply
assert_exit 0
wait
[[ -f "$T/delivered" ]] || skip_test "the record could not be delivered while A's copy ran (the copy was too quick)"

# The record arrived during that run: the next run reads it.
cs_a sync --apply
assert_exit 5
assert_stderr_contains "cloud folder still syncing"
assert_stderr_contains "skills/late/SKILL.md: missing"
assert_no_file "$STATE_A/skills/late/SKILL.md"

# Once the skill is there, A takes it.
deliver_to_a sync/skills/late
sync_ok a
assert_file_is "$STATE_A/skills/late/SKILL.md" "a skill still on its way"

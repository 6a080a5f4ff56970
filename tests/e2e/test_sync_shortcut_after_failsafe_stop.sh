# A sync that lists the mirror, finds it not as the baseline saw it and stops
# before its end (here exit 5: a chat gone from the mirror that this machine
# vouched for) is recorded as not clean, so the next sync lists the mirror in
# full and stops again, instead of taking the scheduled no-op's shortcut
# ("nothing to plan", exit 0) until the next full listing. The stop itself
# writes nothing, not even to forget the shortcut. (Found by a review.)
source "$(dirname "$0")/lib.sh"
source "$CS_E2E_DIR/transport_lib.sh"

not_listed="cloud mirror not listed"
settle_on_reused_plan

victim="$(cd "$SYNC_DIR" && find sessions -name '*.jsonl' | LC_ALL=C sort | head -1)"
[[ -n "$victim" ]] || cs_fail "expected a chat in the mirror"
mv "$SYNC_DIR/$victim" "$T/victim"

cs_a sync --apply --full-scan
assert_exit 5
assert_stderr_contains "$victim"
cs_a sync --apply
assert_exit 5
assert_stdout_not_contains "$not_listed"
assert_stdout_not_contains "nothing to plan"
assert_stderr_contains "$victim"

# Put back: the runs converge, and the shortcut comes back.
mv "$T/victim" "$SYNC_DIR/$victim"
sync_ok a
assert_stdout_not_contains "$not_listed"
sync_ok a
sync_ok a
assert_stdout_contains "$not_listed"

# The scheduled no-op's second shortcut: on a run that takes the mirror as the
# baseline saw it and finds the agent's folder so too, the plan is not made
# again when the baseline file, what the scan skipped and the machines' host
# names are as they were on the last clean run, whose plan was empty. The
# plan says so; nothing is written (the baseline keeps its file). Any change
# among them plans again: a file edited here, a rewritten baseline, a file
# newly skipped, a machine's new host name, another baseline file, a damaged
# remembered key.
source "$(dirname "$0")/lib.sh"
source "$CS_E2E_DIR/transport_lib.sh"

reused="nothing to plan"
settle_on_shortcut # A's last run was on the shortcut with an empty plan: it remembered that
assert_stdout_not_contains "$reused"
baseline="$(find "$CLOUD/state" -maxdepth 1 -name '*.machine-a.json')"
seen="$(find "$CLOUD/state" -maxdepth 1 -name '*.machine-a.delivery-seen.txt')"
[[ -f "$baseline" && -f "$seen" ]] || cs_fail "expected A's baseline and remembered stamp in $CLOUD/state" "$(ls -la "$CLOUD/state")"
grep -q '^quiet [0-9a-f]\{64\}$' "$seen" || cs_fail "expected the empty plan's key in $seen" "$(cat "$seen")"
identity() { stat -c '%d %i %s %Y %Z' "$baseline"; }
before="$(identity)"
content="$(sha256sum <"$baseline")"

cs_a sync --apply
assert_exit 0
assert_stdout_contains "$reused"
assert_stdout_contains "cloud mirror not listed"
[[ "$(identity)" == "$before" ]] || cs_fail "a reused empty plan rewrote the baseline"
cs_a plan --json
assert_exit 0
assert_stdout_contains '"plan_reused": true'
[[ "$(identity)" == "$before" && "$(sha256sum <"$baseline")" == "$content" ]] ||
  cs_fail "the baseline changed on runs with nothing to do"

# A file edited here: planned (and sent); that run rewrote the baseline, so
# the next one plans again before the one after reuses its empty plan.
put_file "$STATE_A/skills/review/SKILL.md" "edited on A" "2026-03-04 10:00:00"
sync_ok a
assert_stdout_not_contains "$reused"
assert_file_is "$SYNC_DIR/skills/review/SKILL.md" "edited on A"
[[ "$(identity)" != "$before" ]] || cs_fail "expected a new baseline after a copy"
sync_ok a
assert_stdout_not_contains "$reused"
sync_ok a
assert_stdout_contains "$reused"

# A credential file appears: never synced, and what the scan skipped changed.
put_file "$STATE_A/skills/review/auth.json" '{"token": "x"}' "2026-03-04 11:00:00"
sync_ok a
assert_stdout_not_contains "$reused"
assert_stdout_contains "skills/review/auth.json"
sync_ok a
assert_stdout_contains "$reused"
assert_stdout_contains "skills/review/auth.json" # still reported
[[ ! -e "$SYNC_DIR/skills/review/auth.json" ]] || cs_fail "a credential file reached the mirror"

# Another machine's host name (it names OneDrive's copies): planned again.
record="$(grep -l '"machine-b"' "$CLOUD"/state/machines/* | head -1)"
[[ -f "$record" ]] || cs_fail "expected B's machine record in $CLOUD/state/machines" "$(ls -la "$CLOUD/state/machines")"
host="$(sed -n 's/.*"hostname": *"\([^"]*\)".*/\1/p' "$record" | head -1)"
[[ -n "$host" ]] || cs_fail "expected a host name in $record" "$(cat "$record")"
sed -i "s/\"hostname\": *\"$host\"/\"hostname\": \"renamed-$host\"/" "$record"
sync_ok a
assert_stdout_not_contains "$reused"
sync_ok a
assert_stdout_contains "$reused"

# The baseline file replaced by another (as `restore` or a copy by hand
# would): planned again.
cp -p "$baseline" "$T/baseline.copy"
mv "$T/baseline.copy" "$baseline"
sync_ok a
assert_stdout_not_contains "$reused"
sync_ok a
assert_stdout_contains "$reused"

# A damaged key is no key: planned again (still without listing the mirror),
# and remembered anew.
sed -i 's/^quiet .*/quiet not-a-key/' "$seen"
sync_ok a
assert_stdout_not_contains "$reused"
assert_stdout_contains "cloud mirror not listed"
sync_ok a
assert_stdout_contains "$reused"

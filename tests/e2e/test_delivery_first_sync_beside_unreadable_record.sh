# A first sync into a cloud folder whose records say nothing of any file
# withdraws nothing before it writes (nobody can be waiting). A record that
# cannot be read may say anything: beside one, the first sync withdraws what
# it is about to write, as any other run does (generation 2, not 1).
source "$(dirname "$0")/lib.sh"

generation() { sed -n 's/.*"generation":\([0-9]*\).*/\1/p' "$CLOUD/state/delivery/machine-a.json"; }

sync_setup --empty-b
mkdir -p "$CLOUD/state/delivery"
printf '{"format":"codexsync-delivery-v1","machine":"machine-c","generation":' >"$CLOUD/state/delivery/machine-c.json"
sync_ok a
assert_output_contains "machine-c.json"
[[ "$(generation)" == 2 ]] || cs_fail "expected a withdrawal beside an unreadable record (generation 2), found $(generation)"

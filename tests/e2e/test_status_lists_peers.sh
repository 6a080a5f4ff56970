# `status` lists the machines that sync through the workspace from their
# records in $CLOUD/state/machines/<machine>.json: one finished, one syncing
# now (within [sync] lease_seconds), one whose clock is ahead (a warning), and
# a damaged record named with its path. Status still exits 0 and writes
# nothing in the cloud folder; --json has the same in "peers" and
# "peer_problems".
source "$(dirname "$0")/lib.sh"

make_machine a
make_cloud
init_config_for a

ago() { date -u -d "@$(($(date +%s) - $1))" +%Y-%m-%dT%H:%M:%S.000Z; }
# record MACHINE STARTED FINISHED EXIT OFFSET WRITTEN: a record as sync --apply writes it.
record() {
  write_file "$CLOUD/state/machines/$1.json" <<JSON
{
  "format": 1,
  "machine": "$1",
  "hostname": "HOST-$1",
  "os": "windows",
  "version": "0.5.0",
  "profile": "",
  "sync_started": "$2",
  "sync_finished": "$3",
  "last_exit_code": $4,
  "clock_offset_seconds": $5,
  "written": "$6"
}
JSON
}
record machine-a "$(ago 3700)" "$(ago 3600)" 0 0 "$(ago 3600)"
record laptop-b "$(ago 10900)" "$(ago 10800)" 2 1 "$(ago 10800)"
record laptop-c "$(ago 150)" "$(ago 10800)" 0 null "$(ago 150)"
record laptop-d "$(ago 7300)" "$(ago -7230)" 0 0 "$(ago -7230)"
write_file "$CLOUD/state/machines/broken.json" <<<'{ "format": 1, "machine": "bro'
snapshot_tree cloud "$CLOUD"

cs_a status
assert_exit 0
assert_stdout_contains "Peers:                4 machine(s) in $CLOUD/state/machines"
assert_stdout_contains "  machine-a (this machine): host HOST-machine-a, windows, codexsync 0.5.0"
assert_stdout_matches '^    last sync ended [0-9-]+ [0-9:]+ \(1 h ago\), exit 0 \(ok\); cloud clock offset \+0 s$'
assert_stdout_contains "  laptop-b: host HOST-laptop-b, windows, codexsync 0.5.0"
assert_stdout_matches '^    last sync ended .* \(3 h ago\), exit 2 \(conflict left open\); cloud clock offset \+1 s$'
assert_stdout_contains "    syncing now (began 2 min ago); cloud clock offset unknown"
assert_stdout_contains "WARNING: machine laptop-c began a sync 2 min ago and has not finished: its files may \
still be arriving in the cloud folder. Wait for it, or run again later"
assert_stdout_contains "WARNING: machine laptop-d's clock is at least 2 h ahead of this one's"
assert_stdout_contains "turn on automatic time sync"
assert_stdout_contains "WARNING: cannot use the peer record $CLOUD/state/machines/broken.json: it is not valid JSON"
assert_stdout_not_contains "WARNING: machine laptop-b"
assert_stdout_not_contains "WARNING: machine machine-a"
assert_tree_unchanged cloud

cs_a --json status
assert_exit 0
assert_stdout_json
json_check 'len(d["peers"]) == 4' \
  '[p["machine"] for p in d["peers"]] == ["laptop-b", "laptop-c", "laptop-d", "machine-a"]' \
  '[p["syncing_now"] for p in d["peers"]] == [False, True, False, False]' \
  '[p["this_machine"] for p in d["peers"]] == [False, False, False, True]' \
  'd["peers"][0]["last_exit_code"] == 2 and d["peers"][0]["finished_age_seconds"] >= 10800' \
  'd["peers"][1]["clock_offset_seconds"] is None and d["peers"][1]["findings"][0]["running"] is True' \
  '"clock is at least" in d["peers"][2]["findings"][0]["message"]' \
  'd["peers"][3]["findings"] == []' \
  'len(d["peer_problems"]) == 1 and d["peer_problems"][0].startswith("'"$CLOUD"'/state/machines/broken.json: ")'
assert_tree_unchanged cloud

# With [sync] lease_seconds = 60, laptop-c's start is too old to count as running.
put_config a sync lease_seconds 60
cs_a status
assert_exit 0
assert_stdout_contains "    began a sync 2 min ago and recorded no end (interrupted?); cloud clock offset unknown"
assert_stdout_contains "WARNING: machine laptop-c began a sync 2 min ago and never recorded its end (interrupted?)"

# Two `sync --apply` runs of the same machine started at the same moment: one
# writes, the other is refused by the run lock (exit 5, naming the holder) or,
# if it started after the first finished, finds nothing left to do. Never do
# both write: only one run journal exists, and the folders end in sync.
source "$(dirname "$0")/lib.sh"

sync_setup --empty-b
for i in $(seq 1 300); do
  put_file "$STATE_A/skills/bulk/file-$i.md" "content $i $(head -c 2000 /dev/zero | tr '\0' x)"
done

"${CS_BIN[@]}" -c "$CONFIG_A" sync --apply >"$T/run1.out" 2>"$T/run1.err" </dev/null &
first=$!
"${CS_BIN[@]}" -c "$CONFIG_A" sync --apply >"$T/run2.out" 2>"$T/run2.err" </dev/null &
second=$!
rc1=0
rc2=0
wait "$first" || rc1=$?
wait "$second" || rc2=$?

[[ "$rc1" == 0 || "$rc2" == 0 ]] || cs_fail "neither run succeeded ($rc1, $rc2)" "$(cat "$T/run1.err" "$T/run2.err")"
for rc in "$rc1" "$rc2"; do
  [[ "$rc" == 0 || "$rc" == 5 ]] || cs_fail "a run exited $rc" "$(cat "$T/run1.err" "$T/run2.err")"
done
if [[ "$rc1" == 5 || "$rc2" == 5 ]]; then
  grep -q "another codexsync run on this machine holds" "$T/run1.err" "$T/run2.err" ||
    cs_fail "the refused run did not name the lock" "$(cat "$T/run1.err" "$T/run2.err")"
fi
journals=("$CLOUD"/.tmp/journals/*.json)
[[ ${#journals[@]} == 1 ]] || cs_fail "expected exactly one run journal (one writer), found ${#journals[@]}"

cs_a recover list
assert_stdout_contains "No unfinished runs."
cs_a plan
assert_stdout_contains "Summary: 0 to the cloud (0 B), 0 to here (0 B)"

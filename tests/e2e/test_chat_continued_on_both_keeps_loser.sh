# A chat continued on both machines is a real divergence: under the default
# manual_abort it is an open conflict (exit 2, nothing written); under
# prefer_cloud the cloud's version wins and B's version is kept whole in the
# conflict store, listed by `conflicts list` and brought back byte for byte
# by `conflicts restore`.
source "$(dirname "$0")/lib.sh"

sync_setup --empty-b
chat=sessions/2026/11/20/rollout-2026-11-20T10-00-00-a.jsonl
sync_ok a
sync_ok b

printf '{"type":"response_item","text":"continued on A"}\n' >>"$STATE_A/$chat"
sync_ok a
printf '{"type":"response_item","text":"continued on B, differently"}\n' >>"$STATE_B/$chat"
cp "$STATE_B/$chat" "$MACHINE_B/b-version.jsonl"
snapshot_tree before "$STATE_B" "$SYNC_DIR"

cs_b sync --apply
assert_exit 2
assert_stderr_contains "$chat"
assert_stdout_contains "neither copy starts with the other"
assert_tree_unchanged before

put_config b conflict policy '"prefer_cloud"'
cs_b sync --apply
assert_exit 0
assert_stdout_contains "the losing version of $chat is kept as "
id="$(sed -n 's/.*is kept as \([^;]*\);.*/\1/p' "$CS_RUN/stdout" | head -1)"
[[ -n "$id" ]] || cs_fail "no conflict id in the output"
assert_same_file "$STATE_A/$chat" "$STATE_B/$chat"

cs_b conflicts list
assert_exit 0
assert_stdout_contains "$id"
assert_stdout_contains "$chat"

# Out of the store into a folder of one's own, byte for byte.
cs_b conflicts restore "$id" --to "$MACHINE_B/out"
assert_exit 0
cmp "$MACHINE_B/b-version.jsonl" "$MACHINE_B/out/$chat" || cs_fail "the restored copy differs from B's version"

# Back into the agent's folder: the current (A's) version is kept first.
cs_b conflicts restore "$id"
assert_exit 0
cmp "$MACHINE_B/b-version.jsonl" "$STATE_B/$chat" || cs_fail "B's version did not come back byte for byte"
cs_b conflicts list
assert_exit 0
[[ "$(grep -c "$chat" "$CS_RUN/stdout")" -ge 2 ]] || cs_fail "the replaced version was not kept as a new entry"

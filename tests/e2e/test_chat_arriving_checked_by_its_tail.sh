# A chat that grew on A arrives at B as a longer cloud copy. B checks it
# against A's delivery record by hashing what its fast-forward will write:
# its own copy, resumed from the midstate its baseline vouches for, plus the
# cloud copy's tail. So B reads the tail, not the whole cloud copy, and still
# catches a tail that is not what A wrote (exit 5, "still syncing", nothing
# written).
source "$(dirname "$0")/lib.sh"

skip_on_windows "strace of codexsync's reads, and resume points (Windows hashes with CNG, which keeps SHA-256's midstate to itself)"
command -v strace >/dev/null 2>&1 || skip_test "strace is not installed; it counts the bytes read"
sync_setup --empty-b
chat=sessions/2026/11/20/rollout-2026-11-20T10-00-00-a.jsonl
write_chat "$STATE_A/$chat" 20000
sync_ok a
sync_ok b
grow() { printf '{"type":"response_item","text":"%s"}\n' "$1" >>"$STATE_A/$chat"; }

# cloud_chat_bytes_read: what the last traced run read of the cloud's chat.
cloud_chat_bytes_read() {
  awk -v f="$SYNC_DIR/$chat" 'index($0, "<" f ">") && /= [0-9]+$/ { n += $NF } END { print n + 0 }' "$CS_RUN/reads"
}
traced_b() {
  local saved=("${CS_BIN[@]}")
  CS_BIN=(strace -f -qq -y -e trace=read,pread64 -o "$CS_RUN/reads" "${saved[@]}")
  cs_b "$@"
  CS_BIN=("${saved[@]}")
}

# 1. Grown on A: B reads the tail of the cloud copy, not all of it.
grow "continued on A"
sync_ok a
size="$(stat -c %s "$SYNC_DIR/$chat")"
traced_b --json sync --apply
assert_exit 0
json_check 'd["result"]["fast_forwarded"] == 1' 'd["result"]["tails_hashed_alone"] == 1'
assert_same_file "$STATE_A/$chat" "$STATE_B/$chat"
read_bytes="$(cloud_chat_bytes_read)"
echo "B read $read_bytes of the cloud copy's $size bytes"
((read_bytes < size / 4)) || cs_fail "expected B to read the cloud copy's tail, not $read_bytes of its $size bytes"

# 2. A tail that is not what A wrote (same size, one byte changed) is caught.
grow "and again"
sync_ok a
python3 - "$SYNC_DIR/$chat" <<'PY'
import os, sys
with open(sys.argv[1], "r+b") as f:
    f.seek(-5, os.SEEK_END)
    b = f.read(1)
    f.seek(-5, os.SEEK_END)
    f.write(b"X" if b != b"X" else b"Y")
PY
touch -d "2026-11-21 10:00:00 UTC" "$SYNC_DIR/$chat"
snapshot_tree b_state "$STATE_B"
cs_b sync --apply
assert_exit 5
assert_stderr_contains "$chat"
assert_output_contains "still syncing"
assert_tree_unchanged b_state

# 3. Once the right bytes arrive, B takes them.
cp -p "$STATE_A/$chat" "$SYNC_DIR/$chat"
sync_ok b
assert_same_file "$STATE_A/$chat" "$STATE_B/$chat"

# A chat continued on A reaches the cloud folder and B by appending the new
# tail to the file that is there (fast_forward = "auto" on a file system that
# does not clone, as here): the same file before and after, its bytes A's, its
# mtime A's, and only the tail read and written. With fast_forward =
# "new_file" a new file is renamed over it instead.
source "$(dirname "$0")/lib.sh"

sync_setup --empty-b
chat=sessions/2026/11/20/rollout-2026-11-20T10-00-00-a.jsonl
write_chat "$STATE_A/$chat" 40000   # about 3.6 MB
sync_ok a
sync_ok b
assert_same_file "$STATE_A/$chat" "$STATE_B/$chat"

inode() { stat -c %i "$1"; }
cloud_inode="$(inode "$SYNC_DIR/$chat")"
b_inode="$(inode "$STATE_B/$chat")"

printf '{"type":"response_item","text":"continued on A"}\n' >>"$STATE_A/$chat"
touch -d "2026-11-21 09:00:00 UTC" "$STATE_A/$chat"
cs_a --json sync --apply
assert_exit 0
json_check 'd["result"]["fast_forwarded"] == 1'
assert_same_file "$STATE_A/$chat" "$SYNC_DIR/$chat"
[[ "$(inode "$SYNC_DIR/$chat")" == "$cloud_inode" ]] ||
  cs_fail "expected the cloud folder's chat to be appended to, not replaced by a new file"
[[ "$(mtime_of "$SYNC_DIR/$chat")" == "$(mtime_of "$STATE_A/$chat")" ]] || cs_fail "expected A's mtime on the cloud copy"
grep -q "fast-forwarded: the new tail appended to the file" "$CLOUD"/logs/codexsync-machine-a-*.log ||
  cs_fail "expected A's log to say the tail was appended" "$(cat "$CLOUD"/logs/codexsync-machine-a-*.log)"

# B pulls the tail into its own copy.
cs_b --json sync --apply
assert_exit 0
json_check 'd["result"]["fast_forwarded"] == 1'
assert_same_file "$STATE_A/$chat" "$STATE_B/$chat"
[[ "$(inode "$STATE_B/$chat")" == "$b_inode" ]] || cs_fail "expected B's chat to be appended to, not replaced"
cs_b plan
assert_exit 0
assert_stdout_contains "Summary: 0 to the cloud (0 B), 0 to here (0 B), 0 deletion(s), 0 merge(s), 0 conflict(s)"

# What a push of a 44-byte tail of a 3.6 MB chat reads and writes of the
# chat's two copies (strace, Linux): the tail, and samples that tell an
# appended chat from a rewritten one, never the whole chat.
if [[ "$CS_ON_WINDOWS" == 0 ]] && command -v strace >/dev/null; then
  printf '{"type":"response_item","text":"and again"}\n' >>"$STATE_A/$chat"
  saved_prefix=("${CS_TIMEOUT[@]}")
  CS_TIMEOUT=("${saved_prefix[@]}" strace -f -qq -y -e trace=read,write,pread64,pwrite64 -o "$T/trace")
  cs_a sync --apply
  CS_TIMEOUT=("${saved_prefix[@]}")
  assert_exit 0
  assert_same_file "$STATE_A/$chat" "$SYNC_DIR/$chat"
  # bytes CALL: the sum of what the calls on the chat's two copies returned.
  bytes() { awk -v call="$1" -v name="${chat##*/}" 'index($0, name ">") && $0 ~ "^[0-9]+ +" call "\\(" {
      n = $NF; if (n ~ /^[0-9]+$/) sum += n } END { print sum + 0 }' "$T/trace"; }
  written=$(($(bytes write) + $(bytes pwrite64)))
  read_bytes=$(($(bytes read) + $(bytes pread64)))
  ((written == 44)) || cs_fail "expected the push to write the 44-byte tail to the chat, it wrote $written bytes"
  printf "the push read %s and wrote %s bytes of the chat\n" "$read_bytes" "$written"
  ((read_bytes < 1000000)) || cs_fail "expected the push to read far less than the 3.6 MB chat, it read $read_bytes bytes"
fi

# new_file: a whole new copy renamed over the old one.
put_config a sync fast_forward '"new_file"'
cloud_inode="$(inode "$SYNC_DIR/$chat")"
printf '{"type":"response_item","text":"new file this time"}\n' >>"$STATE_A/$chat"
cs_a --json sync --apply
assert_exit 0
json_check 'd["result"]["fast_forwarded"] == 1'
assert_same_file "$STATE_A/$chat" "$SYNC_DIR/$chat"
[[ "$(inode "$SYNC_DIR/$chat")" != "$cloud_inode" ]] || cs_fail "expected fast_forward = \"new_file\" to write a new file"

# A wrong value is a config error naming the key and the choices.
put_config a sync fast_forward '"sometimes"'
cs_a sync --apply
assert_exit 4
assert_stderr_contains 'sync.fast_forward = "sometimes" is not allowed; use one of "auto", "in_place", "new_file"'

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

# What a sync reads and writes of a 3.6 MB chat that grew by 44 bytes, and of
# a new 400 KB chat (strace, Linux): of the grown chat, the tail and the
# samples that tell an appended chat from a rewritten one (40 KiB of each
# copy), never the whole chat; of the new one, each byte read once (the check
# for secrets before a push, the check that it arrived before a pull: the copy
# takes what they read) and written once.
if [[ "$CS_ON_WINDOWS" == 0 ]] && command -v strace >/dev/null; then
  new_chat=sessions/2026/11/21/rollout-2026-11-21T10-00-00-b.jsonl
  write_chat "$STATE_A/$new_chat" 4500
  new_size="$(stat -c %s "$STATE_A/$new_chat")"
  printf '{"type":"response_item","text":"and again"}\n' >>"$STATE_A/$chat"
  # bytes NAME CALL...: the sum of what the CALLs on files named NAME (or its
  # codexsync temp file) returned.
  bytes() {
    local name="$1" call sum=0 n
    shift
    for call in "$@"; do
      n="$(awk -v call="$call" -v name="$name" '(index($0, "/" name ">") || index($0, "/." name ".codexsync-tmp-")) && $0 ~ "^[0-9]+ +" call "\\(" {
        n = $NF; if (n ~ /^[0-9]+$/) sum += n } END { print sum + 0 }' "$T/trace")"
      sum=$((sum + n))
    done
    printf '%s' "$sum"
  }
  traced() {
    local saved_prefix=("${CS_TIMEOUT[@]}")
    CS_TIMEOUT=("${saved_prefix[@]}" strace -f -qq -y -e trace=read,write,pread64,pwrite64 -o "$T/trace")
    run_cs "$@"
    CS_TIMEOUT=("${saved_prefix[@]}")
    assert_exit 0
  }
  for machine in a b; do
    traced -c "$(config_of "$machine")" sync --apply
    grown_read="$(bytes "${chat##*/}" read pread64)"
    grown_written="$(bytes "${chat##*/}" write pwrite64)"
    new_read="$(bytes "${new_chat##*/}" read pread64)"
    new_written="$(bytes "${new_chat##*/}" write pwrite64)"
    printf 'machine %s read %s and wrote %s bytes of the grown chat, read %s and wrote %s of the new one (%s bytes)\n' \
      "$machine" "$grown_read" "$grown_written" "$new_read" "$new_written" "$new_size"
    ((grown_written == 44)) || cs_fail "expected $machine to write the 44-byte tail, it wrote $grown_written bytes"
    ((grown_read < 120000)) || cs_fail "expected $machine to read about 90 KB of the grown chat, it read $grown_read"
    ((new_written == new_size)) || cs_fail "expected $machine to write the new chat once, it wrote $new_written bytes"
    ((new_read <= new_size + 16384)) ||
      cs_fail "expected $machine to read the new chat once ($new_size bytes), it read $new_read"
  done
  assert_same_file "$STATE_A/$chat" "$STATE_B/$chat"
  assert_same_file "$STATE_A/$new_chat" "$STATE_B/$new_chat"
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

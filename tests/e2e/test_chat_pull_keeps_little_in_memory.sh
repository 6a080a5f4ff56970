# A pull of three 20 MB chats that grew a little, where the midstates of this
# machine's copies are gone (their file deleted; the same happens every few
# resumes, with compare = "hash", or after a copy was replaced): the check that
# they arrived hashes each whole cloud copy, and what a run keeps of the bytes
# it read for the copies to take stays within its 16 MiB budget, whatever the
# chats' size (it kept every whole copy before: about 60 MB more here).
source "$(dirname "$0")/lib.sh"
skip_on_windows "peak memory is read from the process's rusage (python3 resource)"
command -v python3 >/dev/null || skip_test "python3 is not installed"

sync_setup --empty-b
chats=()
for i in 1 2 3; do
  chats+=("sessions/2026/11/20/rollout-2026-11-20T10-00-0$i-a.jsonl")
  write_chat "$STATE_A/${chats[-1]}" 220000
done
sync_ok a
sync_ok b
for chat in "${chats[@]}"; do
  write_chat "$STATE_A/$chat" 50
done
sync_ok a
rm -f "$CLOUD"/state/manifest.machine-b.resume.txt

saved=("${CS_BIN[@]}")
CS_BIN=(python3 -c 'import resource, subprocess, sys
rc = subprocess.call(sys.argv[2:])
open(sys.argv[1], "w").write(str(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss))
sys.exit(rc)' "$CS_RUN/maxrss" "${saved[@]}")
cs_b sync --apply
CS_BIN=("${saved[@]}")
assert_exit 0
for chat in "${chats[@]}"; do
  assert_same_file "$STATE_A/$chat" "$STATE_B/$chat"
done
peak_kb="$(cat "$CS_RUN/maxrss")"
printf 'peak RSS of the pull: %s KiB\n' "$peak_kb"
((peak_kb < 48 * 1024)) || cs_fail "expected the pull to stay under 48 MiB, it took $((peak_kb / 1024)) MiB"

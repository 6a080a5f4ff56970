# A chat that grows is hashed from the midstate its last copy left (kept
# beside the baseline in <baseline stem>.resume.txt): a fast-forward reads and
# hashes only the new tail, on the way to the cloud and on the way back, and
# the hash it records is the file's real SHA-256 (B checks what arrives
# against A's delivery record). A missing or wrong midstate, or
# compare = "hash", means the whole file is hashed, with the same result.
source "$(dirname "$0")/lib.sh"
skip_on_windows "resume points: Windows hashes with CNG, which keeps SHA-256's midstate to itself (util/sha256_win32.cpp); agents_chat_continued_fast_forwards shows the tail-only copy"

sync_setup --empty-b
chat=sessions/2026/11/20/rollout-2026-11-20T10-00-00-a.jsonl
# A chat of a few hundred KiB whose size is no whole number of 64-byte blocks.
write_chat "$STATE_A/$chat" 3000
# A small chat gets no midstate (hashing it whole again is cheap; many small
# chats must not cost memory).
small=sessions/2026/11/20/rollout-2026-11-20T11-00-00-small.jsonl
printf '{"type":"response_item","text":"short"}\n' >"$STATE_A/$small"
sync_ok a
sync_ok b
assert_same_file "$STATE_A/$chat" "$STATE_B/$chat"

points_a="$(find "$CLOUD" "$(machine_dir a)" -name "*machine-a.resume.txt" | head -n 1)"
echo "resume points of A: $points_a"
[[ -n "$points_a" ]] || cs_fail "no resume points were written beside A's baseline"
assert_file_contains "$points_a" "$chat"
assert_file_contains "$points_a" "$(sha256sum "$STATE_A/$chat" | cut -c1-64)"
if grep -qF "$small" "$points_a"; then cs_fail "expected no midstate for the small chat $small"; fi

# tails_hashed N: the last `--json sync --apply` hashed N tails from a midstate.
tails_hashed() {
  python3 - "$CS_RUN/stdout" "$1" <<'PY' || cs_fail "expected tails_hashed_alone = $1 in: $(cat "$CS_RUN/stdout")"
import json, sys
doc = json.load(open(sys.argv[1]))
r = doc["result"]
sys.exit(0 if r["tails_hashed_alone"] == int(sys.argv[2]) and r["fast_forwarded"] >= 1 else 1)
PY
}
# baseline_has_real_sha M: machine M's own baseline records the chat's real
# SHA-256 on both sides (its line is <path> TAB <local> TAB <cloud>).
baseline_has_real_sha() {
  local want line baseline="$CLOUD/state/manifest.machine-$1.json"
  want="$(sha256sum "$STATE_A/$chat" | cut -c1-64)"
  assert_file_exists "$baseline"
  line="$(grep -F "$chat"$'\t' "$baseline" || true)"
  [[ "$line" == *":$want"$'\t'*":$want" ]] ||
    cs_fail "machine $1's baseline does not hold the chat's real SHA-256 $want on both sides" "its line: $line"
}
grow() { printf '{"type":"response_item","text":"%s"}\n' "$1" >>"$STATE_A/$chat"; }
# synced M N: `--json sync --apply` on machine M exits 0, having hashed N tails
# from a midstate, and M's baseline holds the chat's real hash.
synced() {
  run_cs -c "$(config_of "$1")" --json sync --apply
  assert_exit 0
  tails_hashed "$2"
  baseline_has_real_sha "$1"
}

# 1. Grown on A: A hashes only the tail on its way to the cloud, B on its way here.
grow "continued on A"
synced a 1
synced b 1
assert_same_file "$STATE_A/$chat" "$STATE_B/$chat"
assert_same_file "$STATE_A/$chat" "$SYNC_DIR/$chat"

# 2. A damaged midstate file is ignored: the whole chat is hashed, correctly.
printf 'garbage\n' >"$points_a"
grow "again"
synced a 0
assert_file_contains "$points_a" "$(sha256sum "$STATE_A/$chat" | cut -c1-64)" # written anew

# 3. A line changed on disk (here its hash) fails its check value: not used.
sed -i "s/\t[0-9a-f]\{64\}\t/\t$(printf '0%.0s' {1..64})\t/" "$points_a"
grow "and again"
synced a 0
synced b 1 # B's own points are fine
assert_same_file "$STATE_A/$chat" "$STATE_B/$chat"

# 4. The cloud copy A wrote was replaced by another file (a cloud client's
# download: same bytes, size and mtime, another inode): A's point names the
# file it was made from, so it is not used.
cp -p "$SYNC_DIR/$chat" "$T/replacement"
mv "$T/replacement" "$SYNC_DIR/$chat"
grow "after a replace"
synced a 0
synced b 1

# 5. A point is resumed at most 8 times in a row; then the whole chat is
# hashed again, so a point that was wrong could not outlive a few runs.
for n in 1 2 3 4 5 6 7 8; do
  grow "resume $n"
  synced a 1
done
grow "the ninth"
synced a 0
grow "and on from a fresh point"
synced a 1
sync_ok b
assert_same_file "$STATE_A/$chat" "$STATE_B/$chat"

# 6. compare = "hash" reads every byte.
put_config a sync compare '"hash"'
grow "with hash compare"
synced a 0
sync_ok b
assert_same_file "$STATE_A/$chat" "$STATE_B/$chat"

# On a file system that shares blocks (XFS with reflink here; Btrfs alike), a
# chat's fast-forward clones the old content into its temp file (FICLONE)
# instead of copying it, appends the tail, and renames: the result is the
# source's bytes, its recorded SHA-256 is the real one, and the other machine
# takes it as delivered. The cloud folder is an XFS image mounted in a private
# mount namespace for each run. Skipped where that cannot be done (not root,
# no mkfs.xfs, no loop device, no strace).
source "$(dirname "$0")/lib.sh"

command -v mkfs.xfs >/dev/null 2>&1 || skip_test "mkfs.xfs is not installed (xfsprogs; scripts/install-deps.sh installs it)"
command -v strace >/dev/null 2>&1 || skip_test "strace is not installed; it shows the clone call"
can_use_mount_ns || skip_test "cannot mount in a private mount namespace here (unshare -m)"
truncate -s 320M "$T/xfs.img"
mkfs.xfs -q -f -m reflink=1 "$T/xfs.img" >/dev/null 2>&1 || skip_test "mkfs.xfs cannot make a reflink file system here"
mkdir -p "$CLOUD"
unshare -m bash -c 'mount -o loop "$1" "$2"' probe "$T/xfs.img" "$CLOUD" >/dev/null 2>&1 ||
  skip_test "cannot loop-mount an XFS image here (no loop device in this container?)"

sync_setup --empty-b
chat=sessions/2026/11/20/rollout-2026-11-20T10-00-00-a.jsonl
write_chat "$STATE_A/$chat" 40000

on_xfs='mount -o loop "'"$T"'/xfs.img" "'"$CLOUD"'"'
# cs_xfs a|b ARGS...: the machine's codexsync with the cloud folder on XFS,
# its ioctl calls in $CS_RUN/ioctl.
cs_xfs() {
  local config="$CONFIG_A" saved=("${CS_BIN[@]}")
  [[ "$1" == b ]] && config="$CONFIG_B"
  shift
  CS_BIN=(strace -f -qq -e trace=ioctl -o "$CS_RUN/ioctl" "${saved[@]}")
  run_cs_in_mount_ns "$on_xfs" -c "$config" "$@"
  CS_BIN=("${saved[@]}")
  [[ "$CS_EXIT" != 97 ]] || cs_die_setup "could not mount the XFS image"
}
# The chat as the cloud folder holds it, copied out of the image.
cloud_chat_sha() {
  unshare -m bash -c 'mount -o loop "$1" "$2" && sha256sum "$2/sync/$3" | cut -c1-64' probe "$T/xfs.img" "$CLOUD" "$chat"
}

cs_xfs a sync --apply
assert_exit 0
cs_xfs b sync --apply
assert_exit 0
assert_same_file "$STATE_A/$chat" "$STATE_B/$chat"

printf '{"type":"response_item","text":"continued on A"}\n' >>"$STATE_A/$chat"
cs_xfs a --json sync --apply
assert_exit 0
json_check 'd["result"]["fast_forwarded"] == 1' 'd["result"]["tails_hashed_alone"] == 1'
grep -q 'FICLONE, [0-9]*) = 0' "$CS_RUN/ioctl" ||
  cs_fail "expected the fast-forward to clone the old content (FICLONE)" "$(grep -i clone "$CS_RUN/ioctl" || echo 'no clone call')"
want="$(sha256sum "$STATE_A/$chat" | cut -c1-64)"
[[ "$(cloud_chat_sha)" == "$want" ]] || cs_fail "the cloud folder's chat is not A's"

# B pulls it (its own folder is not on XFS: an in-kernel copy there) and
# checks it against A's delivery record: a wrong hash would hold it back.
cs_xfs b --json sync --apply
assert_exit 0
json_check 'd["result"]["fast_forwarded"] == 1'
assert_same_file "$STATE_A/$chat" "$STATE_B/$chat"

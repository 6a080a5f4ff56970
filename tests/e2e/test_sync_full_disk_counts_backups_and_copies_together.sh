# The free-space check counts everything the run will add to one volume:
# with the backup folder and the cloud mirror on the same disk (the
# template's layout), an 80 MiB file overwritten in the mirror needs room
# for its backup AND its new copy. When only one of them fits (with the
# 64 MiB margin), the run is refused up front (exit 5, "not enough free
# space", nothing written) instead of failing midway with a full disk.
# Skipped where mount namespaces are not allowed.
source "$(dirname "$0")/lib.sh"

can_use_mount_ns || skip_test "cannot mount a tmpfs in a private mount namespace here (unshare -m)"

sync_setup --empty-b
big=sessions/2026/11/20/big.jsonl
on_exit_remove "$STATE_A/$big" "$SYNC_DIR/$big" "$T/cloud-on-disk" "$BACKUP_DIR"
head -c 83886080 /dev/zero | tr '\0' 'o' >"$STATE_A/$big" # 80 MiB
touch -d "2026-03-01 10:00:00 UTC" "$STATE_A/$big"
sync_ok a
head -c 83886080 /dev/zero | tr '\0' 'n' >"$STATE_A/$big"
touch -d "2026-03-01 11:00:00 UTC" "$STATE_A/$big"
cp -a "$CLOUD" "$T/cloud-on-disk"
# 232 MiB: the old copy (80) leaves ~150 free; backup (80) + new copy (80)
# need 160, plus the margin.
# shellcheck disable=SC2016 # expanded in the namespace's shell
MOUNT_NS_AFTER='cd "$CS_LOOK" && find . -type f ! -path "./logs/*" ! -path "./.tmp/locks/*" -printf "%P %s %T@\n" | LC_ALL=C sort >"$CS_LOOK_OUT"'
export CS_LOOK="$CLOUD" CS_LOOK_OUT="$T/after"
(cd "$CLOUD" && find . -type f ! -path "./logs/*" ! -path "./.tmp/locks/*" -printf "%P %s %T@\n" | LC_ALL=C sort) >"$T/before"
run_cs_in_mount_ns "mount -t tmpfs -o size=232m tmpfs '$CLOUD' && cp -a '$T/cloud-on-disk/.' '$CLOUD/'" \
  -c "$CONFIG_A" sync --apply
assert_exit 5
assert_stderr_contains "not enough free space"
cmp -s "$T/before" "$T/after" || cs_fail "expected nothing written on the full disk" "$(diff "$T/before" "$T/after")"

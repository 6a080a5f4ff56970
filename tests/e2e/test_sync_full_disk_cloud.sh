# A cloud folder that is too full (a small tmpfs mounted over it in a private
# mount namespace): when what the run must write does not fit, the
# free-space check refuses it up front (exit 5, "not enough free space",
# nothing written); when the check passes but the disk fills up while
# writing (backup and new copy on the same volume), the run fails (exit 1)
# and every file is wholly old, no temp file is left, the agent's folder is
# untouched; a fixed check that refuses such a run up front (exit 5) passes
# too. Skipped where mount namespaces are not allowed.
source "$(dirname "$0")/lib.sh"

can_use_mount_ns || skip_test "cannot mount a tmpfs in a private mount namespace here (unshare -m)"

# What a run left on the tmpfs, as "path size sha256" lines.
# shellcheck disable=SC2016 # expanded in the namespace's shell
MOUNT_NS_AFTER='cd "$CS_LOOK" && find . -type f ! -path "./logs/*" -printf "%P %s\n" | LC_ALL=C sort >"$CS_LOOK_OUT"; find . -type f ! -path "./logs/*" -print0 | LC_ALL=C sort -z | xargs -0r sha256sum >>"$CS_LOOK_OUT"'

refused_up_front() {
  case_layout
  sync_setup --empty-b
  head -c 3145728 /dev/zero | tr '\0' 's' >"$STATE_A/sessions/2026/11/20/big.jsonl" # 3 MiB on a 2 MiB disk
  touch -d "2026-03-01 10:00:00 UTC" "$STATE_A/sessions/2026/11/20/big.jsonl"
  snapshot_tree state "$STATE_A"
  export CS_LOOK="$CLOUD" CS_LOOK_OUT="$CASE_DIR/left"
  run_cs_in_mount_ns "mount -t tmpfs -o size=2m tmpfs '$CLOUD'" -c "$CONFIG_A" sync --apply
  assert_exit 5
  assert_stderr_contains "not enough free space for the cloud mirror $SYNC_DIR"
  assert_stderr_contains "nothing was written"
  assert_tree_unchanged state
  # Nothing but the lock's files (and the logs) on the full disk: no mirror
  # file, no backup, no baseline, no journal.
  local left
  left="$(grep -v -e '^\.tmp/locks/' -e '^[0-9a-f]\{64\} ' "$CASE_DIR/left" || true)"
  [[ -z "$left" ]] || cs_fail "expected nothing written on the full disk" "left: $left"
}

fills_up_while_writing() {
  case_layout
  sync_setup --empty-b
  local big=sessions/2026/11/20/big.jsonl
  on_exit_remove "$STATE_A/$big" "$SYNC_DIR/$big" "$CASE_DIR/cloud-on-disk" "$BACKUP_DIR"
  head -c 83886080 /dev/zero | tr '\0' 'o' >"$STATE_A/$big" # 80 MiB
  touch -d "2026-03-01 10:00:00 UTC" "$STATE_A/$big"
  sync_ok a
  local old_sha
  old_sha="$(sha_of "$SYNC_DIR/$big")"
  head -c 83886080 /dev/zero | tr '\0' 'n' >"$STATE_A/$big"
  touch -d "2026-03-01 11:00:00 UTC" "$STATE_A/$big"
  snapshot_tree state "$STATE_A"
  cp -a "$CLOUD" "$CASE_DIR/cloud-on-disk"
  # 232 MiB holds the old copy (80) and leaves ~150 free: each of the backup
  # (80 + 64 margin) and the new copy (80 + 64) passes the check on its own,
  # both together do not fit.
  export CS_LOOK="$CLOUD" CS_LOOK_OUT="$CASE_DIR/left"
  run_cs_in_mount_ns "mount -t tmpfs -o size=232m tmpfs '$CLOUD' && cp -a '$CASE_DIR/cloud-on-disk/.' '$CLOUD/'" \
    -c "$CONFIG_A" sync --apply
  case "$CS_EXIT" in
  5) assert_stderr_contains "not enough free space" ;;
  1) assert_stderr_contains "$SYNC_DIR" ;;
  *) cs_fail "expected exit 1 (disk full while writing) or 5 (refused up front)" ;;
  esac
  assert_tree_unchanged state
  # On the full disk: the mirror's copy is wholly old and no temp file is left.
  grep -q "^$old_sha  \./sync/$big\$" "$CASE_DIR/left" ||
    cs_fail "expected the mirror's $big to be wholly its old version" "left: $(cat "$CASE_DIR/left")"
  ! grep -q 'codexsync-tmp' "$CASE_DIR/left" || cs_fail "a temp file was left on the full disk" "left: $(cat "$CASE_DIR/left")"
}

run_case "more than fits is refused up front" refused_up_front
run_case "the disk fills up while writing" fills_up_while_writing
finish_cases

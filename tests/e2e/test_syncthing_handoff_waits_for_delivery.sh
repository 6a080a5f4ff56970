# A hand-off through a real cloud client: machine A syncs into its own cloud
# folder, Syncthing carries that folder to machine B's, and B runs `sync
# --apply` again and again while the files are still arriving. Each run of B
# exits 0 or 5 (5 saying "cloud folder still syncing"), never writes into B's
# state folder a file that differs from A's, and never imports a Syncthing
# temp file; once Syncthing has delivered everything, B ends up with exactly
# A's files and a second run does nothing. Then the way back: B changes
# files, Syncthing carries them, A gets them.
source "$(dirname "$0")/lib.sh"
source "$CS_E2E_DIR/syncthing_lib.sh"
st_require

DIR_A="$T/cloud-a"
DIR_B="$T/cloud-b"
MIRROR_A="$DIR_A/sync"
MIRROR_B="$DIR_B/sync"

make_machine a
make_machine b --empty
# A few MB of Codex state with one big chat, so the transfer takes a moment.
agent_tree make --agent codex --root "$STATE_A" --sessions 8 --big-mb 6 --seed 7
mkdir -p "$DIR_A" "$DIR_B"
st_init_config_for a "$DIR_A"
st_init_config_for b "$DIR_B"
# About 2 s for the big chat: B runs many times while it is on its way.
# shellcheck disable=SC2034 # st_start reads it
ST_RECV_KIBPS=3000
st_start "$DIR_A" "$DIR_B"

# b_state_is_part_of_a: every file in B's state folder holds the bytes of A's
# file at that path; no Syncthing temp file or conflict copy is there.
b_state_is_part_of_a() {
  local f artefacts
  artefacts="$(cd "$STATE_B" && find . \( -name '.syncthing.*' -o -name '~syncthing~*' -o -name '*.sync-conflict-*' \) -print)"
  [[ -z "$artefacts" ]] || cs_fail "a Syncthing temp file or conflict copy reached B's state folder" "$artefacts"
  while IFS= read -r -d '' f; do
    [[ -f "$STATE_A/$f" ]] || cs_fail "B's state folder holds $f, which A does not have"
    cmp -s "$STATE_A/$f" "$STATE_B/$f" || cs_fail "B's state folder holds a version of $f that differs from A's" \
      "A: $(stat -c '%s bytes, %y' "$STATE_A/$f")" "B: $(stat -c '%s bytes, %y' "$STATE_B/$f")"
  done < <(cd "$STATE_B" && find . -type f -printf '%P\0')
}

# files_below DIR: the files below DIR as sorted relative paths, leaving out
# Syncthing's and codexsync's temp files.
files_below() {
  (cd "$1" && find . -type f ! -name '.syncthing.*' ! -name '~syncthing~*' ! -name '*.codexsync-tmp-*' -printf '%P\n' |
    LC_ALL=C sort)
}

# mirrors_equal: B's cloud folder holds A's mirror, file for file.
mirrors_equal() {
  [[ -d "$MIRROR_B" ]] || return 1
  [[ "$(files_below "$MIRROR_A")" == "$(files_below "$MIRROR_B")" ]] || return 1
  local f
  while IFS= read -r f; do
    cmp -s "$MIRROR_A/$f" "$MIRROR_B/$f" || return 1
  done < <(files_below "$MIRROR_A")
}

# b_run: one `sync --apply` on B, which must exit 0 or 5 (and 5 only because
# the cloud folder is still syncing); then B's state folder is checked.
b_runs=0
b_fives=0
b_zeros=0
b_partial=0 # runs after which B held only part of A's files
b_run() {
  cs_b sync --apply
  b_runs=$((b_runs + 1))
  case "$CS_EXIT" in
    0) b_zeros=$((b_zeros + 1)) ;;
    5)
      b_fives=$((b_fives + 1))
      assert_stderr_contains "cloud folder still syncing"
      ;;
    *) cs_fail "B's sync while Syncthing delivers must exit 0 or 5 (run $b_runs)" ;;
  esac
  b_state_is_part_of_a
  if [[ "$(files_below "$STATE_B" | wc -l)" -lt "$(files_below "$MIRROR_A" | wc -l)" ]]; then
    b_partial=$((b_partial + 1))
  fi
}

t0=$(st_ms)
sync_ok a
printf 'handoff: A synced into its cloud folder in %d ms\n' "$(($(st_ms) - t0))"
[[ -s "$MIRROR_A/session_index.jsonl" ]] || cs_fail "A's sync put no session_index.jsonl into $MIRROR_A"

# B syncs over and over while Syncthing delivers, until B's cloud folder
# holds A's mirror and a run of B has seen it whole. B starts once A's
# workspace marker is there: a first sync before it arrives is
# test_syncthing_first_sync_before_marker_arrives.sh.
t0=$(st_ms)
tries=300
while [[ ! -f "$DIR_B/.codexsync-workspace" ]] && ((tries-- > 0)); do
  sleep 0.1
done
[[ -f "$DIR_B/.codexsync-workspace" ]] || cs_fail "A's workspace marker did not reach $DIR_B within 30 s"
deadline=$((SECONDS + 30))
complete=0
while ((SECONDS < deadline)); do
  delivered=0
  mirrors_equal && delivered=1
  b_run
  if ((delivered)) && [[ "$CS_EXIT" == 0 ]]; then
    complete=1
    break
  fi
done
((complete)) || cs_fail "Syncthing did not deliver A's mirror to B's cloud folder within 30 s" \
  "only in A's: $(comm -23 <(files_below "$MIRROR_A") <(files_below "$MIRROR_B" 2>/dev/null) | head -5 | tr '\n' ' ')"
printf 'handoff: mirror delivered after %d ms; B ran %d time(s) meanwhile: %d exit 0, %d exit 5, %d left B with part of the files\n' \
  "$(($(st_ms) - t0))" "$b_runs" "$b_zeros" "$b_fives" "$b_partial"

st_wait_in_sync 30
cs_b sync --apply
assert_exit 0
b_state_is_part_of_a

# B now holds exactly what A put into the mirror, byte for byte, with A's times.
[[ "$(files_below "$STATE_B")" == "$(files_below "$MIRROR_A")" ]] ||
  cs_fail "expected B's state folder to hold exactly the files of A's mirror" \
    "$(diff <(files_below "$MIRROR_A") <(files_below "$STATE_B") | head -20)"
big_chat=""
while IFS= read -r f; do
  assert_same_file "$STATE_A/$f" "$STATE_B/$f"
  if [[ -z "$big_chat" || $(stat -c %s "$STATE_A/$f") -gt $(stat -c %s "$STATE_A/$big_chat") ]]; then
    big_chat="$f"
  fi
done < <(files_below "$MIRROR_A")
[[ $(stat -c %s "$STATE_B/$big_chat") -gt 5000000 ]] ||
  cs_fail "expected a multi-megabyte chat among the delivered files, the biggest is $big_chat"

# A second run of B has nothing to do.
snapshot_files b-done "$STATE_B"
cs_b sync --apply
assert_exit 0
assert_files_unchanged b-done
cs_b plan
assert_exit 0
assert_stdout_contains "Summary: 0 to the cloud (0 B), 0 to here (0 B), 0 deletion(s), 0 merge(s), 0 conflict(s)"

# The way back: B continues the big chat and edits a skill, syncs into its
# own cloud folder; Syncthing carries it; A syncs and gets both.
agent_tree append --file "$STATE_B/$big_chat" --lines 20 --seed 9
put_file "$STATE_B/skills/review/SKILL.md" "# review skill, edited on machine B" "2026-03-01 09:00:00"
sync_ok b
st_wait_in_sync 30
sync_ok a
assert_same_file "$STATE_B/$big_chat" "$STATE_A/$big_chat"
assert_same_file "$STATE_B/skills/review/SKILL.md" "$STATE_A/skills/review/SKILL.md"
cs_a plan
assert_exit 0
assert_stdout_contains "Summary: 0 to the cloud (0 B), 0 to here (0 B), 0 deletion(s), 0 merge(s), 0 conflict(s)"

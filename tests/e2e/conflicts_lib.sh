# shellcheck shell=bash
# shellcheck disable=SC2034 # KEPT_ID, CHAT and the texts are for the test scripts
# Helpers for the `conflicts` end-to-end tests; source after lib.sh.
#
#   keep_loser MACHINE FILE PATH [SIDE] [REASON]
#                  keeps FILE in the conflict store of $CLOUD as MACHINE's
#                  losing version of PATH, through the real code path
#                  (tests/helpers/keep_conflict.cpp calls
#                  state::keep_conflict_loser); sets KEPT_ID to its id.
#   chat_conflict_on_a
#                  sync_setup --empty-b, A synced; then A's chat $CHAT is
#                  continued on A ($LOSER_TEXT, saved with its mtime at
#                  $T/loser.jsonl), kept as machine-a's losing version (id in
#                  $KEPT_ID), and replaced by the version continued on B
#                  ($WINNER_TEXT), as a conflict decided by
#                  conflict.policy = "prefer_cloud" leaves it.
#   entry_dir ID   the folder of machine-a's entry ID.

CS_KEEP_CONFLICT="${CODEXSYNC_HELPERS:-}/keep_conflict"
CHAT="sessions/2026/11/20/rollout-2026-11-20T10-00-00-a.jsonl"
LOSER_TEXT='{"type":"session_meta","id":"a-1"}
{"type":"message","text":"continued on A"}
'
WINNER_TEXT='{"type":"session_meta","id":"a-1"}
{"type":"message","text":"continued on B, a longer turn"}
'

keep_loser() {
  [[ -x "$CS_KEEP_CONFLICT" ]] || skip_test "the keep_conflict helper is not built ($CS_KEEP_CONFLICT)"
  local out
  out="$("$CS_KEEP_CONFLICT" "$CLOUD" "$1" "$2" "$3" "${4:-local}" \
    "${5:-changed on both sides; conflict.policy = prefer_cloud}" 2>"$CS_RUN/keep_conflict.err")" ||
    cs_die_setup "keep_conflict failed: $(cat "$CS_RUN/keep_conflict.err")"
  [[ "$out" =~ ^[0-9]{8}T[0-9]{6}Z-[0-9a-f]{8}$ ]] || cs_die_setup "keep_conflict printed no id: $out"
  KEPT_ID="$out"
}

chat_conflict_on_a() {
  sync_setup --empty-b
  sync_ok a
  put_file "$STATE_A/$CHAT" "$LOSER_TEXT" "2026-03-01 10:00:00"
  cp -p "$STATE_A/$CHAT" "$T/loser.jsonl"
  keep_loser machine-a "$STATE_A/$CHAT" "$CHAT"
  put_file "$STATE_A/$CHAT" "$WINNER_TEXT" "2026-03-01 11:00:00"
  cp -p "$STATE_A/$CHAT" "$T/winner.jsonl"
}

entry_dir() { printf '%s/conflicts/machine-a/%s' "$CLOUD" "$1"; }

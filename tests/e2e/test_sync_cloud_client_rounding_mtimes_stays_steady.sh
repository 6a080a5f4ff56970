# A cloud client that rounds the mtime of a file after this machine uploaded
# it (the case hash_candidates exists for), while the chat keeps growing
# session after session: every run exits 0. A run with a chat to send lists
# the mirror (it used to plan the fast-forward from the baseline's mtime on
# the shortcut and stop with exit 5 every other run).
source "$(dirname "$0")/lib.sh"
source "$CS_E2E_DIR/transport_lib.sh"

settle_on_shortcut
chat="$(cd "$STATE_A" && find sessions -name '*.jsonl' | LC_ALL=C sort | head -1)"
exits=""
for session in 1 2 3 4; do
  printf '{"type":"response_item","text":"session %s"}\n' "$session" >>"$STATE_A/$chat"
  touch -d "@$((1772000000 + session * 100)).123456789" "$STATE_A/$chat"
  cs_a sync --apply
  exits+="$CS_EXIT "
  # The cloud client rounds the uploaded copy's mtime to whole seconds.
  m="$(stat -c %Y "$SYNC_DIR/$chat")"
  touch -d "@$m" "$SYNC_DIR/$chat"
done
[[ "$exits" == "0 0 0 0 " ]] || cs_fail "a chat that grows each session: exits $exits (expected 0 0 0 0)" "$CS_STDERR"

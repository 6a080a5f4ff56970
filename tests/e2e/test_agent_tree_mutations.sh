#!/usr/bin/env bash
# The agent tree generator changes a tree as the agents do, the same way every
# time: `append` continues a chat with well-formed, later lines of its agent's
# format (or cuts the last one short with --partial), `history` adds distinct
# prompt-history lines per machine, `prune` deletes the transcripts older than
# N days as Claude and Gemini do at start-up; bad arguments exit 2.
source "$(dirname "$0")/lib.sh"

command -v python3 >/dev/null 2>&1 || skip_test "python3 is needed to read the generated JSON lines"
[[ -x "$AGENT_TREE" ]] || skip_test "the agent tree generator is not built ($AGENT_TREE)"

# grown OLD NEW LINES: NEW is OLD plus LINES JSON lines (LINES may be "any"),
# each an object, none older than OLD's newest line, and NEW's mtime is its
# newest line's time.
grown() {
  python3 - "$@" <<'PY' || cs_fail "$2 did not grow as expected from $1 (see above)"
import datetime, json, os, sys
old_path, new_path, want = sys.argv[1], sys.argv[2], sys.argv[3]
old, new = open(old_path, "rb").read(), open(new_path, "rb").read()
def when(obj):
    for key, scale in (("timestamp", 1), ("ts", 1000), ("updated_at", 1)):
        v = obj.get(key)
        if isinstance(v, str):
            t = datetime.datetime.strptime(v, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=datetime.timezone.utc)
            return round(t.timestamp() * 1000)
        if isinstance(v, (int, float)):
            return round(v * scale)
    return None
def times(text):
    return [t for t in (when(json.loads(l)) for l in text.decode().splitlines() if l.strip()) if t is not None]
assert new.startswith(old), "the old bytes are not kept as they were"
assert new.endswith(b"\n"), "the new text does not end with a newline"
added = new[len(old):].decode().splitlines()
if want != "any":
    assert len(added) == int(want), f"{len(added)} lines added, not {want}"
for line in added:
    assert isinstance(json.loads(line), dict), line[:80]
old_times, new_times = times(old), times(new[len(old):])
assert new_times and (not old_times or min(new_times) > max(old_times)), "the new lines are not later than the old ones"
mtime = os.stat(new_path).st_mtime_ns // 1_000_000
assert mtime == max(new_times), f"mtime {mtime} is not the newest line's time {max(new_times)}"
PY
}

# --- append -------------------------------------------------------------------
for agent in codex claude gemini pi; do
  root="$T/$agent"
  agent_tree make --agent "$agent" --root "$root" --seed 3
  chat="$(agent_tree list --agent "$agent" --root "$root" --kind append-only | tail -1)"
  [[ -n "$chat" ]] || cs_fail "$agent: the tree has no chat"
  cp -p "$root/$chat" "$CS_RUN/before"
  cp -p "$root/$chat" "$CS_RUN/twin"
  agent_tree append --file "$root/$chat" --lines 5 --seed 9
  agent_tree append --file "$CS_RUN/twin" --lines 5 --seed 9
  grown "$CS_RUN/before" "$root/$chat" 5
  cmp -s "$root/$chat" "$CS_RUN/twin" || cs_fail "$agent: the same append on two copies wrote different bytes"
  [[ "$(stat -c %Y "$root/$chat")" == "$(stat -c %Y "$CS_RUN/twin")" ]] ||
    cs_fail "$agent: the same append on two copies set different mtimes"

  cp -p "$root/$chat" "$CS_RUN/before"
  agent_tree append --file "$root/$chat" --bytes 300000
  grown "$CS_RUN/before" "$root/$chat" any
  added=$(($(stat -c %s "$root/$chat") - $(stat -c %s "$CS_RUN/before")))
  ((added >= 300000 && added < 400000)) || cs_fail "$agent: --bytes 300000 added $added bytes"
done

# Claude's new lines continue its chain of messages.
chat="$T/claude/$(agent_tree list --agent claude --root "$T/claude" --kind append-only | tail -1)"
python3 - "$chat" <<'PY' || cs_fail "claude: the appended messages do not continue the chain of parentUuid"
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
msgs = [l for l in lines if "uuid" in l]
assert all(b["parentUuid"] == a["uuid"] for a, b in zip(msgs, msgs[1:]) if not b.get("isSidechain"))
assert len({m["sessionId"] for m in msgs}) == 1
PY

# --partial cuts the last line short, as a crash in the middle of a write does;
# the next append starts on a line of its own.
chat="$T/codex/$(agent_tree list --agent codex --root "$T/codex" --kind append-only | tail -1)"
cp -p "$chat" "$CS_RUN/before"
agent_tree append --file "$chat" --lines 3 --partial
[[ "$(tail -c 1 "$chat" | od -An -tx1 | tr -d ' ')" != 0a ]] || cs_fail "--partial left a whole last line"
lines_before=$(wc -l <"$CS_RUN/before")
[[ $(wc -l <"$chat") -eq $((lines_before + 2)) ]] || cs_fail "--partial should leave 2 whole lines and a part"
agent_tree append --file "$chat" --lines 2
tail -n 2 "$chat" | python3 -c 'import json,sys; [json.loads(l) for l in sys.stdin]' ||
  cs_fail "the append after a cut line did not write whole lines of their own"

# --- history ------------------------------------------------------------------
for file in codex/history.jsonl codex/session_index.jsonl claude/history.jsonl; do
  agent="${file%%/*}"
  base="$T/$file"
  for machine in a b; do
    cp -p "$base" "$CS_RUN/$machine"
    agent_tree history --agent "$agent" --file "$CS_RUN/$machine" --add 4 --machine "machine-$machine" --seed 5
    grown "$base" "$CS_RUN/$machine" 4
  done
  common=$(comm -12 <(tail -n 4 "$CS_RUN/a" | sort) <(tail -n 4 "$CS_RUN/b" | sort) | wc -l)
  [[ "$common" -eq 0 ]] || cs_fail "$file: machines a and b added $common identical lines"
  cp -p "$base" "$CS_RUN/again"
  agent_tree history --agent "$agent" --file "$CS_RUN/again" --add 4 --machine machine-a --seed 5
  cmp -s "$CS_RUN/a" "$CS_RUN/again" || cs_fail "$file: the same history call wrote different lines"
done
agent_tree history --agent codex --file "$T/new/history.jsonl" --add 2
[[ $(wc -l <"$T/new/history.jsonl") -eq 2 ]] || cs_fail "history did not start a missing file with 2 lines"

# --- prune --------------------------------------------------------------------
for agent in claude gemini; do
  root="$T/$agent-old"
  agent_tree make --agent "$agent" --root "$root" --days 40 --sessions 8 --start 2026-11-01
  agent_tree list --agent "$agent" --root "$root" --kind append-only >"$CS_RUN/chats-before"
  agent_tree prune --agent "$agent" --root "$root" --older-than-days 30 --now 2026-12-11 >"$CS_RUN/pruned-$agent"
  grep -q . "$CS_RUN/pruned-$agent" || cs_fail "$agent: prune deleted nothing from a tree spanning 40 days"
  while IFS= read -r rel; do
    assert_no_file "$root/$rel"
  done <"$CS_RUN/pruned-$agent"
  cutoff=$(date -d '2026-11-11T00:00:00Z' +%s)
  agent_tree list --agent "$agent" --root "$root" --kind append-only >"$CS_RUN/chats-after"
  grep -q . "$CS_RUN/chats-after" || cs_fail "$agent: prune deleted every chat, the recent ones too"
  while IFS= read -r rel; do
    (($(stat -c %Y "$root/$rel") >= cutoff)) || cs_fail "$agent: prune kept $rel, older than 30 days"
  done <"$CS_RUN/chats-after"
  [[ $(($(wc -l <"$CS_RUN/chats-before") - $(wc -l <"$CS_RUN/chats-after"))) -ge 1 ]] ||
    cs_fail "$agent: the chats listed after prune are not fewer"
done
# Claude's session folder (its subagents) goes with its transcript: the oldest
# session, the one with a subagent, was pruned.
grep -q '^projects/.*/$' "$CS_RUN/pruned-claude" || cs_fail "claude: pruning the session with subagents did not remove its folder"
[[ -z "$(find "$T/claude-old/projects" -name 'agent-*.jsonl')" ]] || cs_fail "claude: a subagent transcript outlived its session"

# --- bad arguments ------------------------------------------------------------
for args in "make --agent cursor --root $T/x" "make --agent codex" "prune --agent codex --root $T/codex --older-than-days 1 --now 2026-12-01" \
  "list --agent pi --root $T/pi --kind secrets" "history --agent gemini --file $T/h --add 1" "make --agent pi --root $T/x --sessions many" \
  "append --file $T/pi/settings.json" "frobnicate"; do
  rc=0
  # shellcheck disable=SC2086 # the words are the arguments
  "$AGENT_TREE" $args >/dev/null 2>"$CS_RUN/err" || rc=$?
  [[ $rc -eq 2 ]] || cs_fail "agent_tree $args exited $rc, not 2" "$(cat "$CS_RUN/err")"
  grep -q '^agent_tree: ' "$CS_RUN/err" || cs_fail "agent_tree $args did not say what is wrong"
done
rc=0
"$AGENT_TREE" append --file "$T/missing.jsonl" 2>/dev/null || rc=$?
[[ $rc -eq 1 ]] || cs_fail "append to a missing file exited $rc, not 1"

#!/usr/bin/env bash
# The agent tree generator (tests/helpers/agent_tree) that other tests build
# their agent folders with: one seed writes the same tree twice, byte for byte
# with the same modes, mtimes and links; another seed writes another tree;
# every path `list` prints is there; the files have the shapes of the real
# agents' (date-keyed sessions, JSON lines dated like their mtime, SQLite and
# ELF headers, FAKE tokens); --big-mb makes a multi-megabyte chat quickly.
source "$(dirname "$0")/lib.sh"
skip_on_windows "file modes (the credential files are written mode 600)"

command -v python3 >/dev/null 2>&1 || skip_test "python3 is needed to read the generated JSON lines"
[[ -x "$AGENT_TREE" ]] || skip_test "the agent tree generator is not built ($AGENT_TREE)"

# listing DIR: every entry below DIR (type, size, mode, mtime, link target) and
# every file's SHA-256, paths relative to DIR.
listing() { cs_tree_listing "$1" | sed 1d; }

now_ms() { date +%s%3N; }

# check_lines AGENT ROOT FILE...: every line of each FILE is one JSON object, the
# file ends with a newline, and its mtime is the newest time in its lines.
check_lines() {
  python3 - "$@" <<'PY' || cs_fail "the JSON lines of the $1 tree are not as expected (see above)"
import datetime, json, os, sys
agent, root, files = sys.argv[1], sys.argv[2], sys.argv[3:]
def ms_of(value, seconds=False):
    if isinstance(value, str):
        t = datetime.datetime.strptime(value, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=datetime.timezone.utc)
        return round(t.timestamp() * 1000)
    if isinstance(value, (int, float)):
        return round(value * 1000) if seconds else round(value)
    return None
bad = 0
for rel in files:
    path = os.path.join(root, rel)
    data = open(path, "rb").read()
    if not data.endswith(b"\n"):
        print(f"{agent}: {rel} does not end with a newline"); bad += 1
    newest = None
    for n, raw in enumerate(data.decode("utf-8").splitlines(), 1):
        try:
            obj = json.loads(raw)
        except ValueError as e:
            print(f"{agent}: {rel}:{n} is not JSON: {e}"); bad += 1; continue
        if not isinstance(obj, dict):
            print(f"{agent}: {rel}:{n} is not a JSON object"); bad += 1; continue
        for key, seconds in (("timestamp", False), ("ts", True), ("updated_at", False)):
            if key in obj:
                t = ms_of(obj[key], seconds)
                if t is not None:
                    newest = t if newest is None else max(newest, t)
    mtime = os.stat(path).st_mtime_ns // 1_000_000
    if newest is None or mtime != newest:
        print(f"{agent}: {rel}: mtime {mtime} is not the newest time in its lines ({newest})"); bad += 1
sys.exit(1 if bad else 0)
PY
}

# starts_with FILE HEX: the file's first bytes are HEX.
starts_with() { [[ "$(head -c $((${#2} / 2)) "$1" | od -An -tx1 | tr -d ' \n')" == "$2" ]]; }

for agent in codex claude gemini pi; do
  one="$T/$agent-1"
  started=$(now_ms)
  agent_tree make --agent "$agent" --root "$one" --seed 7
  printf '%s: default tree in %s ms\n' "$agent" "$(($(now_ms) - started))"
  agent_tree make --agent "$agent" --root "$T/$agent-2" --seed 7
  agent_tree make --agent "$agent" --root "$T/$agent-3" --seed 8

  if [[ "$(listing "$one")" != "$(listing "$T/$agent-2")" ]]; then
    cs_fail "$agent: two trees made with --seed 7 differ" \
      "$(diff <(listing "$one") <(listing "$T/$agent-2") | head -20)"
  fi
  if diff -rq "$one" "$T/$agent-3" >/dev/null 2>&1; then
    cs_fail "$agent: the trees made with --seed 7 and --seed 8 hold the same files and bytes"
  fi

  for kind in credentials append-only merge-line machine-specific; do
    agent_tree list --agent "$agent" --root "$one" --kind "$kind" >"$CS_RUN/$agent-$kind"
    while IFS= read -r rel; do
      [[ -e "$one/$rel" || -L "$one/$rel" ]] || cs_fail "$agent: list --kind $kind printed $rel, which is not in $one"
    done <"$CS_RUN/$agent-$kind"
  done
  for kind in credentials append-only machine-specific; do
    [[ -s "$CS_RUN/$agent-$kind" ]] || cs_fail "$agent: list --kind $kind printed nothing"
  done
  while IFS= read -r rel; do
    [[ -f "$one/$rel" ]] || continue
    grep -q FAKE "$one/$rel" || [[ "$rel" == secrets/* || "$rel" == gemini-credentials.json ]] ||
      cs_fail "$agent: the credential file $rel holds no FAKE marker"
    [[ "$(stat -c %a "$one/$rel")" == 600 ]] || cs_fail "$agent: the credential file $rel is not mode 600"
  done <"$CS_RUN/$agent-credentials"
  # shellcheck disable=SC2046 # one path per line, no spaces in them
  check_lines "$agent" "$one" $(cat "$CS_RUN/$agent-append-only" "$CS_RUN/$agent-merge-line")
done

# --- what each agent's tree holds -------------------------------------------

c="$T/codex-1"
grep -Ex 'sessions/[0-9]{4}/[0-9]{2}/[0-9]{2}/rollout-[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}-[0-9]{2}-[0-9]{2}-[0-9a-f-]{36}\.jsonl|archived_sessions/rollout-[^/]*\.jsonl' \
  "$CS_RUN/codex-append-only" >/dev/null || cs_fail "codex: no session file with the real name shape"
! grep -Evx 'sessions/[0-9]{4}/[0-9]{2}/[0-9]{2}/rollout-[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}-[0-9]{2}-[0-9]{2}-[0-9a-f-]{36}\.jsonl|archived_sessions/rollout-[0-9T-]*-[0-9a-f-]{36}\.jsonl' \
  "$CS_RUN/codex-append-only" || cs_fail "codex: a session file name has another shape"
python3 - "$c" "$CS_RUN/codex-append-only" <<'PY' || cs_fail "codex: the session files do not start as Codex writes them"
import json, os, re, sys
root, listing = sys.argv[1], sys.argv[2]
for rel in open(listing).read().split():
    first = json.loads(open(os.path.join(root, rel)).readline())
    m = re.search(r"rollout-(\d{4})-(\d\d)-(\d\d)T[\d-]{8}-([0-9a-f-]{36})\.jsonl$", rel)
    assert first["type"] == "session_meta", rel
    assert first["payload"]["id"] == m.group(4), rel
    assert first["payload"]["cwd"].startswith("/home/u/"), rel
    if rel.startswith("sessions/"):
        assert rel.startswith(f"sessions/{m.group(1)}/{m.group(2)}/{m.group(3)}/"), rel
    kinds = {json.loads(l)["type"] for l in open(os.path.join(root, rel))}
    assert {"turn_context", "response_item", "event_msg"} <= kinds, (rel, kinds)
PY
grep -q '^\[projects\."/home/u/proj"\]$' "$c/config.toml" || cs_fail "codex: config.toml has no [projects.\"/home/u/proj\"]"
{ grep -q '"conversation_id"' "$c/history.jsonl" && grep -q '"session_id"' "$c/history.jsonl"; } ||
  cs_fail "codex: history.jsonl should hold both the older conversation_id and the newer session_id lines"
python3 -c 'import json,sys,collections; ids=collections.Counter(json.loads(l)["id"] for l in open(sys.argv[1])); sys.exit(0 if max(ids.values()) > 1 else 1)' \
  "$c/session_index.jsonl" || cs_fail "codex: session_index.jsonl has no renamed thread (an id twice)"
for db in state_5.sqlite logs_2.sqlite; do
  starts_with "$c/$db" 53514c69746520666f726d6174203300 || cs_fail "codex: $db has no SQLite header"
done
[[ -f "$c/state_5.sqlite-wal" && -f "$c/state_5.sqlite-shm" ]] || cs_fail "codex: state_5.sqlite has no -wal/-shm beside it"
program="$(find "$c/packages/standalone" -type f -name codex)"
{ [[ -x "$program" ]] && starts_with "$program" 7f454c46; } || cs_fail "codex: no ELF executable in packages/standalone"
for rel in archived_sessions skills/mine/SKILL.md skills/.system prompts rules/default.rules AGENTS.md shell_snapshots \
  worktrees/abc/repo/.git tmp .sandbox-secrets/sandbox_users.json .env secrets/local.age log/codex-tui.log \
  version.json models_cache.json auth.json .credentials.json; do
  [[ -e "$c/$rel" ]] || cs_fail "codex: no $rel"
done

c="$T/claude-1"
[[ -L "$c/debug/latest" && -f "$c/debug/latest" ]] || cs_fail "claude: debug/latest is not a link to a file"
grep -q '/subagents/agent-[0-9a-f]*\.jsonl$' "$CS_RUN/claude-append-only" || cs_fail "claude: no subagent transcript"
grep -q '"type":"summary"' "$c"/projects/*/*.jsonl || cs_fail "claude: no transcript has a summary line"
grep -q '"cwd":"/home/u/my-app"' "$c"/projects/-home-u-my-app/*.jsonl || cs_fail "claude: the -home-u-my-app transcripts have no cwd /home/u/my-app"
for rel in projects/-home-u-my-app/memory/MEMORY.md history.jsonl settings.json CLAUDE.md commands agents skills \
  .credentials.json sessions ide shell-snapshots statsig todos plans plugins/cache; do
  [[ -e "$c/$rel" ]] || cs_fail "claude: no $rel"
done

c="$T/gemini-1"
[[ "$(cat "$c/tmp/my-app/.project_root")" == /home/u/my-app ]] || cs_fail "gemini: tmp/my-app/.project_root does not name /home/u/my-app"
grep -Eq '^tmp/my-app/chats/session-[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}-[0-9]{2}-[0-9a-f]{8}\.jsonl$' "$CS_RUN/gemini-append-only" ||
  cs_fail "gemini: no chat with the real name shape"
{ [[ -x "$c/tmp/bin/rg" ]] && starts_with "$c/tmp/bin/rg" 7f454c46; } || cs_fail "gemini: tmp/bin/rg is not an ELF executable"
for rel in tmp/my-app/logs.json history/my-app/.git/HEAD settings.json GEMINI.md oauth_creds.json gemini-credentials.json \
  mcp-oauth-tokens.json google_accounts.json installation_id projects.json; do
  [[ -e "$c/$rel" ]] || cs_fail "gemini: no $rel"
done

c="$T/pi-1"
grep -q '^{"type":"session","version":3,' "$c"/sessions/--home-u-my.app--/*.jsonl || cs_fail "pi: no session with a v3 header"
[[ -d "$c/auth.json.lock" ]] || cs_fail "pi: auth.json.lock is not a folder"
{ [[ -x "$c/bin/rg" ]] && starts_with "$c/bin/rg" 7f454c46; } || cs_fail "pi: bin/rg is not an ELF executable"
for rel in settings.json models.json auth.json AGENTS.md skills prompts; do
  [[ -e "$c/$rel" ]] || cs_fail "pi: no $rel"
done

# --- a multi-megabyte chat, quickly ------------------------------------------

on_exit_remove "$T/big"
started=$(now_ms)
agent_tree make --agent claude --root "$T/big" --big-mb 8
elapsed=$(($(now_ms) - started))
printf 'claude: tree with --big-mb 8 in %s ms\n' "$elapsed"
biggest="$(find "$T/big/projects" -name '*.jsonl' -printf '%s\n' | sort -n | tail -1)"
((biggest >= 8 * 1024 * 1024)) || cs_fail "--big-mb 8 wrote no chat of 8 MiB (the biggest has $biggest bytes)"
((elapsed < 20000)) || cs_fail "--big-mb 8 took $elapsed ms (it should take a second or two)"
agent_tree list --agent claude --root "$T/big" --kind append-only >"$CS_RUN/big-append-only"
# shellcheck disable=SC2046 # one path per line, no spaces in them
check_lines claude "$T/big" $(cat "$CS_RUN/big-append-only")

# Prompt histories written on two machines (Codex history.jsonl and
# session_index.jsonl, Claude history.jsonl) merge: both machines end with
# every line of both, once, ordered by time.
source "$(dirname "$0")/lib.sh"
source "$CS_E2E_DIR/agents_lib.sh"

check_history() { # FILE: every line once, times not decreasing
  local file="$1"
  [[ "$(sort "$file" | uniq -d | wc -l)" -eq 0 ]] || cs_fail "$file holds duplicate lines"
  python3 - "$file" <<'PY' || cs_fail "$1 is not ordered by time"
import json, sys
from datetime import datetime
def t(o):
    for k in ("ts", "timestamp", "updated_at"):
        if k in o:
            v = o[k]
            if isinstance(v, str):
                return datetime.fromisoformat(v.replace("Z", "+00:00")).timestamp()
            return v / 1000 if v > 1e11 else v
    return None
times = [t(json.loads(l)) for l in open(sys.argv[1]) if l.strip()]
times = [x for x in times if x is not None]
sys.exit(0 if times == sorted(times) else 1)
PY
}

for kind in codex claude; do
  agent_setup "$kind" --sessions 3
  ag_sync a
  ag_sync b
  files=(history.jsonl)
  [[ "$kind" == codex ]] && files+=(session_index.jsonl)
  for f in "${files[@]}"; do
    agent_tree history --agent "$kind" --file "$AG_A/$f" --add 6 --machine a --seed 11
    agent_tree history --agent "$kind" --file "$AG_B/$f" --add 5 --machine b --seed 12
  done
  for f in "${files[@]}"; do
    cp "$AG_A/$f" "$T/$kind/a-$f"
    cp "$AG_B/$f" "$T/$kind/b-$f"
  done
  ag_sync a
  ag_sync b
  ag_sync a
  for f in "${files[@]}"; do
    cmp -s "$AG_A/$f" "$AG_B/$f" || cs_fail "$kind $f differs between A and B after merging"
    check_history "$AG_A/$f"
    # Every line either machine had is there, and nothing else.
    expected="$(cat "$T/$kind/a-$f" "$T/$kind/b-$f" | LC_ALL=C sort -u)"
    [[ "$(LC_ALL=C sort "$AG_A/$f")" == "$expected" ]] || cs_fail "$kind $f is not the union of both machines' lines"
  done
  ag_a plan
  assert_stdout_contains "0 merge(s), 0 conflict(s)"
done

# Codex's profile ([agent] kind = "codex") never copies its credentials
# (auth.json, .credentials.json, .env, secrets/*.age, .sandbox-secrets/) or its
# machine-bound folders (.sandbox/, shell_snapshots/, worktrees/) to the cloud
# folder: not with its default include roots, and not when the config lists
# each of them; its sessions, prompt history and skills do sync.
source "$(dirname "$0")/lib.sh"
source "$CS_E2E_DIR/profiles_lib.sh"

make_cloud
put_file "$STATE_A/auth.json" '{"OPENAI_API_KEY":"sk-s3cr3t-1"}'
put_file "$STATE_A/.credentials.json" '{"mcp":"s3cr3t-2"}'
put_file "$STATE_A/.env" 'OPENAI_API_KEY=s3cr3t-3'
put_file "$STATE_A/secrets/local.age" 'age-encrypted s3cr3t-4'
put_file "$STATE_A/.sandbox-secrets/sandbox_users.json" '{"password":"s3cr3t-5"}'
put_file "$STATE_A/.sandbox/setup_marker.json" '{"s3cr3t":"machine"}'
put_file "$STATE_A/shell_snapshots/snapshot.sh" 'export TOKEN=s3cr3t-6'
put_file "$STATE_A/worktrees/abc/repo/.git" 'gitdir: /home/u/s3cr3t/repo'
put_file "$STATE_A/sessions/auth.json" '{"token":"s3cr3t-7"}'
put_file "$STATE_A/sessions/2026/03/15/rollout-2026-03-15T10-20-30-019c.jsonl" '{"type":"session_meta"}'
put_file "$STATE_A/history.jsonl" '{"session_id":"019c","ts":1,"text":"hello"}'
put_file "$STATE_A/skills/mine/SKILL.md" '# my skill'

check_never_copied codex auth.json .credentials.json .env secrets/local.age \
  .sandbox-secrets/sandbox_users.json .sandbox/setup_marker.json shell_snapshots/snapshot.sh \
  worktrees/abc/repo/.git sessions/auth.json -- \
  sessions/2026/03/15/rollout-2026-03-15T10-20-30-019c.jsonl history.jsonl skills/mine/SKILL.md

# Claude Code's profile never copies its credentials (.credentials.json),
# its live process registry (sessions/), IDE locks, shell snapshots or
# statsig ids to the cloud folder: not with its default include roots, and
# not when the config lists each of them; its chats and memory do sync.
source "$(dirname "$0")/lib.sh"
source "$CS_E2E_DIR/profiles_lib.sh"

STATE_A="$MACHINE_A/.claude"
make_cloud
put_file "$STATE_A/.credentials.json" '{"claudeAiOauth":{"accessToken":"s3cr3t-1"}}'
put_file "$STATE_A/sessions/12345.json" '{"pid":12345,"s3cr3t":"live"}'
put_file "$STATE_A/ide/12345.lock" '{"authToken":"s3cr3t-2"}'
put_file "$STATE_A/shell-snapshots/snapshot-zsh-1700000000000-abc.sh" 'export API_KEY=s3cr3t-3'
put_file "$STATE_A/statsig/statsig.stable_id.123" 's3cr3t-4'
put_file "$STATE_A/projects/-home-u-app/.credentials.json" '{"token":"s3cr3t-5"}'
put_file "$STATE_A/projects/-home-u-app/2f1c.jsonl" '{"type":"user","cwd":"/home/u/app"}'
put_file "$STATE_A/projects/-home-u-app/memory/MEMORY.md" 'remember this'
put_file "$STATE_A/CLAUDE.md" '# my instructions'

check_never_copied claude .credentials.json sessions/12345.json ide/12345.lock \
  shell-snapshots/snapshot-zsh-1700000000000-abc.sh statsig/statsig.stable_id.123 \
  projects/-home-u-app/.credentials.json -- \
  projects/-home-u-app/2f1c.jsonl projects/-home-u-app/memory/MEMORY.md CLAUDE.md

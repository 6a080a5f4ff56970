# Pi's profile never copies its credentials (auth.json, .env) to the cloud
# folder: not with its default include roots, and not when the config lists
# them; its sessions, skills and instructions do sync.
source "$(dirname "$0")/lib.sh"
source "$CS_E2E_DIR/profiles_lib.sh"

STATE_A="$MACHINE_A/.pi/agent"
make_cloud
put_file "$STATE_A/auth.json" '{"anthropic":{"type":"api_key","key":"s3cr3t-1"}}'
put_file "$STATE_A/.env" 'ANTHROPIC_API_KEY=s3cr3t-2'
put_file "$STATE_A/extensions/mine/.env" 'TOKEN=s3cr3t-3'
put_file "$STATE_A/sessions/--home-u-my.app--/2026-03-15T10-20-30-123Z_uuid.jsonl" '{"type":"session","version":3}'
put_file "$STATE_A/skills/mine/SKILL.md" '# my skill'
put_file "$STATE_A/AGENTS.md" '# my instructions'

check_never_copied pi auth.json .env extensions/mine/.env -- \
  sessions/--home-u-my.app--/2026-03-15T10-20-30-123Z_uuid.jsonl skills/mine/SKILL.md AGENTS.md

# Gemini CLI's profile never copies its credentials (oauth_creds.json, the
# machine-keyed gemini-credentials.json, MCP and A2A tokens, .env) or its
# account and install ids to the cloud folder: not with its default include
# roots, and not when the config lists each of them; its chats, memory and
# commands do sync.
source "$(dirname "$0")/lib.sh"
source "$CS_E2E_DIR/profiles_lib.sh"

STATE_A="$MACHINE_A/.gemini"
make_cloud
put_file "$STATE_A/oauth_creds.json" '{"refresh_token":"s3cr3t-1"}'
put_file "$STATE_A/gemini-credentials.json" 's3cr3t-2 (encrypted for this host)'
put_file "$STATE_A/mcp-oauth-tokens.json" '{"t":"s3cr3t-3"}'
put_file "$STATE_A/a2a-oauth-tokens.json" '{"t":"s3cr3t-4"}'
put_file "$STATE_A/.env" 'GEMINI_API_KEY=s3cr3t-5'
put_file "$STATE_A/google_accounts.json" '{"active":"s3cr3t@example.com"}'
put_file "$STATE_A/installation_id" 's3cr3t-6'
put_file "$STATE_A/user_id" 's3cr3t-7'
put_file "$STATE_A/tmp/my-app/installation_id" 's3cr3t-8'
put_file "$STATE_A/tmp/my-app/.project_root" '/home/u/my-app'
put_file "$STATE_A/tmp/my-app/chats/session-2026-03-15T10-20-1a2b3c4d.jsonl" '{"sessionId":"1a2b3c4d"}'
put_file "$STATE_A/tmp/my-app/memory/notes.md" 'remember this'
put_file "$STATE_A/commands/review.toml" 'prompt = "review"'

check_never_copied gemini oauth_creds.json gemini-credentials.json mcp-oauth-tokens.json \
  a2a-oauth-tokens.json .env google_accounts.json installation_id user_id tmp/my-app/installation_id -- \
  tmp/my-app/.project_root tmp/my-app/chats/session-2026-03-15T10-20-1a2b3c4d.jsonl \
  tmp/my-app/memory/notes.md commands/review.toml

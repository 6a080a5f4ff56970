# For each agent, a realistic state folder (the generator's: chats, histories,
# settings, credentials, SQLite files, programs, caches) synced with the
# default profile: not one credential or machine-specific file reaches the
# cloud folder or machine B, while every chat and history does, and B says
# how many chats arrived.
source "$(dirname "$0")/lib.sh"
source "$CS_E2E_DIR/agents_lib.sh"

for kind in codex claude gemini pi; do
  agent_setup "$kind" --sessions 8
  ag_sync a
  ag_sync b
  chat_count="$(ag_list append-only "$AG_A" | grep -c '\.jsonl$' || true)"
  assert_stdout_contains "$chat_count new chat(s) arrived from the cloud."
  credentials="$(ag_list credentials "$AG_A")"
  [[ -n "$credentials" ]] || cs_fail "$kind: the generator wrote no credential files"
  while IFS= read -r path; do
    [[ -n "$path" ]] || continue
    if [[ -e "$AG_MIRROR/$path" || -e "$AG_B/$path" ]]; then
      cs_fail "$kind: the credential file $path was copied"
    fi
  done < <(printf '%s\n' "$credentials"; ag_list machine-specific "$AG_A")
  # Nothing that looks like a credential or a database anywhere in the cloud folder.
  if grep -rlE 'refresh_token|"access_token"|sk-ant-|ghp_FAKE' "$AG_CLOUD" >/dev/null 2>&1; then
    cs_fail "$kind: a token reached the cloud folder: $(grep -rlE 'refresh_token|"access_token"|sk-ant-|ghp_FAKE' "$AG_CLOUD" | head -3)"
  fi
  if find "$AG_CLOUD" -type f -exec head -c 16 {} + 2>/dev/null | grep -aq 'SQLite format 3'; then
    cs_fail "$kind: a SQLite database reached the cloud folder"
  fi
  chats="$(ag_list append-only "$AG_A")"
  [[ -n "$chats" ]] || cs_fail "$kind: the generator wrote no chats"
  while IFS= read -r path; do
    assert_same_file "$AG_A/$path" "$AG_B/$path"
  done <<<"$chats"
  while IFS= read -r path; do
    [[ -z "$path" ]] || assert_file_exists "$AG_B/$path"
  done < <(ag_list merge-line "$AG_A")
done

# Inside the include roots, credentials (auth.json at any depth,
# .credentials.json, .env), SQLite databases (by name, their -wal companion,
# and by the header of a file with another name), native executables (ELF)
# and symlinks (to a file and to a folder) never reach the cloud mirror: each
# is listed under "Never synced" with its reason, and the rest syncs.
source "$(dirname "$0")/lib.sh"
skip_on_windows "the executable bit and symlinks (Wine shows a Unix symlink as what it points to)"

sync_setup --empty-b
S="$STATE_A"
put_file "$S/sessions/auth.json" '{"token":"s3cr3t-value-1"}'
put_file "$S/skills/deep/er/auth.json" '{"token":"s3cr3t-value-2"}'
put_file "$S/skills/.credentials.json" '{"token":"s3cr3t-value-3"}'
put_file "$S/skills/review/.env" 'OPENAI_API_KEY=sk-s3cr3t-value-4'
put_file "$S/sessions/state.sqlite" 'not even a database, the name is enough'
put_file "$S/sessions/x.sqlite-wal" 'wal'
printf 'SQLite format 3\0rest of a database' >"$S/sessions/notes.bin"
printf '\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0\x02\0\x3e\0' >"$S/skills/review/helper"
ln -s ../session_index.jsonl "$S/skills/link-to-file"
mkdir -p "$T/outside"
put_file "$T/outside/secret.txt" "s3cr3t-value-outside"
ln -s "$T/outside" "$S/skills/link-to-folder"

cs_a sync --apply
assert_exit 0
assert_stdout_contains "Never synced (10):"
assert_stdout_contains "  sessions/auth.json (local): credential file: never synced"
assert_stdout_contains "  skills/deep/er/auth.json (local): credential file: never synced"
assert_stdout_contains "  skills/.credentials.json (local): credential file: never synced"
assert_stdout_contains "  skills/review/.env (local): credential file: never synced"
assert_stdout_contains "  sessions/state.sqlite (local): SQLite database: never synced"
assert_stdout_contains "  sessions/x.sqlite-wal (local): SQLite database: never synced"
assert_stdout_contains "  sessions/notes.bin (local): SQLite database: never synced"
assert_stdout_contains "  skills/review/helper (local): native executable: never synced"
assert_stdout_contains "  skills/link-to-file (local): symlink: not followed"
assert_stdout_contains "  skills/link-to-folder (local): symlink: not followed"
# What may sync did.
assert_file_is "$SYNC_DIR/skills/review/SKILL.md" "# review skill of machine a"
# Nothing else reached the cloud folder, under any name.
expected="$(printf '%s\n' session_index.jsonl sessions/2026/11/20/rollout-2026-11-20T10-00-00-a.jsonl skills/review/SKILL.md)"
actual="$(cd "$SYNC_DIR" && find . ! -type d -printf '%P\n' | LC_ALL=C sort)"
[[ "$actual" == "$expected" ]] || cs_fail "expected only the three agent files in the mirror" "found: $actual"
if grep -rq s3cr3t-value "$CLOUD"; then
  cs_fail "a secret reached the cloud folder: $(grep -rl s3cr3t-value "$CLOUD")"
fi

# --json lists them too.
cs_a --json plan
assert_exit 0
json_check 'len([s for s in d["skipped"] if s["side"] == "local"]) == 10' \
  'sorted(s["path"] for s in d["skipped"] if "credential" in s["reason"]) == ["sessions/auth.json", "skills/.credentials.json", "skills/deep/er/auth.json", "skills/review/.env"]'

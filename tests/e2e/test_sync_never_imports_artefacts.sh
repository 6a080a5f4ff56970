# Files a cloud client made in the mirror are never copied into an agent's
# folder and never count as a deletion, even with delete_policy = "propagate":
# B's first sync takes only the real files; A's next sync imports nothing and
# deletes nothing, and the mirror keeps them (`artefacts clean` is for that).
source "$(dirname "$0")/lib.sh"

sync_setup --empty-b
set_config a sync delete_policy '"propagate"'
set_config b sync delete_policy '"propagate"'
sync_ok a
d=skills/review
artefacts=(
  "$d/SKILL (Alice's conflicted copy 2026-11-20).md"
  "$d/SKILL (Case Conflict).md"
  "$d/SKILL.sync-conflict-20261120-101500-ABCDEF7.md"
  "$d/SKILL (1).md"
  "$d/SKILL.md.tmp.drivedownload"
  "$d/~\$notes.docx"
  "$d/.other.md.icloud"
)
host="$(hostname 2>/dev/null || true)"
if [[ -n "$host" && "$host" != */* ]]; then
  artefacts+=("$d/SKILL-$host.md") # OneDrive "keep both" on this computer
fi
for f in "${artefacts[@]}"; do
  put_file "$SYNC_DIR/$f" "made by a cloud client: $f"
done

cs_b sync --apply
assert_exit 0
assert_file_is "$STATE_B/$d/SKILL.md" "# review skill of machine a"
for f in "${artefacts[@]}"; do
  assert_no_file "$STATE_B/$f"
  assert_file_exists "$SYNC_DIR/$f"
done
assert_no_file "$STATE_B/$d/other.md"

cs_a sync --apply
assert_exit 0
assert_stdout_not_matches '^  delete '
for f in "${artefacts[@]}"; do
  assert_no_file "$STATE_A/$f"
  assert_file_is "$SYNC_DIR/$f" "made by a cloud client: $f"
done
assert_file_is "$STATE_A/$d/SKILL.md" "# review skill of machine a"
assert_trees_equal "$STATE_A" "$STATE_B"

# The plan and `status` list them, each with the file it stands for. (A
# mirror with a cloud client's files in it is never taken as the baseline saw
# it: a plain plan lists it.)
cs_a plan
assert_exit 0
assert_stdout_not_contains "cloud mirror not listed"
assert_stdout_contains "Cloud client files ("
assert_stdout_contains "Syncthing conflict copy of skills/review/SKILL.md"
assert_stdout_contains "$d/SKILL.sync-conflict-20261120-101500-ABCDEF7.md"
cs_a status
assert_exit 0
assert_stdout_contains "Cloud client files ("
assert_stdout_contains "Dropbox conflict copy of skills/review/SKILL.md"
cs_a --json status
assert_exit 0
assert_stdout_contains '"artefacts"'

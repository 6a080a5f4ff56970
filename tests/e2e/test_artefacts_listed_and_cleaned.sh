# Files a cloud client made in the mirror (a Dropbox conflicted copy, a
# Syncthing conflict copy, a Google Drive numbered duplicate beside its
# original and a Google Drive download in progress) are listed by `artefacts`
# with the file each shadows; `artefacts clean --dry-run` writes nothing;
# `artefacts clean` moves them into one verified backup snapshot (byte for
# byte, mtime kept) and removes them from the mirror. A look-alike without its
# original and a file the config excludes are neither listed nor touched.
source "$(dirname "$0")/lib.sh"

sync_setup --empty-b
sync_ok a
d="$SYNC_DIR/skills/review"
artefacts=(
  "SKILL (Alice's conflicted copy 2026-11-20).md"
  "SKILL.sync-conflict-20261120-101500-ABCDEF7.md"
  "SKILL (1).md"
  "SKILL.md.tmp.drivedownload"
)
put_file "$d/${artefacts[0]}" "dropbox copy" "2026-11-20 09:00:00"
put_file "$d/${artefacts[1]}" "syncthing copy" "2026-11-20 10:15:00"
put_file "$d/${artefacts[2]}" "google copy" "2026-11-20 11:00:00"
put_file "$d/${artefacts[3]}" "half a download" "2026-11-20 12:00:00"
# The template's exclude_globs has "**/*.tmp": a sync never sees this one.
put_file "$d/.syncthing.SKILL.md.tmp" "partial"
# No "notes.md" beside it: a file of the user's, not a duplicate.
put_file "$SYNC_DIR/skills/notes (1).md" "mine"

cs_a artefacts
assert_exit 0
assert_stdout_contains "4 files made by a cloud client"
for f in "${artefacts[@]}"; do
  assert_stdout_matches "^  cloud  $(re "skills/review/$f")\$"
done
assert_stdout_matches "^ +Dropbox conflict copy of skills/review/SKILL\.md \(exists\)\$"
assert_stdout_matches "^ +Syncthing conflict copy of skills/review/SKILL\.md \(exists\)\$"
assert_stdout_matches "^ +Google Drive duplicate of skills/review/SKILL\.md \(exists\)\$"
assert_stdout_matches "^ +Google Drive temporary file\$"
assert_stdout_contains "codexsync artefacts clean"
assert_stdout_not_contains ".syncthing.SKILL.md.tmp"
assert_stdout_not_contains "notes (1).md"

cs_a --json artefacts list
assert_exit 0
json_check 'len(d["artefacts"]) == 4' \
  'all(a["side"] == "cloud" for a in d["artefacts"])' \
  'sorted(a["provider"] for a in d["artefacts"]) == ["Dropbox", "Google Drive", "Google Drive", "Syncthing"]' \
  '[a["shadows"] for a in d["artefacts"] if a["provider"] == "Syncthing"] == ["skills/review/SKILL.md"]' \
  'all(a["shadows_exists"] in (True, None) for a in d["artefacts"])'

mkdir -p "$T/before"
for f in "${artefacts[@]}"; do
  cp -p "$d/$f" "$T/before/$f"
done
snapshot_sync_state before
cs_a artefacts clean --dry-run
assert_exit 0
assert_stdout_contains "Would move 4 files from the cloud mirror"
assert_stdout_contains "Dry run: nothing was written."
assert_tree_unchanged before

cs_a artefacts clean
assert_exit 0
snap="$(sed -n 's/^Moved 4 files into backup snapshot \([^ ]*\) (in .*/\1/p' "$CS_RUN/stdout")"
[[ -n "$snap" ]] || cs_fail "expected 'Moved 4 files into backup snapshot NAME'"
assert_file_exists "$BACKUP_DIR/$snap.manifest.json"
for f in "${artefacts[@]}"; do
  assert_no_file "$d/$f"
  assert_same_file "$T/before/$f" "$BACKUP_DIR/$snap/cloud/skills/review/$f"
done
assert_file_is "$d/SKILL.md" "# review skill of machine a"
assert_file_is "$d/.syncthing.SKILL.md.tmp" "partial"
assert_file_is "$SYNC_DIR/skills/notes (1).md" "mine"

cs_a artefacts
assert_exit 0
assert_stdout_contains "No files made by a cloud client"

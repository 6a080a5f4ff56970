# `backups list --json` prints one JSON document: the backup folder and each
# snapshot with name, machine, compression, files, bytes, completeness and
# problems.
source "$(dirname "$0")/lib.sh"

make_cloud_overwrite
snap="$(snapshot_names)"
mkdir "$BACKUP_DIR/machine-b-20260101T000000Z-0123456789ab" # payload without a manifest

cs_b --json backups list
assert_exit 0
assert_stdout_json
json_check \
  "d['backup_dir'] == '$BACKUP_DIR'" \
  'len(d["snapshots"]) == 2' \
  "(lambda s: s['machine'] == 'machine-b' and s['files'] == 1 and s['bytes'] == 28 and s['complete'] and s['problems'] == [] and s['compression'] == 'none' and s['this_machine'])([s for s in d['snapshots'] if s['name'] == '$snap'][0])" \
  "(lambda s: not s['complete'] and any('incomplete' in p for p in s['problems']))([s for s in d['snapshots'] if s['name'] == 'machine-b-20260101T000000Z-0123456789ab'][0])"
cs_a --json backups list
json_check "not d['snapshots'][0]['this_machine']"

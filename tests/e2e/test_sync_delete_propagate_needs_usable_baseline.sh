# delete_policy = propagate deletes only with this machine's baseline as
# proof: when the baseline is damaged, was written by another machine, or
# describes other folders (the state folder moved), the run is treated as a
# first sync: a file deleted here is copied back from the cloud, nothing is
# deleted, and the output says why.
source "$(dirname "$0")/lib.sh"

f=skills/review/SKILL.md
without_proof() {
  case_layout
  sync_setup --empty-b
  set_config a sync delete_policy '"propagate"'
  sync_ok a
  sync_ok b
  local baseline="$CLOUD/state/manifest.machine-a.json"
  assert_file_exists "$baseline"
  case "$1" in
  damaged) printf '{"format": "codexsync-baseline-v1", "entries": [' >"$baseline" ;;
  other-machine) cp "$CLOUD/state/manifest.machine-b.json" "$baseline" ;;
  moved)
    mv "$MACHINE_A/.codex" "$MACHINE_A/codex-moved"
    set_config a paths local_state_dir "'$MACHINE_A/codex-moved'"
    STATE_A="$MACHINE_A/codex-moved"
    ;;
  esac
  rm "$STATE_A/$f"
  cs_a sync --apply
  assert_exit 0
  assert_stdout_contains "$2"
  assert_stdout_contains "0 deletion(s)"
  assert_stdout_matches "^  copy -> local +$(re "$f") "
  assert_file_is "$SYNC_DIR/$f" "# review skill of machine a"
  assert_file_is "$STATE_A/$f" "# review skill of machine a"
}

run_case "a damaged baseline" without_proof damaged "is damaged: treated as a first sync"
run_case "another machine's baseline" without_proof other-machine 'was written by machine "machine-b": treated as a first sync'
run_case "the state folder moved" without_proof moved "describes other folders"
finish_cases

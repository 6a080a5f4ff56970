# shellcheck shell=bash
# shellcheck disable=SC2034 # CLOUD_B and SYNC_DIR_B are for the test scripts
# Helpers for the tests of the cloud folder as a transport, where the test
# plays the cloud client. Source after lib.sh:
#
#   source "$CS_E2E_DIR/transport_lib.sh"
#
#   split_views     machine B sees its own copy of the cloud folder, $CLOUD_B
#                   (its mirror: $SYNC_DIR_B); A keeps $CLOUD. Nothing moves
#                   between them unless a test says so:
#   deliver_to_b [PATH...]
#                   copies PATHs (relative to the workspace; default: all of
#                   it) from A's view into B's, as the cloud client would, each
#                   file whole (temp file, rename) with its mtime
#   deliver_to_a [PATH...]
#                   the same from B's view into A's
#   delivery_record MACHINE
#                   the path of MACHINE's delivery record in A's view

CLOUD_B="$T/cloud-b"
SYNC_DIR_B="$CLOUD_B/sync"

split_views() {
  mkdir -p "$CLOUD_B"
  set_config b paths workspace_root_dir "$(toml_str "$CLOUD_B")"
}

# cs_copy_view FROM TO [PATH...]
cs_copy_view() {
  local from="$1" to="$2" path
  shift 2
  if [[ $# -eq 0 ]]; then
    set -- .
  fi
  for path in "$@"; do
    [[ -e "$from/$path" ]] || cs_die_setup "deliver: $from/$path does not exist"
    (cd "$from" && find "$path" -type f ! -name '*.codexsync-tmp-*' -print0) |
      while IFS= read -r -d '' f; do
        mkdir -p "$to/$(dirname "$f")"
        cp -p "$from/$f" "$to/$f.deliver-tmp"
        mv "$to/$f.deliver-tmp" "$to/$f"
      done
  done
}

deliver_to_b() { cs_copy_view "$CLOUD" "$CLOUD_B" "$@"; }
deliver_to_a() { cs_copy_view "$CLOUD_B" "$CLOUD" "$@"; }

delivery_record() { printf '%s/state/delivery/%s.json' "$CLOUD" "$1"; }

# settle_on_shortcut: sync_setup, then A and B synced until both are settled
# and A's next run takes the scheduled no-op's shortcut (the mirror not
# listed, as its last listing found it exactly as its baseline saw it); ends
# after that run of A, which must say so.
settle_on_shortcut() {
  sync_setup
  sync_ok a
  sync_ok b
  sync_ok a # pulls what B pushed: that listing found new files, so...
  sync_ok b
  sync_ok a # ...A lists once more, and finds the mirror as its baseline saw it
  sync_ok a
  assert_stdout_contains "cloud mirror not listed"
}

# settle_on_reused_plan: settle_on_shortcut, then one more run of A, which
# reuses that run's empty plan and must say so.
settle_on_reused_plan() {
  settle_on_shortcut
  sync_ok a
  assert_stdout_contains "nothing to plan"
}

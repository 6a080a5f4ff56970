# shellcheck shell=bash
# shellcheck disable=SC2016 # ${workspace_root} is codexsync's placeholder, not the shell's
# Helpers for the end-to-end tests of agent profiles and [profiles.<name>]
# (test_agent_*, test_profile_*, test_sync_all_*); source after lib.sh.
#
#   quiet_gate SECTION      prints [SECTION] with a process name nothing on this
#                           machine has and [SECTION.background_process_names]
#                           with no markers, so a real agent (Claude Code, say)
#                           running beside the tests never stops them; SECTION
#                           is process_detection or profiles.<name>.process_detection
#   shared_top              prints the shared top level of a config with
#                           profiles: identity, workspace $CLOUD, backups, temp
#   agent_config KIND STATE prints a one-agent config: [agent] kind, STATE as its
#                           folder, the mirror $CLOUD/sync, no [targets] (the
#                           profile's include roots), a quiet gate
#   profile_record NAME FILE
#                           the path of the run record FILE (last-run.json, ...)
#                           of profile NAME of $PROFILES_CONFIG
#   check_never_copied KIND SECRETS... -- KEPT...
#                           builds nothing: syncs the agent folder $STATE_A
#                           (made by the test) with the profile's defaults, then
#                           with every SECRET listed in include_roots, and checks
#                           that no SECRET (path relative to the state folder,
#                           holding "s3cr3t") reached the cloud folder while each
#                           KEPT file did

PROFILES_CONFIG="$T/profiles.toml"

quiet_gate() {
  printf '[%s]\nprocess_names = ["codexsync-e2e-none"]\ngrace_period_seconds = 0\n' "$1"
  printf '[%s.background_process_names]\nlinux = []\nmacos = []\nwindows = []\n' "$1"
}

shared_top() {
  printf '[identity]\nmachine_id = "machine-a"\n\n[paths]\n'
  printf 'workspace_root_dir = %s\n' "$(toml_str "$CLOUD")"
  printf 'backup_dir = "${workspace_root}/backups"\ntemp_dir = "${workspace_root}/.tmp"\n\n'
}

agent_config() {
  printf '[agent]\nkind = "%s"\n\n' "$1"
  printf '[identity]\nmachine_id = "machine-a"\n\n[paths]\n'
  printf 'workspace_root_dir = %s\n' "$(toml_str "$CLOUD")"
  printf 'local_state_dir = %s\n' "$(toml_str "$2")"
  printf 'cloud_root_dir = "${workspace_root}/sync"\nbackup_dir = "${workspace_root}/backups"\n'
  printf 'temp_dir = "${workspace_root}/.tmp"\n\n'
  quiet_gate process_detection
}

profile_record() {
  local key
  key="$(printf '%s#%s' "$(cs_native_path "$(realpath -m "$PROFILES_CONFIG")")" "$1" | sha256sum | cut -c1-16)"
  printf '%s/%s/%s' "$RUNS_DIR" "$key" "$2"
}

# toml_list ITEM...: the ITEMs as a TOML list of strings.
toml_list() {
  local out="" item
  for item in "$@"; do
    out+="${out:+, }$(toml_str "$item")"
  done
  printf '[%s]' "$out"
}

check_never_copied() {
  local kind="$1" secrets=() kept=()
  shift
  while [[ $# -gt 0 && "$1" != -- ]]; do
    secrets+=("$1")
    shift
  done
  shift
  kept=("$@")
  local file="$T/$kind.toml" f
  local roots=("${secrets[@]}" "${kept[@]}")

  for mode in defaults listed; do
    rm -rf "$CLOUD"
    mkdir -p "$CLOUD"
    agent_config "$kind" "$STATE_A" >"$file"
    if [[ "$mode" == listed ]]; then
      printf '\n[targets]\ninclude_roots = %s\n' "$(toml_list "${roots[@]}")" >>"$file"
    fi
    # The cloud folder was replaced: the second run takes the new one on.
    run_cs -c "$file" sync --apply $([[ "$mode" == listed ]] && printf -- --adopt-workspace)
    assert_exit 0
    for f in "${kept[@]}"; do
      assert_same_file "$STATE_A/$f" "$CLOUD/sync/$f"
    done
    for f in "${secrets[@]}"; do
      assert_no_file "$CLOUD/sync/$f"
    done
    if grep -rq s3cr3t "$CLOUD"; then
      cs_fail "($mode) a credential reached the cloud folder: $(grep -rl s3cr3t "$CLOUD" | tr '\n' ' ')"
    fi
    if [[ "$mode" == listed ]]; then
      # Each one listed is named as never synced, with why.
      assert_stdout_contains "Never synced"
      # (The path itself, or the never-synced folder it is in.)
      for f in "${secrets[@]}"; do
        local prefix="$f" found=0
        while :; do
          if grep -Eq "^  $(re "$prefix") \(local\): .*never synced" "$CS_RUN/stdout"; then
            found=1
            break
          fi
          [[ "$prefix" == */* ]] || break
          prefix="${prefix%/*}"
        done
        [[ $found -eq 1 ]] || cs_fail "expected $f (or a folder above it) under \"Never synced\""
      done
    fi
  done
}

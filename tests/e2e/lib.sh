# shellcheck shell=bash
# shellcheck disable=SC2034 # the layout names and CASE_DIR are for the test scripts
# Helpers for the end-to-end tests. Each tests/e2e/test_<name>.sh checks one
# behaviour of the real binary and starts with:
#
#   source "$(dirname "$0")/lib.sh"
#
# CTest runs every script with `bash` and these variables set:
#   CODEXSYNC            the binary to test; a value that is not a file is split
#                        into words, so `wine /path/codexsync.exe` works
#   CODEXSYNC_TEST_TMP   build/test-tmp; every sandbox is made below it
#   CODEXSYNC_SOURCE_DIR the source tree
#   CODEXSYNC_HELPERS    test-only helper programs
#   CODEXSYNC_E2E_OS     "windows" when CODEXSYNC is the Windows build run under
#                        Wine (scripts/wine-codexsync.sh, which turns /x into
#                        Z:/x on the way in and back on the way out); then
#   CODEXSYNC_WINE       that wrapper and its prefix, to run the helper .exe files
# To run one script by hand:
#   CODEXSYNC=$PWD/build/codexsync CODEXSYNC_TEST_TMP=$PWD/build/test-tmp bash tests/e2e/test_x.sh
#
# What sourcing does:
#   - `set -euo pipefail`; an unexpected failing command names its line;
#   - makes the sandbox $T = $CODEXSYNC_TEST_TMP/e2e-<name>-XXXX and `cd`s there;
#     it is removed when the script passes and kept (its path printed) when not;
#   - isolates the environment: HOME=$T/home, XDG_CONFIG_HOME=$T/home/.config,
#     CODEX_HOME, CODEXSYNC_CONFIG, XDG_STATE_HOME, APPDATA (and the other
#     Windows homes) unset, so no real ~/.codex, config or run record is ever
#     read or written (run records go to $RUNS_DIR, below $HOME).
#
# Layout names (created by the helpers below, not by sourcing):
#   $MACHINE_A $STATE_A $CONFIG_A   $T/machine-a, its .codex, its codexsync.toml
#   $MACHINE_B $STATE_B $CONFIG_B   the same for machine B
#   $CLOUD                          $T/cloud, the cloud-synced folder
#
# Needs bash 4+, GNU find, sha256sum; timeout(1) is used when present.

set -euo pipefail
set -o errtrace

cs_die_setup() {
  printf 'e2e setup: %s\n' "$*" >&2
  exit 1
}

[[ -n "${CODEXSYNC:-}" ]] || cs_die_setup "CODEXSYNC is not set; it names the codexsync binary to test"
[[ -n "${CODEXSYNC_TEST_TMP:-}" ]] ||
  cs_die_setup "CODEXSYNC_TEST_TMP is not set; refusing to make a sandbox anywhere but <build>/test-tmp"
CODEXSYNC_TEST_TMP="${CODEXSYNC_TEST_TMP%/}"
[[ "$CODEXSYNC_TEST_TMP" == /*/test-tmp ]] ||
  cs_die_setup "CODEXSYNC_TEST_TMP=$CODEXSYNC_TEST_TMP is not an absolute path ending in /test-tmp; refusing to run"

if [[ -f "$CODEXSYNC" ]]; then
  CS_BIN=("$CODEXSYNC")
else
  read -r -a CS_BIN <<<"$CODEXSYNC"
fi
# Windows under Wine: see skip_on_windows, cs_native_path and cs_helper.
CS_ON_WINDOWS=0
CS_WINE=()
if [[ "${CODEXSYNC_E2E_OS:-}" == windows ]]; then
  CS_ON_WINDOWS=1
  read -r -a CS_WINE <<<"${CODEXSYNC_WINE:?CODEXSYNC_WINE names the Wine wrapper when CODEXSYNC_E2E_OS=windows}"
fi
CS_TIMEOUT=()
if command -v timeout >/dev/null 2>&1; then
  CS_TIMEOUT=(timeout 60)
fi

CS_TEST_NAME="$(basename "$0" .sh)"
CS_TEST_NAME="${CS_TEST_NAME#test_}"
# The folder of these scripts, for sourcing more helpers after the cd below.
CS_E2E_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
mkdir -p "$CODEXSYNC_TEST_TMP"
T="$(mktemp -d "$CODEXSYNC_TEST_TMP/e2e-$CS_TEST_NAME-XXXX")"
T="$(cd "$T" && pwd -P)"
CS_RUN="$T/.run" # captured output; left out of tree snapshots
mkdir -p "$CS_RUN" "$T/home/.config"

CS_KNOWN_BUG=""
CS_FAILED_CASES=()

cs_on_err() {
  printf 'e2e: unexpected failure at %s line %s: %s\n' "$(basename "$3")" "$1" "$2" >&2
}

cs_on_exit() {
  local rc=$?
  if [[ $rc -eq 0 ]]; then
    cd /
    rm -rf "$T"
    return
  fi
  if [[ -n "$CS_KNOWN_BUG" ]]; then
    printf 'e2e: this test documents a known bug in codexsync: %s\n' "$CS_KNOWN_BUG" >&2
  fi
  printf 'e2e: %s FAILED (exit %s); sandbox kept: %s\n' "$CS_TEST_NAME" "$rc" "$T" >&2
}

trap 'cs_on_err "$LINENO" "$BASH_COMMAND" "${BASH_SOURCE[0]}"' ERR
trap cs_on_exit EXIT

export HOME="$T/home"
export XDG_CONFIG_HOME="$T/home/.config"
unset CODEX_HOME CODEXSYNC_CONFIG APPDATA LOCALAPPDATA USERPROFILE XDG_DATA_HOME XDG_STATE_HOME XDG_CACHE_HOME
cd "$T"

MACHINE_A="$T/machine-a"
STATE_A="$MACHINE_A/.codex"
CONFIG_A="$MACHINE_A/codexsync.toml"
MACHINE_B="$T/machine-b"
STATE_B="$MACHINE_B/.codex"
CONFIG_B="$MACHINE_B/codexsync.toml"
CLOUD="$T/cloud"
# Where sync, restore and doctor leave their run records (`codexsync status`):
# <user state folder>/runs/<key>/last-run.json and friends.
RUNS_DIR="$HOME/.local/state/codexsync/runs"

# ---------------------------------------------------------------------------
# Windows (CODEXSYNC_E2E_OS=windows: the .exe under Wine)

# cs_native_path PATH: PATH as the binary under test writes it: unchanged on
# Linux, Z:/PATH under Wine (the build machine's / is drive Z:). For what
# codexsync writes into files (configs, run records, journals); its stdout
# and stderr are turned back into Linux paths by the wrapper.
cs_native_path() {
  if ((CS_ON_WINDOWS)) && [[ "$1" == /* ]]; then
    printf 'Z:%s' "$1"
  else
    printf '%s' "$1"
  fi
}

# skip_on_windows REASON: under Wine, ends the test as skipped, saying that it
# needs something Windows does not have (REASON names it). No-op on Linux.
skip_on_windows() {
  if ((CS_ON_WINDOWS)); then
    skip_test "not run on Windows (Wine), it needs: $*"
  fi
}

# Under Wine the test helpers are .exe files: $CODEXSYNC_HELPERS then names a
# folder of small scripts, one per helper, that run NAME.exe through the
# wrapper, so the tests call "$CODEXSYNC_HELPERS/NAME" as on Linux.
# CS_WINDOWS_HELPERS keeps the folder of the .exe files (see start_agent).
if ((CS_ON_WINDOWS)); then
  CS_WINDOWS_HELPERS="${CODEXSYNC_HELPERS:-}"
  CODEXSYNC_HELPERS="$CS_RUN/helpers"
  mkdir -p "$CODEXSYNC_HELPERS"
  for cs_exe in "$CS_WINDOWS_HELPERS"/*.exe; do
    [[ -f "$cs_exe" ]] || continue
    cs_shim="$CODEXSYNC_HELPERS/$(basename "$cs_exe" .exe)"
    {
      printf '#!/usr/bin/env bash\nexec'
      printf ' %q' "${CS_WINE[@]}" "$cs_exe"
      printf ' "$@"\n'
    } >"$cs_shim"
    chmod +x "$cs_shim"
  done
  unset cs_exe cs_shim
fi

# ---------------------------------------------------------------------------
# Marking a test

# Says that this test documents the correct behaviour where the binary has a
# known bug; printed when the test fails.
known_bug() { CS_KNOWN_BUG="$*"; }

# keep_run_records_aside: moves the user state folder (XDG_STATE_HOME), where
# the run records go, into $CS_RUN, which tree snapshots leave out: for tests
# that check a command writes nothing but its run record. Sets RUNS_DIR.
keep_run_records_aside() {
  export XDG_STATE_HOME="$CS_RUN/xdg-state"
  RUNS_DIR="$XDG_STATE_HOME/codexsync/runs"
}

# run_record a|b NAME: prints the path of the machine's run record NAME
# (last-run.json, last-sync.json, last-success.json): $RUNS_DIR/<key>/NAME,
# <key> being the first 16 hex digits of the SHA-256 of its config's real path.
run_record() {
  local key
  key="$(printf '%s' "$(cs_native_path "$(realpath -m "$(config_of "$1")")")" | sha256sum | cut -c1-16)"
  printf '%s/%s/%s' "$RUNS_DIR" "$key" "$2"
}

# ---------------------------------------------------------------------------
# Machines and the cloud folder

# make_machine a|b [--empty]: creates $T/machine-<x>/.codex with what an agent
# leaves there (sessions, skills, credentials, its own config); --empty makes
# only the folder.
make_machine() {
  local which="$1" state
  state="$(state_dir "$which")"
  mkdir -p "$state"
  if [[ "${2:-}" == --empty ]]; then
    return
  fi
  mkdir -p "$state/sessions/2026/11/20" "$state/skills/review" "$state/plugins"
  printf '{"type":"session_meta","id":"%s-1"}\n' "$which" >"$state/sessions/2026/11/20/rollout-2026-11-20T10-00-00-$which.jsonl"
  printf '{"id":"%s-1","thread_name":"first"}\n' "$which" >"$state/session_index.jsonl"
  printf '# review skill of machine %s\n' "$which" >"$state/skills/review/SKILL.md"
  printf '{"OPENAI_API_KEY":"sk-test-%s"}\n' "$which" >"$state/auth.json"
  printf 'model = "gpt-5"\n' >"$state/config.toml"
}

# make_cloud: creates the (empty) cloud-synced folder $CLOUD.
make_cloud() { mkdir -p "$CLOUD"; }

machine_dir() {
  case "$1" in
    a) printf '%s' "$MACHINE_A" ;;
    b) printf '%s' "$MACHINE_B" ;;
    *) cs_die_setup "unknown machine '$1' (use a or b)" ;;
  esac
}
state_dir() { printf '%s/.codex' "$(machine_dir "$1")"; }
config_of() { printf '%s/codexsync.toml' "$(machine_dir "$1")"; }

# ---------------------------------------------------------------------------
# Configs

# toml_str TEXT: TEXT as a TOML string (a literal string when it can be one).
toml_str() {
  local s="$1"
  if [[ "$s" != *"'"* && "$s" != *$'\n'* ]]; then
    printf "'%s'" "$s"
  else
    s="${s//\\/\\\\}"
    s="${s//\"/\\\"}"
    printf '"%s"' "$s"
  fi
}

# init_config_for a|b [more init-config options]: writes $CONFIG_A/$CONFIG_B with
# `codexsync init-config` (machine id machine-<x>, its state dir, $CLOUD as the
# workspace root) and fails the test unless that succeeds.
init_config_for() {
  local which="$1"
  shift
  run_cs init-config --output "$(config_of "$which")" --machine-id "machine-$which" \
    --local-state-dir "$(state_dir "$which")" --workspace-root "$CLOUD" "$@"
  assert_exit 0
  assert_file_exists "$(config_of "$which")"
  # Tests run side by side on one machine: the agent must not be a common name
  # (a test's fake agent would stop every other test's sync), and one look
  # instead of a 2 s window keeps the suite fast. The gate tests set their own.
  cs_set_key "$(config_of "$which")" process_detection process_names '["codexsync-e2e-none"]'
  cs_set_key "$(config_of "$which")" process_detection grace_period_seconds 0
  # The sync tests edit session_index.jsonl as an ordinary file; the tests of
  # line merging set merge_line_globs themselves.
  put_config "$which" sync merge_line_globs '["history.jsonl"]'
}

# cs_set_key FILE SECTION KEY VALUE: sets KEY in [SECTION] of a config file.
cs_set_key() {
  local file="$1"
  awk -v section="[$2]" -v key="$3" -v value="$4" '
    /^\[/ { current = $0 }
    current == section && $0 ~ "^" key " *=" { print key " = " value; next }
    { print }
  ' "$file" >"$file.new" && mv "$file.new" "$file"
}

# minimal_config a|b: prints a small valid config for the machine. These
# variables, when set, replace a value (TOML text, quotes included):
#   CFG_WORKSPACE (empty: no workspace_root_dir line), CFG_STATE, CFG_CLOUD,
#   CFG_BACKUP, CFG_TEMP, CFG_ROOTS (the include_roots list)
# Append further [sections] after it; [identity], [paths] and [targets] are taken.
minimal_config() {
  local which="$1"
  local workspace state cloud backup temp roots
  # shellcheck disable=SC2016 # the placeholder is codexsync's, not the shell's
  local placeholder='${workspace_root}'
  workspace="$(toml_str "$CLOUD")"
  state="$(toml_str "$(state_dir "$which")")"
  cloud="'$placeholder/sync'"
  backup="'$placeholder/backups'"
  temp="'$placeholder/.tmp'"
  roots='["sessions", "skills"]'
  [[ -v CFG_WORKSPACE ]] && workspace="$CFG_WORKSPACE"
  [[ -v CFG_STATE ]] && state="$CFG_STATE"
  [[ -v CFG_CLOUD ]] && cloud="$CFG_CLOUD"
  [[ -v CFG_BACKUP ]] && backup="$CFG_BACKUP"
  [[ -v CFG_TEMP ]] && temp="$CFG_TEMP"
  [[ -v CFG_ROOTS ]] && roots="$CFG_ROOTS"
  printf '[identity]\nmachine_id = "machine-%s"\n\n[paths]\n' "$which"
  if [[ -n "$workspace" ]]; then
    printf 'workspace_root_dir = %s\n' "$workspace"
  fi
  printf 'local_state_dir = %s\n' "$state"
  printf 'cloud_root_dir = %s\n' "$cloud"
  printf 'backup_dir = %s\n' "$backup"
  printf 'temp_dir = %s\n' "$temp"
  printf '\n[targets]\ninclude_roots = %s\n' "$roots"
}

# write_file PATH: writes stdin to PATH, making its folder.
write_file() {
  mkdir -p "$(dirname "$1")"
  cat >"$1"
}

# ---------------------------------------------------------------------------
# Running codexsync

CS_EXIT=""
CS_STDOUT=""
CS_STDERR=""
CS_LAST_CMD="(codexsync has not run yet)"
CS_LAST_ENV=""

cs_quote() {
  local out="" word
  for word in "$@"; do
    out+="$(printf '%q' "$word") "
  done
  printf '%s' "${out% }"
}

# run_cs ARGS...: runs codexsync with ARGS (stdin from /dev/null) and never
# aborts the test. Sets CS_EXIT, CS_STDOUT, CS_STDERR; the raw output is in
# $CS_RUN/stdout and $CS_RUN/stderr. Environment changes for one run:
#   CODEXSYNC_CONFIG=x run_cs validate
run_cs() {
  CS_LAST_CMD="$(cs_quote "${CS_BIN[@]}" "$@")"
  CS_LAST_ENV="cwd=$PWD HOME=${HOME-<unset>} XDG_CONFIG_HOME=${XDG_CONFIG_HOME-<unset>} CODEXSYNC_CONFIG=${CODEXSYNC_CONFIG-<unset>} CODEX_HOME=${CODEX_HOME-<unset>}"
  CS_EXIT=0
  "${CS_TIMEOUT[@]}" "${CS_BIN[@]}" "$@" >"$CS_RUN/stdout" 2>"$CS_RUN/stderr" </dev/null || CS_EXIT=$?
  CS_STDOUT="$(cat "$CS_RUN/stdout")"
  CS_STDERR="$(cat "$CS_RUN/stderr")"
}

# ---------------------------------------------------------------------------
# Assertions. Each prints what was expected, what came out and the command,
# then fails the test (or, inside run_case, the case).

cs_fail() {
  {
    printf 'FAIL: %s\n' "$1"
    shift
    local line
    for line in "$@"; do
      printf '  %s\n' "$line"
    done
    printf '  command:   %s\n' "$CS_LAST_CMD"
    printf '  env:       %s\n' "$CS_LAST_ENV"
    printf '  exit code: %s\n' "$CS_EXIT"
    printf '  --- stdout ---\n'
    sed 's/^/  | /' "$CS_RUN/stdout" 2>/dev/null || true
    printf '  --- stderr ---\n'
    sed 's/^/  | /' "$CS_RUN/stderr" 2>/dev/null || true
    printf '  --------------\n'
  } >&2
  exit 1
}

assert_exit() {
  local want="$1"
  if [[ "$CS_EXIT" != "$want" ]]; then
    local note=""
    if [[ "$CS_EXIT" == 124 && ${#CS_TIMEOUT[@]} -gt 0 ]]; then
      note=" (timed out after 60 s)"
    fi
    cs_fail "expected exit code $want, got $CS_EXIT$note"
  fi
}

cs_contains() { [[ "$1" == *"$2"* ]]; }

assert_stdout_contains() {
  cs_contains "$CS_STDOUT" "$1" || cs_fail "expected stdout to contain: $1"
}
assert_stderr_contains() {
  cs_contains "$CS_STDERR" "$1" || cs_fail "expected stderr to contain: $1"
}
assert_stdout_not_contains() {
  ! cs_contains "$CS_STDOUT" "$1" || cs_fail "expected stdout NOT to contain: $1"
}
assert_stderr_not_contains() {
  ! cs_contains "$CS_STDERR" "$1" || cs_fail "expected stderr NOT to contain: $1"
}
# Either stream: for facts whose stream the contract does not fix.
assert_output_contains() {
  cs_contains "$CS_STDOUT$CS_STDERR" "$1" || cs_fail "expected stdout or stderr to contain: $1"
}
# REGEX is an extended regular expression (grep -E) matched against each line;
# put paths into one with $(re "$PATH").
re() { printf '%s' "$1" | sed 's/[][\\.^$*+?(){}|]/\\&/g'; }
assert_stdout_matches() {
  grep -Eq -- "$1" "$CS_RUN/stdout" || cs_fail "expected a stdout line to match the regex: $1"
}
assert_stderr_matches() {
  grep -Eq -- "$1" "$CS_RUN/stderr" || cs_fail "expected a stderr line to match the regex: $1"
}
assert_stdout_not_matches() {
  ! grep -Eq -- "$1" "$CS_RUN/stdout" || cs_fail "expected no stdout line to match the regex: $1"
}
assert_stdout_empty() {
  [[ -z "$CS_STDOUT" ]] || cs_fail "expected empty stdout"
}
assert_stderr_empty() {
  [[ -z "$CS_STDERR" ]] || cs_fail "expected empty stderr"
}

# assert_stdout_json: stdout is one JSON document (checked with python3 or jq
# when either is installed, otherwise only its outer braces).
assert_stdout_json() {
  local parsed=0
  if command -v python3 >/dev/null 2>&1 && python3 -c 'import sys' >/dev/null 2>&1; then
    python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$CS_RUN/stdout" 2>/dev/null ||
      cs_fail "expected stdout to be a JSON document (python3 json.load failed)"
    parsed=1
  elif command -v jq >/dev/null 2>&1; then
    jq -e . "$CS_RUN/stdout" >/dev/null 2>&1 || cs_fail "expected stdout to be a JSON document (jq failed)"
    parsed=1
  fi
  if [[ $parsed -eq 0 ]]; then
    [[ "$CS_STDOUT" == "{"*"}" ]] || cs_fail "expected stdout to be a JSON object"
  fi
}

assert_file_exists() {
  [[ -f "$1" ]] || cs_fail "expected a file at $1" "its folder holds: $(find "$(dirname "$1")" -maxdepth 1 2>&1 | tr '\n' ' ')"
}
assert_dir_exists() {
  [[ -d "$1" ]] || cs_fail "expected a folder at $1"
}
# assert_no_file PATH: nothing at all (file, folder or link) is at PATH.
assert_no_file() {
  [[ ! -e "$1" && ! -L "$1" ]] || cs_fail "expected nothing at $1, but it exists"
}
assert_file_contains() {
  [[ -f "$1" ]] || cs_fail "expected a file at $1 (to contain: $2)"
  grep -Fq -- "$2" "$1" || cs_fail "expected $1 to contain: $2" "it holds: $(head -c 2000 "$1")"
}

# snapshot_tree NAME DIR...: records every entry under the DIRs (type, size,
# mode, mtime, link target) and the SHA-256 of every file; the sandbox's
# captured output ($T/.run) is left out.
cs_tree_listing() {
  local dir
  for dir in "$@"; do
    printf '== %s\n' "$dir"
    if [[ ! -e "$dir" ]]; then
      printf '(does not exist)\n'
      continue
    fi
    (
      cd "$dir"
      find . -path ./.run -prune -o -printf '%p %y %s %m %T@ -> %l\n' | LC_ALL=C sort
      find . -path ./.run -prune -o -type f -print0 | LC_ALL=C sort -z | xargs -0r sha256sum
    )
  done
}
snapshot_tree() {
  local name="$1"
  shift
  printf '%s\n' "$@" >"$CS_RUN/snapshot-$name.dirs"
  cs_tree_listing "$@" >"$CS_RUN/snapshot-$name"
}
# assert_tree_unchanged NAME: the DIRs given to snapshot_tree NAME are exactly as
# they were (nothing created, removed, written or touched).
assert_tree_unchanged() {
  local name="$1" dirs=()
  mapfile -t dirs <"$CS_RUN/snapshot-$name.dirs"
  cs_tree_listing "${dirs[@]}" >"$CS_RUN/snapshot-$name.after"
  if ! cmp -s "$CS_RUN/snapshot-$name" "$CS_RUN/snapshot-$name.after"; then
    local diff_text
    diff_text="$(diff -u "$CS_RUN/snapshot-$name" "$CS_RUN/snapshot-$name.after" | head -40 || true)"
    cs_fail "expected the tree(s) ${dirs[*]} to be unchanged since snapshot '$name'" "$diff_text"
  fi
}

# ---------------------------------------------------------------------------
# Table-driven tests: each case runs in its own subshell and folder
# ($CASE_DIR, also the working folder), is reported on its own, and a failing
# case does not stop the others. End the script with finish_cases.

run_case() {
  local name="$1" rc=0
  shift
  local dir="$T/cases/${name//[^A-Za-z0-9._-]/_}"
  mkdir -p "$dir"
  trap - ERR
  set +e
  (
    set -e
    trap 'cs_on_err "$LINENO" "$BASH_COMMAND" "${BASH_SOURCE[0]}"' ERR
    CASE_DIR="$dir"
    cd "$dir"
    "$@"
  )
  rc=$?
  set -e
  trap 'cs_on_err "$LINENO" "$BASH_COMMAND" "${BASH_SOURCE[0]}"' ERR
  if [[ $rc -eq 0 ]]; then
    printf 'ok   %s\n' "$name"
  else
    printf 'FAIL %s\n' "$name" >&2
    CS_FAILED_CASES+=("$name")
  fi
}

finish_cases() {
  if [[ ${#CS_FAILED_CASES[@]} -gt 0 ]]; then
    printf 'e2e: %d case(s) failed: %s\n' "${#CS_FAILED_CASES[@]}" "${CS_FAILED_CASES[*]}" >&2
    exit 1
  fi
}

# ---------------------------------------------------------------------------
# A codexSync 0.1 config, as its template shipped it and a Windows user filled
# it in: Windows paths in literal strings, the \\?\ prefix, every 0.1 key.
# v01_config ALLOW_TERMINATE SESSION_MODE: e.g. `v01_config true last_date_only`
# gives the 0.1 template's unsafe values, `v01_config false all` safe ones.
v01_config() {
  cat <<TOML
# codexSync 0.1 configuration
[identity]
machine_id = "work-pc"

[paths]
workspace_root_dir = '\\\\?\\D:\\GDrive\\codexSync'
local_state_dir = 'C:\\Users\\me\\.codex'
cloud_root_dir = "\${workspace_root}/sync"
backup_dir = "\${workspace_root}/backups"
temp_dir = "\${workspace_root}/.tmp"

[sync]
mode = "cold"
direction = "bidirectional"
compare = "mtime"
time_tolerance_seconds = 2
equal_mtime_action = "skip"
delete_policy = "never"
dry_run_default = true
session_mode = "$2"

[targets]
include_roots = ["sessions", "session_index.jsonl", "skills", ".codex-global-state.json"]

[filters]
exclude_globs = ["**/*.lock", "**/*.tmp", "**/*.temp", "**/tmp/**", "**/cache/**"]

[conflict]
policy = "manual_abort"
report_conflicts = true

[backup]
backup_before_overwrite = true
retention_days = 30
max_backups = 0
compression = "none"

[safety]
require_codex_stopped = true
fail_on_unknown = true

[process_detection]
process_names = ["codex.exe", "codex"]
grace_period_seconds = 2
allow_terminate_if_running = $1
manual_terminate_confirmation = true
terminate_confirmation_mode = "gui"
terminate_timeout_seconds = 20

[process_detection.background_process_names]
windows = ["codex-windows-sandbox"]

[state]
manifest_file = "\${workspace_root}/state/manifest.json"
data_version = 1
# lease_file = "\${workspace_root}/state/lease.json"
# history_dir = "\${workspace_root}/state/history"
# lease_ttl_seconds = 300

[logging]
level = "INFO"
file = "\${workspace_root}/logs/codexsync.log"
format = "text"
retention_days = 7
archive_mode = "zip"
max_file_size_mb = 10
TOML
}

# ---------------------------------------------------------------------------
# Sync scenarios (for test_sync_*, test_plan_*, test_restore_*, test_recover_*,
# test_backups_*). Two machines share $CLOUD, laid out as the template config
# puts it:
#   $CLOUD/sync     the cloud mirror          $CLOUD/backups  backup snapshots
#   $CLOUD/.tmp     journals and locks        $CLOUD/state    the baselines
#   $CLOUD/logs     the log files (left out of "nothing written" snapshots)

SYNC_DIR="$CLOUD/sync"
BACKUP_DIR="$CLOUD/backups"

# set_config a|b SECTION KEY VALUE: sets KEY in [SECTION] of the machine's
# config to VALUE (TOML text, quotes included); fails the test when that key
# is not in that section.
set_config() {
  local file section="$2" key="$3" value="$4"
  file="$(config_of "$1")"
  awk -v section="[$section]" -v key="$key" -v value="$value" '
    /^\[/ { current = $0 }
    current == section && $0 ~ "^" key " *=" { print key " = " value; done = 1; next }
    { print }
    END { exit done ? 0 : 3 }
  ' "$file" >"$file.new" || cs_die_setup "set_config: no key $key in [$section] of $file"
  mv "$file.new" "$file"
}

# add_config_line FILE SECTION LINE: adds LINE right after the [SECTION]
# header of FILE; returns 3 (FILE unchanged) when there is no such section.
add_config_line() {
  # The line goes through the environment: `awk -v` would eat its backslashes.
  CS_ADD_LINE="$3" awk -v section="[$2]" '
    { print }
    $0 == section { print ENVIRON["CS_ADD_LINE"]; done = 1 }
    END { exit done ? 0 : 3 }
  ' "$1" >"$1.new" || {
    rm -f "$1.new"
    return 3
  }
  mv "$1.new" "$1"
}

# add_config a|b SECTION LINE: adds LINE (TOML text, e.g. `key = "value"`)
# right after the [SECTION] header of the machine's config, for keys the
# template leaves commented out; fails the test when that section is not there.
add_config() {
  add_config_line "$(config_of "$1")" "$2" "$3" || cs_die_setup "add_config: no [$2] in $(config_of "$1")"
}

# put_config_file FILE SECTION KEY VALUE: sets KEY in [SECTION] of a config
# file, adding the key right after the section header when the file does not
# have it, and the section at the end when it has neither.
put_config_file() {
  local file="$1" section="$2" key="$3" value="$4"
  if awk -v section="[$section]" -v key="$key" '
      /^\[/ { current = $0 }
      current == section && $0 ~ "^" key " *=" { found = 1 }
      END { exit found ? 0 : 1 }' "$file"; then
    cs_set_key "$file" "$section" "$key" "$value"
  elif ! add_config_line "$file" "$section" "$key = $value"; then
    printf '\n[%s]\n%s = %s\n' "$section" "$key" "$value" >>"$file"
  fi
}

# put_config a|b SECTION KEY VALUE: put_config_file on the machine's config.
put_config() { put_config_file "$(config_of "$1")" "$2" "$3" "$4"; }

# sync_setup [--empty-b]: machines A and B (both with the usual agent files, or
# B empty), the cloud folder and both configs (the template's, as init-config
# writes it). Every file of A and B gets a distinct, fixed mtime so that
# "changed" never depends on how fast the test runs.
sync_setup() {
  make_machine a
  if [[ "${1:-}" == --empty-b ]]; then
    make_machine b --empty
  else
    make_machine b
  fi
  make_cloud
  init_config_for a
  init_config_for b
  local f n=0
  while IFS= read -r -d '' f; do
    n=$((n + 1))
    touch -d "@$((1767261600 + n * 60))" "$f" # 2026-01-01 10:00 UTC + n minutes
  done < <(find "$STATE_A" "$STATE_B" -type f -print0 | LC_ALL=C sort -z)
}

# cs_a ARGS... / cs_b ARGS...: run_cs with machine A's / B's config.
cs_a() { run_cs -c "$CONFIG_A" "$@"; }
cs_b() { run_cs -c "$CONFIG_B" "$@"; }

# sync_ok a|b: `sync --apply` on the machine, which must exit 0.
sync_ok() {
  run_cs -c "$(config_of "$1")" sync --apply
  assert_exit 0
}

# put_file FILE CONTENT [WHEN]: writes CONTENT (printf %s) to FILE, making its
# folder, and sets its mtime to WHEN (anything `touch -d` reads; a bare date
# is taken as UTC). Default WHEN: 2026-02-01 12:00:00 UTC.
put_file() {
  local when="${3:-2026-02-01 12:00:00}"
  [[ "$when" == @* || "$when" == *UTC* || "$when" == *Z ]] || when="$when UTC"
  mkdir -p "$(dirname "$1")"
  printf '%s' "$2" >"$1"
  touch -d "$when" "$1"
}

# sha_of FILE: its SHA-256 (hex), or "missing".
sha_of() {
  if [[ -f "$1" ]]; then
    sha256sum "$1" | cut -d' ' -f1
  else
    printf 'missing'
  fi
}

# mtime_of FILE: its mtime in nanoseconds since the epoch. Under Wine, in
# 100 ns steps (the last two digits 00), the finest time NTFS and Windows keep.
mtime_of() {
  if ((CS_ON_WINDOWS)); then
    stat -c '%.9Y' "$1" | tr -d '.' | sed 's/..$/00/'
  else
    stat -c '%.9Y' "$1" | tr -d '.'
  fi
}

# assert_same_file EXPECTED ACTUAL: ACTUAL exists and holds the same bytes as
# EXPECTED, with the same mtime (to the nanosecond).
assert_same_file() {
  [[ -f "$2" ]] || cs_fail "expected a file at $2 (a copy of $1)"
  cmp -s "$1" "$2" || cs_fail "expected $2 to hold the same bytes as $1" \
    "expected: $(head -c 300 "$1")" "actual:   $(head -c 300 "$2")"
  [[ "$(mtime_of "$1")" == "$(mtime_of "$2")" ]] ||
    cs_fail "expected $2 to keep the mtime of $1" "expected: $(stat -c %y "$1")" "actual:   $(stat -c %y "$2")"
}

# assert_file_is FILE CONTENT: FILE holds exactly CONTENT.
assert_file_is() {
  [[ -f "$1" ]] || cs_fail "expected a file at $1 holding: $2"
  [[ "$(cat "$1")" == "$2" ]] || cs_fail "expected $1 to hold exactly: $2" "it holds: $(head -c 300 "$1")"
}

# synced_files DIR: the files below DIR (a state folder or the mirror) in the
# template's include roots (sessions, session_index.jsonl, skills, plugins) as
# sorted relative paths; codexsync temp files are left out.
synced_files() {
  (
    cd "$1" || exit 1
    local roots=() root
    for root in sessions session_index.jsonl skills plugins; do
      [[ -e "$root" ]] && roots+=("$root")
    done
    [[ ${#roots[@]} -gt 0 ]] || exit 0
    find "${roots[@]}" -type f ! -name '*.codexsync-tmp-*' -print | LC_ALL=C sort
  )
}

# assert_trees_equal DIR1 DIR2: the same files (temp files left out) with the
# same bytes in both.
assert_trees_equal() {
  local a b f
  a="$(synced_files "$1")"
  b="$(synced_files "$2")"
  [[ "$a" == "$b" ]] || cs_fail "expected $1 and $2 to hold the same files" \
    "$(diff <(printf '%s\n' "$a") <(printf '%s\n' "$b") | head -20)"
  while IFS= read -r f; do
    [[ -z "$f" ]] || cmp -s "$1/$f" "$2/$f" || cs_fail "expected $1/$f and $2/$f to hold the same bytes"
  done <<<"$a"
}

# snapshot_sync_state NAME: snapshot_tree of both state folders and of every
# folder codexsync keeps data in below $CLOUD: the mirror, the backups, the
# baselines and the journals (not the logs, not the lock files).
snapshot_sync_state() {
  snapshot_tree "$1" "$STATE_A" "$STATE_B" "$SYNC_DIR" "$BACKUP_DIR" "$CLOUD/state" "$CLOUD/.tmp/journals"
}

# snapshot_names: the names of the complete backup snapshots (those with a
# manifest), oldest first.
snapshot_names() {
  [[ -d "$BACKUP_DIR" ]] || return 0
  find "$BACKUP_DIR" -maxdepth 1 -name '*.manifest.json' -printf '%f\n' | sed 's/\.manifest\.json$//' | LC_ALL=C sort
}

# backup_copy SIDE PATH: prints the backup copies (folder snapshots) of
# SIDE/PATH, one per line.
backup_copy() {
  [[ -d "$BACKUP_DIR" ]] || return 0
  find "$BACKUP_DIR" -mindepth 3 -path "$BACKUP_DIR/*/$1/$2" -type f | LC_ALL=C sort
}

# assert_backed_up SIDE PATH CONTENT: some folder snapshot holds SIDE/PATH with
# exactly CONTENT, and that snapshot has its manifest.
assert_backed_up() {
  local copy snap
  while IFS= read -r copy; do
    [[ -n "$copy" ]] || continue
    if [[ "$(cat "$copy")" == "$3" ]]; then
      snap="${copy#"$BACKUP_DIR"/}"
      snap="${snap%%/*}"
      [[ -f "$BACKUP_DIR/$snap.manifest.json" ]] ||
        cs_fail "the backup of $1/$2 is in $snap, which has no manifest (incomplete)"
      return 0
    fi
  done < <(backup_copy "$1" "$2")
  cs_fail "expected a backup of $1/$2 holding: $3" \
    "copies found: $(backup_copy "$1" "$2" | tr '\n' ' ')"
}

# json_check PYTHON_EXPR...: evaluates each expression with `d` the JSON
# document on stdout of the last run; fails the test on the first that is not
# true. Needs python3.
json_check() {
  local expr
  command -v python3 >/dev/null 2>&1 || cs_die_setup "python3 is needed to check JSON output"
  for expr in "$@"; do
    python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if eval(sys.argv[2]) else 1)' \
      "$CS_RUN/stdout" "$expr" 2>"$CS_RUN/json_check.err" ||
      cs_fail "expected the JSON on stdout to satisfy: $expr" "$(cat "$CS_RUN/json_check.err")"
  done
}

# open_run_ids: the ids of the unfinished runs of `recover list --json` run
# with machine A's config, one per line.
open_run_ids() {
  cs_a --json recover list
  assert_exit 0
  python3 -c 'import json,sys; [print(r["id"]) for r in json.load(open(sys.argv[1]))["runs"]]' "$CS_RUN/stdout"
}

# run_cs_in_mount_ns SETUP ARGS...: run_cs ARGS in a private mount namespace
# (unshare -m) after the shell command SETUP ran there (e.g. mounting a tmpfs
# over a folder); nothing mounted there is seen outside. When MOUNT_NS_AFTER
# is set, that shell command runs there after codexsync (to look at what it
# left on the mounted folder; write what it finds outside it); CS_EXIT stays
# codexsync's. Exit 97 means SETUP failed. Check first with can_use_mount_ns.
run_cs_in_mount_ns() {
  local setup="$1" saved=("${CS_BIN[@]}")
  shift
  CS_BIN=(unshare -m bash -c "{ $setup; } || exit 97; \"\$@\"; cs_rc=\$?; ${MOUNT_NS_AFTER:-:}; exit \$cs_rc"
    cs-mount-ns "${saved[@]}")
  run_cs "$@"
  CS_BIN=("${saved[@]}")
}

# can_use_mount_ns: true when this user may make a mount namespace and mount a
# tmpfs in it.
can_use_mount_ns() {
  command -v unshare >/dev/null 2>&1 || return 1
  # Under Wine the files are opened by the wineserver's processes, outside
  # the namespace: they would not see what is mounted there.
  ((CS_ON_WINDOWS == 0)) || return 1
  mkdir -p "$CS_RUN/ns-probe"
  unshare -m bash -c 'mount -t tmpfs -o size=1m tmpfs "$1"' probe "$CS_RUN/ns-probe" >/dev/null 2>&1
}

# write_chat FILE LINES: appends LINES JSONL lines of varying length to FILE
# (a chat of about LINES * 90 bytes, no whole number of 64-byte blocks).
write_chat() {
  mkdir -p "$(dirname "$1")"
  awk -v n="$2" 'BEGIN { for (i = 0; i < n; i++) { t = ""; for (j = 0; j < i % 89; j++) t = t "w"
    printf "{\"type\":\"response_item\",\"n\":%d,\"text\":\"%s\"}\n", i, t } }' >>"$1"
}

# skip_test REASON: ends a test that cannot run here as passed, saying why.
# Exits with 77, which CTest reports as "Skipped" (SKIP_RETURN_CODE); the
# sandbox is removed as for a pass.
skip_test() {
  printf 'SKIPPED %s: %s\n' "$CS_TEST_NAME" "$*"
  cd /
  rm -rf "$T"
  trap - EXIT
  exit 77
}

# make_conflict PATH A_CONTENT A_TIME B_CONTENT B_TIME: sync_setup --empty-b,
# A and B synced; then A edits PATH and syncs (the mirror holds A's version)
# and B edits PATH without syncing. B's next sync meets a conflict on PATH.
make_conflict() {
  sync_setup --empty-b
  sync_ok a
  sync_ok b
  put_file "$STATE_A/$1" "$2" "$3"
  sync_ok a
  put_file "$STATE_B/$1" "$4" "$5"
}

# case_layout: inside a run_case function, moves the layout names ($MACHINE_A,
# $STATE_A, $CONFIG_A, the same for B, $CLOUD, $SYNC_DIR, $BACKUP_DIR) into
# $CASE_DIR, so each case has its own machines and cloud folder.
case_layout() {
  [[ -n "${CASE_DIR:-}" ]] || cs_die_setup "case_layout is for run_case functions"
  MACHINE_A="$CASE_DIR/machine-a"
  STATE_A="$MACHINE_A/.codex"
  CONFIG_A="$MACHINE_A/codexsync.toml"
  MACHINE_B="$CASE_DIR/machine-b"
  STATE_B="$MACHINE_B/.codex"
  CONFIG_B="$MACHINE_B/codexsync.toml"
  CLOUD="$CASE_DIR/cloud"
  SYNC_DIR="$CLOUD/sync"
  BACKUP_DIR="$CLOUD/backups"
}

# snapshot_files NAME DIR / assert_files_unchanged NAME: like snapshot_tree and
# assert_tree_unchanged, but only the files and links below DIR (path, size,
# mtime, SHA-256): for "back as it was" checks, where folders may have been
# recreated meanwhile.
cs_file_listing() {
  (
    cd "$1" || exit 1
    find . ! -type d -printf '%p %y %s %T@ -> %l\n' | LC_ALL=C sort
    find . -type f -print0 | LC_ALL=C sort -z | xargs -0r sha256sum
  )
}
snapshot_files() {
  printf '%s\n' "$2" >"$CS_RUN/files-$1.dir"
  cs_file_listing "$2" >"$CS_RUN/files-$1"
}
assert_files_unchanged() {
  local dir
  dir="$(cat "$CS_RUN/files-$1.dir")"
  cs_file_listing "$dir" >"$CS_RUN/files-$1.after"
  if ! cmp -s "$CS_RUN/files-$1" "$CS_RUN/files-$1.after"; then
    cs_fail "expected the files below $dir to be as at snapshot '$1'" \
      "$(diff -u "$CS_RUN/files-$1" "$CS_RUN/files-$1.after" | head -40 || true)"
  fi
}

# make_cloud_overwrite [zip]: sync_setup --empty-b, A and B synced; B edits
# skills/review/SKILL.md ("edited on B", 2026-03-01 10:00 UTC) and syncs, so
# the mirror's earlier version (A's "# review skill of machine a") is in a
# backup snapshot of machine B. With `zip`, B's config has
# backup.compression = "zip" first. Sets REVIEW (that path) and
# REVIEW_BEFORE (a copy of the earlier version, mtime kept).
make_cloud_overwrite() {
  sync_setup --empty-b
  if [[ "${1:-}" == zip ]]; then
    set_config b backup compression '"zip"'
  fi
  REVIEW=skills/review/SKILL.md
  sync_ok a
  sync_ok b
  REVIEW_BEFORE="$(dirname "$CLOUD")/review-before"
  cp -p "$SYNC_DIR/$REVIEW" "$REVIEW_BEFORE"
  put_file "$STATE_B/$REVIEW" "edited on B" "2026-03-01 10:00:00"
  sync_ok b
  assert_file_is "$SYNC_DIR/$REVIEW" "edited on B"
}

# zip_entry ZIP ENTRY: prints ENTRY of ZIP (python3's zipfile).
zip_entry() {
  python3 -c 'import sys,zipfile; sys.stdout.buffer.write(zipfile.ZipFile(sys.argv[1]).read(sys.argv[2]))' "$1" "$2"
}

# run_snapshot: the snapshot named by the last `sync --apply` ("... into
# snapshot NAME."), or nothing.
run_snapshot() { sed -n 's/^Done: .* into snapshot \([^ ]*\)\.$/\1/p' "$CS_RUN/stdout"; }

# on_exit_remove PATH...: removes the PATHs when the test ends, before the
# sandbox is removed or kept, so a failing test that made big files keeps
# only the small ones for a look.
CS_EXIT_REMOVE=()
on_exit_remove() {
  CS_EXIT_REMOVE+=("$@")
  trap 'cs_rc_kept=$?; set +e; trap - ERR; rm -rf -- "${CS_EXIT_REMOVE[@]}"; (exit $cs_rc_kept); cs_on_exit' EXIT
}

# ---------------------------------------------------------------------------
# A stand-in for a running agent (tests/helpers/fake_agent.cpp)

CS_AGENT_PIDS=()

# start_agent NAME [ignore-term]: runs the fake agent under the process name
# NAME (a copy of the helper named NAME) in the background; sets AGENT_PID
# and AGENT_SHOWN_PID, the pid codexsync names (under Wine the Windows one).
# It is killed when the test ends.
start_agent() {
  local name="$1" mode="${2:-}"
  local helper="${CODEXSYNC_HELPERS:-}/fake_agent"
  if ((CS_ON_WINDOWS)); then
    start_agent_windows "$name" "$mode"
    return
  fi
  [[ -x "$helper" ]] || skip_test "the fake agent helper is not built ($helper)"
  mkdir -p "$T/agent-bin"
  cp "$helper" "$T/agent-bin/$name"
  # Started from a subshell that exits at once, so the agent is re-parented and
  # reaped when it ends (no zombie left behind, as with a real agent).
  # shellcheck disable=SC2086 # $mode is one optional word
  ("$T/agent-bin/$name" 120 $mode 2>"$T/agent-bin/$name.stderr" </dev/null >/dev/null &
    echo $! >"$T/agent-bin/$name.pid")
  AGENT_PID="$(cat "$T/agent-bin/$name.pid")"
  AGENT_SHOWN_PID="$AGENT_PID"
  CS_AGENT_PIDS+=("$AGENT_PID")
  sleep 0.2
  trap 'cs_rc_agent=$?; set +e; trap - ERR; kill "${CS_AGENT_PIDS[@]}" 2>/dev/null; (exit $cs_rc_agent); cs_on_exit' EXIT
}

# start_agent_windows NAME MODE: start_agent under Wine: fake_agent.exe copied
# to NAME.exe, run through the wrapper, which becomes the Wine process itself
# (CODEXSYNC_WINE_EXEC=1), so AGENT_PID is the agent. Windows has no SIGTERM
# to ignore: a test that needs `ignore-term` is skipped.
start_agent_windows() {
  local name="${1%.exe}" mode="$2"
  local helper="$CS_WINDOWS_HELPERS/fake_agent.exe"
  [[ -f "$helper" ]] || skip_test "the fake agent helper is not built ($helper)"
  [[ -z "$mode" ]] || skip_on_windows "a fake agent that ignores SIGTERM ($mode)"
  mkdir -p "$T/agent-bin"
  cp "$helper" "$T/agent-bin/$name.exe"
  # fake_agent.exe prints its Windows pid first.
  (CODEXSYNC_WINE_EXEC=1 "${CS_WINE[@]}" "$T/agent-bin/$name.exe" 120 2>"$T/agent-bin/$name.stderr" </dev/null \
    >"$T/agent-bin/$name.winpid" &
    echo $! >"$T/agent-bin/$name.pid")
  AGENT_PID="$(cat "$T/agent-bin/$name.pid")"
  CS_AGENT_PIDS+=("$AGENT_PID")
  local tries=50
  while ((tries-- > 0)) && ! grep -q '^[0-9]' "$T/agent-bin/$name.winpid"; do
    sleep 0.1
  done
  AGENT_SHOWN_PID="$(tr -dc '0-9' <"$T/agent-bin/$name.winpid")"
  [[ -n "$AGENT_SHOWN_PID" ]] || cs_die_setup "the fake agent $name.exe did not start (no pid printed)"
  trap 'cs_rc_agent=$?; set +e; trap - ERR; kill "${CS_AGENT_PIDS[@]}" 2>/dev/null; (exit $cs_rc_agent); cs_on_exit' EXIT
}

# start_window_agent NAME [ignore-close]: under Wine, runs the fake desktop
# app (tests/helpers/fake_window_agent.cpp, copied to NAME.exe): a top-level
# window that answers WM_CLOSE by exiting 0, or with `ignore-close` prints
# that it was asked and goes on. Sets AGENT_PID (the Wine process),
# AGENT_SHOWN_PID (its Windows pid), AGENT_STDERR (what it says: "fake
# agent: asked to close (WM_CLOSE)", ...) and AGENT_EXIT_FILE (its exit code,
# written when it ends). Skips the test on Linux (no WM_CLOSE there) and when
# Wine has no display to make a window on (CODEXSYNC_WINE_DISPLAY, set by
# scripts/test-windows.sh); under CI=true a missing display fails the test.
start_window_agent() {
  local name="${1%.exe}" mode="${2:-}"
  ((CS_ON_WINDOWS)) ||
    skip_test "WM_CLOSE is how Windows asks a desktop app to close (run under Wine by scripts/test-windows.sh); the POSIX polite close (SIGTERM) is tested by sync_closes_agent_when_allowed"
  local helper="$CS_WINDOWS_HELPERS/fake_window_agent.exe"
  [[ -f "$helper" ]] || skip_test "the fake window agent helper is not built ($helper)"
  if [[ -z "${CODEXSYNC_WINE_DISPLAY:-}" ]]; then
    local why="Wine has no display to make a window on (CODEXSYNC_WINE_DISPLAY is not set: run the Windows stage with scripts/test-windows.sh, which starts Xvfb; install it with scripts/install-deps.sh --windows)"
    [[ "${CI:-}" != true ]] || cs_die_setup "$why; under CI the Windows stage must show the polite close"
    skip_test "$why"
  fi
  local dir="$T/agent-bin"
  mkdir -p "$dir"
  cp "$helper" "$dir/$name.exe"
  rm -f "$dir/$name.winpid" "$dir/$name.exit"
  AGENT_STDERR="$dir/$name.stderr"
  AGENT_EXIT_FILE="$dir/$name.exit"
  local args=(120)
  [[ -z "$mode" ]] || args+=("$mode")
  # The wrapper becomes the Wine process (CODEXSYNC_WINE_EXEC=1); a subshell
  # waits for it and keeps its exit code.
  (
    CODEXSYNC_WINE_EXEC=1 "${CS_WINE[@]}" "$dir/$name.exe" "${args[@]}" 2>"$AGENT_STDERR" </dev/null \
      >"$dir/$name.winpid" &
    echo $! >"$dir/$name.pid"
    rc=0
    wait $! || rc=$?
    echo "$rc" >"$AGENT_EXIT_FILE"
  ) &
  local tries=300
  while ((tries-- > 0)) && ! grep -q '^[0-9]' "$dir/$name.winpid" 2>/dev/null && [[ ! -f "$AGENT_EXIT_FILE" ]]; do
    sleep 0.1
  done
  AGENT_PID="$(cat "$dir/$name.pid")"
  CS_AGENT_PIDS+=("$AGENT_PID")
  trap 'cs_rc_agent=$?; set +e; trap - ERR; kill "${CS_AGENT_PIDS[@]}" 2>/dev/null; (exit $cs_rc_agent); cs_on_exit' EXIT
  AGENT_SHOWN_PID="$(tr -dc '0-9' <"$dir/$name.winpid")"
  if [[ -z "$AGENT_SHOWN_PID" ]]; then
    if [[ "$(cat "$AGENT_EXIT_FILE" 2>/dev/null)" == 3 ]] && [[ "${CI:-}" != true ]]; then
      skip_test "Wine could not make a window: $(cat "$AGENT_STDERR")"
    fi
    cs_die_setup "the fake window agent $name.exe did not start (exit $(cat "$AGENT_EXIT_FILE" 2>/dev/null || echo '?')): $(cat "$AGENT_STDERR")"
  fi
}

# agent_exit_code_within SECONDS: prints the exit code of the fake window
# agent started last once it has ended; fails the test when it still runs.
agent_exit_code_within() {
  agent_gone_within "$1" || cs_fail "the fake agent $AGENT_SHOWN_PID still runs after $1 s" \
    "it said: $(cat "$AGENT_STDERR")"
  local tries=50
  while ((tries-- > 0)) && [[ ! -s "$AGENT_EXIT_FILE" ]]; do
    sleep 0.1
  done
  cat "$AGENT_EXIT_FILE"
}

# stop_agent: ends the fake agent started last and waits until it is gone.
stop_agent() {
  kill "$AGENT_PID" 2>/dev/null || true
  agent_gone_within 5 || cs_die_setup "the fake agent $AGENT_PID did not stop"
}

# agent_gone_within SECONDS: true once the fake agent started last has exited.
agent_gone_within() {
  local tries=$(($1 * 10))
  while ((tries-- > 0)); do
    kill -0 "$AGENT_PID" 2>/dev/null || return 0
    sleep 0.1
  done
  return 1
}

# ---------------------------------------------------------------------------
# A file held open by another program, Windows only (tests/helpers/hold_file.cpp)

# hold_file PATH none|read [SECONDS]: under Wine, hold_file.exe opens PATH with that
# share mode (none: nobody else may open it; read: others may only read it)
# and keeps it open until release_file, the end of the test, or SECONDS
# (default 120). Skips the test elsewhere: POSIX has no mandatory share modes.
hold_file() {
  ((CS_ON_WINDOWS)) ||
    skip_test "POSIX has no mandatory share modes, so no program can keep another from reading or replacing a file (Windows only, run under Wine)"
  local helper="$CS_WINDOWS_HELPERS/hold_file.exe"
  [[ -f "$helper" ]] || skip_test "the hold_file helper is not built ($helper)"
  CS_HOLD="$T/hold"
  rm -rf "$CS_HOLD"
  mkdir -p "$CS_HOLD"
  mkfifo "$CS_HOLD/stdin"
  # Its stdin is a pipe this shell keeps open on fd 7; closing it releases the file.
  (CODEXSYNC_WINE_EXEC=1 "${CS_WINE[@]}" "$helper" "$1" "$2" "${3:-120}" <"$CS_HOLD/stdin" >"$CS_HOLD/stdout" \
    2>"$CS_HOLD/stderr" &
    echo $! >"$CS_HOLD/pid")
  exec 7>"$CS_HOLD/stdin"
  CS_HOLD_PID="$(cat "$CS_HOLD/pid")"
  trap 'cs_rc_hold=$?; set +e; trap - ERR; exec 7>&-; kill "$CS_HOLD_PID" 2>/dev/null; (exit $cs_rc_hold); cs_on_exit' EXIT
  local tries=100
  while ((tries-- > 0)) && ! grep -q '^held' "$CS_HOLD/stdout" && kill -0 "$CS_HOLD_PID" 2>/dev/null; do
    sleep 0.1
  done
  grep -q '^held' "$CS_HOLD/stdout" || cs_die_setup "hold_file.exe did not hold $1: $(cat "$CS_HOLD/stderr")"
}

# release_file: closes the file hold_file holds and waits until it is closed.
release_file() {
  exec 7>&-
  local tries=100
  while ((tries-- > 0)) && kill -0 "$CS_HOLD_PID" 2>/dev/null; do
    sleep 0.1
  done
  ! kill -0 "$CS_HOLD_PID" 2>/dev/null || cs_die_setup "hold_file.exe did not end when its stdin closed"
  grep -q '^released' "$CS_HOLD/stdout" || cs_die_setup "hold_file.exe did not say it released the file"
}

# ---------------------------------------------------------------------------
# Synthetic agent folders (tests/helpers/agent_tree.cpp)
#
# agent_tree writes realistic state folders of Codex, Claude, Gemini and Pi
# from a seed (same arguments, same bytes, modes and mtimes) and changes them
# as the agents do:
#   agent_tree make    --agent codex|claude|gemini|pi --root DIR [--seed N]
#                      [--sessions N] [--big-mb N] [--days N] [--start YYYY-MM-DD]
#   agent_tree append  --file F [--lines N] [--bytes N] [--seed N] [--partial]
#   agent_tree history --agent codex|claude --file F --add N [--seed N] [--machine NAME]
#   agent_tree prune   --agent claude|gemini --root DIR --older-than-days N --now DATE
#   agent_tree list    --agent A --root DIR --kind credentials|append-only|merge-line|machine-specific
# Its exit codes: 0 done, 1 a file could not be read or written, 2 bad arguments.
AGENT_TREE="${CODEXSYNC_HELPERS:-}/agent_tree"

# agent_tree ARGS...: runs the generator (its output on stdout); skips the test
# when it is not built and fails the test when it fails. To check its own
# failures, run "$AGENT_TREE" directly.
agent_tree() {
  [[ -x "$AGENT_TREE" ]] || skip_test "the agent tree generator is not built ($AGENT_TREE)"
  local rc=0
  "$AGENT_TREE" "$@" || rc=$?
  [[ $rc -eq 0 ]] || cs_die_setup "agent_tree $* failed with exit $rc"
}

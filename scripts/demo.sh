#!/usr/bin/env bash
# A guided tour of codexsync in a throw-away sandbox. It never touches your real
# ~/.codex or your real codexsync config: HOME, CODEX_HOME and the XDG folders
# point into the sandbox for every codexsync run.
#
#   ./scripts/demo.sh            build, then run the tour; keep the sandbox
#   ./scripts/demo.sh --clean    remove the sandbox at the end
#   ./scripts/demo.sh --no-build use the existing build/codexsync
#   CODEXSYNC=/path/to/codexsync ./scripts/demo.sh   use that binary (no build)
#
# The sandbox:
#   machine-a/home/.codex   machine A's agent state (a skill, a session, and an
#                           auth.json that must never reach the cloud)
#   machine-a/config.toml   machine A's codexsync config (written by init-config)
#   machine-b/home          machine B, still empty (for the two-machine handoff)
#   cloud/                  the folder a cloud client would keep in sync
#
# Today the tour is: init-config, validate, doctor on machine A. Each step is a
# function; the handoff to machine B will be more of them (see main at the end).
# Exit status: 0 when every step succeeded, else the failing command's exit
# code (see docs/exit-codes.md).
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bin="${CODEXSYNC:-$repo_root/build/codexsync}"
clean=0
build=1
if [[ -n "${CODEXSYNC:-}" ]]; then
  build=0
fi
sandbox=""

usage() { sed -n '2,22s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"; }

for arg in "$@"; do
  case "$arg" in
    --clean) clean=1 ;;
    --no-build) build=0 ;;
    -h | --help)
      usage
      exit 0
      ;;
    *)
      printf 'demo.sh: unknown option %s\n\n' "$arg" >&2
      usage >&2
      exit 4
      ;;
  esac
done

if [[ -t 1 ]]; then
  bold=$'\033[1m' red=$'\033[31m' green=$'\033[32m' reset=$'\033[0m'
else
  bold="" red="" green="" reset=""
fi

heading() { printf '\n%s==> %s%s\n' "$bold" "$1" "$reset"; }
explain() { printf '    %s\n' "$@"; }

exit_code_meaning() {
  case "$1" in
    0) echo "ok" ;;
    1) echo "runtime error (also: a command this build does not have yet)" ;;
    2) echo "conflict left open" ;;
    3) echo "agent running" ;;
    4) echo "invalid config or arguments" ;;
    5) echo "fail-safe abort" ;;
    *) echo "not a codexsync exit code (crash or signal?)" ;;
  esac
}

# Prints where the sandbox is, and removes it when --clean was given.
finish() {
  local rc=$?
  if [[ -n "$sandbox" && -d "$sandbox" ]]; then
    if ((clean)); then
      rm -rf -- "$sandbox"
      printf '\nSandbox %s removed (--clean).\n' "$sandbox"
    else
      printf '\nSandbox kept at: %s\n' "$sandbox"
      printf 'Look around, then remove it with: rm -rf %q\n' "$sandbox"
    fi
  fi
  return "$rc"
}
trap finish EXIT

# Runs codexsync as MACHINE (machine-a, machine-b) with everything pointed into
# the sandbox, from that machine's folder so ./config.toml is the sandbox's.
# Returns codexsync's exit code.
codexsync_as() {
  local machine="$1"
  shift
  local home="$sandbox/$machine/home"
  printf '    $ codexsync %s\n' "$*"
  (
    cd "$sandbox/$machine"
    unset CODEXSYNC_CONFIG
    HOME="$home" \
      CODEX_HOME="$home/.codex" \
      XDG_CONFIG_HOME="$home/.config" \
      XDG_STATE_HOME="$home/.local/state" \
      XDG_DATA_HOME="$home/.local/share" \
      XDG_CACHE_HOME="$home/.cache" \
      "$bin" "$@"
  )
}

# Runs one step: codexsync_as MACHINE ARGS...; on failure reports the exit code
# and its meaning, then exits with it.
step() {
  local rc=0
  codexsync_as "$@" || rc=$?
  if ((rc != 0)); then
    printf '\n%sFAILED:%s codexsync %s\n        exited %d: %s.\n' \
      "$red" "$reset" "${*:2}" "$rc" "$(exit_code_meaning "$rc")" >&2
    printf 'Its own message is above. The demo stops here.\n' >&2
    exit "$rc"
  fi
  printf '    %s-> exit 0%s\n' "$green" "$reset"
}

# --- steps ---------------------------------------------------------------------

build_binary() {
  if ((build)); then
    heading "Building codexsync (scripts/build.sh)"
    "$repo_root/scripts/build.sh"
  fi
  if [[ ! -x "$bin" ]]; then
    printf 'demo.sh: %s does not exist; run ./scripts/build.sh\n' "$bin" >&2
    exit 1
  fi
}

make_sandbox() {
  local tmp="${TMPDIR:-/tmp}"
  sandbox="$(mktemp -d "${tmp%/}/codexsync-demo.XXXXXX")"
  # Some systems reach the temp folder through a symlink (/tmp on macOS): use
  # the real path so the paths codexsync prints match the ones shown here.
  sandbox="$(cd "$sandbox" && pwd -P)"
  heading "Making a sandbox at $sandbox"
  mkdir -p "$sandbox/machine-a/home" "$sandbox/machine-b/home" "$sandbox/cloud"
  explain "machine-a/home  machine A's home folder" \
    "machine-b/home  machine B's home folder (unused until the handoff exists)" \
    "cloud/          stands in for the folder Dropbox, OneDrive, ... keep in sync"
}

seed_machine_a() {
  local codex="$sandbox/machine-a/home/.codex"
  heading "Giving machine A some agent state in machine-a/home/.codex"
  mkdir -p "$codex/skills/hello" "$codex/sessions/2026/11/24"
  cat >"$codex/skills/hello/SKILL.md" <<'MD'
---
name: hello
description: A demo skill created by codexsync's scripts/demo.sh.
---
Say hello.
MD
  cat >"$codex/sessions/2026/11/24/rollout-demo.jsonl" <<'JSONL'
{"type":"demo","note":"a fake session line written by scripts/demo.sh"}
{"type":"demo","note":"codexsync carries sessions between machines"}
JSONL
  cat >"$codex/auth.json" <<'JSON'
{"note": "fake credentials: codexsync must never copy this file to the cloud"}
JSON
  (cd "$codex" && find . -type f | sort | sed 's|^\./|    .codex/|')
}

init_config_a() {
  heading "init-config: writing machine A's config"
  explain "Names the machine, its agent state folder and the cloud folder; the" \
    "rest comes from the commented template."
  step machine-a init-config \
    --output "$sandbox/machine-a/config.toml" \
    --machine-id machine-a \
    --local-state-dir "$sandbox/machine-a/home/.codex" \
    --workspace-root "$sandbox/cloud"
}

validate_a() {
  heading "validate: checking machine A's config"
  explain "Loads and checks every value; problems are reported as FILE:LINE:COL."
  step machine-a -c "$sandbox/machine-a/config.toml" validate
}

doctor_a() {
  heading "doctor: read-only health check on machine A"
  explain "Checks the folders, the config and the agent's state without writing" \
    "anything. Exit 0 means only PASS/WARN; 5 means at least one FAIL."
  step machine-a -c "$sandbox/machine-a/config.toml" doctor
}

# The demo's own promise, checked for real: credentials stay on the machine.
check_no_credentials_in_cloud() {
  heading "Checking that no auth.json reached the cloud folder"
  local found
  found="$(find "$sandbox/cloud" -name auth.json -print)"
  if [[ -n "$found" ]]; then
    printf '%sFAILED:%s credentials found in the cloud folder:\n%s\n' "$red" "$reset" "$found" >&2
    exit 5
  fi
  explain "none found"
}

main() {
  build_binary
  make_sandbox
  seed_machine_a
  init_config_a
  validate_a
  doctor_a
  # Coming with the sync engine: plan_a, sync_a (to the cloud), then
  # init_config_b, sync_b (from the cloud) and a comparison of the two homes.
  check_no_credentials_in_cloud
  heading "Done: every step succeeded"
}

main

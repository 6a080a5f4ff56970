#!/usr/bin/env bash
# A guided tour of codexsync: two simulated machines and a cloud folder in a
# throw-away sandbox, walked through a handoff, a conflict, a restore, chats and a
# cloud folder that is still syncing. It
# never touches your real ~/.codex or your real codexsync config: HOME,
# CODEX_HOME and the XDG folders point into the sandbox for every codexsync run.
#
#   ./scripts/demo.sh            build, then run the tour; keep the sandbox
#   ./scripts/demo.sh --clean    remove the sandbox at the end
#   ./scripts/demo.sh --no-build use the existing build/codexsync
#   CODEXSYNC=/path/to/codexsync ./scripts/demo.sh   use that binary (no build)
#
# The sandbox (under ${TMPDIR:-/tmp}, printed at the end):
#   machine-a/home/.codex   machine A's Codex state: sessions, session index,
#                           skills, a plugin, and what must never leave it
#                           (auth.json, state_5.sqlite, a native binary, logs)
#   machine-b/home/.codex   machine B, a fresh install (own auth.json, config)
#   machine-?/config.toml   each machine's codexsync config (init-config)
#   cloud/                  the folder a cloud client would keep in sync
#
# The tour: handoff A -> B, a conflict on a skill edited on both machines and
# its resolution, a restore from the backup, chats continued on one and on both
# machines, and a cloud folder that has not delivered everything yet, holds a
# cloud client's conflict copy, or is not the one synced with. All the data is
# synthetic.
# Exit status: 0 when every step went as expected, else the exit code of the
# codexsync command that did not (see docs/exit-codes.md), or 1 when one of the
# demo's own checks fails.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bin="${CODEXSYNC:-$repo_root/build/codexsync}"
clean=0
build=1
if [[ -n "${CODEXSYNC:-}" ]]; then
  build=0
fi
sandbox=""

usage() { sed -n '2,28s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"; }

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
  bold=$'\033[1m' red=$'\033[31m' green=$'\033[32m' yellow=$'\033[33m' reset=$'\033[0m'
else
  bold="" red="" green="" yellow="" reset=""
fi

part() { printf '\n%s######## %s%s\n' "$bold" "$1" "$reset"; }
heading() { printf '\n%s==> %s%s\n' "$bold" "$1" "$reset"; }
explain() { printf '    %s\n' "$@"; }
# ok LINE [MORE_LINES...]: a check of the demo's own passed.
ok() {
  printf '    %sOK:%s %s\n' "$green" "$reset" "$1"
  shift
  if (($#)); then
    printf '        %s\n' "$@"
  fi
}

# A check of the demo's own failed: say what, and stop with exit 1.
check_failed() {
  printf '\n%sCHECK FAILED:%s %s\nThe demo stops here.\n' "$red" "$reset" "$*" >&2
  exit 1
}

exit_code_meaning() {
  case "$1" in
    0) echo "ok" ;;
    1) echo "runtime error (also: a command this build does not have yet)" ;;
    2) echo "conflict left open; nothing was written" ;;
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
# the sandbox, from that machine's folder, with -c that machine's config (except
# for init-config, which is given its --output). Its messages (stderr) are shown
# with its output. Returns codexsync's exit code.
codexsync_as() {
  local machine="$1"
  shift
  local home="$sandbox/$machine/home"
  local config_args=(-c "$sandbox/$machine/config.toml")
  if [[ "$1" == init-config ]]; then
    config_args=()
  fi
  show_command "$machine" codexsync "$@"
  (
    cd "$sandbox/$machine"
    unset CODEXSYNC_CONFIG
    HOME="$home" \
      CODEX_HOME="$home/.codex" \
      XDG_CONFIG_HOME="$home/.config" \
      XDG_STATE_HOME="$home/.local/state" \
      XDG_DATA_HOME="$home/.local/share" \
      XDG_CACHE_HOME="$home/.cache" \
      "$bin" "${config_args[@]}" "$@" 2>&1 </dev/null
  ) | indent_output
  return "${PIPESTATUS[0]}"
}

# Indents a command's output, writing the sandbox's path as $SANDBOX.
indent_output() {
  local escaped
  escaped="$(printf '%s' "$sandbox" | sed 's/[][\\/.*^$|]/\\&/g')"
  sed -e "s|$escaped|\$SANDBOX|g" -e 's/^/      /'
}

# expect CODE MACHINE ARGS...: runs codexsync_as MACHINE ARGS... and requires
# exit CODE. Any other exit code stops the demo with that code (1 when the
# command succeeded where it should have failed).
expect() {
  local want="$1" rc=0
  shift
  codexsync_as "$@" || rc=$?
  if ((rc == want)); then
    if ((rc == 0)); then
      printf '    %s-> exit 0%s\n' "$green" "$reset"
    else
      printf '    %s-> exit %d, as expected: %s%s\n' "$yellow" "$rc" "$(exit_code_meaning "$rc")" "$reset"
    fi
    return 0
  fi
  printf '\n%sFAILED:%s the codexsync command above (on %s)\n' "$red" "$reset" "$1" >&2
  printf '        exited %d: %s\n        expected %d: %s\n' \
    "$rc" "$(exit_code_meaning "$rc")" "$want" "$(exit_code_meaning "$want")" >&2
  printf 'Its output is above. The demo stops here.\n' >&2
  if ((rc == 0)); then
    exit 1
  fi
  exit "$rc"
}

# step MACHINE ARGS...: a codexsync run that must succeed.
step() { expect 0 "$@"; }

# show_command PROMPT ARGS...: the command as one line a shell would read back,
# after PROMPT (the machine it runs as), with the sandbox's path as $SANDBOX.
show_command() {
  local prompt="$1" arg line=""
  shift
  for arg in "$@"; do
    arg="${arg//"$sandbox"/\$SANDBOX}"
    if [[ ! "$arg" =~ ^[][A-Za-z0-9_./:=@%+,\$-]+$ ]]; then
      arg="'${arg//\'/\'\\\'\'}'"
    fi
    line+="${line:+ }$arg"
  done
  printf '    %s%s$ %s%s\n' "$bold" "$prompt" "$line" "$reset"
}

# Shows a shell command the demo runs itself (not codexsync), then runs it.
shell() {
  show_command "" "$@"
  "$@" 2>&1 | indent_output || check_failed "$* exited ${PIPESTATUS[0]}"
}

# The files under DIR, one per line, relative and sorted.
list_files() { (cd "$1" && find . -type f | LC_ALL=C sort | sed 's|^\./||'); }

# The UTC time N minutes ago as YYYY-MM-DDTHH:MM:SSZ, which both GNU and BSD
# `touch -d` accept.
minutes_ago() {
  date -u -d "-$1 minutes" +%Y-%m-%dT%H:%M:%SZ 2>/dev/null || date -u -v-"$1"M +%Y-%m-%dT%H:%M:%SZ
}

# The rule line of the demo skill that the conflict is about.
rule_of() { grep -m1 '^- Subject line' "$1"; }

# --- sample data -----------------------------------------------------------------

# write_session CODEX DAY HHMMSS UUID CWD PROMPT ANSWER: a Codex rollout file
# sessions/2026/11/DAY/rollout-2026-11-DDTHH-MM-SS-UUID.jsonl with a few lines.
write_session() {
  local codex="$1" day="$2" t="$3" id="$4" cwd="$5" prompt="$6" answer="$7"
  local hh="${t:0:2}" mm="${t:2:2}" ss="${t:4:2}"
  local ts="2026-11-${day}T${hh}:${mm}:${ss}"
  local dir="$codex/sessions/2026/11/$day"
  mkdir -p "$dir"
  cat >"$dir/rollout-2026-11-${day}T${hh}-${mm}-${ss}-${id}.jsonl" <<JSONL
{"timestamp":"${ts}.104Z","type":"session_meta","payload":{"id":"${id}","timestamp":"${ts}.104Z","cwd":"${cwd}","originator":"codex_cli_rs","cli_version":"0.63.0","source":"cli","model_provider":"openai"}}
{"timestamp":"${ts}.380Z","type":"turn_context","payload":{"cwd":"${cwd}","approval_policy":"on-request","sandbox_policy":{"type":"workspace-write"},"model":"gpt-5-codex"}}
{"timestamp":"${ts}.391Z","type":"response_item","payload":{"type":"message","role":"user","content":[{"type":"input_text","text":"${prompt}"}]}}
{"timestamp":"${ts}.392Z","type":"event_msg","payload":{"type":"user_message","message":"${prompt}"}}
{"timestamp":"${ts}.977Z","type":"response_item","payload":{"type":"message","role":"assistant","content":[{"type":"output_text","text":"${answer}"}]}}
JSONL
  printf '{"id":"%s","thread_name":"%s","updated_at":"%s.977Z"}\n' "$id" "$prompt" "$ts" >>"$codex/session_index.jsonl"
}

# write_skill CODEX NAME DESCRIPTION BODY...
write_skill() {
  local codex="$1" name="$2" description="$3"
  shift 3
  mkdir -p "$codex/skills/$name"
  {
    printf -- '---\nname: %s\ndescription: %s\n---\n\n' "$name" "$description"
    printf '%s\n' "$@"
  } >"$codex/skills/$name/SKILL.md"
}

# --- steps -----------------------------------------------------------------------

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
  heading "Making a sandbox (called \$SANDBOX below)"
  mkdir -p "$sandbox/machine-a/home/.codex" "$sandbox/machine-b/home/.codex" "$sandbox/cloud"
  explain "\$SANDBOX = $sandbox" \
    "machine-a/home/.codex  machine A's Codex state folder (its ~/.codex)" \
    "machine-b/home/.codex  machine B's, a fresh install" \
    "cloud/                 stands in for the folder Dropbox, OneDrive, ... keep in sync"
  explain "A command shown after machine-a\$ runs as machine A: HOME and CODEX_HOME" \
    "point into machine-a/home, and codexsync gets -c machine-a/config.toml."
}

seed_machine_a() {
  local codex="$sandbox/machine-a/home/.codex"
  heading "Machine A: a Codex state folder after a few days of work (synthetic)"
  write_session "$codex" 22 091403 019ab0f2-4c1e-7a93-b5d8-2e6f0c9a7d31 /home/dev/shop-api \
    "Add pagination to GET /orders" "Added limit/offset parameters and a test for page 2."
  write_session "$codex" 23 143055 019ab6a8-91d0-7f24-8c3b-5a1e9d2f6b07 /home/dev/shop-api \
    "Why does the orders migration fail on Postgres 16?" "The index name exceeds 63 characters; I shortened it."
  write_session "$codex" 24 081712 019abb37-0e5f-7c68-a4e2-9d7b3c1f5e82 /home/dev/shop-web \
    "Write release notes for 2.4.0" "Drafted CHANGELOG.md entries for 2.4.0 from the merged PRs."
  write_skill "$codex" commit-message "Write commit messages the way this team likes them." \
    "# Commit messages" "" "- Subject line: imperative mood, at most 72 characters." \
    "- Body: what changed and why, wrapped at 72 columns." "- Reference the ticket as \`Refs: SHOP-123\`."
  write_skill "$codex" release-notes "Draft release notes from merged pull requests." \
    "# Release notes" "" "Group entries under Added, Changed, Fixed. One line each, user's point of view."
  write_skill "$codex" sql-review "Review SQL migrations for Postgres." \
    "# SQL review" "" "Check index names (max 63 bytes), locks taken by ALTER TABLE, and a down migration."
  # Codex's own bundled skills: excluded by the template (skills/.system/**).
  write_skill "$codex" .system/skill-creator "Bundled with Codex (demo copy)." "# Skill creator"
  mkdir -p "$codex/plugins/pg-tools/bin" "$codex/plugins/.plugin-appserver"
  printf '{"name":"pg-tools","version":"0.3.1","description":"Postgres helpers (demo)"}\n' \
    >"$codex/plugins/pg-tools/plugin.json"
  printf '# pg-tools\nHelpers for Postgres work (demo plugin).\n' >"$codex/plugins/pg-tools/README.md"
  # A native program: the first bytes of a 64-bit Linux ELF executable.
  printf '\177ELF\002\001\001\000\000\000\000\000\000\000\000\000\002\000\076\000\001\000\000\000' \
    >"$codex/plugins/pg-tools/bin/pg-helper"
  chmod +x "$codex/plugins/pg-tools/bin/pg-helper"
  # The plugin's own secrets and local index: refused by name wherever they are.
  printf 'PGPASSWORD=DEMO-FAKE-TOKEN-pg-tools-77a2\n' >"$codex/plugins/pg-tools/.env"
  printf 'SQLite format 3\000demo index of pg-tools\n' >"$codex/plugins/pg-tools/index.db"
  printf '{"pid":0}\n' >"$codex/plugins/.plugin-appserver/state.json"
  # What must never leave the machine.
  printf '{"OPENAI_API_KEY":null,"tokens":{"access_token":"DEMO-FAKE-TOKEN-machine-a-8d1f"}}\n' >"$codex/auth.json"
  printf 'SQLite format 3\000demo database of machine A\n' >"$codex/state_5.sqlite"
  printf 'demo write-ahead log of machine A\n' >"$codex/state_5.sqlite-wal"
  mkdir -p "$codex/log"
  printf '2026-11-24T08:17:12Z INFO codex_tui: session started (demo log line)\n' >"$codex/log/codex-tui.log"
  printf 'model = "gpt-5-codex"\n' >"$codex/config.toml"
  explain "Sessions, the session index, three skills and a plugin, which codexsync" \
    "carries; plus what it must not: credentials (auth.json, the plugin's .env)," \
    "SQLite files, a native helper program, logs, Codex's bundled skills" \
    "(skills/.system) and the plugin server's runtime state:"
  list_files "$codex" | sed 's|^|      .codex/|'
}

seed_machine_b() {
  local codex="$sandbox/machine-b/home/.codex"
  heading "Machine B: a fresh Codex install"
  printf '{"OPENAI_API_KEY":null,"tokens":{"access_token":"DEMO-FAKE-TOKEN-machine-b-41c7"}}\n' >"$codex/auth.json"
  printf 'model = "gpt-5-codex"\n' >"$codex/config.toml"
  explain "Only its own login and Codex config; no sessions or skills yet:"
  list_files "$codex" | sed 's|^|      .codex/|'
}

init_configs() {
  heading "init-config: one codexsync config per machine"
  explain "Each names its machine, its state folder and the cloud folder; the rest" \
    "comes from the commented template (conflict.policy = \"manual_abort\")."
  local m
  for m in machine-a machine-b; do
    step "$m" init-config \
      --output "$sandbox/$m/config.toml" \
      --machine-id "$m" \
      --local-state-dir "$sandbox/$m/home/.codex" \
      --workspace-root "$sandbox/cloud"
    # The simulated machines have no Codex of their own: a Codex you may have
    # open on this computer must not stop the demo, so the "agent" is a name
    # nothing runs, and one look replaces the 2-second window.
    sed -i.bak -e 's/^process_names = .*/process_names = ["codexsync-demo-agent"]/' \
      -e 's/^grace_period_seconds = .*/grace_period_seconds = 0/' "$sandbox/$m/config.toml"
    grep -q '^process_names = \["codexsync-demo-agent"\]' "$sandbox/$m/config.toml" ||
      check_failed "could not set process_names in $sandbox/$m/config.toml"
  done
  explain "(For the demo, each config watches for a process named" \
    "\"codexsync-demo-agent\" instead of Codex, so a Codex open on this computer" \
    "does not stop it.)"
}

doctor_a() {
  heading "doctor: read-only health check on machine A"
  explain "Checks the config, the folders, the agent's processes, the lock and free" \
    "space; its only write is a clock probe file in the cloud folder, removed at" \
    "once. WARN: the cloud folders do not exist yet (the first sync creates them)."
  step machine-a doctor
}

plan_a() {
  heading "plan on machine A: what a first sync would do"
  explain "No baseline yet, so everything new on A goes to the cloud. Inside the" \
    "synced folders, credentials and SQLite files are refused by name and native" \
    "programs by their header (\"Never synced\"); skills/.system/ and" \
    "plugins/.plugin-appserver/ are excluded by the template's globs (silently);" \
    "auth.json, state_5.sqlite*, log/ and config.toml at the top are outside" \
    "targets.include_roots, so they are not even looked at."
  step machine-a plan
}

sync_a() {
  heading "sync --apply on machine A: copy it to the cloud folder"
  explain "The same plan, carried out. The warning on the first line is the same" \
    "honest one doctor gave."
  step machine-a sync --apply
}

# The demo's own promise, checked for real: nothing that must stay on a machine
# is anywhere in the cloud folder (mirror, backups, state, logs).
check_cloud_clean() {
  heading "Checking the cloud folder for anything that must never leave a machine"
  local cloud="$sandbox/cloud" f magic found=() n=0
  while IFS= read -r f; do
    n=$((n + 1))
    magic="$(head -c 16 "$cloud/$f" | tr -d '\000')"
    case "$f" in
      auth.json | */auth.json | .env | */.env) found+=("$f (a credential file name)") ;;
      *.sqlite | *.sqlite-wal | *.sqlite-shm | *.db) found+=("$f (an SQLite file name)") ;;
      *codex-tui.log) found+=("$f (Codex's own log)") ;;
      */.system/* | */.plugin-appserver/*) found+=("$f (excluded by a glob)") ;;
    esac
    if [[ "$magic" == $'\177ELF'* ]]; then
      found+=("$f (a native program: ELF header)")
    elif [[ "$magic" == "SQLite format 3"* ]]; then
      found+=("$f (an SQLite database: header)")
    elif grep -q 'DEMO-FAKE-TOKEN' "$cloud/$f"; then
      found+=("$f (contains a machine's fake access token)")
    fi
  done < <(list_files "$cloud")
  if ((${#found[@]})); then
    check_failed "found in the cloud folder:$(printf '\n  %s' "${found[@]}")"
  fi
  ok "$n files under cloud/ checked by name and content: no auth.json, .env or" \
    "fake token, no SQLite file, no ELF program, no codex-tui.log, nothing from" \
    "skills/.system or plugins/.plugin-appserver."
  explain "What the cloud folder holds now (codexsync's logs, baseline and journal" \
    "live beside the mirror in sync/):"
  list_files "$cloud" | sed 's|^|      cloud/|'
}

plan_b() {
  heading "plan on machine B: what its first sync would do"
  explain "B has no baseline either: everything in the cloud is new to it, so it" \
    "would all be copied here. B's auth.json and config.toml are not synced."
  step machine-b plan
}

sync_b() {
  heading "sync --apply on machine B: the handoff"
  step machine-b sync --apply
}

compare_a_b() {
  heading "Checking machine B: it now has A's sessions, skills and plugin"
  local a="$sandbox/machine-a/home/.codex" b="$sandbox/machine-b/home/.codex" f n=0
  while IFS= read -r f; do
    case "$f" in
      auth.json | config.toml) continue ;;
    esac
    [[ -f "$a/$f" ]] || check_failed "machine B has $f, which machine A does not"
    cmp -s "$a/$f" "$b/$f" || check_failed "machine B's $f differs from machine A's"
    n=$((n + 1))
  done < <(list_files "$b")
  grep -q DEMO-FAKE-TOKEN-machine-b "$b/auth.json" || check_failed "machine B's auth.json was changed"
  for f in state_5.sqlite state_5.sqlite-wal log plugins/pg-tools/bin plugins/pg-tools/.env \
    plugins/pg-tools/index.db plugins/.plugin-appserver skills/.system; do
    [[ ! -e "$b/$f" ]] || check_failed "machine B has $f"
  done
  ok "$n files on B, each identical to A's; B's auth.json is still B's own;" \
    "no credential, SQLite file, log, native program or excluded folder came over:"
  list_files "$b" | sed 's|^|      .codex/|'
}

edit_skill_on_both() {
  local a="$sandbox/machine-a/home/.codex/skills/commit-message/SKILL.md"
  local b="$sandbox/machine-b/home/.codex/skills/commit-message/SKILL.md"
  local ta tb
  ta="$(minutes_ago 20)"
  tb="$(minutes_ago 5)"
  heading "Editing skills/commit-message/SKILL.md differently on both machines"
  explain "While offline, someone shortens the subject rule on A (20 minutes ago)," \
    "and someone else changes it on B (5 minutes ago):"
  sed -i.bak 's/^- Subject line: .*/- Subject line: imperative mood, at most 50 characters, no period./' "$a"
  sed -i.bak 's/^- Subject line: .*/- Subject line: start with the ticket, e.g. "SHOP-123: Add ..."./' "$b"
  rm -f "$a.bak" "$b.bak"
  shell touch -d "$ta" "$a"
  shell touch -d "$tb" "$b"
  explain "A: $(rule_of "$a")" "B: $(rule_of "$b")"
}

sync_a_again() {
  heading "sync --apply on machine A: A's edit reaches the cloud first"
  explain "Only A changed the file since its last sync, so this is a plain update;" \
    "the cloud's previous version is backed up before it is overwritten."
  step machine-a sync --apply
}

sync_b_conflict() {
  local b="$sandbox/machine-b/home/.codex/skills/commit-message/SKILL.md"
  local c="$sandbox/cloud/sync/skills/commit-message/SKILL.md"
  heading "sync --apply on machine B: a conflict, and codexsync stops"
  explain "Now the file changed on B *and* in the cloud since B's last sync." \
    "conflict.policy = \"manual_abort\" does not pick a side, so codexsync lists" \
    "the conflict and exits 2 without writing anything. That is the expected outcome."
  expect 2 machine-b sync --apply
  [[ "$(rule_of "$b")" == *SHOP-123* ]] || check_failed "machine B's copy changed"
  [[ "$(rule_of "$c")" == *"50 characters"* ]] || check_failed "the cloud copy changed"
  ok "nothing was written: B still has B's version, the cloud still has A's."
}

resolve_b() {
  local config="$sandbox/machine-b/config.toml"
  local c="$sandbox/cloud/sync/skills/commit-message/SKILL.md"
  heading "Resolving it: machine B syncs once with conflict.policy = \"prefer_newer_mtime\""
  explain "The person decides B's edit (the newer one) wins, and sets the policy in" \
    "B's config for this one run (prefer_local would do the same here):"
  shell sed -i.bak 's/^policy = "manual_abort"/policy = "prefer_newer_mtime"/' "$config"
  rm -f "$config.bak"
  grep -q '^policy = "prefer_newer_mtime"' "$config" || check_failed "could not set conflict.policy in $config"
  step machine-b sync --apply
  printf '\n'
  explain "Back to the safe default for every later run:"
  shell sed -i.bak 's/^policy = "prefer_newer_mtime"/policy = "manual_abort"/' "$config"
  rm -f "$config.bak"
  grep -q '^policy = "manual_abort"' "$config" || check_failed "could not reset conflict.policy in $config"
  [[ "$(rule_of "$c")" == *SHOP-123* ]] || check_failed "the cloud does not have B's version"
  ok "the cloud now has B's version: $(rule_of "$c")"
}

backups_list() {
  heading "backups list: the losing version was backed up"
  explain "Every overwrite took a verified snapshot first: machine A's holds the" \
    "original skill its edit replaced in the cloud, machine B's holds A's version" \
    "that B's run replaced (backups live in the cloud folder, beside the mirror):"
  step machine-b backups list
  local f
  f="$(cd "$sandbox/cloud/backups" && find . -path './machine-b-*/skills/commit-message/SKILL.md' |
    sed 's|^\./||')"
  [[ -n "$f" && "$f" != *$'\n'* ]] ||
    check_failed "expected one backup of skills/commit-message/SKILL.md by machine B in cloud/backups, found: ${f:-none}"
  [[ "$(rule_of "$sandbox/cloud/backups/$f")" == *"50 characters"* ]] ||
    check_failed "cloud/backups/$f is not A's version"
  ok "cloud/backups/$f" "    $(rule_of "$sandbox/cloud/backups/$f")"
}

restore_dry_run() {
  heading "restore --target cloud: put A's version back (dry run first)"
  explain "Say the team prefers A's rule after all. restore picks B's newest complete" \
    "snapshot (--from NAME picks another) and shows what it would put back:"
  step machine-b restore --target cloud
  [[ "$(rule_of "$sandbox/cloud/sync/skills/commit-message/SKILL.md")" == *SHOP-123* ]] ||
    check_failed "the dry run changed the cloud copy"
}

restore_apply() {
  local c="$sandbox/cloud/sync/skills/commit-message/SKILL.md"
  heading "restore --target cloud --apply"
  explain "It backs up what it replaces (B's version), then puts the snapshot's back:"
  step machine-b restore --target cloud --apply
  [[ "$(rule_of "$c")" == *"50 characters"* ]] || check_failed "the cloud copy is not A's version"
  ok "the cloud has A's version again: $(rule_of "$c")"
}

plan_b_after_restore() {
  heading "plan on machine B: the restored version comes down at its next sync"
  explain "The restore changed the cloud copy, so B's next sync would replace B's" \
    "local copy with it (backing B's up first). Machine A already has this version."
  step machine-b plan
  cmp -s "$sandbox/machine-a/home/.codex/skills/commit-message/SKILL.md" \
    "$sandbox/cloud/sync/skills/commit-message/SKILL.md" ||
    check_failed "machine A's copy differs from the restored cloud copy"
  ok "machine A's copy is identical to the restored cloud copy."
}

recover_list() {
  heading "recover list: no run was left half-done"
  explain "Every write run keeps a journal so a killed run can be resumed or rolled" \
    "back (recover resume / recover rollback). Here every run finished:"
  step machine-a recover list
  step machine-b recover list
}

# first_session CODEX: the relative path of the first session file.
first_session() { (cd "$1" && find sessions -name '*.jsonl' | LC_ALL=C sort | head -1); }

# add_turn FILE TEXT: appends one more assistant line to a chat, as an agent does.
add_turn() {
  printf '{"timestamp":"%s","type":"response_item","payload":{"type":"message","role":"assistant","content":[{"type":"output_text","text":"%s"}]}}\n' \
    "$(date -u +%Y-%m-%dT%H:%M:%S.000Z)" "$2" >>"$1"
}

chat_continued_on_b() {
  local a="$sandbox/machine-a/home/.codex" b="$sandbox/machine-b/home/.codex" chat
  chat="$(first_session "$b")"
  heading "A chat continued on machine B reaches A as a fast-forward"
  explain "Chats are append-only: a copy that is the other plus more lines is a" \
    "fast-forward, whatever the file times say. Only the new tail is copied," \
    "and no backup is needed. B continues $chat:"
  add_turn "$b/$chat" "Continued on machine B."
  step machine-b sync --apply
  step machine-a plan
  step machine-a sync --apply
  cmp -s "$a/$chat" "$b/$chat" || check_failed "machine A's copy of $chat differs from B's"
  ok "A's copy of the chat is B's, byte for byte."
}

chat_continued_on_both() {
  local a="$sandbox/machine-a/home/.codex" b="$sandbox/machine-b/home/.codex" chat config id
  config="$sandbox/machine-b/config.toml"
  chat="$(first_session "$b")"
  heading "The same chat continued on both machines: the losing copy is kept"
  explain "Now A and B each add a different turn. A syncs first; for B neither copy" \
    "starts with the other: a real divergence, which stops the run (exit 2):"
  add_turn "$a/$chat" "Continued on machine A."
  add_turn "$b/$chat" "Continued on machine B, differently."
  cp "$b/$chat" "$sandbox/b-version.jsonl"
  step machine-a sync --apply
  expect 2 machine-b sync --apply
  explain "With conflict.policy = \"prefer_cloud\" for one run, A's copy wins on B and" \
    "B's copy goes whole into the conflict store in the cloud folder:"
  shell sed -i.bak 's/^policy = "manual_abort"/policy = "prefer_cloud"/' "$config"
  rm -f "$config.bak"
  step machine-b sync --apply
  shell sed -i.bak 's/^policy = "prefer_cloud"/policy = "manual_abort"/' "$config"
  rm -f "$config.bak"
  step machine-b conflicts list
  id="$(grep -l "\"$chat\"" "$sandbox"/cloud/conflicts/machine-b/*/entry.json | head -1 | xargs -r dirname | xargs -r basename)"
  [[ -n "$id" ]] || check_failed "no entry in the conflict store"
  step machine-b conflicts restore "$id" --to "$sandbox/kept"
  cmp -s "$sandbox/b-version.jsonl" "$sandbox/kept/$chat" || check_failed "the kept copy is not B's version"
  ok "B's version of the chat came back from the store byte for byte."
}

cloud_still_syncing() {
  local a="$sandbox/machine-a/home/.codex" b="$sandbox/machine-b/home/.codex" f="skills/deploy-notes/SKILL.md"
  local mirror="$sandbox/cloud/sync"
  heading "B runs before the cloud client has delivered everything A uploaded"
  explain "After each run, a machine publishes what it wrote to the cloud folder" \
    "(cloud/state/delivery/<machine>.json, sizes and SHA-256). A adds a skill and" \
    "syncs; the demo then hides the new file, as a cloud client still downloading" \
    "it would. B sees A's record, finds the file missing, writes nothing and" \
    "stops with exit 5 (\"retry later\"):"
  mkdir -p "$a/skills/deploy-notes"
  printf '# Deploy notes\nAlways tag the release first.\n' >"$a/$f"
  step machine-a sync --apply
  shell mv "$mirror/$f" "$sandbox/in-transit.md"
  expect 5 machine-b sync --apply
  [[ ! -e "$b/$f" ]] || check_failed "machine B took $f before it was delivered"
  explain "The cloud client finishes; B's next run completes:"
  shell mv "$sandbox/in-transit.md" "$mirror/$f"
  step machine-b sync --apply
  cmp -s "$a/$f" "$b/$f" || check_failed "machine B's $f differs from machine A's"
  ok "B took the skill only once it had arrived whole."
}

cloud_client_files() {
  local b="$sandbox/machine-b/home/.codex" copy="skills/deploy-notes/SKILL.sync-conflict-20261124-101500-ABCDEF7.md"
  local marker="$sandbox/cloud/.codexsync-workspace"
  heading "Files the cloud client makes are never imported"
  explain "A Syncthing conflict copy appears in the cloud folder. The plan lists it with" \
    "the file it stands for; sync never copies it into an agent's folder;" \
    "\`artefacts clean\` moves it into the backups:"
  printf 'a conflict copy\n' >"$sandbox/cloud/sync/$copy"
  step machine-b plan
  step machine-b artefacts clean
  [[ ! -e "$b/$copy" && ! -e "$sandbox/cloud/sync/$copy" ]] || check_failed "the conflict copy is still there"
  heading "A cloud folder that is not the one B synced with"
  explain "The first sync wrote cloud/.codexsync-workspace and each machine remembers its" \
    "id. Without it (an unmounted drive, an emptied folder) every sync stops (exit 5):"
  shell mv "$marker" "$sandbox/marker.saved"
  expect 5 machine-b sync --apply
  shell mv "$sandbox/marker.saved" "$marker"
  step machine-b sync --apply
  ok "The conflict copy went to the backups, never to a machine; the missing" \
    "marker stopped the run before it planned anything."
}

main() {
  build_binary
  make_sandbox
  seed_machine_a
  seed_machine_b
  init_configs
  doctor_a

  part "1. Handoff: machine A -> cloud -> machine B"
  plan_a
  sync_a
  check_cloud_clean
  plan_b
  sync_b
  compare_a_b

  part "2. Conflict: the same skill edited on both machines"
  edit_skill_on_both
  sync_a_again
  sync_b_conflict
  resolve_b
  backups_list

  part "3. Restore: the cloud copy back from a backup"
  restore_dry_run
  restore_apply
  plan_b_after_restore
  recover_list

  part "4. Chats: continued on one machine, then on both"
  chat_continued_on_b
  chat_continued_on_both

  part "5. The cloud folder: still syncing, its own files, the wrong folder"
  cloud_still_syncing
  cloud_client_files

  heading "Done: every step went as expected"
}

main

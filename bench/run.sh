#!/usr/bin/env bash
# Benchmarks codexsync against rsync, Unison and cp on reproducible synthetic
# agent state, and prints a markdown table per scenario (docs/performance.md
# says what each workload, scenario and peer is and how to read the tables).
#
#   bench/run.sh [--quick] [--workload W1|W2|W1,W2] [--size 500M] [--files N]
#                [--scenarios S1,S2,S2r,S3,S4,S5] [--runs N] [--seed N]
#                [--cache warm|cold] [--growth] [--strace] [--no-gate]
#                [--no-build | --build-dir DIR] [--keep]
#
# Default: W1 (500M) with S1-S5 and W2 (100,000 files) with S2, 5 runs each,
# warm caches, then the process gate with 500 processes. --quick: W1 50M,
# W2 10,000 files, 3 runs. --growth: S1, S2 and S2r (S2 with every delivery
# record read) of codexsync alone on W2 with 10k, 30k and 100k files (slow:
# S1 fsyncs every file). --strace: one more
# run of each tool per scenario under `strace -f -c -w`, for where time goes.
# --no-build uses build/ as it is; --build-dir DIR the tools built in DIR.
#
# Everything happens below ${BENCH_DIR:-/tmp/codexsync-bench}: generated trees
# (gen/, kept for the next run), the scenario sandboxes (work/, removed at the
# end unless --keep), and results/ (emptied first): one JSON line per measured
# command in results/<workload>-<scenario>.jsonl, each command's output in
# results/logs/, and the tables in results/summary.md. HOME, XDG_* and UNISON
# point into the sandbox, so no real ~/.codex, config or ~/.unison is touched.
#
# Exit status: 0 every command ran and every tree was right afterwards (a
# missed target is reported, not an error); 1 a command failed or a sync left
# the trees different (a benchmark of a broken sync is worthless); 2 bad
# arguments or a missing tool that could not be installed.
set -euo pipefail
# shellcheck disable=SC2016 # the `sh -c` scripts take their paths as $1 and $2

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD="$repo_root/build"
BENCH_DIR="${BENCH_DIR:-/tmp/codexsync-bench}"
BENCH_DIR="${BENCH_DIR%/}"

# The agent name no process on this machine has: codexsync matches a 15-byte
# Linux comm against the start of a longer configured name, so the name must
# not start with the first 15 bytes of any running program's name (it would
# match "codexsync-bench" = codexsync-benchmeasure, for example).
AGENT_NAME="no-agent-codexsync-bench"

say() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() {
  printf 'bench: %s\n' "$*" >&2
  exit 2
}

# --- options -------------------------------------------------------------------

usage() { sed -n '2,30p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }

opt_workloads="" opt_size="" opt_files="" opt_scenarios="" opt_runs="" opt_seed=1 opt_cache=warm
quick=0 growth=0 do_strace=0 do_build=1 do_gate=1 keep=0
while (($#)); do
  case "$1" in
    --workload | --workloads) opt_workloads="${2:?--workload needs W1, W2 or W1,W2}"; shift ;;
    --size) opt_size="${2:?--size needs a value such as 500M}"; shift ;;
    --files) opt_files="${2:?--files needs a number}"; shift ;;
    --scenarios) opt_scenarios="${2:?--scenarios needs a list such as S1,S2}"; shift ;;
    --runs) opt_runs="${2:?--runs needs a number}"; shift ;;
    --seed) opt_seed="${2:?--seed needs a number}"; shift ;;
    --cache) opt_cache="${2:?--cache needs warm or cold}"; shift ;;
    --quick) quick=1 ;;
    --growth) growth=1 ;;
    --strace) do_strace=1 ;;
    --no-build) do_build=0 ;;
    --build-dir) BUILD="$(cd "${2:?--build-dir needs a folder}" && pwd)"; do_build=0; shift ;;
    --no-gate) do_gate=0 ;;
    --keep) keep=1 ;;
    -h | --help) usage; exit 0 ;;
    *) die "unknown option $1 (see --help)" ;;
  esac
  shift
done

if ((quick)); then
  size="${opt_size:-50M}" files="${opt_files:-10000}" runs="${opt_runs:-3}"
else
  size="${opt_size:-500M}" files="${opt_files:-100000}" runs="${opt_runs:-5}"
fi
seed="$opt_seed"
cache="$opt_cache"
[[ "$runs" =~ ^[1-9][0-9]*$ ]] || die "--runs $runs is not a positive number"
[[ "$seed" =~ ^[0-9]+$ ]] || die "--seed $seed is not a number"
[[ "$files" =~ ^[1-9][0-9]*$ ]] || die "--files $files is not a positive number"
[[ "$cache" == warm || "$cache" == cold ]] || die "--cache $cache is not warm or cold"
if [[ -n "$opt_workloads" ]]; then
  IFS=, read -r -a workloads <<<"$opt_workloads"
elif ((growth)); then
  workloads=()
else
  workloads=(W1 W2)
fi
for wl in "${workloads[@]}"; do
  [[ "$wl" == W1 || "$wl" == W2 ]] || die "--workload $wl is not W1 or W2"
done
if [[ -n "$opt_scenarios" ]]; then
  IFS=, read -r -a wanted <<<"$opt_scenarios"
  for s in "${wanted[@]}"; do
    [[ "$s" =~ ^(S[1-5]|S2r)$ ]] || die "--scenarios: $s is not one of S1..S5, S2r"
  done
fi

# scenarios_for W: the scenarios to run on workload W.
scenarios_for() {
  if [[ -n "$opt_scenarios" ]]; then
    printf '%s\n' "${wanted[@]}"
  elif [[ "$1" == W1 ]]; then
    printf '%s\n' S1 S2 S3 S4 S5
  else
    printf '%s\n' S2
  fi
}

# --- tools -----------------------------------------------------------------------

sudo_cmd=()
# need_packages CMD=PACKAGE...: installs the packages whose command is missing
# (apt-get as root or through `sudo -n`), else says what to run and exits 2.
need_packages() {
  local missing=() pair
  for pair in "$@"; do
    command -v "${pair%%=*}" >/dev/null 2>&1 || missing+=("${pair#*=}")
  done
  ((${#missing[@]})) || return 0
  say "missing: ${missing[*]}"
  if ! command -v apt-get >/dev/null 2>&1; then
    die "install ${missing[*]} with your package manager, then run this again"
  fi
  if ((EUID != 0)); then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
      sudo_cmd=(sudo -n)
    else
      die "not root and sudo needs a password; run: sudo apt-get install -y ${missing[*]}   then run this again"
    fi
  fi
  "${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}" \
    </dev/null ||
    { "${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update </dev/null &&
      "${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        "${missing[@]}" </dev/null; } ||
    die "apt-get install ${missing[*]} failed; see its messages above"
}

need_packages rsync=rsync unison=unison
if ((do_strace)); then
  need_packages strace=strace
fi

CS="$BUILD/codexsync"
GEN="$BUILD/codexsync-benchgen"
MEASURE="$BUILD/codexsync-benchmeasure"
GATE="$BUILD/codexsync-benchgate"
NOFSYNC="$BUILD/libcodexsync-bench-nofsync.so"

if ((do_build)); then
  say "building codexsync (scripts/build.sh) and the bench tools into $BUILD"
  "$repo_root/scripts/build.sh" >&2
  cmake --build "$BUILD" -j "${JOBS:-2}" --target bench-tools >&2
fi
for f in "$CS" "$GEN" "$MEASURE" "$GATE" "$NOFSYNC"; do
  [[ -e "$f" ]] || die "$f is missing; build it: cmake --build build --target bench-tools (or run without --no-build)"
done

cold_ok=0
if [[ "$cache" == cold ]]; then
  if sync && { echo 3 >/proc/sys/vm/drop_caches; } 2>/dev/null; then
    cold_ok=1
  else
    die "--cache cold needs to write /proc/sys/vm/drop_caches (root, outside a read-only /proc); it cannot here. Run with --cache warm, or as root."
  fi
fi

# Isolation: nothing real is read or written.
unset CODEX_HOME CODEXSYNC_CONFIG XDG_STATE_HOME XDG_CONFIG_HOME XDG_DATA_HOME XDG_CACHE_HOME UNISON
mkdir -p "$BENCH_DIR"
BENCH_DIR="$(cd "$BENCH_DIR" && pwd -P)"
export HOME="$BENCH_DIR/home"
mkdir -p "$HOME"
RESULTS="$BENCH_DIR/results"
rm -rf "$RESULTS"
mkdir -p "$RESULTS/logs"
SUMMARY="$RESULTS/summary.md"
TARGETS="$RESULTS/targets.tsv"
: >"$TARGETS"
FAILURES=()
GATE_PIDS=()

cleanup() {
  local pid
  for pid in "${GATE_PIDS[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
}
trap cleanup EXIT

# fail MESSAGE...: a broken command or tree: reported now and at the end, exit 1.
fail() {
  FAILURES+=("$*")
  printf '\n!!! BENCH FAILURE: %s\n\n' "$*" >&2
}

# Deleting many files is slow on some disks (ext4 with `discard` on a shared
# VM disk: milliseconds per file), so trees are moved into $TRASH (a rename)
# between two measurements and deleted after a run or a scenario; the last
# workload's trees go in the background at the end, and the next run first
# waits for what is left.
TRASH="$BENCH_DIR/trash"
if [[ -d "$TRASH" ]]; then
  say "removing the previous run's trees ($TRASH)"
  rm -rf "$TRASH"
fi
mkdir -p "$TRASH"
discard() {
  local d
  for d in "$@"; do
    if [[ -e "$d" ]]; then
      mv "$d" "$TRASH/$(date +%s%N)-$RANDOM"
    fi
  done
}
# empty_trash: deletes what discard moved aside, between runs and scenarios
# (never while a tool is measured), so the space used stays bounded.
empty_trash() {
  rm -rf "$TRASH"
  mkdir -p "$TRASH"
}

# --- measuring -------------------------------------------------------------------

# json_get LINE KEY: the value of KEY in a flat JSON line (strings unquoted).
json_get() {
  local v
  v="$(printf '%s' "$1" | grep -o "\"$2\":\(\"[^\"]*\"\|[^,}]*\)" | head -1)" || true
  v="${v#*:}"
  v="${v#\"}"
  printf '%s' "${v%\"}"
}

quiesce() {
  sync
  if ((cold_ok)); then
    echo 3 >/proc/sys/vm/drop_caches
  fi
}

# measure SCENARIO TOOL RUN CMD...: runs CMD under codexsync-benchmeasure after
# a `sync` (and dropping the caches when cold); appends the JSON line to
# results/<WL>-<SCENARIO>.jsonl. Sets M_LINE, M_EXIT, M_LOG.
measure() {
  local scen="$1" tool="$2" run="$3"
  shift 3
  M_LOG="$RESULTS/logs/$WL_KEY-$scen-$tool-$run.log"
  local t0=$EPOCHREALTIME
  quiesce
  local quiet_s
  quiet_s="$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')"
  M_LINE="$("$MEASURE" --log "$M_LOG" --tag workload="$WL" --tag files="$WL_FILES" --tag scenario="$scen" \
    --tag tool="$tool" --tag run="$run" --tag cache="$cache" -- "$@")" ||
    { fail "$WL $scen $tool run $run: codexsync-benchmeasure could not run $*"; M_EXIT=255; return 0; }
  printf '%s\n' "$M_LINE" >>"$RESULTS/$WL_KEY-$scen.jsonl"
  M_EXIT="$(json_get "$M_LINE" exit)"
  say "  $scen $tool run $run: $(json_get "$M_LINE" wall_s) s wall, exit $M_EXIT (after a $quiet_s s sync)"
}

# expect_exit0 WHAT: fails loudly when the last measured command did not exit 0.
expect_exit0() {
  if [[ "$M_EXIT" != 0 ]]; then
    fail "$1 exited $M_EXIT (expected 0); its output: $M_LOG"
    tail -n 15 "$M_LOG" | sed 's/^/    | /' >&2 || true
  fi
}

# --- trees -----------------------------------------------------------------------

tree_meta() { (cd "$1" && find . -type f -printf '%P\t%s\t%T@\n' | LC_ALL=C sort); }
tree_sha() { (cd "$1" && find . -type f -print0 | LC_ALL=C sort -z | xargs -0r sha256sum); }

# verify_same WHAT DIR1 DIR2 [sha]: the regular files below both are the same
# paths with the same sizes and modification times (and contents with `sha`).
verify_same() {
  local what="$1" d1="$2" d2="$3" mode="${4:-meta}" out="$RESULTS/logs/verify-$$.txt"
  if ! diff <(tree_meta "$d1") <(tree_meta "$d2") >"$out" 2>&1; then
    fail "$what: $d1 and $d2 differ (path, size or mtime) after the sync; first differences:"
    head -n 12 "$out" | sed 's/^/    /' >&2
    return 0
  fi
  if [[ "$mode" == sha ]] && ! diff <(tree_sha "$d1") <(tree_sha "$d2") >"$out" 2>&1; then
    fail "$what: $d1 and $d2 differ in content after the sync; first differences:"
    head -n 12 "$out" | sed 's/^/    /' >&2
  fi
  rm -f "$out"
}

# check_mode RUN: sha on the first run of a tool, path/size/mtime after.
check_mode() { if [[ "$1" == 1 ]]; then echo sha; else echo meta; fi; }

# --- the sandbox -------------------------------------------------------------------
#
# $LIVE/a/.codex  $LIVE/a/{home,state,config}  $LIVE/a/cs.toml    machine A
# $LIVE/b/...                                                       machine B
# $LIVE/cloud     the cloud folder (mirror at $MIRROR = cloud/sync)
# $LIVE/unison    Unison's archives (UNISON)
# $LIVE/peer      S1's destinations for the peers
# Snapshots of a prepared state: $SNAPS/<name>, restored with reset_to.

BIG_TREES=(a/.codex b/.codex cloud/sync)

# cs_env M: the environment codexsync runs in for machine M (an `env` prefix).
cs_env() {
  printf '%s\0' env -u CODEX_HOME -u CODEXSYNC_CONFIG "HOME=$LIVE/$1/home" "XDG_STATE_HOME=$LIVE/$1/state" \
    "XDG_CONFIG_HOME=$LIVE/$1/config"
}

# ours M ARGS...: codexsync for machine M, as an argument list in OURS.
ours() {
  local m="$1"
  shift
  mapfile -d '' -t OURS < <(cs_env "$m")
  OURS+=("$CS" -c "$LIVE/$m/cs.toml" "$@")
}

# prep_ours M ARGS...: runs codexsync for machine M to PREPARE a state (fsync
# turned off by $NOFSYNC; never measured); fails the workload unless exit 0.
prep_ours() {
  local m="$1" log="$RESULTS/logs/$WL_KEY-prep.log"
  shift
  ours "$m" "$@"
  printf '\n$ %s\n' "${OURS[*]}" >>"$log"
  if ! env LD_PRELOAD="$NOFSYNC" "${OURS[@]}" >>"$log" 2>&1 </dev/null; then
    fail "$WL preparation: codexsync ($m) $* failed; see $log"
    tail -n 15 "$log" | sed 's/^/    | /' >&2
    return 1
  fi
}

# set_key FILE SECTION KEY VALUE: sets KEY in [SECTION] (tests/e2e/lib.sh's cs_set_key).
set_key() {
  awk -v section="[$2]" -v key="$3" -v value="$4" '
    /^\[/ { current = $0 }
    current == section && $0 ~ "^" key " *=" { print key " = " value; found = 1; next }
    { print }
    END { exit found ? 0 : 3 }
  ' "$1" >"$1.new" || die "no key $3 in [$2] of $1 (has the config template changed?)"
  mv "$1.new" "$1"
}

# make_machine M: its folders and config (the template's, agent name changed,
# no grace period).
make_machine() {
  local m="$1" out
  mkdir -p "$LIVE/$m/home" "$LIVE/$m/state" "$LIVE/$m/config" "$LIVE/$m/.codex"
  out="$(env -u CODEX_HOME HOME="$LIVE/$m/home" XDG_STATE_HOME="$LIVE/$m/state" XDG_CONFIG_HOME="$LIVE/$m/config" \
    "$CS" init-config --output "$LIVE/$m/cs.toml" --machine-id "bench-$m" --local-state-dir "$LIVE/$m/.codex" \
    --workspace-root "$LIVE/cloud" 2>&1)" || die "codexsync init-config failed: $out"
  set_key "$LIVE/$m/cs.toml" process_detection process_names "[\"$AGENT_NAME\"]"
  set_key "$LIVE/$m/cs.toml" process_detection grace_period_seconds 0
  # The mirror, as init-config reports it (paths.cloud_root_dir).
  MIRROR="$(printf '%s\n' "$out" | sed -n 's/^ *cloud mirror: *//p' | head -1)"
  [[ -n "$MIRROR" ]] || MIRROR="$LIVE/cloud/sync"
}

# take_snapshot NAME: saves $LIVE as snapshot NAME. Snapshots after the first
# hard-link the files they share with `synced` (rsync --link-dest): snapshots
# are only ever read, and reset_to copies from them, so no tool writes a
# linked file.
take_snapshot() {
  discard "${SNAPS:?}/$1"
  mkdir -p "$SNAPS/$1"
  local top link=()
  for top in a b cloud unison; do
    [[ -e "$LIVE/$top" ]] || continue
    link=()
    if [[ "$1" != synced && -d "$SNAPS/synced/$top" ]]; then
      link=(--link-dest="$SNAPS/synced/$top")
    fi
    rsync -a "${link[@]}" "$LIVE/$top/" "$SNAPS/$1/$top/"
  done
}

# keep_inodes / put_back_inodes, around a peer's measured run in S3 and S4:
# rsync and Unison replace each file they change with a new one (temp file and
# rename), and a reset only writes the old bytes back into whatever file is
# there, so codexsync's next run would find its chats replaced by files it
# never wrote: its resume points (the hash midstate of a chat as it left it,
# valid only for that very file) unused, and every grown chat read whole. On a
# real machine the agent appends to the file codexsync wrote. So before a
# peer runs, the big trees are kept as hard links (metadata only; peers never
# write into an existing file), and put back after it; the next reset then
# restores bytes and times in the files codexsync made.
keep_inodes() {
  local t
  discard "$WORK/keep"
  for t in "${BIG_TREES[@]}"; do
    [[ -d "$LIVE/$t" ]] || continue
    mkdir -p "$(dirname "$WORK/keep/$t")"
    cp -al "$LIVE/$t" "$WORK/keep/$t"
  done
}
put_back_inodes() {
  local t
  for t in "${BIG_TREES[@]}"; do
    [[ -d "$WORK/keep/$t" ]] || continue
    discard "$LIVE/$t"
    mv "$WORK/keep/$t" "$LIVE/$t"
  done
  discard "$WORK/keep"
}

is_big() {
  local t
  for t in "${BIG_TREES[@]}"; do
    [[ "$1" == "$t" ]] && return 0
  done
  return 1
}

# reset_to NAME: makes $LIVE what snapshot NAME holds: the big trees with
# `rsync -a --inplace --delete` (only files whose size or mtime differ are
# copied; every tool here changes one of them when it changes a file), in
# place, so a file keeps its inode as it does on a real machine between two
# syncs (an agent appends to its chat; it does not replace it) and the resume
# points codexsync keeps for its chats stay valid; everything else removed
# and copied whole. Not measured.
reset_to() {
  local snap="$SNAPS/$1" t top entry rel
  for t in "${BIG_TREES[@]}"; do
    if [[ -d "$snap/$t" ]]; then
      mkdir -p "$LIVE/$t"
      rsync -a --inplace --delete "$snap/$t/" "$LIVE/$t/"
    else
      rm -rf "${LIVE:?}/$t"
    fi
  done
  shopt -s dotglob nullglob
  for top in a b cloud unison; do
    mkdir -p "$LIVE/$top"
    for entry in "$LIVE/$top"/*; do
      rel="${entry#"$LIVE"/}"
      is_big "$rel" || rm -rf "$entry"
    done
    for entry in "$snap/$top"/*; do
      rel="${entry#"$snap"/}"
      is_big "$rel" || cp -a "$entry" "$LIVE/$rel"
    done
  done
  shopt -u dotglob nullglob
  discard "$LIVE/peer"
}

unison_cmd() { # unison_cmd ROOT1 ROOT2 [UNISON dir]: the Unison command line, in UN
  UN=(env "UNISON=${3:-$LIVE/unison}" unison "$1" "$2" -batch -times -perms 0 -ui text -confirmbigdel=false)
}

# --- workloads -------------------------------------------------------------------

# setup_workload W [FILES]: generates the tree once (cached in gen/) and starts
# a fresh sandbox with machine A holding a copy of it.
setup_workload() {
  WL="$1"
  local n="${2:-$files}" gen_out
  if [[ "$WL" == W1 ]]; then
    WL_KEY="W1-$size"
    gen_args=(--workload W1 --seed "$seed" --size "$size")
  else
    WL_KEY="W2-$n"
    gen_args=(--workload W2 --seed "$seed" --files "$n")
  fi
  local gdir="$BENCH_DIR/gen/$WL_KEY-seed$seed"
  if [[ ! -f "$gdir/done.json" ]]; then
    say "$WL_KEY: generating the tree (codexsync-benchgen ${gen_args[*]})"
    rm -rf "$gdir"
    gen_out="$("$GEN" "${gen_args[@]}" --out "$gdir/tree")" || die "codexsync-benchgen failed"
    printf '%s\n' "$gen_out" >"$gdir/done.json"
  fi
  GEN_TREE="$gdir/tree"
  GEN_INFO="$(cat "$gdir/done.json")"
  WL_FILES="$(json_get "$GEN_INFO" files)"
  WL_BYTES="$(json_get "$GEN_INFO" bytes)"
  say "$WL_KEY: $WL_FILES files, $((WL_BYTES / 1048576)) MiB"
  WORK="$BENCH_DIR/work/$WL_KEY"
  LIVE="$WORK/live"
  SNAPS="$WORK/snap"
  discard "$WORK"
  mkdir -p "$LIVE/cloud" "$LIVE/unison" "$SNAPS"
  make_machine a
  make_machine b
  rmdir "$LIVE/a/.codex"
  cp -a "$GEN_TREE" "$LIVE/a/.codex"
  SYNCED=0
  printf '%s\t%s\n' "$WL_KEY" "$GEN_INFO" >>"$RESULTS/workloads.tsv"
}

# --- scenarios -------------------------------------------------------------------

TOOL_FILTER="" # "ours": growth runs codexsync alone
NEED_SNAPSHOT=0 # S3-S5 start from a copy of the synced state

want_tool() { [[ -z "$TOOL_FILTER" || "$TOOL_FILTER" == *"$1"* ]]; }

# S1: first sync into an empty cloud folder. A's tree stays as generated.
run_s1() {
  local A="$LIVE/a/.codex" P="$LIVE/peer/mirror" r
  say "$WL_KEY S1: first sync into an empty cloud folder ($runs runs)"
  for ((r = 1; r <= runs; r++)); do
    discard "${LIVE:?}/cloud" "$LIVE/a/state" "$LIVE/a/home" "$LIVE/peer"
    mkdir -p "$LIVE/cloud" "$LIVE/a/state" "$LIVE/a/home"
    ours a sync --apply
    measure S1 ours "$r" "${OURS[@]}"
    expect_exit0 "$WL S1 codexsync sync --apply (run $r)"
    verify_same "$WL S1 codexsync (run $r)" "$A" "$MIRROR" "$(check_mode "$r")"
    discard "${LIVE:?}/cloud"
    mkdir -p "$LIVE/cloud"
    if want_tool rsync; then
      mkdir -p "$P"
      measure S1 rsync "$r" rsync -a --fsync "$A/" "$P/"
      expect_exit0 "$WL S1 rsync -a --fsync (run $r)"
      verify_same "$WL S1 rsync (run $r)" "$A" "$P" "$(check_mode "$r")"
      discard "$P"
    fi
    if want_tool cp; then
      mkdir -p "$P"
      measure S1 cp "$r" cp -a "$A/." "$P/"
      expect_exit0 "$WL S1 cp -a (run $r)"
      verify_same "$WL S1 cp -a (run $r)" "$A" "$P" "$(check_mode "$r")"
      discard "$P"
    fi
    if want_tool unison; then
      mkdir -p "$P" "$LIVE/peer/unison"
      unison_cmd "$A" "$P" "$LIVE/peer/unison"
      measure S1 unison "$r" "${UN[@]}"
      expect_exit0 "$WL S1 unison (run $r)"
      verify_same "$WL S1 unison (run $r)" "$A" "$P" "$(check_mode "$r")"
      discard "$LIVE/peer"
    fi
    empty_trash
  done
  discard "${LIVE:?}/cloud" "$LIVE/a/state" "$LIVE/a/home" "$LIVE/peer"
  mkdir -p "$LIVE/cloud" "$LIVE/a/state" "$LIVE/a/home"
  strace_pass S1
}

# The state S2-S5 start from: A synced (its first sync), B synced (it pulled
# everything), both again (nothing to do), folder times aligned by one rsync
# pass each way, Unison's archives built. Made with fsync off, then `sync`.
prep_synced() {
  ((SYNCED)) && return 0
  say "$WL_KEY: preparing the synced state (A and B in sync with the mirror)"
  discard "${LIVE:?}/cloud" "$LIVE/a/state" "$LIVE/a/home" "$LIVE/peer" "$LIVE/b/.codex" "$LIVE/b/state" \
    "$LIVE/b/home" "$LIVE/unison"
  mkdir -p "$LIVE/cloud" "$LIVE/a/state" "$LIVE/a/home" "$LIVE/b/.codex" "$LIVE/b/state" "$LIVE/b/home" \
    "$LIVE/unison"
  prep_ours a sync --apply || return 1
  prep_ours b sync --apply || return 1
  prep_ours a sync --apply || return 1
  prep_ours b sync --apply || return 1
  local m
  for m in a b; do
    if want_tool rsync; then
      rsync -a "$LIVE/$m/.codex/" "$MIRROR/"
      rsync -a "$MIRROR/" "$LIVE/$m/.codex/"
    fi
    if want_tool unison; then
      unison_cmd "$LIVE/$m/.codex" "$MIRROR"
      "${UN[@]}" >>"$RESULTS/logs/$WL_KEY-prep.log" 2>&1 || fail "$WL preparation: unison $m failed (exit $?)"
    fi
  done
  verify_same "$WL prepared state (A vs mirror)" "$LIVE/a/.codex" "$MIRROR" sha
  verify_same "$WL prepared state (B vs mirror)" "$LIVE/b/.codex" "$MIRROR" sha
  verify_same "$WL prepared state (A vs generated)" "$LIVE/a/.codex" "$GEN_TREE" meta
  if ((NEED_SNAPSHOT)); then
    take_snapshot synced
  fi
  SYNCED=1
}

# S2: nothing changed (the scheduled case): no reset between runs.
run_s2() {
  local A="$LIVE/a/.codex" r
  prep_synced || return 0
  say "$WL_KEY S2: nothing changed ($runs runs)"
  for ((r = 1; r <= runs; r++)); do
    ours a sync --apply
    measure S2 ours "$r" "${OURS[@]}"
    expect_exit0 "$WL S2 codexsync sync --apply (run $r)"
    if ! grep -q '^Done: 0 copied' "$M_LOG"; then
      fail "$WL S2 codexsync (run $r) copied something although nothing changed: $(grep '^Done:' "$M_LOG" || echo 'no Done line')"
    fi
    verify_same "$WL S2 codexsync (run $r)" "$A" "$GEN_TREE" "$(check_mode "$r")"
    verify_same "$WL S2 codexsync (run $r), mirror" "$MIRROR" "$GEN_TREE" meta
    if want_tool rsync; then
      measure S2 rsync "$r" sh -c 'rsync -a "$1/" "$2/" && rsync -a "$2/" "$1/"' sh "$A" "$MIRROR"
      expect_exit0 "$WL S2 rsync -a, both ways (run $r)"
      verify_same "$WL S2 rsync (run $r)" "$A" "$MIRROR" meta
    fi
    if want_tool unison; then
      unison_cmd "$A" "$MIRROR"
      measure S2 unison "$r" "${UN[@]}"
      expect_exit0 "$WL S2 unison (run $r)"
      verify_same "$WL S2 unison (run $r)" "$A" "$MIRROR" meta
    fi
  done
  verify_same "$WL S2 (A vs mirror)" "$A" "$MIRROR" sha
  verify_same "$WL S2 (A vs generated)" "$A" "$GEN_TREE" meta
  strace_pass S2
}

# S2r: nothing changed, but the run reads and checks every machine's delivery
# record, as the first run after a peer delivered does, and one run every
# [sync] full_scan_hours: the stamp of the records A remembers as settled
# (beside its baseline) is removed before each run. codexsync alone: rsync and
# Unison have no such records.
run_s2r() {
  local A="$LIVE/a/.codex" r
  prep_synced || return 0
  say "$WL_KEY S2r: nothing changed, the delivery records read ($runs runs)"
  for ((r = 1; r <= runs; r++)); do
    rm -f "$LIVE/cloud/state/"*.bench-a.delivery-seen.txt
    ours a sync --apply
    measure S2r ours "$r" "${OURS[@]}"
    expect_exit0 "$WL S2r codexsync sync --apply (run $r)"
    if ! grep -q '^Done: 0 copied' "$M_LOG"; then
      fail "$WL S2r codexsync (run $r) copied something although nothing changed: $(grep '^Done:' "$M_LOG" || echo 'no Done line')"
    fi
    if grep -q 'cloud mirror not listed' "$M_LOG"; then
      fail "$WL S2r codexsync (run $r) took the records as settled: the scenario measured the wrong run"
    fi
    verify_same "$WL S2r codexsync (run $r)" "$A" "$GEN_TREE" "$(check_mode "$r")"
  done
}

# meta_bytes: the bytes of codexsync's own records in the cloud folder
# (state/: baselines, delivery records), the "metadata" of the byte targets.
meta_bytes() { du -sb "$LIVE/cloud/state" 2>/dev/null | cut -f1; }

S3_CHANGED=""
prep_s3() {
  [[ -n "$S3_CHANGED" ]] && return 0
  prep_synced || return 1
  reset_to synced
  local out
  out="$("$GEN" --mutate S3 --seed "$seed" "$LIVE/a/.codex")" || { fail "$WL: codexsync-benchgen --mutate S3 failed"; return 1; }
  printf '%s\t%s\n' "$WL_KEY" "$out" >>"$RESULTS/mutations.tsv"
  S3_CHANGED="$(json_get "$out" bytes_changed)"
  S3_META="$(meta_bytes)"
  say "$WL_KEY S3: mutated A: $out"
  take_snapshot s3pre
}

# S3: 1% of the chats grew by 64 KiB and 0.1% are new, on A; A syncs.
run_s3() {
  prep_s3 || return 0
  local A="$LIVE/a/.codex" r
  say "$WL_KEY S3: A changed 1% of its chats and added 0.1% ($runs runs)"
  for ((r = 1; r <= runs; r++)); do
    reset_to s3pre
    ours a sync --apply
    measure S3 ours "$r" "${OURS[@]}"
    expect_exit0 "$WL S3 codexsync sync --apply (run $r)"
    verify_same "$WL S3 codexsync (run $r)" "$A" "$MIRROR" "$(check_mode "$r")"
    if want_tool rsync; then
      reset_to s3pre
      keep_inodes
      measure S3 rsync "$r" sh -c 'rsync -a --fsync "$1/" "$2/" && rsync -a --fsync "$2/" "$1/"' sh "$A" "$MIRROR"
      expect_exit0 "$WL S3 rsync -a --fsync, both ways (run $r)"
      verify_same "$WL S3 rsync (run $r)" "$A" "$MIRROR" "$(check_mode "$r")"
      put_back_inodes
    fi
    if want_tool unison; then
      reset_to s3pre
      keep_inodes
      unison_cmd "$A" "$MIRROR"
      measure S3 unison "$r" "${UN[@]}"
      expect_exit0 "$WL S3 unison (run $r)"
      verify_same "$WL S3 unison (run $r)" "$A" "$MIRROR" "$(check_mode "$r")"
      put_back_inodes
    fi
  done
  strace_pass S3 s3pre
}

prep_s4() {
  [[ -n "${S4_READY:-}" ]] && return 0
  prep_s3 || return 1
  reset_to s3pre
  prep_ours a sync --apply || return 1
  verify_same "$WL S4 preparation (A pushed)" "$LIVE/a/.codex" "$MIRROR" sha
  take_snapshot s4pre
  S4_READY=1
}

# S4: machine B, in sync before S3, pulls what A pushed in S3.
run_s4() {
  prep_s4 || return 0
  local B="$LIVE/b/.codex" r
  say "$WL_KEY S4: B pulls what A pushed ($runs runs)"
  for ((r = 1; r <= runs; r++)); do
    reset_to s4pre
    ours b sync --apply
    measure S4 ours "$r" "${OURS[@]}"
    expect_exit0 "$WL S4 codexsync sync --apply on B (run $r)"
    verify_same "$WL S4 codexsync (run $r)" "$B" "$MIRROR" "$(check_mode "$r")"
    if want_tool rsync; then
      reset_to s4pre
      keep_inodes
      measure S4 rsync "$r" sh -c 'rsync -a --fsync "$2/" "$1/" && rsync -a --fsync "$1/" "$2/"' sh "$B" "$MIRROR"
      expect_exit0 "$WL S4 rsync -a --fsync, both ways (run $r)"
      verify_same "$WL S4 rsync (run $r)" "$B" "$MIRROR" "$(check_mode "$r")"
      put_back_inodes
    fi
    if want_tool unison; then
      reset_to s4pre
      keep_inodes
      unison_cmd "$B" "$MIRROR"
      measure S4 unison "$r" "${UN[@]}"
      expect_exit0 "$WL S4 unison (run $r)"
      verify_same "$WL S4 unison (run $r)" "$B" "$MIRROR" "$(check_mode "$r")"
      put_back_inodes
    fi
  done
  strace_pass S4 s4pre
}

S5_SNAP=""
prep_s5() {
  [[ -n "$S5_SNAP" ]] && return 0
  prep_synced || return 1
  reset_to synced
  local out
  out="$("$GEN" --mutate S5 --seed "$seed" --count 1000 "$LIVE/b/.codex" 2>&1)" ||
    { say "$WL_KEY S5: skipped: $out"; S5_SKIPPED="$out"; return 1; }
  printf '%s\t%s\n' "$WL_KEY" "$out" >>"$RESULTS/mutations.tsv"
  prep_ours b sync --apply || return 1
  prep_ours a sync --apply || return 1
  ours a --json backups list
  local list
  list="$("${OURS[@]}" 2>/dev/null)" || { fail "$WL S5: codexsync backups list failed"; return 1; }
  S5_SNAP="$(printf '%s\n' "$list" | sed -n 's/^ *"name": *"\([^"]*\)".*/\1/p' | head -1)"
  [[ -n "$S5_SNAP" && -d "$LIVE/cloud/backups/$S5_SNAP/local" ]] ||
    { fail "$WL S5: no snapshot of A's old versions (backups list: $(printf '%s' "$list" | head -c 300))"; return 1; }
  S5_FILES="$(find "$LIVE/cloud/backups/$S5_SNAP/local" -type f | wc -l)"
  say "$WL_KEY S5: snapshot $S5_SNAP holds $S5_FILES files"
  take_snapshot s5pre
}

# S5: A restores a snapshot of 1,000 files (the versions B's changes replaced).
run_s5() {
  S5_SKIPPED=""
  prep_s5 || return 0
  local A="$LIVE/a/.codex" SF="$LIVE/cloud/backups/$S5_SNAP/local" r
  say "$WL_KEY S5: restore a $S5_FILES-file snapshot on A ($runs runs)"
  for ((r = 1; r <= runs; r++)); do
    reset_to s5pre
    ours a restore --from "$S5_SNAP" --target local --apply
    measure S5 ours "$r" "${OURS[@]}"
    expect_exit0 "$WL S5 codexsync restore (run $r)"
    verify_same "$WL S5 codexsync restore (run $r)" "$A" "$SNAPS/synced/a/.codex" "$(check_mode "$r")"
    if want_tool rsync; then
      reset_to s5pre
      measure S5 rsync "$r" rsync -a --fsync "$SF/" "$A/"
      expect_exit0 "$WL S5 rsync -a --fsync (run $r)"
      verify_same "$WL S5 rsync (run $r)" "$A" "$SNAPS/synced/a/.codex" "$(check_mode "$r")"
    fi
    if want_tool cp; then
      reset_to s5pre
      measure S5 cp "$r" cp -a "$SF/." "$A/"
      expect_exit0 "$WL S5 cp -a (run $r)"
      verify_same "$WL S5 cp -a (run $r)" "$A" "$SNAPS/synced/a/.codex" "$(check_mode "$r")"
    fi
  done
  strace_pass S5 s5pre
}

# strace_pass SCENARIO [SNAPSHOT]: with --strace, one more run of each tool
# under `strace -f -c -w` (wall time per system call), after a reset to
# SNAPSHOT when given; the top calls go to results/<key>-<scenario>.strace.
strace_pass() {
  ((do_strace)) || return 0
  local scen="$1" snap="${2:-}" out="$RESULTS/$WL_KEY-$1.strace" tool
  : >"$out"
  for tool in ours rsync unison cp; do
    want_tool "$tool" || continue
    strace_cmd "$scen" "$tool" || continue
    [[ -n "$snap" ]] && reset_to "$snap"
    if [[ "$scen" == S1 ]]; then
      discard "${LIVE:?}/cloud" "$LIVE/a/state" "$LIVE/peer"
      mkdir -p "$LIVE/cloud" "$LIVE/a/state" "$LIVE/peer/mirror" "$LIVE/peer/unison"
    fi
    quiesce
    strace -f -c -w -o "$out.tmp" "${ST[@]}" >/dev/null 2>&1 </dev/null || true
    {
      printf '## %s\n' "$tool"
      awk 'NR > 2 && $1 !~ /^-/ { print }' "$out.tmp" | sort -k2 -g -r | head -n 12
    } >>"$out"
  done
  rm -f "$out.tmp"
  if [[ "$scen" == S1 ]]; then
    discard "${LIVE:?}/cloud" "$LIVE/a/state" "$LIVE/peer"
    mkdir -p "$LIVE/cloud" "$LIVE/a/state"
  fi
}

# strace_cmd SCENARIO TOOL: the command of TOOL in SCENARIO, in ST; false when
# TOOL is not in SCENARIO.
strace_cmd() {
  local A="$LIVE/a/.codex" B="$LIVE/b/.codex" P="$LIVE/peer/mirror"
  case "$1:$2" in
    S1:ours | S2:ours | S3:ours) ours a sync --apply; ST=("${OURS[@]}") ;;
    S4:ours) ours b sync --apply; ST=("${OURS[@]}") ;;
    S5:ours) ours a restore --from "$S5_SNAP" --target local --apply; ST=("${OURS[@]}") ;;
    S1:rsync) ST=(rsync -a --fsync "$A/" "$P/") ;;
    S1:cp) ST=(cp -a "$A/." "$P/") ;;
    S1:unison) unison_cmd "$A" "$P" "$LIVE/peer/unison"; ST=("${UN[@]}") ;;
    S2:rsync) ST=(sh -c 'rsync -a "$1/" "$2/" && rsync -a "$2/" "$1/"' sh "$A" "$MIRROR") ;;
    S3:rsync) ST=(sh -c 'rsync -a --fsync "$1/" "$2/" && rsync -a --fsync "$2/" "$1/"' sh "$A" "$MIRROR") ;;
    S4:rsync) ST=(sh -c 'rsync -a --fsync "$2/" "$1/" && rsync -a --fsync "$1/" "$2/"' sh "$B" "$MIRROR") ;;
    S2:unison | S3:unison) unison_cmd "$A" "$MIRROR"; ST=("${UN[@]}") ;;
    S4:unison) unison_cmd "$B" "$MIRROR"; ST=("${UN[@]}") ;;
    S5:rsync) ST=(rsync -a --fsync "$LIVE/cloud/backups/$S5_SNAP/local/" "$A/") ;;
    S5:cp) ST=(cp -a "$LIVE/cloud/backups/$S5_SNAP/local/." "$A/") ;;
    *) return 1 ;;
  esac
}

# --- tables ----------------------------------------------------------------------

# stats FILE: one TSV row per tool (in first-seen order): tool runs wall cpu
# rss_mb rchar_mb wchar_mb read_mb write_mb exits; medians, RSS the maximum.
stats() {
  awk '
    function get(key,   m) {
      if (match($0, "\"" key "\":(\"[^\"]*\"|[^,}]*)")) {
        m = substr($0, RSTART + length(key) + 3, RLENGTH - length(key) - 3)
        gsub(/"/, "", m)
        return m
      }
      return ""
    }
    function median(list,   n, a, i, j, t) {
      n = split(list, a, " ")
      for (i = 2; i <= n; i++) { t = a[i] + 0; for (j = i - 1; j >= 1 && a[j] + 0 > t; j--) a[j + 1] = a[j]; a[j + 1] = t }
      if (n % 2) return a[(n + 1) / 2]
      return (a[n / 2] + a[n / 2 + 1]) / 2
    }
    {
      t = get("tool")
      if (!(t in n)) { order[++k] = t }
      n[t]++
      wall[t] = wall[t] " " get("wall_s")
      cpu[t] = cpu[t] " " (get("user_s") + get("sys_s"))
      r = get("max_rss_kb") + 0; if (r > rss[t]) rss[t] = r
      rc[t] = rc[t] " " get("rchar"); wc[t] = wc[t] " " get("wchar")
      rb[t] = rb[t] " " get("read_bytes"); wb[t] = wb[t] " " get("write_bytes")
      e = get("exit"); if (!((t, e) in seen)) { seen[t, e] = 1; ex[t] = ex[t] (ex[t] == "" ? "" : ",") e }
    }
    END {
      for (i = 1; i <= k; i++) {
        t = order[i]
        printf "%s\t%d\t%.3f\t%.3f\t%.1f\t%.1f\t%.1f\t%.1f\t%.1f\t%s\n", t, n[t], median(wall[t]), median(cpu[t]),
          rss[t] / 1024, median(rc[t]) / 1048576, median(wc[t]) / 1048576, median(rb[t]) / 1048576,
          median(wb[t]) / 1048576, ex[t]
      }
    }' "$1"
}

tool_label() {
  case "$1:$2" in
    S5:ours) echo "codexsync restore --apply" ;;
    *:ours) echo "codexsync sync --apply" ;;
    S1:rsync | S5:rsync) echo "rsync -a --fsync" ;;
    S2:rsync) echo "rsync -a, both ways" ;;
    *:rsync) echo "rsync -a --fsync, both ways" ;;
    *:cp) echo "cp -a" ;;
    S1:unison) echo "unison (first sync)" ;;
    *:unison) echo "unison (archive built)" ;;
    *) echo "$2" ;;
  esac
}

scenario_title() {
  case "$1" in
    S1) echo "S1: first sync into an empty cloud folder" ;;
    S2) echo "S2: nothing changed (the scheduled case)" ;;
    S2r) echo "S2r: nothing changed, every delivery record read (after a peer delivered)" ;;
    S3) echo "S3: 1% of the chats grew by 64 KiB, 0.1% new, on A; A syncs" ;;
    S4) echo "S4: machine B pulls what A pushed in S3" ;;
    S5) echo "S5: restore of a 1,000-file snapshot on A" ;;
  esac
}

# target NAME VALUE LIMIT: records a PASS/MISS row (VALUE <= LIMIT passes).
target() {
  local verdict
  verdict="$(awk -v v="$2" -v l="$3" 'BEGIN { print (v + 0 <= l + 0) ? "PASS" : "MISS" }')"
  printf '%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$verdict" >>"$TARGETS"
  printf '%s' "$verdict"
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b + 0 > 0) printf "%.2f", a / b; else print "n/a" }'; }

# table SCENARIO: the markdown of one scenario of the current workload, with
# the ratios ours/peer and the targets that apply.
table() {
  local scen="$1"
  local file="$RESULTS/$WL_KEY-$scen.jsonl"
  [[ -s "$file" ]] || return 0
  local rows
  rows="$(stats "$file")"
  printf '\n### %s, %s\n\n' "$WL_KEY" "$(scenario_title "$scen")"
  printf '| tool | runs | wall s | CPU s | peak RSS MB | read MB | written MB | disk read MB | disk written MB | exit |\n'
  printf '|---|---:|---:|---:|---:|---:|---:|---:|---:|---|\n'
  local tool n wall cpu rss rc wc rb wb ex
  while IFS=$'\t' read -r tool n wall cpu rss rc wc rb wb ex; do
    printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' "$(tool_label "$scen" "$tool")" "$n" "$wall" "$cpu" \
      "$rss" "$rc" "$wc" "$rb" "$wb" "$ex"
  done <<<"$rows"
  local ours_row
  ours_row="$(printf '%s\n' "$rows" | awk -F'\t' '$1 == "ours"')"
  [[ -n "$ours_row" ]] || return 0
  local o_wall o_cpu o_rss o_rc o_wc
  IFS=$'\t' read -r _ _ o_wall o_cpu o_rss o_rc o_wc _ <<<"$ours_row"
  printf '\n| codexsync / peer | wall | CPU | target (wall) |\n|---|---:|---:|---|\n'
  while IFS=$'\t' read -r tool n wall cpu rss rc wc rb wb ex; do
    [[ "$tool" == ours ]] && continue
    local rw rcpu goal="" limit=""
    rw="$(ratio "$o_wall" "$wall")"
    rcpu="$(ratio "$o_cpu" "$cpu")"
    case "$WL:$scen:$tool" in
      W2:S2:rsync) limit=0.5 ;;
      W2:S2:unison) limit=0.3 ;;
      W1:S1:rsync) limit=1.0 ;;
      W1:S3:rsync | W1:S4:rsync) limit=0.5 ;;
    esac
    if [[ -n "$limit" && "$rw" != n/a ]]; then
      goal="≤ $limit: $(target "$WL_KEY $scen wall codexsync/$(tool_label "$scen" "$tool")" "$rw" "$limit")"
    fi
    printf '| / %s | %s | %s | %s |\n' "$(tool_label "$scen" "$tool")" "$rw" "$rcpu" "$goal"
  done <<<"$rows"
  if [[ "$WL" == W1 && ("$scen" == S3 || "$scen" == S4) && -n "${S3_CHANGED:-}" ]]; then
    local io budget
    io="$(awk -v a="$o_rc" -v b="$o_wc" 'BEGIN { printf "%.1f", a + b }')"
    budget="$(awk -v c="$S3_CHANGED" -v m="${S3_META:-0}" 'BEGIN { printf "%.1f", 2 * (c + m) / 1048576 }')"
    printf '\nBytes: codexsync read + wrote %s MB (rchar + wchar, medians); %s MB changed, %s MB of codexsync state in the cloud folder: budget 2 × (changed + state) = %s MB: %s\n' \
      "$io" "$(awk -v c="$S3_CHANGED" 'BEGIN { printf "%.2f", c / 1048576 }')" \
      "$(awk -v c="${S3_META:-0}" 'BEGIN { printf "%.2f", c / 1048576 }')" "$budget" \
      "$(target "$WL_KEY $scen codexsync bytes read+written (MB)" "$io" "$budget")"
  fi
  if [[ "$WL" == W2 && "$WL_FILES" -ge 100000 ]]; then
    printf '\nPeak RSS of codexsync at %s files: %s MB (target ≤ 100 MB): %s\n' "$WL_FILES" "$o_rss" \
      "$(target "$WL_KEY $scen codexsync peak RSS (MB)" "$o_rss" 100)"
  fi
  if [[ -s "$RESULTS/$WL_KEY-$scen.strace" ]]; then
    printf '\n<details><summary>System calls, one extra run under strace -f -c -w (top 12 by wall time)</summary>\n\n```\n'
    cat "$RESULTS/$WL_KEY-$scen.strace"
    printf '```\n</details>\n'
  fi
}

# --- the process gate ------------------------------------------------------------

run_gate() {
  say "process gate: 500 sleeping processes, then 50 samples"
  local i out rc=0
  for ((i = 0; i < 500; i++)); do
    sleep 900 &
    GATE_PIDS+=($!)
  done
  out="$("$GATE" --samples 50 --min-processes 500 2>"$RESULTS/logs/gate.err")" || rc=$?
  printf '%s\n' "$out" >"$RESULTS/gate.json"
  local strace_note="strace not installed: only the gate's own check (children, RUSAGE_CHILDREN) ran"
  if command -v strace >/dev/null 2>&1; then
    strace -f -qq -e trace=execve,fork,vfork,clone,clone3 -o "$RESULTS/logs/gate.strace" "$GATE" --samples 5 \
      >/dev/null 2>&1 || true
    local execs forks
    execs="$(grep -c 'execve(' "$RESULTS/logs/gate.strace" || true)"
    forks="$(grep -E 'clone3?\(|fork\(' "$RESULTS/logs/gate.strace" | grep -vc 'CLONE_THREAD' || true)"
    strace_note="strace -f: $execs execve (1 = the gate itself), $forks process clones"
    if [[ "$execs" != 1 || "$forks" != 0 ]]; then
      fail "process gate: the probe started a process ($strace_note; see $RESULTS/logs/gate.strace)"
    fi
  fi
  for i in "${GATE_PIDS[@]}"; do
    kill "$i" 2>/dev/null || true
  done
  for i in "${GATE_PIDS[@]}"; do
    wait "$i" 2>/dev/null || true
  done
  GATE_PIDS=()
  if ((rc != 0)); then
    fail "process gate: codexsync-benchgate exited $rc: $(cat "$RESULTS/logs/gate.err")"
    return 0
  fi
  local median max procs helpers
  median="$(json_get "$out" median_ms)"
  max="$(json_get "$out" max_ms)"
  procs="$(json_get "$out" processes)"
  helpers="$(json_get "$out" helper_children)"
  GATE_MD="$(
    printf '\n### Process gate: one sample (list + match) with %s processes\n\n' "$procs"
    printf '| samples | median ms | p90 ms | max ms | CPU ms/sample | helper processes |\n|---:|---:|---:|---:|---:|---:|\n'
    printf '| %s | %s | %s | %s | %s | %s |\n' "$(json_get "$out" samples)" "$median" "$(json_get "$out" p90_ms)" "$max" \
      "$(json_get "$out" cpu_ms_per_sample)" "$helpers"
    printf '\nTarget: one sample ≤ 20 ms (median): %s. No helper process: %s (%s).\n' \
      "$(target "gate sample median (ms), $procs processes" "$median" 20)" \
      "$(if [[ "$helpers" == 0 ]]; then echo PASS; else echo MISS; fi)" "$strace_note"
  )"
}

# --- growth ------------------------------------------------------------------------

run_growth() {
  local n scen saved_runs="$runs"
  local gs
  if [[ -n "$opt_scenarios" ]]; then
    gs=("${wanted[@]}")
  else
    gs=(S1 S2 S2r)
  fi
  TOOL_FILTER="ours"
  : >"$RESULTS/growth.tsv"
  for n in 10000 30000 100000; do
    setup_workload W2 "$n"
    S3_CHANGED="" S4_READY="" S5_SNAP=""
    for scen in "${gs[@]}"; do
      case "$scen" in
        S1) run_s1 ;;
        S2) run_s2 ;;
        S2r) run_s2r ;;
        *) say "growth: $scen is left out (growth measures S1, S2 and S2r)" ;;
      esac
      empty_trash
      if [[ -s "$RESULTS/$WL_KEY-$scen.jsonl" ]]; then
        stats "$RESULTS/$WL_KEY-$scen.jsonl" | awk -F'\t' -v n="$n" -v s="$scen" '$1 == "ours" { print s "\t" n "\t" $3 "\t" $4 "\t" $5 }' \
          >>"$RESULTS/growth.tsv"
      fi
    done
    ((keep)) || discard "$WORK"
  done
  TOOL_FILTER=""
  runs="$saved_runs"
  GROWTH_MD="$(
    printf '\n### Growth: codexsync alone on W2 with 10k, 30k and 100k files\n\n'
    printf '| scenario | files | wall s | ms per 1k files | CPU s | peak RSS MB |\n|---|---:|---:|---:|---:|---:|\n'
    awk -F'\t' '{ printf "| %s | %d | %.3f | %.1f | %.3f | %.1f |\n", $1, $2, $3, $3 / $2 * 1e6, $4, $5 }' "$RESULTS/growth.tsv"
    for scen in "${gs[@]}"; do
      local small big
      small="$(awk -F'\t' -v s="$scen" '$1 == s && $2 == 10000 { print $3 / $2 }' "$RESULTS/growth.tsv")"
      big="$(awk -F'\t' -v s="$scen" '$1 == s && $2 == 100000 { print $3 / $2 }' "$RESULTS/growth.tsv")"
      [[ -n "$small" && -n "$big" ]] || continue
      local r
      r="$(ratio "$big" "$small")"
      printf '\n%s: time per file at 100k / at 10k = %s (target ≤ 1.3): %s\n' "$scen" "$r" \
        "$(target "growth $scen time per file 100k/10k" "$r" 1.3)"
    done
    local rss
    rss="$(awk -F'\t' '$2 == 100000 && $5 > m { m = $5 } END { print m + 0 }' "$RESULTS/growth.tsv")"
    printf '\nPeak RSS at 100k files: %s MB (target ≤ 100 MB): %s\n' "$rss" "$(target "growth peak RSS at 100k (MB)" "$rss" 100)"
  )"
}

# --- the machine -------------------------------------------------------------------

machine_md() {
  local commit dirty=""
  commit="$(git -C "$repo_root" rev-parse --short HEAD 2>/dev/null || echo unknown)"
  git -C "$repo_root" diff --quiet HEAD 2>/dev/null || dirty=" (with uncommitted changes)"
  printf -- '- date: %s\n' "$(date -u +%Y-%m-%dT%H:%MZ)"
  local src_commit
  src_commit="$(git -C "$repo_root" log -1 --format='%h %cs' -- src include 2>/dev/null || echo unknown)"
  printf -- '- codexsync: %s, commit %s%s (src/ and include/ last changed in %s), %s build\n' \
    "$("$CS" --version 2>/dev/null | head -1)" "$commit" "$dirty" "$src_commit" \
    "$(sed -n 's/^CMAKE_BUILD_TYPE:[A-Z]*=//p' "$BUILD/CMakeCache.txt" 2>/dev/null || echo '?')"
  printf -- '- CPU: %s x %s\n' "$(nproc)" "$(sed -n 's/^model name[^:]*: *//p' /proc/cpuinfo | head -1)"
  printf -- '- RAM: %s MiB\n' "$(awk '/^MemTotal/ { print int($2 / 1024) }' /proc/meminfo)"
  printf -- '- file system of %s: %s\n' "$BENCH_DIR" "$(df -PT "$BENCH_DIR" | awk 'NR == 2 { print $2 " on " $1 }')"
  printf -- '- kernel: %s\n' "$(uname -sr)"
  printf -- '- peers: %s; %s; %s\n' "$(rsync --version | head -1)" "$(unison -version 2>/dev/null | head -1)" \
    "$(cp --version | head -1)"
  printf -- '- load average at the start: %s\n' "$LOAD_AT_START"
  printf -- '- options: runs %s, seed %s, caches %s%s\n' "$runs" "$seed" "$cache" \
    "$(if [[ "$cache" == cold ]]; then echo ' (sync; echo 3 > /proc/sys/vm/drop_caches before each measured command)'; else echo ' (a sync before each measured command, caches left as they are)'; fi)"
}

# --- main ---------------------------------------------------------------------------

LOAD_AT_START="$(cut -d' ' -f1-3 /proc/loadavg)"
started=$SECONDS
SECTIONS=""
for wl in "${workloads[@]}"; do
  setup_workload "$wl"
  S3_CHANGED="" S4_READY="" S5_SNAP="" S5_SKIPPED=""
  mapfile -t scens < <(scenarios_for "$wl")
  NEED_SNAPSHOT=0
  [[ " ${scens[*]} " == *" S"[345]" "* ]] && NEED_SNAPSHOT=1
  for scen in "${scens[@]}"; do
    case "$scen" in
      S1) run_s1 ;;
      S2) run_s2 ;;
      S2r) run_s2r ;;
      S3) run_s3 ;;
      S4) run_s4 ;;
      S5) run_s5 ;;
    esac
    empty_trash
  done
  for scen in "${scens[@]}"; do
    SECTIONS+="$(table "$scen")"$'\n'
    if [[ "$scen" == S5 && -n "${S5_SKIPPED:-}" ]]; then
      SECTIONS+=$'\n'"### $WL_KEY, S5 skipped: $S5_SKIPPED"$'\n'
    fi
  done
  ((keep)) || discard "$WORK"
done

GATE_MD=""
if ((do_gate)); then
  run_gate
fi
GROWTH_MD=""
if ((growth)); then
  run_growth
fi

{
  printf '# codexsync benchmark\n\n'
  machine_md
  printf -- '- workloads: '
  awk -F'\t' '{ printf "%s%s %s", (NR > 1 ? "; " : ""), $1, $2 }' "$RESULTS/workloads.tsv" 2>/dev/null || true
  printf '\n'
  if [[ -s "$RESULTS/mutations.tsv" ]]; then
    printf -- '- mutations: '
    awk -F'\t' '{ printf "%s%s %s", (NR > 1 ? "; " : ""), $1, $2 }' "$RESULTS/mutations.tsv"
    printf '\n'
  fi
  printf -- '- wall time of the whole run: %d min\n' "$(((SECONDS - started + 30) / 60))"
  printf '\nMedians over the runs; peak RSS is the largest of any run (of the largest single process); read/written are rchar/wchar (all bytes through read/write calls, page cache or not), disk read/written are read_bytes/write_bytes (what reached the block layer), both of the command and everything it waited for.\n'
  printf '%s\n' "$SECTIONS"
  printf '%s\n' "$GATE_MD"
  printf '%s\n' "$GROWTH_MD"
  if [[ -s "$TARGETS" ]]; then
    printf '\n### Targets\n\n| target | value | limit | verdict |\n|---|---:|---:|---|\n'
    awk -F'\t' '{ printf "| %s | %s | %s | %s |\n", $1, $2, $3, $4 }' "$TARGETS"
  fi
  if ((${#FAILURES[@]})); then
    printf '\n### FAILURES (these numbers are not valid)\n\n'
    printf -- '- %s\n' "${FAILURES[@]}"
  fi
} >"$SUMMARY"

cat "$SUMMARY"
say "results: $RESULTS (summary.md, *.jsonl, logs/)"
# The trees go in the background (see TRASH); the next run waits for them.
if [[ -n "$(ls -A "$TRASH")" ]]; then
  setsid rm -rf "$TRASH" </dev/null >/dev/null 2>&1 &
fi
if ((${#FAILURES[@]})); then
  printf '\nbench: %d FAILURE(S); the tables above are not valid:\n' "${#FAILURES[@]}" >&2
  printf '  - %s\n' "${FAILURES[@]}" >&2
  exit 1
fi

# shellcheck shell=sh
# shellcheck disable=SC2034 # the CS_ variables are for the scripts that source this
# What the macOS and Linux scheduler scripts share: their options, the
# interval grammar, absolute paths, the checks made before anything is
# written, and the atomic write. Sourced by linux/*.sh and macos/*.sh; it does
# nothing by itself. Each rule here mirrors `codexsync schedule install`
# (src/schedule/task.cpp, src/commands/schedule.cpp) so that the scripts write
# the same bytes as the command.
#
# Exit codes, as codexsync's: 1 something failed, 4 invalid options or input,
# 5 a file that `codexsync schedule install` did not write is in the way.

# The script's name, for messages.
CS_PROG=${0##*/}

# The marker every task file carries in its first comment; remove.sh deletes
# only files with it.
# shellcheck disable=SC2016 # the backquotes are text
CS_MARKER='Written by `codexsync schedule install`'
# shellcheck disable=SC2016
CS_HEADER="$CS_MARKER"'; remove it with `codexsync schedule remove`.'
CS_MIN_SECONDS=300      # 5m
CS_MAX_SECONDS=2678400  # 31d
CS_NL='
'
CS_CR=$(printf '\r')

cs_die() {
  cs_code=$1
  shift
  printf '%s: error: %s\n' "$CS_PROG" "$*" >&2
  exit "$cs_code"
}

cs_say() { printf '%s\n' "$*"; }

# cs_parse_duration TEXT: prints TEXT in seconds. "30m", "2h", "1h30m", "90s",
# "1d": units d, h, m, s, largest first, each at most once. Returns 1 for
# anything else or zero.
cs_parse_duration() {
  cs_rest=$1
  cs_units=dhms
  cs_total=0
  [ -n "$cs_rest" ] || return 1
  while [ -n "$cs_rest" ]; do
    cs_number=${cs_rest%%[!0-9]*}
    [ -n "$cs_number" ] || return 1
    cs_rest=${cs_rest#"$cs_number"}
    [ -n "$cs_rest" ] || return 1
    cs_unit=${cs_rest%"${cs_rest#?}"}
    cs_rest=${cs_rest#?}
    case $cs_units in
      *"$cs_unit"*) cs_units=${cs_units#*"$cs_unit"} ;;
      *) return 1 ;;
    esac
    # Leading zeros would make shell arithmetic read the number as octal;
    # more than 12 digits is far beyond the 31-day maximum anyway.
    cs_number=${cs_number#"${cs_number%%[!0]*}"}
    [ ${#cs_number} -le 12 ] || return 1
    case $cs_unit in
      d) cs_total=$((cs_total + ${cs_number:-0} * 86400)) ;;
      h) cs_total=$((cs_total + ${cs_number:-0} * 3600)) ;;
      m) cs_total=$((cs_total + ${cs_number:-0} * 60)) ;;
      s) cs_total=$((cs_total + ${cs_number:-0})) ;;
    esac
  done
  [ "$cs_total" -gt 0 ] || return 1
  printf '%s\n' "$cs_total"
}

# cs_duration_text SECONDS DAY HOUR MINUTE SECOND SEPARATOR: the seconds as
# whole units, largest first, each with the given suffix, joined by SEPARATOR.
cs_duration_text() {
  cs_left=$1
  cs_text=
  for cs_pair in "86400 $2" "3600 $3" "60 $4" "1 $5"; do
    cs_size=${cs_pair%% *}
    if [ "$cs_left" -ge "$cs_size" ]; then
      cs_text="$cs_text${cs_text:+$6}$((cs_left / cs_size))${cs_pair#* }"
      cs_left=$((cs_left % cs_size))
    fi
  done
  printf '%s\n' "${cs_text:-0s}"
}

# cs_format_duration SECONDS: "1h30m", as codexsync spells an interval.
cs_format_duration() { cs_duration_text "$1" d h m s ''; }

# cs_random_delay SECONDS: a tenth of the interval, at least 60, at most 300.
cs_random_delay() {
  cs_delay=$(($1 / 10))
  [ "$cs_delay" -ge 60 ] || cs_delay=60
  [ "$cs_delay" -le 300 ] || cs_delay=300
  printf '%s\n' "$cs_delay"
}

# cs_reject_line_break WHAT PATH: a task file cannot carry a line break.
cs_reject_line_break() {
  case $2 in
    *"$CS_NL"* | *"$CS_CR"*) cs_die 4 "the $1 path contains a line break; move it to a path without one" ;;
  esac
}

# cs_config_home: the Linux user's config folder, $XDG_CONFIG_HOME when it is
# absolute, else ~/.config; exits 1 when neither can be told.
cs_config_home() {
  case ${XDG_CONFIG_HOME:-} in
    /*) printf '%s\n' "$XDG_CONFIG_HOME" ;;
    *)
      [ -n "${HOME:-}" ] || cs_die 1 "cannot tell where the user's config folder is: neither XDG_CONFIG_HOME nor HOME is set"
      printf '%s\n' "${HOME%/}/.config"
      ;;
  esac
}

# cs_normal_path PATH: PATH made absolute against the working folder, with
# "." and ".." taken out by name (links are not followed), as codexsync reads
# -c and $CODEXSYNC_CONFIG.
cs_normal_path() {
  case $1 in
    /*) cs_path=$1 ;;
    *) cs_path="$(pwd -P)/$1" ;;
  esac
  cs_out=
  cs_saved_ifs=$IFS
  IFS=/
  set -f
  for cs_part in $cs_path; do
    case $cs_part in
      '' | .) ;;
      ..) cs_out=${cs_out%/*} ;;
      *) cs_out="$cs_out/$cs_part" ;;
    esac
  done
  set +f
  IFS=$cs_saved_ifs
  printf '%s\n' "${cs_out:-/}"
}

# cs_real_path PATH: the absolute path with every link resolved, as codexsync
# resolves --binary (what does not exist is only normalized). Returns 1 when a
# link cannot be read or loops.
cs_real_path() {
  case $1 in
    /*) cs_path=$1 ;;
    *) cs_path="$(pwd -P)/$1" ;;
  esac
  cs_hops=0
  while [ -L "$cs_path" ]; do
    cs_hops=$((cs_hops + 1))
    [ "$cs_hops" -le 40 ] || return 1
    cs_target=$(readlink "$cs_path") || return 1
    case $cs_target in
      /*) cs_path=$cs_target ;;
      *) cs_path="${cs_path%/*}/$cs_target" ;;
    esac
  done
  # A folder that does not exist has no links to resolve.
  cs_dir=$(cd -P "${cs_path%/*}/" 2>/dev/null && pwd -P) || cs_dir=$(cs_normal_path "${cs_path%/*}/")
  printf '%s/%s\n' "${cs_dir%/}" "${cs_path##*/}"
}

# cs_parse_install_options ARGS...: reads the install options into
# CS_BINARY_GIVEN, CS_CONFIG_GIVEN, CS_EVERY_TEXT, CS_AT_LOGIN (yes/no) and
# CS_MODE; --help calls the script's usage function and exits 0.
cs_parse_install_options() {
  CS_BINARY_GIVEN=
  CS_CONFIG_GIVEN=
  CS_EVERY_TEXT=30m
  CS_AT_LOGIN=no
  CS_MODE=dry-run
  while [ $# -gt 0 ]; do
    cs_option=$1
    cs_value=
    case $cs_option in
      --*=*)
        cs_value=${cs_option#*=}
        cs_option=${cs_option%%=*}
        ;;
      --binary | --config | --every | --mode)
        [ $# -ge 2 ] || cs_die 4 "$cs_option needs a value (see --help)"
        cs_value=$2
        shift
        ;;
    esac
    case $cs_option in
      --binary) CS_BINARY_GIVEN=$cs_value ;;
      --config) CS_CONFIG_GIVEN=$cs_value ;;
      --every) CS_EVERY_TEXT=$cs_value ;;
      --mode) CS_MODE=$cs_value ;;
      --at-login) CS_AT_LOGIN=yes ;;
      -h | --help)
        usage
        exit 0
        ;;
      *) cs_die 4 "unknown option '$1' (see --help)" ;;
    esac
    shift
  done
  case $CS_MODE in
    dry-run | apply) ;;
    *) cs_die 4 "--mode $CS_MODE: use dry-run (the task only looks) or apply (it writes)" ;;
  esac
}

# cs_parse_no_options ARGS...: for the remove scripts, which take only --help.
cs_parse_no_options() {
  case ${1:-} in
    '') ;;
    -h | --help)
      usage
      exit 0
      ;;
    *) cs_die 4 "unknown option '$1' (see --help)" ;;
  esac
}

# cs_resolve_task DEFAULT_CONFIG: checks the options read by
# cs_parse_install_options and sets CS_BINARY, CS_CONFIG (absolute),
# CS_EVERY (seconds). Exits 4, before anything is written, when the interval
# is not one, the program is not an executable file, or the config is missing
# or does not pass `codexsync validate`.
cs_resolve_task() {
  if ! CS_EVERY=$(cs_parse_duration "$CS_EVERY_TEXT"); then
    cs_die 4 "--every $CS_EVERY_TEXT: not a duration; write it like 30m, 2h or 1h30m"
  fi
  if [ "$CS_EVERY" -lt "$CS_MIN_SECONDS" ]; then
    cs_die 4 "--every $CS_EVERY_TEXT: the interval $(cs_format_duration "$CS_EVERY") is shorter than the minimum, 5m"
  fi
  if [ "$CS_EVERY" -gt "$CS_MAX_SECONDS" ]; then
    cs_die 4 "--every $CS_EVERY_TEXT: the interval $(cs_format_duration "$CS_EVERY") is longer than the maximum, 31d"
  fi

  cs_binary=$CS_BINARY_GIVEN
  if [ -z "$cs_binary" ]; then
    cs_binary=$(command -v codexsync) ||
      cs_die 4 "codexsync was not found on PATH; pass --binary /path/to/codexsync"
  fi
  cs_reject_line_break "codexsync program" "$cs_binary"
  CS_BINARY=$(cs_real_path "$cs_binary") || cs_die 4 "--binary $cs_binary: cannot resolve the links in this path"
  if [ ! -f "$CS_BINARY" ] || [ ! -x "$CS_BINARY" ]; then
    cs_die 4 "--binary $CS_BINARY: no such executable program; pass the codexsync you want the task to run"
  fi

  cs_config=$CS_CONFIG_GIVEN
  if [ -z "$cs_config" ]; then
    cs_config=${CODEXSYNC_CONFIG:-$1}
  fi
  cs_reject_line_break "config file" "$cs_config"
  CS_CONFIG=$(cs_normal_path "$cs_config")
  if [ -d "$CS_CONFIG" ]; then
    cs_die 4 "the config $CS_CONFIG is a folder, not a config file; name the config.toml inside it"
  fi
  if [ ! -f "$CS_CONFIG" ]; then
    cs_die 4 "the config $CS_CONFIG does not exist; create it with \`codexsync init-config\` or pass --config FILE"
  fi
  # The task must start from a config that works: check it now, not at 3 am.
  if ! cs_output=$("$CS_BINARY" -c "$CS_CONFIG" validate 2>&1); then
    cs_die 4 "the config $CS_CONFIG does not pass \`codexsync validate\`, so nothing was written:$CS_NL$cs_output"
  fi
}

# cs_say_scheduling: what is being scheduled, in words and as a command line.
cs_say_scheduling() {
  cs_when="every $(cs_format_duration "$CS_EVERY")"
  [ "$CS_AT_LOGIN" = no ] || cs_when="$cs_when and after sign-in"
  cs_say "Scheduling: codexsync sync ($CS_MODE) $cs_when."
  cs_say "  runs    $CS_BINARY -c $CS_CONFIG --scheduled sync --$CS_MODE"
}

# cs_require_ours FILE...: exits 5 when a FILE exists without the marker line.
cs_require_ours() {
  for cs_file in "$@"; do
    if [ -e "$cs_file" ] && ! grep -Fq -- "$CS_MARKER" "$cs_file"; then
      cs_die 5 "$cs_file was not written by \`codexsync schedule install\`, so it is left alone; look at it and remove it yourself if it is not needed"
    fi
  done
}

# cs_write_file PATH: writes stdin to PATH through a temp file beside it and
# a rename, so a reader never sees half a file.
cs_write_file() {
  cs_temp=$(mktemp "${1%/*}/.${1##*/}.XXXXXX") || cs_die 1 "cannot write beside $1"
  if ! cat >"$cs_temp" || ! chmod 644 "$cs_temp" || ! mv -f "$cs_temp" "$1"; then
    rm -f "$cs_temp"
    cs_die 1 "cannot write $1; nothing was registered"
  fi
  cs_say "  wrote   $1"
}

# cs_run [--may-fail] PROGRAM ARGS...: runs one scheduler command and says so;
# exits 1 when it fails, unless failing is fine (--may-fail).
cs_run() {
  cs_may_fail=no
  if [ "$1" = --may-fail ]; then
    cs_may_fail=yes
    shift
  fi
  if cs_output=$("$@" 2>&1); then
    cs_say "  done    $*"
    return 0
  else
    cs_rc=$?
  fi
  if [ "$cs_may_fail" = yes ]; then
    cs_say "  done    $* (exit $cs_rc; fine here)"
    return 0
  fi
  cs_die 1 "\`$*\` failed (exit $cs_rc)${cs_output:+:$CS_NL  $cs_output}"
}

# cs_require_program NAME WHAT: exits 1, before any change, when NAME is not on PATH.
cs_require_program() {
  command -v "$1" >/dev/null 2>&1 ||
    cs_die 1 "$1 was not found on PATH, so nothing was changed; this script is for $2"
}

# A value of the wrong type or outside the allowed set makes `validate` exit 4
# with "FILE:LINE:COL: <key> ..." on stderr, pointing at the offending line.
# One case per kind of mistake.
source "$(dirname "$0")/lib.sh"

make_machine a
make_cloud

# check_bad KEY_SHOWN SECTION_AND_LINES...: writes the minimal config plus the
# given lines, expects exit 4 and a position on the line that holds the last
# given line.
check_bad() {
  local key="$1" file="$CASE_DIR/config.toml"
  shift
  {
    minimal_config a
    printf '%s\n' "" "$@"
  } >"$file"
  local bad_line
  bad_line="$(grep -n -F -x -- "${*: -1}" "$file" | tail -1 | cut -d: -f1)"
  run_cs -c "$file" validate
  assert_exit 4
  assert_stderr_matches "^$(re "$file"):$bad_line:[0-9]+: .*$key"
  assert_stdout_not_contains "Config is valid"
}

run_case "invalid TOML" check_bad "invalid TOML" '[sync]' 'dry_run_default = "unterminated'
run_case "quoted bool" check_bad "sync.dry_run_default" '[sync]' 'dry_run_default = "false"'
run_case "string for a list" check_bad "filters.exclude_globs" '[filters]' 'exclude_globs = "**/*.lock"'
run_case "word for a number" check_bad "sync.time_tolerance_seconds" '[sync]' 'time_tolerance_seconds = "two"'
run_case "unknown enum value" check_bad "conflict.policy" '[conflict]' 'policy = "newest"'
run_case "negative count" check_bad "backup.retention_days" '[backup]' 'retention_days = -1'
run_case "fraction for a count" check_bad "backup.max_backups" '[backup]' 'max_backups = 1.5'
run_case "unknown log level" check_bad "logging.level" '[logging]' 'level = "LOUD"'
run_case "empty process list" check_bad "process_detection.process_names" '[process_detection]' 'process_names = []'
finish_cases

# A config problem is exit code 4 ("invalid config or arguments") for doctor and
# preflight too, as it is for validate: a missing config file, invalid TOML, a
# bad value, or a setting that blocks every write. The problem is still shown
# with its FILE:LINE:COL. Exit 5 means "fail-safe abort: retry later"; a script
# that retries on 5 would retry a broken config forever.
source "$(dirname "$0")/lib.sh"

make_machine a
make_cloud

# check_doctor COMMAND MAKER: MAKER prints the config (or makes none); the
# output must name the config file, with a line number when there is a line.
check_doctor() {
  local command="$1" file="$CASE_DIR/config.toml"
  "$2" "$file"
  run_cs -c "$file" "$command"
  if [[ -f "$file" ]]; then
    assert_output_contains "$file:$(cat "$CASE_DIR/bad-line"):"
  else
    assert_output_contains "$file"
  fi
  assert_exit 4
}
# Each maker writes the config to $1 and the number of its bad line to bad-line.
missing() { :; }
bad_toml() {
  printf '[sync\n' >"$1"
  echo 1 >bad-line
}
bad_value() {
  { minimal_config a; printf '\n[conflict]\npolicy = "newest"\n'; } >"$1"
  grep -n '^policy = ' "$1" | cut -d: -f1 >bad-line
}
blocker() {
  { minimal_config a; printf '\n[backup]\nbackup_before_overwrite = false\n'; } >"$1"
  grep -n '^backup_before_overwrite = ' "$1" | cut -d: -f1 >bad-line
}

run_case "doctor: config file missing" check_doctor doctor missing
run_case "doctor: invalid TOML" check_doctor doctor bad_toml
run_case "doctor: bad value" check_doctor doctor bad_value
run_case "doctor: write blocker" check_doctor doctor blocker
run_case "preflight: invalid TOML" check_doctor preflight bad_toml
finish_cases

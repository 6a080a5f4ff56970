# targets.include_roots must list paths inside the agent's state folder: an
# empty list, "", ".", an absolute path or one leading out exits 4 with
# FILE:LINE:COL naming targets.include_roots (an empty list or "." would sync
# the whole folder, credentials included).
source "$(dirname "$0")/lib.sh"

make_machine a
make_cloud

check_roots() {
  local file="$CASE_DIR/config.toml"
  CFG_ROOTS="$1" minimal_config a >"$file"
  local line
  line="$(grep -n '^include_roots = ' "$file" | cut -d: -f1)"
  run_cs -c "$file" validate
  assert_exit 4
  assert_stderr_matches "^$(re "$file"):$line:[0-9]+: targets.include_roots"
}

run_case 'empty list []' check_roots '[]'
run_case 'empty string [""]' check_roots '[""]'
run_case 'whole folder ["."]' check_roots '["."]'
run_case 'whole folder ["skills/.."]' check_roots '["skills/.."]'
run_case 'absolute ["/etc"]' check_roots '["/etc"]'
run_case 'drive letter ["C:/Users"]' check_roots '["C:/Users"]'
run_case 'escaping ["../x"]' check_roots '["../x"]'
run_case 'escaping ["skills/../../x"]' check_roots '["skills/../../x"]'
finish_cases

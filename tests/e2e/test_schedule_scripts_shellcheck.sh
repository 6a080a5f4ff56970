# The sh scheduler scripts (scripts/scheduler/common.sh, linux/*.sh,
# macos/*.sh) are clean under shellcheck as POSIX sh, following what they
# source. Skipped where shellcheck is not installed.
source "$(dirname "$0")/lib.sh"

command -v shellcheck >/dev/null 2>&1 || skip_test "shellcheck is not installed (apt-get install shellcheck)"
cd "$CODEXSYNC_SOURCE_DIR/scripts/scheduler"
scripts=(common.sh linux/*.sh macos/*.sh)
[[ ${#scripts[@]} -ge 5 ]] || cs_fail "expected common.sh and the install and remove scripts" "found: ${scripts[*]}"
output="$(shellcheck --shell=sh --external-sources "${scripts[@]}" 2>&1)" ||
  cs_fail "shellcheck found problems in the scheduler scripts" "$output"
for script in linux/*.sh macos/*.sh; do
  [[ "$(head -n 1 "$script")" == "#!/bin/sh" ]] || cs_fail "$script does not start with #!/bin/sh"
  [[ -x "$script" ]] || cs_fail "$script is not executable"
done

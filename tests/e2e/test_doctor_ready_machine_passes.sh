# On a machine with its state folder and the cloud folder in place, doctor
# prints a PASS/WARN table ending in "Result:", has no FAIL row, and exits 0.
source "$(dirname "$0")/lib.sh"

make_machine a
make_cloud
init_config_for a

run_cs -c "$CONFIG_A" doctor
assert_exit 0
assert_stdout_matches '^PASS +config +'
assert_stdout_matches "^PASS +local_state +$(re "$STATE_A") "
assert_stdout_matches "^PASS +workspace_root +$(re "$CLOUD")\$"
assert_stdout_matches '^(PASS|WARN) +cloud_root +'
assert_stdout_matches '^Result: (PASS|WARN)$'
assert_stdout_not_matches '^FAIL'
# every line is a PASS/WARN row or the result
bad="$(grep -Ev '^(PASS|WARN)  [a-z_]+ +.+$|^Result: ' "$CS_RUN/stdout" || true)"
[[ -z "$bad" ]] || cs_fail "expected only PASS/WARN rows and the Result line" "other lines: $bad"

# preflight runs the same checks as doctor: the same rows and exit code, both
# on a ready machine (0) and with the cloud folder missing (5).
source "$(dirname "$0")/lib.sh"

make_machine a
init_config_for a

run_cs -c "$CONFIG_A" doctor
assert_exit 5
doctor_out="$CS_STDOUT"
run_cs -c "$CONFIG_A" preflight
assert_exit 5
[[ "$CS_STDOUT" == "$doctor_out" ]] || cs_fail "expected preflight to print what doctor printed" "doctor: $doctor_out"

make_cloud
run_cs -c "$CONFIG_A" preflight
assert_exit 0
assert_stdout_matches '^Result: (PASS|WARN)$'

# Without --machine-id, init-config still writes a usable identity.machine_id
# (the host name, made safe for file names), and the file validates.
source "$(dirname "$0")/lib.sh"

make_machine a
make_cloud

run_cs init-config --output "$CONFIG_A" --local-state-dir "$STATE_A" --workspace-root "$CLOUD"
assert_exit 0
id_line="$(grep -E '^machine_id = ' "$CONFIG_A" || true)"
[[ "$id_line" =~ ^machine_id\ =\ [\'\"][A-Za-z0-9._-]+[\'\"]$ ]] ||
  cs_fail "expected a 'machine_id = <safe name>' line in $CONFIG_A, got: ${id_line:-nothing}"

run_cs -c "$CONFIG_A" validate
assert_exit 0

# init-config does not replace an existing file without --force: exit 4, the
# file is byte-for-byte unchanged, no backup copy appears, --force is suggested.
source "$(dirname "$0")/lib.sh"

mkdir -p "$MACHINE_A"
printf '# my own settings, not a template\n[identity]\nmachine_id = "mine"\n' >"$CONFIG_A"
snapshot_tree before "$T"

run_cs init-config --output "$CONFIG_A" --machine-id machine-a
assert_exit 4
assert_stderr_contains "$CONFIG_A already exists"
assert_stderr_contains "--force"
assert_tree_unchanged before

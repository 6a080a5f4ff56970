# `status` has not landed yet: it exits 1, says "not available in this version"
# and names itself, and writes nothing anywhere in the sandbox.
source "$(dirname "$0")/lib.sh"

make_machine a
make_cloud
init_config_for a

snapshot_tree before "$T"
run_cs -c "$CONFIG_A" status
assert_exit 1
assert_stderr_contains "codexsync status\` is not available in this version"
assert_tree_unchanged before

# init-config checks the result before writing: a workspace root that is the
# agent's state folder (so the cloud mirror would lie inside it) exits 4 and
# writes nothing.
source "$(dirname "$0")/lib.sh"

make_machine a
snapshot_tree before "$T"

run_cs init-config --output "$CONFIG_A" --machine-id machine-a --local-state-dir "$STATE_A" --workspace-root "$STATE_A"
assert_exit 4
assert_stderr_contains "lies inside the agent's state folder"
assert_stderr_matches "$(re "$CONFIG_A"):[0-9]+:[0-9]+: "
assert_tree_unchanged before

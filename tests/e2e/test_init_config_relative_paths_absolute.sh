# Relative --local-state-dir and --workspace-root are taken from the folder
# init-config runs in, so the written config means the same from anywhere.
source "$(dirname "$0")/lib.sh"

make_machine a
make_cloud
cd "$T"

run_cs init-config --output "$CONFIG_A" --machine-id machine-a --local-state-dir machine-a/.codex --workspace-root cloud
assert_exit 0

mkdir -p "$T/elsewhere"
cd "$T/elsewhere"
run_cs -c "$CONFIG_A" validate
assert_exit 0
assert_stdout_contains "agent state folder: $STATE_A (from config)"
assert_stdout_contains "cloud mirror:       $CLOUD/sync"

# `conflicts list` with no conflict store (or an empty one) says so and exits
# 0; --json gives an empty list. It creates nothing.
source "$(dirname "$0")/lib.sh"

sync_setup --empty-b
snapshot_tree cloud "$CLOUD"
cs_a conflicts list
assert_exit 0
assert_stdout_contains "No conflict entries in $CLOUD/conflicts"
cs_a --json conflicts list
assert_exit 0
assert_stdout_json
json_check "d['entries'] == [] and d['damaged'] == []" "d['store'] == '$CLOUD/conflicts'"
assert_tree_unchanged cloud

mkdir -p "$CLOUD/conflicts/machine-a"
cs_a conflicts list
assert_exit 0
assert_stdout_contains "No conflict entries in $CLOUD/conflicts"

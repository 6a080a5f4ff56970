# The cloud folder is not there (an unmounted drive, a cloud client not
# running): sync and plan stop with exit 5 naming it, and nothing is created
# where the mount should be.
source "$(dirname "$0")/lib.sh"

make_machine a
make_cloud
init_config_for a
rmdir "$CLOUD"

snapshot_tree before "$T"
run_cs -c "$CONFIG_A" sync --apply
assert_exit 5
assert_stderr_contains "the cloud folder $CLOUD does not exist"
assert_no_file "$CLOUD"

run_cs -c "$CONFIG_A" plan
assert_exit 5
assert_no_file "$CLOUD"

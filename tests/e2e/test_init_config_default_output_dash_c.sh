# Without --output, `codexsync -c FILE init-config` writes FILE.
source "$(dirname "$0")/lib.sh"

make_machine a
make_cloud

run_cs -c "$T/chosen/codexsync.toml" init-config --machine-id machine-a --local-state-dir "$STATE_A" \
  --workspace-root "$CLOUD"
assert_exit 0
assert_file_exists "$T/chosen/codexsync.toml"
assert_no_file "$XDG_CONFIG_HOME/codexsync"

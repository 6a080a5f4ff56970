# Without --output or -c, init-config writes the file $CODEXSYNC_CONFIG names.
source "$(dirname "$0")/lib.sh"

make_machine a
make_cloud

CODEXSYNC_CONFIG="$T/from-env.toml" run_cs init-config --machine-id machine-a --local-state-dir "$STATE_A" \
  --workspace-root "$CLOUD"
assert_exit 0
assert_file_exists "$T/from-env.toml"
assert_no_file "$XDG_CONFIG_HOME/codexsync"

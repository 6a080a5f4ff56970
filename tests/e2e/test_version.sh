# `codexsync -V` and `--version` print "codexsync <project version>" and exit 0.
source "$(dirname "$0")/lib.sh"

version="$(sed -nE 's/^project\(codexsync VERSION ([0-9.]+).*/\1/p' "$CODEXSYNC_SOURCE_DIR/CMakeLists.txt")"
[[ -n "$version" ]] || cs_die_setup "cannot read the project version from CMakeLists.txt"

for flag in -V --version; do
  run_cs "$flag"
  assert_exit 0
  [[ "$CS_STDOUT" == "codexsync $version" ]] || cs_fail "expected stdout to be exactly: codexsync $version"
done

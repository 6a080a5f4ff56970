# `init-config --force` replaces the file and keeps the old one beside it as
# <file>.bak-<UTC time>, byte for byte.
source "$(dirname "$0")/lib.sh"

make_machine a
make_cloud
mkdir -p "$MACHINE_A"
printf '# my own settings, not a template\n' >"$CONFIG_A"
cp "$CONFIG_A" "$T/original"

run_cs init-config --output "$CONFIG_A" --force --machine-id machine-a --local-state-dir "$STATE_A" --workspace-root "$CLOUD"
assert_exit 0
shopt -s nullglob
kept=("$CONFIG_A".bak-*)
shopt -u nullglob
[[ ${#kept[@]} -eq 1 ]] || cs_fail "expected exactly one $CONFIG_A.bak-* file, found ${#kept[@]}" "$(ls -a "$MACHINE_A")"
[[ "$(basename "${kept[0]}")" =~ ^codexsync\.toml\.bak-[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}-[0-9]{2}-[0-9]{2} ]] ||
  cs_fail "expected the kept file to be named <file>.bak-YYYY-MM-DDTHH-MM-SS, got ${kept[0]}"
cmp -s "$T/original" "${kept[0]}" || cs_fail "expected ${kept[0]} to hold the old file byte for byte"
assert_stdout_contains "${kept[0]}"
assert_file_contains "$CONFIG_A" "machine_id = 'machine-a'"

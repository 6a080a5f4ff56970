# Two `init-config --force` runs in the same second must not lose the user's
# original file: the first run keeps it as <file>.bak-<time>; the second must
# not overwrite that copy with the first run's template.
source "$(dirname "$0")/lib.sh"

mkdir -p "$MACHINE_A"
# Both runs must fall into one second for the test to mean something; retry
# the rare pair that straddles a second boundary.
for _ in 1 2 3 4 5; do
  rm -f "$CONFIG_A" "$CONFIG_A".bak-*
  printf '# my own settings\n' >"$CONFIG_A"
  started="$(date -u +%s)"
  run_cs init-config --output "$CONFIG_A" --force --machine-id first
  assert_exit 0
  run_cs init-config --output "$CONFIG_A" --force --machine-id second
  assert_exit 0
  [[ "$(date -u +%s)" == "$started" ]] && break
done

shopt -s nullglob
kept=("$CONFIG_A".bak-*)
shopt -u nullglob
grep -qF "# my own settings" "${kept[@]}" /dev/null ||
  cs_fail "expected the original config to survive in a $CONFIG_A.bak-* file after two --force runs" \
    "kept files: ${kept[*]:-none}"

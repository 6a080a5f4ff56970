# `-c DIR` naming a folder exits 4 and says it is a folder, rather than
# "not found" plus advice (`init-config --output DIR`) that cannot work.
source "$(dirname "$0")/lib.sh"

mkdir -p "$T/settings"

run_cs -c "$T/settings" validate
assert_exit 4
assert_stderr_contains "$T/settings"
assert_stderr_contains "is a folder"
assert_stderr_not_contains "init-config --output $T/settings"

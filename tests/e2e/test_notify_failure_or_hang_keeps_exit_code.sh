# A notify command that fails, cannot be found, or hangs past timeout_seconds
# is a warning; the run keeps its own exit code, and a hanging command is
# stopped after its timeout.
source "$(dirname "$0")/lib.sh"
skip_on_windows "notify commands written for sh (sh -c, echo; exit 7) where Windows runs cmd.exe"

make_conflict skills/review/SKILL.md "edited on A" "2026-03-01 10:00:00" "edited on B" "2026-03-01 11:30:00"
add_config b notify 'command = "echo broken notifier; exit 7"'
set_config b notify timeout_seconds 1

cs_b --scheduled sync --apply
assert_exit 2
assert_stderr_contains "the notify command (notify.command) failed: exit code 7; codexsync's exit code stays 2"

cs_set_key "$CONFIG_B" notify command '["codexsync-e2e-no-such-notifier"]'
cs_b --scheduled sync --apply
assert_exit 2
assert_stderr_contains '"codexsync-e2e-no-such-notifier" was not found'

cs_set_key "$CONFIG_B" notify command '"sleep 30"'
started=$SECONDS
cs_b --scheduled sync --apply
assert_exit 2
assert_stderr_contains "the notify command (notify.command) failed: did not finish in time and was stopped"
((SECONDS - started < 15)) || cs_fail "the hanging notify command held the run for $((SECONDS - started)) s"

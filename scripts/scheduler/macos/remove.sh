#!/bin/sh
# Removes the periodic codexsync sync that install.sh (or
# `codexsync schedule install`) set up on macOS, with the same launchctl call
# as `codexsync schedule remove`. A plist without codexsync's marker line is
# left alone (exit 5). The log folder ~/Library/Logs/codexsync stays.
# shellcheck source-path=SCRIPTDIR
set -eu

CS_HERE=$(cd -P "$(dirname "$0")" && pwd -P)
# shellcheck source=../common.sh
. "$CS_HERE/../common.sh"

LABEL=org.codexsync.sync

usage() {
  cat <<'EOF'
Usage: remove.sh

Unloads the org.codexsync.sync agent (`launchctl bootout gui/$(id -u)/...`)
and deletes ~/Library/LaunchAgents/org.codexsync.sync.plist. The same as
`codexsync schedule remove`. The task's log, ~/Library/Logs/codexsync/, stays.

Exit codes: 0 done (also when nothing was installed), 1 a command failed,
4 invalid options, 5 the plist there was not written by codexsync (left alone).
EOF
}

cs_parse_no_options "$@"

cs_require_program launchctl "macOS"
[ -n "${HOME:-}" ] || cs_die 1 "cannot tell where LaunchAgents are: HOME is not set"
plist="${HOME%/}/Library/LaunchAgents/$LABEL.plist"
cs_require_ours "$plist"
uid=$(id -u) || cs_die 1 "cannot tell this user's id (id -u failed)"

cs_say "Removing the scheduled codexsync sync."
cs_run --may-fail launchctl bootout "gui/$uid/$LABEL"
if [ -e "$plist" ]; then
  rm -f "$plist" || cs_die 1 "cannot remove $plist"
  cs_say "  removed $plist"
fi
cs_say "The scheduled sync is removed."

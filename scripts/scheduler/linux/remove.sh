#!/bin/sh
# Removes the periodic codexsync sync that install.sh (or
# `codexsync schedule install`) set up on Linux, with the same systemctl calls
# as `codexsync schedule remove`. Unit files without codexsync's marker line
# are left alone (exit 5).
# shellcheck source-path=SCRIPTDIR
set -eu

CS_HERE=$(cd -P "$(dirname "$0")" && pwd -P)
# shellcheck source=../common.sh
. "$CS_HERE/../common.sh"

usage() {
  cat <<'EOF'
Usage: remove.sh

Disables and stops codexsync-sync.timer, deletes codexsync-sync.service and
.timer from ${XDG_CONFIG_HOME:-~/.config}/systemd/user, and reloads systemd.
The same as `codexsync schedule remove`.

Exit codes: 0 done (also when nothing was installed), 1 a command failed,
4 invalid options, 5 a unit file there was not written by codexsync (left alone).
EOF
}

cs_parse_no_options "$@"

cs_require_program systemctl "Linux with systemd"
config_home=$(cs_config_home)
units="$config_home/systemd/user"
service="$units/codexsync-sync.service"
timer="$units/codexsync-sync.timer"
cs_require_ours "$service" "$timer"

cs_say "Removing the scheduled codexsync sync."
# A timer that is not loaded any more is fine: the files still go.
cs_run --may-fail systemctl --user disable --now codexsync-sync.timer
for file in "$timer" "$service"; do
  if [ -e "$file" ]; then
    rm -f "$file" || cs_die 1 "cannot remove $file"
    cs_say "  removed $file"
  fi
done
cs_run systemctl --user daemon-reload
cs_run --may-fail systemctl --user reset-failed codexsync-sync.service
cs_say "The scheduled sync is removed."

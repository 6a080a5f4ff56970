#!/bin/sh
# Installs the periodic codexsync sync as a systemd user timer: the same two
# unit files, byte for byte, and the same systemctl calls as
# `codexsync schedule install` on Linux. See README.md here; --help for the options.
# shellcheck source-path=SCRIPTDIR
set -eu

CS_HERE=$(cd -P "$(dirname "$0")" && pwd -P)
# shellcheck source=../common.sh
. "$CS_HERE/../common.sh"

usage() {
  cat <<'EOF'
Usage: install.sh [--binary PATH] [--config PATH] [--every 30m] [--at-login] [--mode dry-run|apply]

Writes ~/.config/systemd/user/codexsync-sync.service and .timer (under
$XDG_CONFIG_HOME when it is set), then enables and starts the timer with
`systemctl --user`. The same as:
  codexsync -c CONFIG schedule install --every 30m [--at-login] [--mode apply] [--binary PATH]

  --binary PATH   the codexsync the task runs (default: the one on PATH)
  --config PATH   its config (default: $CODEXSYNC_CONFIG, else
                  ${XDG_CONFIG_HOME:-~/.config}/codexsync/config.toml)
  --every SPAN    how often: 30m (the default), 2h, 1h30m, 1d; at least 5m, at most 31d
  --at-login      also run soon after you sign in
  --mode MODE     dry-run (the default: the task only looks) or apply (it writes)
  --help          this text

Exit codes: 0 done, 1 a command failed, 4 invalid options or input,
5 a unit file in the way was not written by codexsync.
EOF
}

# One word of ExecStart=, quoted so systemd reads it back as it is: C escapes
# inside double quotes, '%' doubled (specifiers), '$' doubled (variables).
systemd_quote() {
  printf '"%s"' "$(printf '%s' "$1" | LC_ALL=C sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/%/%%/g' -e 's/\$/$$/g')"
}

systemd_span() { cs_duration_text "$1" d h min s ' '; }

render_service() {
  printf '# %s\n' "$CS_HEADER"
  printf '[Unit]\n'
  printf "Description=codexsync sync (%s): the agent's state through the cloud folder\n" "$CS_MODE"
  printf '\n[Service]\n'
  printf 'Type=oneshot\n'
  printf 'ExecStart=%s "-c" %s "--scheduled" "sync" "--%s"\n' \
    "$(systemd_quote "$CS_BINARY")" "$(systemd_quote "$CS_CONFIG")" "$CS_MODE"
  printf '# Exit 3 means the agent was open, so the run waited for the next one; the run\n'
  printf '# record and [notify] report when that keeps happening.\n'
  printf 'SuccessExitStatus=3\n'
  printf 'TimeoutStartSec=6h\n'
  printf 'Nice=10\n'
  printf 'IOSchedulingClass=best-effort\n'
  printf 'IOSchedulingPriority=7\n'
}

render_timer() {
  printf '# %s\n' "$CS_HEADER"
  printf '[Unit]\n'
  if [ "$CS_AT_LOGIN" = yes ]; then
    printf 'Description=codexsync sync every %s and after sign-in\n' "$(cs_format_duration "$CS_EVERY")"
  else
    printf 'Description=codexsync sync every %s\n' "$(cs_format_duration "$CS_EVERY")"
  fi
  printf '\n[Timer]\n'
  if [ "$CS_AT_LOGIN" = yes ]; then
    printf "# For a user timer, startup is the user's first sign-in.\n"
    printf 'OnStartupSec=1min\n'
  fi
  printf 'OnActiveSec=%s\n' "$(systemd_span "$CS_EVERY")"
  printf 'OnUnitActiveSec=%s\n' "$(systemd_span "$CS_EVERY")"
  printf 'RandomizedDelaySec=%s\n' "$(systemd_span "$(cs_random_delay "$CS_EVERY")")"
  printf 'AccuracySec=1min\n'
  printf 'Unit=codexsync-sync.service\n'
  printf '\n[Install]\n'
  printf 'WantedBy=timers.target\n'
}

cs_parse_install_options "$@"
cs_require_program systemctl "Linux with systemd"
config_home=$(cs_config_home)
units="$config_home/systemd/user"
cs_resolve_task "$config_home/codexsync/config.toml"
service="$units/codexsync-sync.service"
timer="$units/codexsync-sync.timer"
cs_require_ours "$service" "$timer"

cs_say_scheduling
mkdir -p "$units" || cs_die 1 "cannot create $units"
render_service | cs_write_file "$service"
render_timer | cs_write_file "$timer"
cs_run systemctl --user daemon-reload
cs_run systemctl --user enable codexsync-sync.timer
# restart, so a timer that was already running takes the new interval.
cs_run systemctl --user restart codexsync-sync.timer
cs_say "Scheduled. Check on it with \`codexsync schedule status\` and \`systemctl --user list-timers codexsync-sync.timer\`;"
cs_say "its runs log to the journal: \`journalctl --user -u codexsync-sync.service\`."

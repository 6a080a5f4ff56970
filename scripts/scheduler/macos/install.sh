#!/bin/sh
# Installs the periodic codexsync sync as a launchd LaunchAgent: the same
# plist, byte for byte, and the same launchctl calls as
# `codexsync schedule install` on macOS. See README.md here; --help for the options.
# shellcheck source-path=SCRIPTDIR
set -eu

CS_HERE=$(cd -P "$(dirname "$0")" && pwd -P)
# shellcheck source=../common.sh
. "$CS_HERE/../common.sh"

LABEL=org.codexsync.sync

usage() {
  cat <<'EOF'
Usage: install.sh [--binary PATH] [--config PATH] [--every 30m] [--at-login] [--mode dry-run|apply]

Writes ~/Library/LaunchAgents/org.codexsync.sync.plist, creates
~/Library/Logs/codexsync/ for the task's output, then loads the agent with
`launchctl bootstrap gui/$(id -u)`. The same as:
  codexsync -c CONFIG schedule install --every 30m [--at-login] [--mode apply] [--binary PATH]

  --binary PATH   the codexsync the task runs (default: the one on PATH)
  --config PATH   its config (default: $CODEXSYNC_CONFIG, else
                  ~/Library/Application Support/codexsync/config.toml)
  --every SPAN    how often: 30m (the default), 2h, 1h30m, 1d; at least 5m, at most 31d
  --at-login      also run when the agent is loaded, that is at sign-in
  --mode MODE     dry-run (the default: the task only looks) or apply (it writes)
  --help          this text

Exit codes: 0 done, 1 a command failed, 4 invalid options or input,
5 a plist in the way was not written by codexsync.
EOF
}

xml_escape() {
  printf '%s' "$1" | LC_ALL=C sed -e 's/&/\&amp;/g' -e 's/</\&lt;/g' -e 's/>/\&gt;/g' -e 's/"/\&quot;/g' \
    -e "s/'/\\&apos;/g"
}

render_plist() {
  printf '<?xml version="1.0" encoding="UTF-8"?>\n'
  printf '<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">\n'
  printf '<!-- %s -->\n' "$CS_HEADER"
  printf '<plist version="1.0">\n'
  printf '<dict>\n'
  printf '  <key>Label</key>\n'
  printf '  <string>%s</string>\n' "$LABEL"
  printf '  <key>ProgramArguments</key>\n'
  printf '  <array>\n'
  printf '    <string>%s</string>\n' "$(xml_escape "$CS_BINARY")" -c "$(xml_escape "$CS_CONFIG")" \
    --scheduled sync "--$CS_MODE"
  printf '  </array>\n'
  printf '  <key>StartInterval</key>\n'
  printf '  <integer>%s</integer>\n' "$CS_EVERY"
  printf '  <key>RunAtLoad</key>\n'
  if [ "$CS_AT_LOGIN" = yes ]; then
    printf '  <true/>\n'
  else
    printf '  <false/>\n'
  fi
  printf '  <key>ProcessType</key>\n'
  printf '  <string>Background</string>\n'
  printf '  <key>LowPriorityIO</key>\n'
  printf '  <true/>\n'
  printf '  <key>StandardOutPath</key>\n'
  printf '  <string>%s</string>\n' "$(xml_escape "$log_file")"
  printf '  <key>StandardErrorPath</key>\n'
  printf '  <string>%s</string>\n' "$(xml_escape "$log_file")"
  printf '</dict>\n'
  printf '</plist>\n'
}

cs_parse_install_options "$@"
cs_require_program launchctl "macOS"
[ -n "${HOME:-}" ] || cs_die 1 "cannot tell where LaunchAgents go: HOME is not set"
home=${HOME%/}
cs_resolve_task "$home/Library/Application Support/codexsync/config.toml"
plist="$home/Library/LaunchAgents/$LABEL.plist"
log_file="$home/Library/Logs/codexsync/scheduled-sync.log"
cs_reject_line_break "log file" "$log_file"
cs_require_ours "$plist"
uid=$(id -u) || cs_die 1 "cannot tell this user's id (id -u failed)"

cs_say_scheduling
mkdir -p "${plist%/*}" || cs_die 1 "cannot create ${plist%/*}"
mkdir -p "${log_file%/*}" || cs_die 1 "cannot create ${log_file%/*}"
render_plist | cs_write_file "$plist"
# An older copy of the agent is unloaded first; "not loaded" is fine.
cs_run --may-fail launchctl bootout "gui/$uid/$LABEL"
cs_run launchctl bootstrap "gui/$uid" "$plist"
cs_run launchctl enable "gui/$uid/$LABEL"
cs_say "Scheduled. Check on it with \`codexsync schedule status\` and \`launchctl print gui/$uid/$LABEL\`;"
cs_say "the task's output goes to $log_file."

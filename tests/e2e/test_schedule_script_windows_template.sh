# The Task Scheduler XML template in scripts/scheduler/windows/install.ps1,
# filled in with a spec's values, is what `codexsync schedule install` writes:
#   1. with the golden Windows spec (tests/unit/support/golden_specs.hpp:
#      C:\Program Files\codexsync\codexsyncw.exe, a config under
#      "C:\Users\Ann & Bob\...\config <main>.toml", 2h, at sign-in, dry-run,
#      CORP\ann, start 2026-11-24T09:30:00) it is the golden file, CRLF line
#      ends included, which the unit tests prove is the command's output;
#   2. without -AtLogin (its lines dropped), 45m, apply, it is the XML the
#      command prints (--platform windows --print --json) on this machine.
# The template's placeholders are exactly the keys of the script's $Values.
#
# What this proves: the template's fixed text, the place of every value and
# the at-login lines are right, given the values below. What it cannot prove:
# PowerShell does not run here (Debian has no pwsh), so the values are the
# ones this test spells out, XML-escaped by hand; the script's own code that
# computes them (SecurityElement.Escape, the command-line quoting, the
# interval and ISO-duration spelling, the start time, UTF-16 with a BOM) is
# checked only by reading it and on Windows.
source "$(dirname "$0")/lib.sh"
skip_on_windows "USERNAME and USERDOMAIN set by the test, which Wine replaces with its own"

ps1="$CODEXSYNC_SOURCE_DIR/scripts/scheduler/windows/install.ps1"
golden="$CODEXSYNC_SOURCE_DIR/tests/golden/schedule/codexsync-sync.xml.utf8"

# Windows PowerShell 5.1 reads a script without a BOM in the ANSI code page.
for file in "$CODEXSYNC_SOURCE_DIR"/scripts/scheduler/windows/*.ps1; do
  ! LC_ALL=C grep -q $'[^ -~\t]' "$file" || cs_fail "$file has a character that is not printable ASCII"
done

sed -n "/^\$Template = @'\$/,/^'@\$/p" "$ps1" | sed '1d;$d' >template.xml
[[ -s template.xml ]] || cs_fail "no \$Template = @' ... '@ here-string in $ps1"
template_names="$(grep -o '{{[A-Z_]*}}' template.xml | tr -d '{}' | grep -vx IF_AT_LOGIN | sort -u)"
value_names="$(sed -n '/^\$Values = @{$/,/^}$/p' "$ps1" | sed -n 's/^  \([A-Z_]*\) *=.*/\1/p' | sort -u)"
[[ -n "$value_names" && "$template_names" == "$value_names" ]] ||
  cs_fail "the template's placeholders are not the keys of \$Values" \
    "template: $(echo "$template_names" | tr '\n' ' ')" "values:   $(echo "$value_names" | tr '\n' ' ')"

sed_text() { printf '%s' "$1" | sed -e 's/[\\&|]/\\&/g'; }

# fill yes|no NAME=VALUE...: the template with the at-login lines kept (yes)
# or dropped (no), each {{NAME}} replaced by VALUE, and CRLF line ends, as
# install.ps1 fills it in.
fill() {
  local at_login="$1" pair script=()
  shift
  if [[ "$at_login" == yes ]]; then
    script+=(-e 's/^{{IF_AT_LOGIN}}//')
  else
    script+=(-e '/^{{IF_AT_LOGIN}}/d')
  fi
  for pair in "$@"; do
    script+=(-e "s|{{${pair%%=*}}}|$(sed_text "${pair#*=}")|g")
  done
  sed "${script[@]}" template.xml | sed 's/$/\r/'
}

fill yes MODE=dry-run EVERY=2h 'AND_AT_SIGN_IN= and at sign-in' \
  'TASK_NAME=\codexsync\codexsync sync (CORP-ann)' INTERVAL=PT2H START_BOUNDARY=2026-11-24T09:30:00 \
  RANDOM_DELAY=PT5M 'USER=CORP\ann' 'COMMAND=C:\Program Files\codexsync\codexsyncw.exe' \
  'ARGUMENTS=-c &quot;C:\Users\Ann &amp; Bob\AppData\Roaming\codexsync\config &lt;main&gt;.toml&quot; --scheduled sync --dry-run' \
  >golden-spec.xml
cmp -s golden-spec.xml "$golden" ||
  cs_fail "the filled-in template is not the golden file" "$(diff -u "$golden" golden-spec.xml | cat -A | head -40 || true)"

command -v python3 >/dev/null 2>&1 ||
  skip_test "python3 is not installed; it reads the command's --print --json output (case 2; case 1 passed)"
[[ "$T" =~ ^[A-Za-z0-9/._-]+$ ]] || skip_test "the sandbox path $T holds characters the escapes would change (case 1 passed)"
make_machine a
make_cloud
mkdir -p "$T/win"
printf 'stub\n' >"$T/win/codexsyncw.exe"
config="$T/win/config & co.toml"
run_cs init-config --output "$config" --machine-id machine-a --local-state-dir "$STATE_A" --workspace-root "$CLOUD"
assert_exit 0
USERNAME=ann USERDOMAIN=CORP LOCALAPPDATA="$T/local" run_cs -c "$config" --json schedule install \
  --platform windows --print --binary "$T/win/codexsyncw.exe" --every 45m --mode apply
assert_exit 0
python3 -c '
import json, sys
for step in json.load(open(sys.argv[1]))["steps"]:
    if "content" in step:
        open(sys.argv[2], "w", newline="").write(step["content"])
' "$CS_RUN/stdout" command.xml
start="$(sed -n 's|.*<StartBoundary>\(.*\)</StartBoundary>.*|\1|p' command.xml | tr -d '\r')"
[[ "$start" =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:00$ ]] || cs_fail "no StartBoundary in the command's XML"
fill no MODE=apply EVERY=45m AND_AT_SIGN_IN= 'TASK_NAME=\codexsync\codexsync sync (CORP-ann)' INTERVAL=PT45M \
  "START_BOUNDARY=$start" RANDOM_DELAY=PT4M30S 'USER=CORP\ann' "COMMAND=$T/win/codexsyncw.exe" \
  "ARGUMENTS=-c &quot;$T/win/config &amp; co.toml&quot; --scheduled sync --apply" >no-login.xml
cmp -s no-login.xml command.xml ||
  cs_fail "the filled-in template (no -AtLogin) is not the command's XML" "$(diff -u command.xml no-login.xml | cat -A | head -40 || true)"

# The golden task files (which the unit tests prove are exactly what
# `schedule install` writes) parse with the tools Debian has: the Task
# Scheduler XML, as the UTF-16 file with a BOM that schtasks reads, with
# xmllint; the plist with plistutil (libplist), round-tripped through binary.
source "$(dirname "$0")/lib.sh"

golden="$CODEXSYNC_SOURCE_DIR/tests/golden/schedule"
for tool in xmllint plistutil iconv; do
  command -v "$tool" >/dev/null 2>&1 || skip_test "$tool is not installed (scripts/install-deps.sh installs it)"
done

# The XML as written: UTF-16LE with a byte-order mark.
{ printf '\377\376'; iconv -f UTF-8 -t UTF-16LE "$golden/codexsync-sync.xml.utf8"; } >task.xml
xmllint --noout task.xml || cs_fail "the Task Scheduler XML is not well-formed XML"
xpath() { xmllint --xpath "string(//*[local-name()='$1'])" task.xml; }
[[ "$(xpath MultipleInstancesPolicy)" == IgnoreNew ]] || cs_fail "MultipleInstancesPolicy is not IgnoreNew"
[[ "$(xpath LogonType)" == InteractiveToken ]] || cs_fail "LogonType is not InteractiveToken"
[[ "$(xpath RunLevel)" == LeastPrivilege ]] || cs_fail "RunLevel is not LeastPrivilege"
[[ "$(xpath StartWhenAvailable)" == true ]] || cs_fail "StartWhenAvailable is not true"
[[ "$(xpath StopIfGoingOnBatteries)" == false ]] || cs_fail "the task stops on battery"
[[ "$(xpath Interval)" == PT2H ]] || cs_fail "the repetition interval is not PT2H"
[[ "$(xpath Command)" == 'C:\Program Files\codexsync\codexsyncw.exe' ]] || cs_fail "Command is $(xpath Command)"
[[ "$(xpath Arguments)" == '-c "C:\Users\Ann & Bob\AppData\Roaming\codexsync\config <main>.toml" --scheduled sync --dry-run' ]] ||
  cs_fail "Arguments are $(xpath Arguments)"
[[ "$(xmllint --xpath "string(//*[local-name()='LogonTrigger']/*[local-name()='UserId'])" task.xml)" == 'CORP\ann' ]] ||
  cs_fail "the logon trigger is not for CORP\\ann"

# The plist is a property list: plistutil converts it to binary and back.
plistutil -i "$golden/org.codexsync.sync.plist" -o plist.bin -f bin || cs_fail "plistutil cannot read the plist"
plistutil -i plist.bin -o back.plist -f xml || cs_fail "plistutil cannot read its own binary plist"
for want in '<string>org.codexsync.sync</string>' '<string>/opt/codex sync/bin/codexsync</string>' \
  '<string>/home/ann/Cloud &amp; Co/100% "sure"/$HOME.toml</string>' '<integer>2700</integer>' \
  '<string>Background</string>'; do
  grep -Fq -- "$want" back.plist || cs_fail "the plist lost $want" "$(cat back.plist)"
done

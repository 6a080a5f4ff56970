<#
.SYNOPSIS
Removes the periodic codexsync sync that install.ps1 (or `codexsync schedule
install`) registered: the same schtasks call as `codexsync schedule remove`.

.DESCRIPTION
Runs schtasks /Delete /TN "\codexsync\codexsync sync (DOMAIN-user)" /F (a task
that is already gone is fine), then deletes
%LOCALAPPDATA%\codexsync\schedule\codexsync-sync.xml. An XML file there
without codexsync's marker line is left alone, and nothing is deleted (exit 5).

Exit codes: 0 done (also when nothing was installed), 1 a command failed,
5 the XML file there was not written by codexsync.

.EXAMPLE
powershell -ExecutionPolicy Bypass -File remove.ps1
#>
[CmdletBinding()]
param()

$ScriptName = $MyInvocation.MyCommand.Name
. (Join-Path $PSScriptRoot 'common.ps1')

if (-not (Get-Command schtasks.exe -CommandType Application -ErrorAction SilentlyContinue)) {
  Fail 1 'schtasks.exe was not found on PATH, so nothing was changed; this script is for Windows'
}
$TaskName = Get-TaskName (Get-TaskUser)
$XmlPath = Get-TaskXmlPath
Assert-Ours $XmlPath

Write-Output 'Removing the scheduled codexsync sync.'
# A task that is not registered any more is fine: the file still goes.
$result = Invoke-Program 'schtasks.exe' @('/Delete', '/TN', $TaskName, '/F')
if ($result.Code -eq 0) {
  Write-Output "  done    schtasks /Delete /TN `"$TaskName`" /F"
} else {
  Write-Output "  done    schtasks /Delete /TN `"$TaskName`" /F (exit $($result.Code); fine here)"
}
if (Test-Path -LiteralPath $XmlPath) {
  try {
    Remove-Item -LiteralPath $XmlPath -Force
  } catch {
    Fail 1 "cannot remove ${XmlPath}: $($_.Exception.Message)"
  }
  Write-Output "  removed $XmlPath"
}
Write-Output 'The scheduled sync is removed.'

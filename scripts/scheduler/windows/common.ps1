# What install.ps1 and remove.ps1 share: who the task is for, its name and
# where its XML copy lives, exactly as `codexsync schedule install` names them
# (src/schedule/steps.cpp, src/schedule/task.cpp). Dot-sourced; does nothing
# by itself. Windows PowerShell 5.1 or later.
#
# Exit codes, as codexsync's: 1 something failed, 4 invalid options or input,
# 5 a file that `codexsync schedule install` did not write is in the way.

Set-StrictMode -Version 2.0
$ErrorActionPreference = 'Stop'

$Marker = 'Written by `codexsync schedule install`'

function Fail([int]$Code, [string]$Message) {
  [Console]::Error.WriteLine("$ScriptName" + ': error: ' + $Message)
  exit $Code
}

# DOMAIN\user, as the task's principal and logon trigger name it.
function Get-TaskUser {
  $name = $env:USERNAME
  if (-not $name) { $name = $env:USER }
  if (-not $name) { Fail 4 'the Windows user name is unknown (USERNAME is not set)' }
  if ($env:USERDOMAIN) { return "$($env:USERDOMAIN)\$name" }
  return $name
}

# "\codexsync\codexsync sync (DOMAIN-user)": one task per account on the PC.
function Get-TaskName([string]$User) {
  return '\codexsync\codexsync sync (' + $User.Replace('\', '-') + ')'
}

# %LOCALAPPDATA%\codexsync\schedule\codexsync-sync.xml: the copy of the XML
# that was registered (what `codexsync schedule status` reads).
function Get-TaskXmlPath {
  $base = $env:LOCALAPPDATA
  if (-not $base) {
    if (-not $env:USERPROFILE) { Fail 1 "cannot tell where to keep the task's XML: LOCALAPPDATA is not set" }
    $base = Join-Path $env:USERPROFILE 'AppData\Local'
  }
  return [System.IO.Path]::Combine($base, 'codexsync', 'schedule', 'codexsync-sync.xml')
}

# Exits 5 when the XML copy exists but was not written by codexsync.
function Assert-Ours([string]$Path) {
  if ((Test-Path -LiteralPath $Path) -and -not ([System.IO.File]::ReadAllText($Path)).Contains($Marker)) {
    Fail 5 "$Path was not written by ``codexsync schedule install``, so it is left alone; look at it and remove it yourself if it is not needed"
  }
}

# Runs a program with its arguments as they are; returns its exit code and its
# output (stdout and stderr) as one string. Windows PowerShell would stop at
# the first line on stderr while $ErrorActionPreference is Stop.
function Invoke-Program([string]$Program, [string[]]$Arguments) {
  $ErrorActionPreference = 'Continue'
  $output = & $Program @Arguments 2>&1 | ForEach-Object { "$_" }
  return [pscustomobject]@{ Code = $LASTEXITCODE; Output = (@($output) -join [Environment]::NewLine).Trim() }
}

<#
.SYNOPSIS
Installs the periodic codexsync sync as a Task Scheduler task: the same task
XML and the same schtasks call as `codexsync schedule install` on Windows.

.DESCRIPTION
Writes %LOCALAPPDATA%\codexsync\schedule\codexsync-sync.xml (UTF-16 with a
byte-order mark) and registers it with
  schtasks /Create /XML <that file> /TN "\codexsync\codexsync sync (DOMAIN-user)" /F
The task runs <Binary> -c <Config> --scheduled sync --dry-run|--apply as you,
only while you are signed in, without a console window when codexsyncw.exe is used.
See README.md beside this script.

Exit codes: 0 done, 1 a command failed, 4 invalid options or input,
5 an XML file in the way was not written by codexsync.

.PARAMETER Binary
The codexsync program the task runs. Default: codexsyncw.exe (no console
window) beside the codexsync.exe found on PATH, else that codexsync.exe.

.PARAMETER Config
Its config file. Default: $env:CODEXSYNC_CONFIG, else %APPDATA%\codexsync\config.toml.

.PARAMETER Every
How often: 30m (the default), 2h, 1h30m, 1d; at least 5m, at most 31d.

.PARAMETER AtLogin
Also run a minute after you sign in.

.PARAMETER Mode
dry-run (the default: the task only looks) or apply (it writes).

.EXAMPLE
powershell -ExecutionPolicy Bypass -File install.ps1 -Every 1h -AtLogin -Mode apply
#>
[CmdletBinding()]
param(
  [string]$Binary = '',
  [string]$Config = '',
  [string]$Every = '30m',
  [switch]$AtLogin,
  [ValidateSet('dry-run', 'apply')]
  [string]$Mode = 'dry-run'
)

$ScriptName = $MyInvocation.MyCommand.Name
. (Join-Path $PSScriptRoot 'common.ps1')

# The task, with a {{NAME}} for each value (filled in, XML-escaped, below) and
# {{IF_AT_LOGIN}} before each line that only a task with -AtLogin has. Keep it
# equal to render_windows_task_xml in src/schedule/windows_task.cpp:
# tests/e2e/test_schedule_script_windows_template.sh compares it with the
# golden file.
$Template = @'
<?xml version="1.0" encoding="UTF-16"?>
<!-- Written by `codexsync schedule install`; remove it with `codexsync schedule remove`. -->
<Task version="1.4" xmlns="http://schemas.microsoft.com/windows/2004/02/mit/task">
  <RegistrationInfo>
    <Description>codexsync sync ({{MODE}}) every {{EVERY}}{{AND_AT_SIGN_IN}}: carries the agent's state through the cloud folder. Written by `codexsync schedule install`.</Description>
    <URI>{{TASK_NAME}}</URI>
  </RegistrationInfo>
  <Triggers>
    <TimeTrigger>
      <Repetition>
        <Interval>{{INTERVAL}}</Interval>
        <StopAtDurationEnd>false</StopAtDurationEnd>
      </Repetition>
      <StartBoundary>{{START_BOUNDARY}}</StartBoundary>
      <Enabled>true</Enabled>
      <RandomDelay>{{RANDOM_DELAY}}</RandomDelay>
    </TimeTrigger>
{{IF_AT_LOGIN}}    <LogonTrigger>
{{IF_AT_LOGIN}}      <Enabled>true</Enabled>
{{IF_AT_LOGIN}}      <UserId>{{USER}}</UserId>
{{IF_AT_LOGIN}}      <Delay>PT1M</Delay>
{{IF_AT_LOGIN}}    </LogonTrigger>
  </Triggers>
  <Principals>
    <Principal id="Author">
      <UserId>{{USER}}</UserId>
      <LogonType>InteractiveToken</LogonType>
      <RunLevel>LeastPrivilege</RunLevel>
    </Principal>
  </Principals>
  <Settings>
    <MultipleInstancesPolicy>IgnoreNew</MultipleInstancesPolicy>
    <DisallowStartIfOnBatteries>false</DisallowStartIfOnBatteries>
    <StopIfGoingOnBatteries>false</StopIfGoingOnBatteries>
    <AllowHardTerminate>true</AllowHardTerminate>
    <StartWhenAvailable>true</StartWhenAvailable>
    <RunOnlyIfNetworkAvailable>false</RunOnlyIfNetworkAvailable>
    <IdleSettings>
      <StopOnIdleEnd>false</StopOnIdleEnd>
      <RestartOnIdle>false</RestartOnIdle>
    </IdleSettings>
    <AllowStartOnDemand>true</AllowStartOnDemand>
    <Enabled>true</Enabled>
    <Hidden>false</Hidden>
    <RunOnlyIfIdle>false</RunOnlyIfIdle>
    <WakeToRun>false</WakeToRun>
    <ExecutionTimeLimit>PT6H</ExecutionTimeLimit>
    <Priority>7</Priority>
  </Settings>
  <Actions Context="Author">
    <Exec>
      <Command>{{COMMAND}}</Command>
      <Arguments>{{ARGUMENTS}}</Arguments>
    </Exec>
  </Actions>
</Task>
'@

$UnitNames = @('d', 'h', 'm', 's')
$UnitSeconds = @(86400, 3600, 60, 1)

# "1h30m" in seconds: units d, h, m, s, largest first, each at most once.
# $null for anything else or zero.
function ConvertFrom-Duration([string]$Text) {
  if (-not ($Text -cmatch '^(?:([0-9]{1,12})d)?(?:([0-9]{1,12})h)?(?:([0-9]{1,12})m)?(?:([0-9]{1,12})s)?\z')) {
    return $null
  }
  [int64]$total = 0
  for ($i = 0; $i -lt 4; $i++) {
    if ($Matches[$i + 1]) { $total += [int64]$Matches[$i + 1] * $UnitSeconds[$i] }
  }
  if ($total -le 0) { return $null }
  return $total
}

# Seconds as codexsync spells an interval: "1h30m", "2h".
function Format-Duration([int64]$Seconds) {
  $text = ''
  for ($i = 0; $i -lt 4; $i++) {
    if ($Seconds -ge $UnitSeconds[$i]) {
      $text += [string][int64][math]::Floor($Seconds / $UnitSeconds[$i]) + $UnitNames[$i]
      $Seconds = $Seconds % $UnitSeconds[$i]
    }
  }
  if (-not $text) { return '0s' }
  return $text
}

# ISO 8601 duration as Task Scheduler spells it: PT30M, PT1H30M, P1D, P1DT2H.
function Format-IsoDuration([int64]$Seconds) {
  $text = 'P'
  if ($Seconds -ge 86400) {
    $text += [string][int64][math]::Floor($Seconds / 86400) + 'D'
    $Seconds = $Seconds % 86400
  }
  if ($Seconds -gt 0 -or $text -eq 'P') {
    $text += 'T'
    if ($Seconds -ge 3600) {
      $text += [string][int64][math]::Floor($Seconds / 3600) + 'H'
      $Seconds = $Seconds % 3600
    }
    if ($Seconds -ge 60) {
      $text += [string][int64][math]::Floor($Seconds / 60) + 'M'
      $Seconds = $Seconds % 60
    }
    if ($Seconds -gt 0 -or $text.EndsWith('T')) { $text += [string]$Seconds + 'S' }
  }
  return $text
}

# The command line for the arguments, quoted the way CommandLineToArgvW and
# the C runtime split it back (windows_command_line in windows_task.cpp).
function ConvertTo-CommandLine([string[]]$Arguments) {
  $words = New-Object System.Collections.Generic.List[string]
  foreach ($arg in $Arguments) {
    if ($arg.Length -gt 0 -and $arg.IndexOfAny([char[]]@(' ', "`t", '"')) -lt 0) {
      $words.Add($arg)
      continue
    }
    $word = '"'
    $backslashes = 0
    foreach ($c in $arg.ToCharArray()) {
      if ($c -eq [char]'\') {
        $backslashes++
        continue
      }
      if ($c -eq [char]'"') { $word += '\' * ($backslashes * 2 + 1) } else { $word += '\' * $backslashes }
      $backslashes = 0
      $word += $c
    }
    $words.Add($word + ('\' * ($backslashes * 2)) + '"')
  }
  return $words -join ' '
}

# An absolute path with . and .. taken out, relative to this PowerShell's folder.
function Get-FullPath([string]$Path) {
  $full = $ExecutionContext.SessionState.Path.GetUnresolvedProviderPathFromPSPath($Path)
  return [System.IO.Path]::GetFullPath($full)
}

# Task Scheduler expands %NAME% in the command and its arguments, and a double
# quote would end the quoted word: refuse what the XML cannot carry.
function Assert-TaskPath([string]$What, [string]$Path) {
  if ($Path.IndexOfAny([char[]]@("`r", "`n")) -ge 0) { Fail 4 "the $What path contains a line break" }
  if ($Path.Contains('%')) { Fail 4 "the $What path `"$Path`" contains '%', which Task Scheduler would expand as a variable" }
  if ($Path.Contains('"')) { Fail 4 "the $What path `"$Path`" contains a double quote" }
}

# ValidateSet lets "Apply" through; the task's argument must be --apply.
$Mode = $Mode.ToLowerInvariant()

# The interval.
$EverySeconds = ConvertFrom-Duration $Every
if ($null -eq $EverySeconds) { Fail 4 "-Every ${Every}: not a duration; write it like 30m, 2h or 1h30m" }
if ($EverySeconds -lt 300) { Fail 4 "-Every ${Every}: the interval $(Format-Duration $EverySeconds) is shorter than the minimum, 5m" }
if ($EverySeconds -gt 2678400) { Fail 4 "-Every ${Every}: the interval $(Format-Duration $EverySeconds) is longer than the maximum, 31d" }

# The program: -Binary as given, else the windowless twin of the codexsync on PATH.
if ($Binary) {
  $BinaryPath = Get-FullPath $Binary
} else {
  $found = Get-Command codexsync.exe -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1
  if (-not $found) { Fail 4 'codexsync.exe was not found on PATH; pass -Binary C:\path\to\codexsyncw.exe' }
  $BinaryPath = $found.Path
  $windowless = Join-Path (Split-Path -Parent $BinaryPath) 'codexsyncw.exe'
  if (Test-Path -LiteralPath $windowless -PathType Leaf) { $BinaryPath = $windowless }
}
Assert-TaskPath 'codexsync program' $BinaryPath
if (-not (Test-Path -LiteralPath $BinaryPath -PathType Leaf)) {
  Fail 4 "-Binary ${BinaryPath}: no such program; pass the codexsync you want the task to run"
}

# The config: -Config, else $env:CODEXSYNC_CONFIG, else the user config folder.
if (-not $Config) { $Config = $env:CODEXSYNC_CONFIG }
if (-not $Config) {
  $roaming = $env:APPDATA
  if (-not $roaming -and $env:USERPROFILE) { $roaming = Join-Path $env:USERPROFILE 'AppData\Roaming' }
  if (-not $roaming) { Fail 4 'cannot tell where the config is (APPDATA is not set); pass -Config FILE' }
  $Config = [System.IO.Path]::Combine($roaming, 'codexsync', 'config.toml')
}
$ConfigPath = Get-FullPath $Config
Assert-TaskPath 'config file' $ConfigPath
if (-not (Test-Path -LiteralPath $ConfigPath -PathType Leaf)) {
  Fail 4 "the config $ConfigPath does not exist; create it with ``codexsync init-config`` or pass -Config FILE"
}

# The task must start from a config that works: check it now, not at 3 am,
# with the console twin (codexsyncw.exe shows no output).
$console = $BinaryPath
if ((Split-Path -Leaf $BinaryPath) -ieq 'codexsyncw.exe') {
  $console = Join-Path (Split-Path -Parent $BinaryPath) 'codexsync.exe'
}
if (Test-Path -LiteralPath $console -PathType Leaf) {
  $check = Invoke-Program $console @('-c', $ConfigPath, 'validate')
  if ($check.Code -ne 0) {
    Fail 4 "the config $ConfigPath does not pass ``codexsync validate``, so nothing was written:`n$($check.Output)"
  }
} else {
  Write-Warning "the config was not checked: $console is missing; run ``codexsync -c `"$ConfigPath`" validate`` yourself"
}

if (-not (Get-Command schtasks.exe -CommandType Application -ErrorAction SilentlyContinue)) {
  Fail 1 'schtasks.exe was not found on PATH, so nothing was changed; this script is for Windows'
}
$User = Get-TaskUser
$TaskName = Get-TaskName $User
$XmlPath = Get-TaskXmlPath
Assert-Ours $XmlPath

# The next whole minute, local time.
$start = (Get-Date).AddMinutes(1).ToString("yyyy-MM-dd'T'HH:mm':00'", [System.Globalization.CultureInfo]::InvariantCulture)
$delay = [math]::Min([math]::Max([math]::Floor($EverySeconds / 10), 60), 300)
$andAtSignIn = ''
if ($AtLogin) { $andAtSignIn = ' and at sign-in' }
$Values = @{
  MODE           = $Mode
  EVERY          = Format-Duration $EverySeconds
  AND_AT_SIGN_IN = $andAtSignIn
  TASK_NAME      = [System.Security.SecurityElement]::Escape($TaskName)
  INTERVAL       = Format-IsoDuration $EverySeconds
  START_BOUNDARY = [System.Security.SecurityElement]::Escape($start)
  RANDOM_DELAY   = Format-IsoDuration $delay
  USER           = [System.Security.SecurityElement]::Escape($User)
  COMMAND        = [System.Security.SecurityElement]::Escape($BinaryPath)
  ARGUMENTS      = [System.Security.SecurityElement]::Escape((ConvertTo-CommandLine @('-c', $ConfigPath, '--scheduled', 'sync', "--$Mode")))
}

# Lines end in LF while filling in (the script may be checked out with either),
# CRLF in the file. Every {{NAME}} is replaced in one pass, so a value that
# happens to hold "{{...}}" stays as it is.
$text = $Template -replace "`r`n", "`n"
if ($AtLogin) {
  $text = $text.Replace('{{IF_AT_LOGIN}}', '')
} else {
  $text = $text -replace '(?m)^\{\{IF_AT_LOGIN\}\}.*\n', ''
}
$parts = [regex]::Split($text, '\{\{([A-Z_]+)\}\}')
$xml = New-Object System.Text.StringBuilder
for ($i = 0; $i -lt $parts.Length; $i++) {
  if ($i % 2 -eq 0) {
    [void]$xml.Append($parts[$i])
  } elseif ($Values.ContainsKey($parts[$i])) {
    [void]$xml.Append([string]$Values[$parts[$i]])
  } else {
    Fail 1 "the template's {{$($parts[$i])}} has no value (a bug in this script)"
  }
}
$xmlText = ($xml.ToString() + "`n") -replace "`n", "`r`n"

Write-Output "Scheduling: codexsync sync ($Mode) every $($Values.EVERY)$(if ($AtLogin) { ' and at sign-in' })."
Write-Output "  runs    $BinaryPath $(ConvertTo-CommandLine @('-c', $ConfigPath, '--scheduled', 'sync', "--$Mode"))"
try {
  [void][System.IO.Directory]::CreateDirectory((Split-Path -Parent $XmlPath))
  [System.IO.File]::WriteAllText($XmlPath, $xmlText, [System.Text.Encoding]::Unicode)
} catch {
  Fail 1 "cannot write ${XmlPath}: $($_.Exception.Message); nothing was registered"
}
Write-Output "  wrote   $XmlPath"
$result = Invoke-Program 'schtasks.exe' @('/Create', '/XML', $XmlPath, '/TN', $TaskName, '/F')
if ($result.Code -ne 0) {
  Fail 1 "``schtasks /Create /XML `"$XmlPath`" /TN `"$TaskName`" /F`` failed (exit $($result.Code)): $($result.Output)"
}
Write-Output "  done    schtasks /Create /XML `"$XmlPath`" /TN `"$TaskName`" /F"
Write-Output "Scheduled. Check on it with ``codexsync schedule status`` and ``schtasks /Query /TN `"$TaskName`" /V /FO LIST``."

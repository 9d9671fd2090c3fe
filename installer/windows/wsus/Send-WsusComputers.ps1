<#
.SYNOPSIS
    Sends WSUS's computer list to the wsus-heartbeat collector, so that its answers cover every
    computer WSUS knows (POST /v1/wsus/import). Runs on the WSUS server as the scheduled task
    whb-wsus-export.xml, every 15 minutes by default.

.DESCRIPTION
    Reads Get-WsusComputer -All and posts it in parts of -PartSize computers, all parts in one
    import session: the collector stores each part as it comes and replaces its list only when
    the final part arrives, so a run that fails half-way changes nothing. The collector's upload
    token (whb-collector init writes it as upload.token: it may upload this list and nothing
    else) is read from -TokenFile, which must be readable by the task's account only (the script
    refuses a file others can read).

    The bytes sent, exactly (tests/integration/test_wsus_task.sh posts these to the real
    collector): one HTTP POST per part to <CollectorUrl>/v1/wsus/import with the headers
        Authorization: Bearer <the token file's first line>
        Content-Type: application/json; charset=utf-8
    and a body in UTF-8 without a byte order mark, as ConvertTo-Json -Compress writes an ordered
    dictionary: no spaces, keys in this order; times are milliseconds since 1970-01-01 UTC, 0
    for never (DateTime.MinValue); "line" is the computer's position in WSUS's list, from 1;
    "ip" is "" when WSUS has none; "id" is the computer's Id (its ComputerTargetId, which is the
    client's SusClientId: the collector matches it to the agent first, and two agents with one
    Id are a cloned image). For two computers in parts of one:
# BEGIN PAYLOAD
{"session":"5d0a3c8e9b7f4e21a6c3d2b1e0f9a8c7","part":1,"final":false,"computers":[{"fqdn":"PC-042.corp.example","ip":"10.9.8.42","last_status":0,"last_sync":1795636692000,"line":1,"id":"0b6a3c5e-4f1d-4e8a-9c2b-7d5e6f708192"}]}
{"session":"5d0a3c8e9b7f4e21a6c3d2b1e0f9a8c7","part":2,"final":true,"computers":[{"fqdn":"pc-043.corp.example","ip":"","last_status":1792958292000,"last_sync":1792958292000,"line":2,"id":"9c1d0e2f-3a4b-4c5d-8e6f-708192a3b4c5"}]}
# END PAYLOAD

.EXAMPLE
    Send-WsusComputers.ps1 -CollectorUrl https://whb.corp.example:8443
#>
param(
    [Parameter(Mandatory = $true)] [string] $CollectorUrl,
    [string] $TokenFile = "$env:ProgramData\wsus-heartbeat\upload.token",
    [ValidateRange(1, 5000)] [int] $PartSize = 200,
    [string] $WsusServer = 'localhost',
    [int] $WsusPort = 8530,
    [switch] $UseSsl,
    [string] $LogFile = "$env:ProgramData\wsus-heartbeat\wsus-export.log"
)
Set-StrictMode -Version 3
$ErrorActionPreference = 'Stop'
# Windows PowerShell 5.1 may offer TLS 1.0 only; the collector requires 1.2 or later.
[Net.ServicePointManager]::SecurityProtocol = [Net.SecurityProtocolType]::Tls12

function Write-Log([string] $Text) {
    $line = '{0} {1}' -f (Get-Date).ToUniversalTime().ToString('o'), $Text
    Add-Content -LiteralPath $LogFile -Value $line -Encoding UTF8
}

# The token file: readable by this account only, else the token is everybody's.
function Read-Token([string] $Path) {
    $me = [Security.Principal.WindowsIdentity]::GetCurrent().User
    foreach ($rule in (Get-Acl -LiteralPath $Path).Access) {
        if ($rule.AccessControlType -ne 'Allow') { continue }
        $sid = $rule.IdentityReference.Translate([Security.Principal.SecurityIdentifier])
        if ($sid -ne $me) {
            throw ("$Path is readable by $($rule.IdentityReference): allow only the task's " +
                   "account, e.g. icacls `"$Path`" /inheritance:r /grant:r `"$($me.Translate([Security.Principal.NTAccount]))`:R`"")
        }
    }
    $token = (Get-Content -LiteralPath $Path -TotalCount 1).Trim()
    if (-not $token) { throw "$Path is empty: copy the collector's upload.token into it" }
    return $token
}

# Milliseconds since 1970 UTC; WSUS keeps its times in UTC. 0 for never.
function ConvertTo-UnixMs($Time) {
    if ($null -eq $Time -or $Time -eq [DateTime]::MinValue -or $Time.Year -le 1) { return [long]0 }
    $utc = if ($Time.Kind -eq [DateTimeKind]::Local) { $Time.ToUniversalTime() }
           else { [DateTime]::SpecifyKind($Time, [DateTimeKind]::Utc) }
    return [long]([DateTimeOffset]$utc).ToUnixTimeMilliseconds()
}

try {
    $token = Read-Token $TokenFile
    $wsus = Get-WsusServer -Name $WsusServer -PortNumber $WsusPort -UseSsl:$UseSsl
    $all = @(Get-WsusComputer -UpdateServer $wsus -All)
    $session = [guid]::NewGuid().ToString('N')
    $uri = $CollectorUrl.TrimEnd('/') + '/v1/wsus/import'
    $headers = @{ Authorization = "Bearer $token" }
    $parts = [Math]::Max(1, [Math]::Ceiling($all.Count / $PartSize))
    for ($p = 0; $p -lt $parts; $p++) {
        $computers = New-Object System.Collections.Generic.List[object]
        $last = [Math]::Min($all.Count, ($p + 1) * $PartSize)
        for ($i = $p * $PartSize; $i -lt $last; $i++) {
            $c = $all[$i]
            $computers.Add([ordered]@{
                fqdn        = [string]$c.FullDomainName
                ip          = if ($c.IPAddress) { [string]$c.IPAddress } else { '' }
                last_status = ConvertTo-UnixMs $c.LastReportedStatusTime
                last_sync   = ConvertTo-UnixMs $c.LastSyncTime
                line        = $i + 1
                id          = [string]$c.Id
            })
        }
        $body = [ordered]@{
            session   = $session
            part      = $p + 1
            final     = ($p + 1 -eq $parts)
            computers = [object[]]$computers.ToArray()
        }
        $json = ConvertTo-Json -InputObject $body -Compress -Depth 4
        $bytes = (New-Object System.Text.UTF8Encoding $false).GetBytes($json)
        $answer = Invoke-RestMethod -Method Post -Uri $uri -Headers $headers -Body $bytes `
            -ContentType 'application/json; charset=utf-8' -TimeoutSec 120
    }
    Write-Log ("sent {0} computers in {1} parts; the collector counts {2} that have not reported for {3} days" -f
               $all.Count, $parts, $answer.not_reported, $answer.not_reported_days)
    exit 0
} catch {
    # The collector's error names the line and field; the task's history shows the exit code.
    $detail = $_.Exception.Message
    if ($_.ErrorDetails -and $_.ErrorDetails.Message) { $detail += ': ' + $_.ErrorDetails.Message }
    Write-Log "failed: $detail"
    Write-Error $detail -ErrorAction Continue
    exit 1
}

#!/bin/bash
# What a GPO-assigned whb-agent.msi must contain, read back with msiinfo: the exe under
# Program Files (x64), an automatic own-process service started on install and stopped and
# removed on uninstall, the stable UpgradeCode with a major upgrade, per-machine, no UI.
# Usage: test-msi.sh MSI
set -u
msi=${1:?usage: test-msi.sh MSI}
fail=0
table() { msiinfo export "$msi" "$1" 2>/dev/null | tail -n +4; }
check() { if eval "$2"; then echo "    ok   $1"; else echo "    FAIL $1"; fail=1; fi; }
check "File: whb-agent.exe" 'table File | grep -q "whb-agent.exe"'
check "Directory: under ProgramFiles64Folder" 'table Directory | grep -q "^INSTALLDIR.ProgramFiles64Folder.wsus-heartbeat"'
# ServiceInstall: Name, DisplayName, ServiceType 16 (own process), StartType 2 (auto).
check "ServiceInstall: whb-agent, own process, automatic, LocalSystem" \
    'table ServiceInstall | awk -F"\t" '\''$2=="whb-agent" && $4==16 && $5==2 && $9=="LocalSystem"'\'' | grep -q .'
# ServiceControl Event bits: 1 start on install, 2|32 stop on install and uninstall, 128 remove on uninstall.
check "ServiceControl: started on install, stopped and removed on uninstall" \
    'table ServiceControl | awk -F"\t" '\''$2=="whb-agent" && $3==(1+2+32+128)'\'' | grep -q .'
check "Upgrade: the stable UpgradeCode" 'table Upgrade | grep -qi "6B0F4A3C-2D2E-4C5B-9F1A-7E5D3C2B1A09"'
check "Upgrade: older versions are removed (major upgrade)" 'table InstallExecuteSequence | grep -q "^RemoveExistingProducts"'
check "per-machine (ALLUSERS=1)" 'table Property | grep -q "^ALLUSERS.1"'
check "64-bit package" 'msiinfo suminfo "$msi" | grep -q "Template: x64"'
check "Event Log source registered" 'table Registry | grep -q "EventLog.Application.whb-agent"'
check "no UI sequence actions beyond the standard ones" '! table InstallUISequence | grep -qi "Dlg"'
[ $fail -eq 0 ]

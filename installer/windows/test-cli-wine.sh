#!/bin/bash
# whb.exe under wine against the real collector: a collector made by `whb-collector init`
# (TLS, its own CA), an agent reporting as pc-042.corp.example, and whb.exe (static, libcurl
# with Schannel) asking `why PC-042` as a Windows admin would; its JSON; a WSUS list exported
# by PowerShell 5.1 (UTF-16LE); the one-line errors; then the zips shipped beside the MSI.
# Usage: test-cli-wine.sh WIN_BUILD_DIR LINUX_BUILD_DIR
set -u
win=$(cd "${1:?usage}" && pwd)
lin=$(cd "${2:?usage}" && pwd)
cd "$(dirname "$0")/../.."
exe=$win/agent/bin/whb.exe
work=$(mktemp -d /tmp/whb-wcli-XXXXXX)
fail=0
pids=()
ok() { echo "    ok   $*"; }
bad() { echo "    FAIL $*"; fail=1; }
expect() { if [ "$2" = "$3" ]; then ok "$1"; else bad "$1: got '$2', want '$3'"; fi; }
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
export WINEDEBUG=-all WINEPREFIX=$win/wineprefix
[ -x "$exe" ] || { bad "no $exe"; exit 1; }
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$lin/bin/whb-collector" init --dir "$work/etc" --name localhost --ip 127.0.0.1 \
    --listen 127.0.0.1:$port --db "$work/c.db" >/dev/null || { bad "init"; exit 1; }
"$lin/bin/whb-collector" -c "$work/etc/collector.conf" --interval 1 \
    --control-socket "$work/ctl.sock" 2>"$work/collector.log" &
pids+=($!)
cat > "$work/pc.scn" <<SCN
identity machine_id=m-wine-42 fqdn=pc-042.corp.example
0 adapter eth0 type=ethernet mac=52:54:00:00:00:42 addr=10.9.8.42/24 gw=10.9.8.1
0 lldp eth0 chassis=00:11:22:33:44:55 port=Gi1/0/42 sysname=sw-access-4
SCN
"$lin/bin/whb-agent" --platform replay --replay-file "$work/pc.scn" --state-dir "$work/agent" \
    --collector-url "https://localhost:$port/v1/report" --ca-file "$work/etc/collector-ca.crt" \
    --enrollment-token "$(cat "$work/etc/enroll.token")" --interval 1 2>"$work/agent.log" &
pids+=($!)
for _ in $(seq 100); do
    [ "$("$lin/bin/whb" --socket "$work/ctl.sock" why pc-042 --json 2>/dev/null | jq -r .status)" = reporting ] && break
    sleep 0.1
done
# Schannel in curl 7.88 matches DNS names only: localhost, as the certificate says.
w() { timeout 60 wine "$exe" --url "https://localhost:$port" --ca "Z:$work/etc/collector-ca.crt" \
    --token-file "Z:$work/etc/admin.token" "$@"; }
out=$(w why PC-042 2>&1 | tr -d '\r'); rc=$?
expect "whb.exe why PC-042: exit 0" "$rc" 0
expect "whb.exe why PC-042: the answer" "$(head -1 <<<"$out")" "pc-042.corp.example: reporting"
grep -q "last seen on  eth0  switch sw-access-4 port Gi1/0/42" <<<"$out" && ok "whb.exe why: where it was attached" ||
    bad "attachment missing: $out"
expect "whb.exe why --json" "$(w why pc-042.corp.example --json | tr -d '\r' | jq -r '.status + " " + .machine_id')" "reporting m-wine-42"
expect "whb.exe why by IP address" "$(w why 10.9.8.42 --json | tr -d '\r' | jq -r .machine)" pc-042.corp.example
expect "whb.exe status" "$(w status | tr -d '\r' | head -1)" "1 machine known, 1 reporting, 0 not reporting"
# PowerShell 5.1's default file encoding: UTF-16LE with a BOM.
{ printf '\xff\xfe'; printf '"FullDomainName","IPAddress","LastReportedStatusTime","LastSyncTime"\r\n"PC-042.corp.example","10.9.8.42","1/1/0001 12:00:00 AM","11/25/2026 7:58:12 PM"\r\n' |
    iconv -f UTF-8 -t UTF-16LE; } > "$work/wsus.csv"
expect "whb.exe wsus-import (UTF-16LE)" "$(w wsus-import "Z:$work/wsus.csv" --json | tr -d '\r' | jq -r '.answers[0] | .matched_by + " " + .status')" \
    "fqdn reporting"
timeout 60 wine "$exe" statuss >"$work/out" 2>&1; rc=$?
err=$(tr -d '\r' < "$work/out")
expect "whb.exe unknown command: one line, exit 2" "$rc:$err" "2:whb: unknown command 'statuss' (try: whb --help)"
timeout 60 wine "$exe" --url "https://localhost:$port" --ca "Z:$work/etc/collector.crt" status >"$work/out" 2>&1; rc=$?
err=$(tr -d '\r' < "$work/out")
grep -q "is --ca the CA that signed the collector's certificate" <<<"$err" && [ $rc = 2 ] &&
    ok "whb.exe with the wrong --ca: refused, and says which file to give" || bad "wrong CA: $rc $err"
expect "whb.exe --version" "$(timeout 60 wine "$exe" --version | tr -d '\r')" \
    "whb $(sed -n 's/^project(wsus-heartbeat VERSION \([0-9.]*\).*/\1/p' CMakeLists.txt)"
objdump -p "$exe" | grep -i "DLL Name" | tr 'A-Z' 'a-z' | grep -qvE "kernel32|msvcrt|ws2_32|crypt32|bcrypt|secur32|advapi32|user32|api-ms-win" &&
    bad "whb.exe needs a DLL beyond Windows' own: $(objdump -p "$exe" | grep 'DLL Name' | tr '\n' ' ')" ||
    ok "whb.exe is static: only Windows' own DLLs"

zips=$(installer/windows/build-zips.sh "$win") || bad "build-zips.sh"
expect "whb-cli.zip" "$(unzip -Z1 "$win/whb-cli.zip" | tr '\n' ' ')" "whb.exe README.txt "
expect "whb-policy.zip" "$(unzip -Z1 "$win/whb-policy.zip" | tr '\n' ' ')" "whb.admx en-US/whb.adml "
expect "whb-wsus-task.zip" "$(unzip -Z1 "$win/whb-wsus-task.zip" | tr '\n' ' ')" "Send-WsusComputers.ps1 whb-wsus-export.xml "
unzip -p "$win/whb-wsus-task.zip" whb-wsus-export.xml > "$work/task.xml"
head -c 2 "$work/task.xml" | od -An -tx1 | grep -q "ff fe" && xmllint --noout "$work/task.xml" &&
    ok "the task XML in the zip: UTF-16LE with BOM, well-formed" || bad "task XML in zip"
cmp -s <(unzip -p "$win/whb-cli.zip" whb.exe) "$exe" && ok "whb-cli.zip holds this whb.exe" || bad "zip whb.exe differs"
[ $fail -eq 0 ]

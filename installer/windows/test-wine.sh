#!/bin/bash
# whb-agent.exe under wine against the real world:
#  1. it reports through libcurl/Schannel (TLS, a test CA) to the real whb-collector on
#     loopback, and `whb why` sees it reporting with its MachineGuid and Windows version;
#  2. its IP Helper view of a veth in a network namespace follows the kernel when the peer end
#     goes down and up (wine maps IP Helper onto the host's interfaces);
#  3. it reads the Windows Update client's policy, identity, services and events, and the
#     collector stores the update client's events.
# Usage: test-wine.sh WIN_BUILD_DIR LINUX_BUILD_DIR. Needs root for the namespace part.
set -u
win=$(cd "${1:?usage}" && pwd)
lin=$(cd "${2:?usage}" && pwd)
cd "$(dirname "$0")/../.."
exe=$win/agent/bin/whb-agent.exe
work=$(mktemp -d /tmp/whb-wine-XXXXXX)
# Other test runs on this machine make namespaces too: ours carry WHB_NS_PREFIX.
ns=${WHB_NS_PREFIX:-whb-}wine
fail=0
ok() { echo "    ok   $*"; }
bad() { echo "    FAIL $*"; fail=1; }
# The wine prefix lives in the build directory and outlives this script: the agent's state
# goes in a directory of this run only (C:\whb-wine-<run>), removed at the end, so that a second
# run does not start with the first run's key and enrollment against a new collector database.
run_id=$(basename "$work")
state_win="C:\\whb-wine-$run_id"
state_host=$win/wineprefix/drive_c/whb-wine-$run_id
ns=${WHB_NS_PREFIX:-whb-}wine  # the namespace of part 3
cleanup() {
    [ -n "${cpid:-}" ] && kill "$cpid" 2>/dev/null
    [ -n "${wspid:-}" ] && kill "$wspid" 2>/dev/null
    ip netns del "$ns" 2>/dev/null
    WINEPREFIX=$work/prefix-ns wineserver -k 2>/dev/null
    WINEPREFIX=$work/prefix-wu wineserver -k 2>/dev/null
    rm -rf "$work" "$state_host"
}
trap cleanup EXIT
export WINEDEBUG=-all WINEPREFIX=$win/wineprefix

sh tests/integration/make-certs.sh "$work/certs" >/dev/null
echo wine-token > "$work/token"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
collector() {
    "$lin/bin/whb-collector" --listen 127.0.0.1:$port --cert "$work/certs/server.crt" \
        --key "$work/certs/server.key" --db "$work/c.db" --enrollment-token-file "$work/token" \
        --control-socket "$work/ctl.sock" --interval 1 2>>"$work/collector.log" &
    cpid=$!
    sleep 0.5
}
agent() {
    # Schannel in curl 7.88 matches DNS names only: the certificate's localhost, not 127.0.0.1.
    timeout 15 wine "$exe" --collector-url "https://localhost:$port/v1/report" \
        --ca-file "Z:$work/certs/ca.crt" --state-dir "$state_win" --fqdn pc-win.corp.example \
        --enrollment-token wine-token --interval 1 >>"$work/agent.log" 2>&1
}
collector
agent
seq=$(sqlite3 "$work/c.db" "select last_seq from machines where fqdn='pc-win.corp.example'" 2>/dev/null)
os=$(sqlite3 "$work/c.db" "select os from machines where fqdn='pc-win.corp.example'" 2>/dev/null)
[ "${seq:-0}" -ge 3 ] && ok "whb-agent.exe reported over Schannel TLS ($seq reports and events)" ||
    { bad "no reports from whb-agent.exe"; tail -5 "$work/agent.log"; }
[[ "$os" == *Windows* ]] && ok "it reports its Windows version: $os" || bad "os '$os'"
# whb on the collector's host: its control socket (loopback is no identity).
status=$("$lin/bin/whb" --socket "$work/ctl.sock" why pc-win.corp.example --json | jq -r .status)
[ "$status" = reporting ] && ok "whb why pc-win: reporting" || bad "whb why pc-win: $status"
kill "$cpid"; wait "$cpid" 2>/dev/null; cpid=
# The collector's database is rebuilt: the same agent state enrolls again by itself (403
# not_enrolled, then the token), as a fleet must after a restore from an older backup.
rm -f "$work/c.db" "$work/c.db-wal" "$work/c.db-shm"
collector
agent
seq=$(sqlite3 "$work/c.db" "select last_seq from machines where fqdn='pc-win.corp.example'" 2>/dev/null)
[ "${seq:-0}" -ge 1 ] && grep -q "enrolling again" "$work/agent.log" &&
    ok "after the collector's database was rebuilt whb-agent.exe enrolled again by itself" ||
    { bad "no re-enrollment after the database was rebuilt"; tail -5 "$work/agent.log"; }
kill "$cpid"; wait "$cpid" 2>/dev/null; cpid=

# 3. The Windows Update client's own story, read by whb-agent.exe as on a Windows machine: its
#    policy and identity set with `wine reg add`, wuauserv disabled in the service manager's
#    registry (wine's sc has no "config"; its services.exe reads the Start value when wine
#    starts), UsoSvc made with `sc create`, and the client's events from the recorded file
#    (wine has no event log). A prefix of its own: the shared one keeps wine's defaults.
export WINEPREFIX=$work/prefix-wu
wreg() { wine reg add "$@" /f >/dev/null 2>&1 || bad "wine reg add $*"; }
# The WSUS server the policy names, answering the agent's probe (a plain HTTP server).
wsport=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
mkdir -p "$work/wsus-root"
python3 -m http.server "$wsport" --bind 127.0.0.1 --directory "$work/wsus-root" >/dev/null 2>&1 &
wspid=$!
wsus=http://127.0.0.1:$wsport
policy='HKLM\SOFTWARE\Policies\Microsoft\Windows\WindowsUpdate'
wreg "$policy" /v WUServer /t REG_SZ /d "$wsus"
wreg "$policy" /v WUStatusServer /t REG_SZ /d "$wsus"
wreg "$policy\AU" /v UseWUServer /t REG_DWORD /d 1
wreg 'HKLM\SOFTWARE\Microsoft\Windows\CurrentVersion\WindowsUpdate' /v SusClientId /t REG_SZ \
    /d 0B6A3C5E-4F1D-4E8A-9C2B-7D5E6F708192
wreg 'HKLM\System\CurrentControlSet\Services\wuauserv' /v Start /t REG_DWORD /d 4
wine sc create UsoSvc binpath= 'C:\windows\system32\svchost.exe' start= auto >/dev/null 2>&1
wineserver -k
events=tests/data/wu-client-events.xml
look=$(timeout 60 wine "$exe" --once --json --state-dir 'C:\whb-wu' --fqdn pc-wu.corp.example \
    --update-events-file "Z:$PWD/$events" 2>>"$work/agent.log")
wu() { jq -r "$1" <<<"$look" 2>/dev/null; }
[ "$(wu .update_client.wu_server)" = "$wsus" ] &&
    [ "$(wu .update_client.use_wu_server)" = on ] &&
    ok "update client: WUServer and UseWUServer read from the policy key" ||
    bad "update client policy: $(wu .update_client)"
[ "$(wu .update_client.sus_client_id)" = 0b6a3c5e-4f1d-4e8a-9c2b-7d5e6f708192 ] &&
    ok "update client: SusClientId, in the spelling the collector compares" ||
    bad "SusClientId '$(wu .update_client.sus_client_id)'"
[ "$(wu '.update_client.services[] | select(.name=="wuauserv") | .start_type')" = disabled ] &&
    [ "$(wu '.update_client.services[] | select(.name=="UsoSvc") | .start_type')" = automatic ] &&
    [ "$(wu '.update_client.services[] | select(.name=="CryptSvc") | .start_type')" = "not installed" ] &&
    ok "update client: start types from the service manager (wuauserv disabled)" ||
    bad "services: $(wu '.update_client.services')"
[ "$(wu '.update_client.log[] | select(.event_id==25 and .service=="WSUS (managed server)") | .error_code')" = 0x8024401C ] &&
    [ "$(wu '.update_client.log | length')" = 9 ] &&
    ok "update client: its recorded events (scan against WSUS failed with 0x8024401C)" ||
    bad "log: $(wu '.update_client.log')"
# Reporting: the newest scan failure arrives while it runs.
head -2 "$events" > "$work/wu-events.xml"
collector
timeout 240 wine "$exe" --collector-url "https://localhost:$port/v1/report" \
    --ca-file "Z:$work/certs/ca.crt" --state-dir "C:\\whb-wu-$run_id" --fqdn pc-wu.corp.example \
    --enrollment-token wine-token --interval 1 --update-events-file "Z:$work/wu-events.xml" \
    >"$work/agent-wu.log" 2>&1 &
apid=$!
q() { sqlite3 "$work/c.db" "select count(*) from events e join machines m using(machine_id) where m.fqdn='pc-wu.corp.example' and $1" 2>/dev/null; }
# Once it reports (wine starts slowly on a busy machine): the client logs a failure.
for _ in $(seq 150); do [ "$(q 1=1)" -ge 1 ] 2>/dev/null && break; sleep 1; done
sed -n '3p;9p' "$events" >> "$work/wu-events.xml"
scan="e.kind=28 and e.reason_code=2149859356 and e.adapter='{3da21691-e39d-4da6-8a4b-b43877bcb1b7}'"
for _ in $(seq 30); do [ "$(q "$scan")" -ge 1 ] 2>/dev/null && break; sleep 1; done
[ "$(q "$scan")" -ge 1 ] && [ "$(q "e.kind=31 and e.detail like '%wsus01.corp.example%'")" -ge 1 ] &&
    ok "the collector stored update_scan_failed 0x8024401C against WSUS and update_cannot_connect" ||
    { bad "no update client events at the collector"; tail -5 "$work/agent-wu.log"; }
# The collector's answer for it, from what whb-agent.exe read: the disabled service first (it
# scans nothing), the failing scans in Microsoft's words with it.
why=$("$lin/bin/whb" --socket "$work/ctl.sock" why pc-wu.corp.example --json)
[ "$(jq -r '.reason + " " + .summary' <<<"$why")" = "update_service_disabled disabled: wuauserv" ] &&
    [ "$(jq -r '.update_client.scan_error_words.name' <<<"$why")" = WU_E_PT_HTTP_STATUS_REQUEST_TIMEOUT ] &&
    [ "$(jq -r '.update_client.sus_client_id' <<<"$why")" = 0b6a3c5e-4f1d-4e8a-9c2b-7d5e6f708192 ] &&
    ok "whb why pc-wu: update_service_disabled, its scans failing with 0x8024401C, its SusClientId" ||
    bad "whb why pc-wu: $(jq -c '{reason, summary, update_client}' <<<"$why")"
kill "$apid" 2>/dev/null; wait "$apid" 2>/dev/null
kill "$wspid" 2>/dev/null; wait "$wspid" 2>/dev/null
kill "$cpid"; wait "$cpid" 2>/dev/null; cpid=
wineserver -k 2>/dev/null
export WINEPREFIX=$win/wineprefix

if [ "$(id -u)" -ne 0 ] || ! ip netns add "$ns" 2>/dev/null; then
    echo "    !!!  namespace part NOT RUN (needs root)"
    [ $fail -eq 0 ]; exit
fi
ip -n "$ns" link set lo up
ip -n "$ns" link add eth0 type veth peer name peer0
ip -n "$ns" link set eth0 up
ip -n "$ns" link set peer0 up
ip -n "$ns" addr add 10.77.0.2/24 dev eth0
# A prefix of its own, so that wine's network driver starts inside the namespace.
export WINEPREFIX=$work/prefix-ns
carrier() {
    ip netns exec "$ns" timeout 60 wine "$exe" --once --json --state-dir 'C:\whb-ns' 2>/dev/null |
        jq -r '.adapters[] | select(.name=="eth0") | .carrier'
}
[ "$(carrier)" = true ] && ok "IP Helper: eth0 carrier up" || bad "IP Helper: eth0 carrier not up"
ip -n "$ns" link set peer0 down
[ "$(carrier)" = false ] && ok "IP Helper: carrier down after the peer went down" || bad "carrier did not follow the peer down"
ip -n "$ns" link set peer0 up
sleep 0.5
[ "$(carrier)" = true ] && ok "IP Helper: carrier up again" || bad "carrier did not come back"
[ $fail -eq 0 ]

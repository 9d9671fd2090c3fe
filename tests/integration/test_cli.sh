#!/bin/bash
# The whb CLI through the real collector: machines are whb-agent processes on the replay
# backend (one wired behind sw-access-1, one on Wi-Fi), one of which goes silent. Checks every
# command a user has: status, silent, why, history, outages, port, wifi, explain, wsus-import
# (good, malformed and PowerShell-flavoured CSV), and the one-line errors with exit status 2.
# Usage: test_cli.sh BUILD_DIR
set -u
bin=$(cd "${1:?usage: test_cli.sh BUILD_DIR}" && pwd)/bin
. "$(dirname "$0")/../support/shell.sh"
whb_test_init cli
port=$(free_port)
echo cli-token > "$work/token"
echo cli-admin-token > "$work/admin"
"$bin/whb-collector" --plain-http --listen 127.0.0.1:$port --db "$work/c.db" \
    --enrollment-token-file "$work/token" --admin-token-file "$work/admin" --interval 1 --grace 3 \
    2>"$work/collector.log" &
pids+=($!)
export WHB_URL=http://127.0.0.1:$port WHB_TOKEN_FILE=$work/admin
whb() { "$bin/whb" "$@"; }
wait_started "${pids[-1]}" "the collector to answer" quietly whb status ||
    whb_abort "the collector did not start" "$work/collector.log"

cat > "$work/wired.scn" <<SCN
identity machine_id=m-cli-1 fqdn=pc-1.corp.example
0 adapter eth0 type=ethernet mac=52:54:00:00:00:01 addr=10.9.8.11/24 gw=10.9.8.1
0 lldp eth0 chassis=00:11:22:33:44:55 port=Gi1/0/7 sysname=sw-access-1
SCN
cat > "$work/wifi.scn" <<SCN
identity machine_id=m-cli-2 fqdn=pc-2.corp.example
0 adapter wlan0 type=wireless addr=10.9.9.12/24 gw=10.9.9.1
0 wifi wlan0 ssid=Corp bssid=a0:b1:c2:d3:e4:f5 signal=-60 associated=1
2500 end
SCN
for n in wired wifi; do
    "$bin/whb-agent" --platform replay --replay-file "$work/$n.scn" --state-dir "$work/$n" \
        --collector-url "$WHB_URL/v1/report" --allow-plain-http 1 --enrollment-token cli-token \
        --interval 1 2>"$work/$n.log" &
    pids+=($!)
done
pc2_silent() { [ "$(whb why pc-2 --json 2>/dev/null | jq -r .status)" = not_reporting ]; }
wait_until 10 "pc-2 to fall silent" pc2_silent

expect "status counts" "$(whb status --json | jq -c '[.known, .reporting, .not_reporting]')" "[2,1,1]"
expect "status: the store's one collector, running" \
    "$(whb status --json | jq -c '[.collectors[] | .state]')" '["running"]'
# Left with no failure recorded: lost connectivity, wireless among the alternatives.
expect "silent lists pc-2 with a reason" "$(whb silent --json | jq -r '.machines[0] | .machine + " " + .reason')" \
    "pc-2.corp.example lost_connectivity"
expect "wireless is an alternative for pc-2" \
    "$(whb why pc-2 --json | jq '[.alternatives[].reason] | index("wireless_association") != null')" true
expect "why by short name" "$(whb why pc-1 --json | jq -r .machine)" "pc-1.corp.example"
expect "why --json has every documented field" \
    "$(whb why pc-2 --json | jq '["machine","status","silent_since","reason","term","documented","confidence","evidence","alternatives","next_step"] - keys | length')" 0
expect "why --json: evidence entries have at and text" "$(whb why pc-2 --json | jq '[.evidence[] | has("at") and has("text")] | all')" true
expect "why --json: the collector the machine reports to, its first choice" \
    "$(whb why pc-1 --json | jq -c .collector)" "{\"url\":\"$WHB_URL/v1/report\",\"rank\":0,\"failed_over\":false}"
expect "why says so in words" "$(whb why pc-1 | grep -c "reports to    $WHB_URL/v1/report (its first choice)")" 1
expect "port: machines behind sw-access-1" "$(whb port sw-access-1 --json | jq -r '.machines[].machine')" "pc-1.corp.example"
expect "port with a port id" "$(whb port 00:11:22:33:44:55 Gi1/0/7 --json | jq .count)" 1
expect "wifi by SSID" "$(whb wifi --ssid Corp --json | jq -r '.machines[].machine')" "pc-2.corp.example"
expect "history answers" "$(whb history pc-1 --json | jq -r .machine)" "pc-1.corp.example"
whb outages --json | jq -e .outages >/dev/null && ok "outages answers" || bad "outages"
for code in not-reported 6703 0x80070643 services "computer has not reported status"; do
    whb explain $code | grep -q "resolution:" && ok "explain $code" || bad "explain $code"
done
whb explain 6703 | grep -q "4000000 KB" && ok "explain 6703 gives the Private Memory Limit fix" || bad "6703 fix"

# wsus-import: the CSV as Export-Csv writes it (#TYPE line, quoted, US dates, BOM).
printf '\xef\xbb\xbf#TYPE Selected.Microsoft.UpdateServices.Internal.BaseApi.ComputerTarget\r\n' > "$work/wsus.csv"
cat >> "$work/wsus.csv" <<'CSV'
"FullDomainName","IPAddress","LastReportedStatusTime","LastSyncTime"
"pc-1.corp.example","10.9.8.11","11/25/2026 9:12:04 AM","11/25/2026 9:12:04 AM"
"pc-2.corp.example","10.9.9.12","1/1/0001 12:00:00 AM","10/2/2026 3:04:05 PM"
"pc-9.corp.example","10.9.8.19","2025-01-05T08:00:00","2025-01-05T08:00:00"
CSV
out=$(whb wsus-import "$work/wsus.csv" --json)
expect "wsus-import counts" "$(jq -c '[.imported, .not_reported]' <<<"$out")" "[3,2]"
expect "wsus-import: pc-2 explained" "$(jq -r '.answers[] | select(.machine=="pc-2.corp.example") | .reason' <<<"$out")" lost_connectivity
expect "wsus-import: pc-9 has no agent" "$(jq -r '.answers[] | select(.machine=="pc-9.corp.example") | .reason' <<<"$out")" no_agent
expect "wsus-import stored the list" "$(sqlite3 "$work/c.db" 'select count(*) from wsus_computers')" 3

printf '"FullDomainName","LastReportedStatusTime"\n"pc-1.corp.example","11/25/2026 9:12:04 AM"\n"pc 2!","11/25/2026"\n' > "$work/bad.csv"
err=$(whb wsus-import "$work/bad.csv" 2>&1); rc=$?
expect "malformed CSV: exit 2" "$rc" 2
expect "malformed CSV: line, field and what was expected" "$err" "whb: $work/bad.csv: line 3, field FullDomainName: expected a host name (letters, digits, '-', '.'), got 'pc 2!'"
expect "malformed CSV: nothing half-imported" "$(sqlite3 "$work/c.db" 'select count(*) from wsus_computers')" 3
printf '"FullDomainName","LastReportedStatusTime"\n"pc-1.corp.example","yesterday"\n' > "$work/bad2.csv"
err=$(whb wsus-import "$work/bad2.csv" 2>&1)
expect "malformed date: line, field and what was expected" "$err" "whb: $work/bad2.csv: line 2, field LastReportedStatusTime: expected a date such as 2026-11-25T19:58:12.0000000Z (export with .ToString('o')), got 'yesterday'"

err=$(whb why pc-77 2>&1); rc=$?
expect "unknown host: exit 2" "$rc" 2
expect "unknown host: one line" "$(wc -l <<<"$err")" 1
err=$(WHB_URL=http://127.0.0.1:1 "$bin/whb" status 2>&1); rc=$?
expect "collector down: exit 2" "$rc" 2
expect "collector down: one line" "$(wc -l <<<"$err")" 1
err=$(whb frobnicate 2>&1); rc=$?
expect "bad arguments: exit 2" "$rc" 2
expect "bad arguments: one line" "$(wc -l <<<"$err")" 1

# As a new user would type them: each mistake one line that says what to do, exit 2.
one_line() { # description want args...
    local d=$1 want=$2; shift 2
    local out rc; out=$(whb "$@" 2>&1 >/dev/null); rc=$?
    if [ "$rc" = 2 ] && [ "$out" = "$want" ]; then ok "$d"; else bad "$d: exit $rc, '$out', want '$want'"; fi
}
one_line "unknown command" "whb: unknown command 'statuss' (try: whb --help)" statuss
one_line "misspelt option" "whb: unknown option '--jsn' (try: whb --help)" --jsn status
one_line "--limit abc" "whb: --limit: expected a whole number from 1 to 100000, got 'abc'" silent --limit abc
one_line "--limit -1" "whb: --limit: expected a whole number from 1 to 100000, got '-1'" silent --limit -1
one_line "--limit 0" "whb: --limit: expected a whole number from 1 to 100000, got '0'" silent --limit 0
one_line "--token-file missing" "whb: --token-file /nonexistent: cannot read the admin token file" --token-file /nonexistent status
# Loopback is no identity: without a token the read API refuses, and says how to get in.
err=$(WHB_TOKEN_FILE= "$bin/whb" status 2>&1); rc=$?
expect "no token over the URL: exit 2, says what to give" "$rc:$err" "2:whb: a token is required (Authorization: Bearer, the admin or read token) or a console login: give the collector's admin or read token with --token-file FILE (or WHB_TOKEN_FILE), or run whb on the collector's host as root (its control socket)"
err=$(WHB_TOKEN_FILE=/nonexistent "$bin/whb" status 2>&1); rc=$?
expect "WHB_TOKEN_FILE missing: named, exit 2" "$rc:$err" "2:whb: WHB_TOKEN_FILE /nonexistent: cannot read the admin token file"
one_line "the agents' URL given to whb" \
    "whb: --url $WHB_URL/v1/report: expected the collector's base URL without a path (like https://whb.corp.example:8443), not the agents' /v1/report" \
    --url "$WHB_URL/v1/report" status
one_line "why without a host" "whb: why: wrong number of arguments (usage: whb why HOST)" why
one_line "option of another command" "whb: status: option not for this command (usage: whb status)" status --limit 5
one_line "option without its value" "whb: option --url needs a value (try: whb --help)" status --url
one_line "history names the host" "whb: history pc-77: no agent ever reported from this machine" history pc-77
expect "--version" "$(whb --version)" "whb $(sed -n 's/^project(wsus-heartbeat VERSION \([0-9.]*\).*/\1/p' "$(dirname "$0")/../../CMakeLists.txt")"
expect "singular: 1 machine" "$(whb port sw-access-1 | tail -1)" "(1 machine)"

# No dead ends: what a newcomer types gets an answer or says what to type instead.
expect "--url as copied from a browser (a trailing /)" "$(whb --url "$WHB_URL/" status --json | jq .known)" 2
one_line "a near miss: did you mean" \
    "whb: unknown host pc1: no agent has ever reported from it and WSUS's list (as last imported) does not have it; did you mean pc-1.corp.example?" why pc1
one_line "a name near two: both" \
    "whb: unknown host pc-3: no agent has ever reported from it and WSUS's list (as last imported) does not have it; did you mean pc-1.corp.example, pc-2.corp.example, pc-9.corp.example?" why pc-3
one_line "history: did you mean" \
    "whb: history pc1: no agent ever reported from this machine; did you mean pc-1.corp.example?" history pc1
one_line "an unknown switch is said, with the known ones" \
    "whb: port sw-acces-1: no machine has reported this switch (LLDP system name or chassis id, as \`whb outages\` and the console show them); known: sw-access-1" port sw-acces-1
one_line "an unknown port of a known switch" \
    "whb: port sw-access-1 Gi1/0/99: no machine reports this port of the switch" port sw-access-1 Gi1/0/99
one_line "an unknown SSID, with the known ones" \
    "whb: wifi --ssid Crop: no machine has reported this SSID; known: Corp" wifi --ssid Crop
one_line "an unknown access point" \
    "whb: wifi --bssid a0:b1:c2:d3:e4:00: no machine has reported this access point; known: a0:b1:c2:d3:e4:f5" wifi --bssid a0:b1:c2:d3:e4:00

expect "status line" "$(whb status | head -1)" "2 machines known, 1 reporting, 1 not reporting"
whb silent --limit 1 --json | jq -e '.count == 1' >/dev/null && ok "--limit 1 limits" || bad "--limit 1"
# A WSUS server answering 503 to a machine that reports: `whb status` says so (the silent
# machines' reasons cannot).
wsus_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
python3 "$(dirname "$0")/../../installer/demo/wsus-stub.py" "$wsus_port" 600 &
pids+=($!)
for _ in $(seq 50); do curl -s -o /dev/null "http://127.0.0.1:$wsus_port/" && break; sleep 0.1; done
cat > "$work/wsus.scn" <<SCN
identity machine_id=m-cli-3 fqdn=pc-3.corp.example
0 adapter eth0 type=ethernet mac=52:54:00:00:00:03 addr=10.9.8.13/24 gw=10.9.8.1
SCN
"$bin/whb-agent" --platform replay --replay-file "$work/wsus.scn" --state-dir "$work/wsus" \
    --collector-url "$WHB_URL/v1/report" --allow-plain-http 1 --enrollment-token cli-token \
    --interval 1 --wsus-url "http://127.0.0.1:$wsus_port/selfupdate/wuident.cab" 2>"$work/wsus.log" &
pids+=($!)
for _ in $(seq 100); do whb status | grep -q "^WSUS " && break; sleep 0.2; done
whb status | grep -q "^WSUS http://127.0.0.1:$wsus_port/selfupdate/wuident.cab answers HTTP 503 to 1 reporting machine (last probe .*): The WSUS server is unavailable" &&
    ok "status: the WSUS server's 503, with its next step" || bad "status: $(whb status)"
whb status | grep -q "^  next step: .*Private Memory Limit\|^  next step: .*WsusPool" &&
    ok "status: the next step for WSUS's side" || bad "status next step: $(whb status | grep -A1 '^WSUS')"
whb_test_finish

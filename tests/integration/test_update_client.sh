#!/bin/bash
# The Windows Update client's story through the real collector (issue 25): replay agents play
# the client states a Windows agent reads (client/platform/replay/replay.c "wu" lines), and
# `whb why` and `whb wsus-import` answer them:
#  - two agents with one SusClientId (a cloned image): duplicate_wsus_identity from both sides,
#    and WSUS's one computer with that Id matched to both (matched_by duplicate_id);
#  - a client whose scans fail with 0x8024401C: Microsoft's words and mitigation;
#  - wuauserv disabled; a client without WSUS policy scanning Windows Update;
#  - three clients of one subnet losing their WSUS policy at once: a GPO that stopped applying;
#  - WSUS's Id matched to the agent whatever its name (matched_by id), and the answer for a
#    computer WSUS has not heard from in 65 days covering those days, not its nap of a minute.
# Usage: test_update_client.sh BUILD_DIR
set -u
bin=$(cd "${1:?usage: test_update_client.sh BUILD_DIR}" && pwd)/bin
work=$(mktemp -d /tmp/whb-wu-XXXXXX)
fail=0
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
ok() { echo "    ok   $*"; }
bad() { echo "    FAIL $*"; fail=1; }
expect() { if [ "$2" = "$3" ]; then ok "$1"; else bad "$1: got '$2', want '$3'"; fi; }
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
echo wu-token > "$work/token"
"$bin/whb-collector" --plain-http --listen 127.0.0.1:$port --db "$work/c.db" \
    --enrollment-token-file "$work/token" --interval 1 --grace 3 --wsus-not-reported-days 10 \
    --control-socket "$work/ctl.sock" 2>"$work/collector.log" &
pids+=($!)
# whb on the collector's host: its control socket (loopback is no identity).
export WHB_URL=http://127.0.0.1:$port WHB_SOCKET=$work/ctl.sock
whb() { "$bin/whb" "$@"; }
for _ in $(seq 50); do whb status >/dev/null 2>&1 && break; sleep 0.1; done

clone=0b6a3c5e-4f1d-4e8a-9c2b-7d5e6f708192
wsus="server=http://wsus01.corp.example:8530 status=http://wsus01.corp.example:8530 use_wu_server=1"
n=0
agent() { # name subnet-octet [wu lines...]
    local name=$1 net=$2
    shift 2
    n=$((n + 1))
    {
        echo "identity machine_id=m-$name fqdn=$name.corp.example"
        echo "0 adapter eth0 type=ethernet mac=52:54:00:00:01:$(printf %02x $n) addr=10.9.$net.$((n + 10))/24 gw=10.9.$net.1"
        for l in "$@"; do echo "$l"; done
    } > "$work/$name.scn"
    "$bin/whb-agent" --platform replay --replay-file "$work/$name.scn" --state-dir "$work/st-$name" \
        --collector-url "$WHB_URL/v1/report" --allow-plain-http 1 --enrollment-token wu-token \
        --interval 1 2>"$work/$name.log" &
    pids+=($!)
}
good="0 wu log 26 ago=3600000 service=wsus detail=2"
agent clone-a 4 "0 wu policy $wsus" "0 wu id sus=$clone" "$good"
agent clone-b 4 "0 wu policy $wsus" "0 wu id sus=$clone" "$good"
agent scanfail 4 "0 wu policy $wsus" "0 wu id sus=11111111-2222-4333-8444-555555555555" \
    "0 wu log 26 ago=777600000 service=wsus" "0 wu log 25 ago=3600000 error=0x8024401C service=wsus"
agent disabled 4 "0 wu policy $wsus" "0 wu service wuauserv disabled" "0 wu service BITS manual" \
    "0 wu log 25 ago=600000 error=0x80070422 service=wsus"
agent nowsus 4 "0 wu policy" "0 wu log 26 ago=600000 service=wu"
agent fine 4 "0 wu policy $wsus" "0 wu id sus=22222222-3333-4444-8555-666666666666" "$good"
# Its GPO stops applying to three machines of 10.9.5.0/24 at once, ten seconds in.
for g in gpo-1 gpo-2 gpo-3; do agent $g 5 "0 wu policy $wsus" "$good" "10000 wu policy"; done
# A laptop WSUS lists as silent for 65 days; it went to sleep a second in.
agent lt-65 6 "0 wu policy $wsus" "0 wu id sus=33333333-4444-4555-8666-777777777777" \
    "0 wu log 25 ago=86400000 error=0x80244022 service=wsus" "1000 power hibernate" "1200 end"
for _ in $(seq 100); do
    [ "$(whb status --json 2>/dev/null | jq .reporting)" -ge 11 ] 2>/dev/null && break
    sleep 0.1
done
sleep 12 # the GPO change and the laptop's silence

why() { whb why "$1.corp.example" --json; }
field() { why "$1" | jq -r "$2"; }
expect "clone-a: duplicate WSUS identity" "$(field clone-a .reason)" duplicate_wsus_identity
expect "clone-b: the same, from its side" "$(field clone-b '.reason + " " + .confidence')" \
    "duplicate_wsus_identity high"
why clone-a | jq -r .summary | grep -q "clone-b.corp.example" && why clone-a | jq -r .summary | grep -q "clone-a.corp.example" &&
    ok "the duplicate's answer names both computers" || bad "duplicate summary: $(field clone-a .summary)"
why clone-a | jq -r .next_step | grep -q "SusClientIdValidation" && why clone-a | jq -r .next_step | grep -q "wuauclt /resetauthorization /detectnow" &&
    ok "Microsoft's fix for a duplicate SusClientId" || bad "next step: $(field clone-a .next_step)"
expect "scanfail: its scans fail" "$(field scanfail .reason)" update_scan_failing
expect "scanfail: the code in Microsoft's name" "$(field scanfail .update_client.scan_error_words.name)" \
    WU_E_PT_HTTP_STATUS_REQUEST_TIMEOUT
why scanfail | jq -r .next_step | grep -q "ClientWebService" &&
    ok "scanfail: the documented mitigation" || bad "scanfail next step: $(field scanfail .next_step)"
expect "scanfail: the page it rests on" "$(field scanfail .source)" \
    "https://learn.microsoft.com/troubleshoot/mem/configmgr/update-management/troubleshoot-software-update-scan-failures"
text=$(whb why scanfail)
grep -q "windows update client" <<<"$text" && grep -q "0x8024401C WU_E_PT_HTTP_STATUS_REQUEST_TIMEOUT: Same as HTTP status 408" <<<"$text" &&
    grep -q "source      https://learn.microsoft.com/" <<<"$text" &&
    ok "whb why shows the client, the code in Microsoft's words and the page" || bad "whb why text: $text"
expect "disabled: wuauserv disabled" "$(field disabled '.reason + " " + .summary')" \
    "update_service_disabled disabled: wuauserv"
expect "nowsus: scans Windows Update for lack of a policy" "$(field nowsus '.reason + " " + .update_client.route')" \
    "update_client_elsewhere microsoft"
field nowsus .summary | grep -q "no WSUS policy" && ok "nowsus: why" || bad "nowsus: $(field nowsus .summary)"
expect "fine: reporting" "$(field fine .reason)" reporting
expect "gpo-2: three lost their WSUS policy at once" "$(field gpo-2 .reason)" wsus_policy_lost
field gpo-2 .summary | grep -q "10.9.5.0/24" && ok "the subnet they share is named" || bad "gpo-2: $(field gpo-2 .summary)"

# Our records of the laptop go back 100 days (as if its agent had run since then; a replay
# lives for seconds), without a silence until its nap.
sqlite3 "$work/c.db" "UPDATE machines SET first_seen = first_seen - 100 * 86400000 WHERE fqdn = 'lt-65.corp.example'"

# WSUS's list, with Id (ComputerTargetId): the clones are one computer to WSUS.
old=$(date -u -d '-65 days' +%Y-%m-%dT%H:%M:%S.0000000Z)
sync=$(date -u -d '-2 hours' +%Y-%m-%dT%H:%M:%S.0000000Z)
{
    printf '"FullDomainName","IPAddress","LastReportedStatusTime","LastSyncTime","Id"\r\n'
    printf '"clone-b.corp.example","","%s","%s","%s"\r\n' "$old" "$old" "${clone^^}"
    printf '"old-name.corp.example","","%s","%s","{33333333-4444-4555-8666-777777777777}"\r\n' "$old" "$sync"
    printf '"scanfail.corp.example","","%s","%s","11111111-2222-4333-8444-555555555555"\r\n' "$old" "$sync"
} > "$work/wsus.csv"
out=$(whb wsus-import "$work/wsus.csv" --json) || bad "import failed"
answer() { jq -r --arg n "$1" '.answers[] | select(.wsus_name==$n) | '"$2" <<<"$out"; }
expect "WSUS's clone computer: matched to both agents" "$(answer clone-b.corp.example '.matched_by')" duplicate_id
answer clone-b.corp.example .match | grep -q clone-a.corp.example &&
    ok "both agents named" || bad "match: $(answer clone-b.corp.example .match)"
expect "a renamed computer: matched by its Id" "$(answer old-name.corp.example '.matched_by + " " + .machine')" \
    "id lt-65.corp.example"
expect "the 65 days are covered" "$(answer old-name.corp.example '.wsus_silent_days')" 65
expect "on and online on all of them by our records" "$(answer old-name.corp.example '[.record_days, .online_days] | @text')" "[65,65]"
expect "the answer is its client's story (scans got HTTP 503), not the nap" \
    "$(answer old-name.corp.example '.reason + " " + .now.reason + " " + .confidence')" \
    "update_scan_failing hibernation high"
# Asked as the WSUS console shows it (whb why, api/names.c): the renamed computer is the agent
# of its Id, not "no agent" (whb_store_resolve took an Id match for WSUS only before).
expect "why old-name.corp.example: the agent of its Id" \
    "$(whb why old-name.corp.example --json | jq -r '.machine + " " + .matched_by')" "lt-65.corp.example id"
whb why old-name.corp.example | grep -q "matched by its WSUS identity" &&
    ok "why old-name says how it was matched" || bad "why old-name: $(whb why old-name.corp.example 2>&1 | head -8)"
# A machine our records saw for seconds: its silence of now stands, the days are said.
expect "scanfail: seen for seconds, so no day online" "$(answer scanfail.corp.example '[.record_days, .online_days] | @text')" "[1,0]"
answer old-name.corp.example '.evidence[].text' | grep -q "on and online on 65 of the 65 days" &&
    ok "the days are evidence" || bad "old-name evidence: $(answer old-name.corp.example '.evidence')"
answer old-name.corp.example '.evidence[].text' | grep -q "synced .* ago but its last status report is" &&
    ok "a recent sync with an old status report is said" || bad "old-name evidence: $(answer old-name.corp.example '.evidence')"

[ $fail -eq 0 ]

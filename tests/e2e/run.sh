#!/bin/bash
# End-to-end scenarios: real kernel events on client namespaces -> whb-agent -> spool -> TLS ->
# whb-collector -> engine -> whb. Each scenario builds and removes its own network (lib.sh) and
# asserts `whb why HOST --json` while the machine is silent and `whb history HOST` after it
# returns. Needs root (network namespaces). Usage: run.sh BUILD_DIR [SCENARIO...]
set -u
build=${1:?usage: run.sh BUILD_DIR [SCENARIO...]}
shift
export E2E_BIN=$(cd "$build" && pwd)/bin
cd "$(dirname "$0")"
source ./lib.sh
source ./switch.sh

if [ "$(id -u)" -ne 0 ] || ! ip netns add ${NS_PREFIX}probe 2>/dev/null; then
    echo "e2e: UNAVAILABLE: network namespaces need root (and CAP_SYS_ADMIN); NOT RUN" >&2
    exit 77
fi
ip netns del ${NS_PREFIX}probe
# A previous run that was killed may have left namespaces behind.
for ns in $(ip netns list | awk '{print $1}' | grep "^$NS_PREFIX"); do ip netns del "$ns"; done

SILENT_WAIT=30   # seconds to notice a silence: 3 heartbeats of 2 s, plus margin
BACK_WAIT=30

# --- scenarios: each returns 0 when every assertion held -------------------------------------

scenario_cable_unplugged() {
    e2e_setup 2
    start_agent 1; start_agent 2
    wait_for 20 "pc-1 sees its switch port" has_switch pc-1 sw-access-1 || return 1
    log "the switch-side end of pc-1's cable goes away"
    ip netns add ${NS_PREFIX}limbo
    ip -n ${NS_PREFIX}sw1 link set swp1 netns ${NS_PREFIX}limbo
    wait_for $SILENT_WAIT "pc-1 silent" is_silent pc-1 || return 1
    local r
    r=$(why_field pc-1 .reason)
    expect_eq "why pc-1 while silent (no last gasp, alone on its switch)" "$r" lost_connectivity || return 1
    expect_eq "cable_unplugged among the alternatives" \
        "$(why_field pc-1 '[.alternatives[].reason] | index("cable_unplugged") != null')" true || return 1
    expect_eq "pc-2 unaffected" "$(why_field pc-2 .status)" reporting || return 1
    sleep 3
    log "cable back in"
    ip -n ${NS_PREFIX}limbo link set swp1 netns ${NS_PREFIX}sw1
    nsx sw1 ip link set swp1 master br0 up
    wait_for $BACK_WAIT "pc-1 back" is_reporting pc-1 || return 1
    wait_for 10 "history of pc-1" history_has pc-1 cable_unplugged || { whb history pc-1; return 1; }
    log "ok   history: $(whb history pc-1 --json | jq -r '.gaps[0].summary')"
}

scenario_ports_disabled() {
    e2e_setup 5
    for i in 1 2 3 4 5; do start_agent $i; done
    for i in 1 2 3 4 5; do
        wait_for 20 "pc-$i on sw-access-1" has_switch pc-$i sw-access-1 || return 1
    done
    log "network team disables ports swp2, swp3, swp4 at once"
    for p in 2 3 4; do nsx sw1 ip link set swp$p down; done
    for i in 2 3 4; do wait_for $SILENT_WAIT "pc-$i silent" is_silent pc-$i || return 1; done
    for i in 2 3 4; do
        expect_eq "why pc-$i" "$(why_field pc-$i .reason)" port_disabled || return 1
    done
    expect_eq "next step names the switch" \
        "$(why_field pc-3 '.next_step | test("sw-access-1")')" true || return 1
    local outages
    outages=$(whb outages --json)
    expect_eq "one correlated outage" "$(jq '[.outages[] | select(.kind=="switch")] | length' <<<"$outages")" 1 || return 1
    expect_eq "with three machines" "$(jq '.outages[] | select(.kind=="switch") | .machines_count' <<<"$outages")" 3 || return 1
    expect_eq "pc-1 still reporting" "$(why_field pc-1 .status)" reporting || return 1
    whb why pc-3 | sed 's/^/    | /'
    expect_eq "no link loss claimed while silent" \
        "$(why_field pc-3 '[.evidence[].text] | map(test("lost their link")) | any')" false || return 1
    log "ports enabled again"
    for p in 2 3 4; do nsx sw1 ip link set swp$p up; done
    for i in 2 3 4; do wait_for $BACK_WAIT "pc-$i back" is_reporting pc-$i || return 1; done
    # Issue 10.4: the past with the neighbours as they were then, stamped with the gap's time.
    local h
    for i in 2 3 4; do wait_for 10 "history pc-$i" history_has pc-$i port_disabled || { whb history pc-$i; return 1; }; done
    h=$(whb history pc-3 --json)
    whb history pc-3 | sed -n '1,8p' | sed 's/^/    | /'
    expect_eq "history: high confidence (each saw its own link go)" "$(jq -r '.gaps[0].confidence' <<<"$h")" high || return 1
    expect_eq "history: together, stamped at the gap's start" \
        "$(jq -r '.gaps[0] as $g | [$g.evidence[] | select(.text | test("went silent together")) | .at == $g.from] | all' <<<"$h")" true || return 1
    expect_eq "history: the neighbours as they were then" \
        "$(jq -r '[.gaps[0].evidence[].text | select(test("were still reporting then"))][0]' <<<"$h")" \
        "2 machines on the same switch were still reporting then" || return 1
    for i in 2 3 4; do wait_for 10 "history pc-$i" history_has pc-$i port_disabled || { whb history pc-$i; return 1; }; done
    log "ok   history pc-2: $(whb history pc-2 --json | jq -r '.gaps[0].summary')"
}

scenario_adapter_disabled() {
    e2e_setup 1
    start_agent 1
    wait_for 20 "pc-1 reporting" is_reporting pc-1 || return 1
    log "adapter disabled on the machine"
    nsx c1 ip link set eth0 down
    wait_for $SILENT_WAIT "pc-1 silent" is_silent pc-1 || return 1
    expect_eq "why pc-1 while silent" "$(why_field pc-1 .status)" not_reporting || return 1
    sleep 2
    nsx c1 ip link set eth0 up
    nsx c1 ip route replace default via 10.99.0.1
    wait_for $BACK_WAIT "pc-1 back" is_reporting pc-1 || return 1
    wait_for 10 "history" history_has pc-1 adapter_disabled || { whb history pc-1; return 1; }
    log "ok   history: $(whb history pc-1 --json | jq -r '.gaps[0].summary')"
}

scenario_faulty_adapter() {
    e2e_setup 1
    start_agent 1
    wait_for 20 "pc-1 on its port" has_switch pc-1 sw-access-1 || return 1
    log "the link flaps"
    for k in 1 2 3 4; do
        nsx sw1 ip link set swp1 down; sleep 0.4; nsx sw1 ip link set swp1 up; sleep 1.5
    done
    wait_for 30 "the flaps reached the collector" \
        bash -c "[ \$(ip netns exec ${NS_PREFIX}srv $E2E_BIN/whb --socket $W/ctl-8443.sock history pc-1 --json | jq '[.events[] | select(.kind==\"carrier_lost\")] | length') -ge 4 ]" || return 1
    log "then it stays down"
    nsx sw1 ip link set swp1 down
    wait_for $SILENT_WAIT "pc-1 silent" is_silent pc-1 || return 1
    expect_eq "why pc-1" "$(why_field pc-1 .reason)" faulty_adapter || { whb why pc-1; return 1; }
}

power_scenario() { # hook-command reason
    local cmd=$1 reason=$2
    e2e_setup 1
    start_agent 1
    wait_for 20 "pc-1 reporting" is_reporting pc-1 || return 1
    log "the sleep hook runs: whb-agent --notify '$cmd'"
    nsx c1 "$E2E_BIN/whb-agent" --state-dir "$W/c1" --notify "$cmd" || return 1
    log "the machine freezes (SIGSTOP) and its link goes with it"
    kill -STOP "$(agent_pid 1)"
    nsx sw1 ip link set swp1 down
    wait_for $SILENT_WAIT "pc-1 silent" is_silent pc-1 || return 1
    expect_eq "why pc-1 while silent" "$(why_field pc-1 .reason)" "$reason" || return 1
    expect_eq "confidence" "$(why_field pc-1 .confidence)" high || return 1
    log "resume"
    nsx sw1 ip link set swp1 up
    kill -CONT "$(agent_pid 1)"
    nsx c1 "$E2E_BIN/whb-agent" --state-dir "$W/c1" --notify post || return 1
    wait_for $BACK_WAIT "pc-1 back" is_reporting pc-1 || return 1
    wait_for 10 "history" history_has pc-1 "$reason" || { whb history pc-1; return 1; }
    log "ok   history: $(whb history pc-1 --json | jq -r '.gaps[0].summary')"
}

scenario_hibernate() { power_scenario "pre hibernate" hibernation; }
scenario_sleep() { power_scenario "pre suspend" sleep; }

scenario_shutdown_vs_power_loss() {
    e2e_setup 2
    start_agent 1; start_agent 2
    wait_for 20 "both reporting" bash -c "true" || return 1
    wait_for 20 "pc-1 reporting" is_reporting pc-1 || return 1
    wait_for 20 "pc-2 reporting" is_reporting pc-2 || return 1
    log "pc-1 shuts down in order; pc-2 loses power (SIGKILL, link cut)"
    nsx c1 "$E2E_BIN/whb-agent" --state-dir "$W/c1" --notify shutdown || return 1
    stop_agent 1 TERM
    nsx sw1 ip link set swp1 down
    stop_agent 2 KILL
    nsx sw1 ip link set swp2 down
    wait_for $SILENT_WAIT "pc-1 silent" is_silent pc-1 || return 1
    wait_for $SILENT_WAIT "pc-2 silent" is_silent pc-2 || return 1
    expect_eq "pc-1: shut down" "$(why_field pc-1 .reason)" turned_off || return 1
    expect_eq "pc-1: high confidence" "$(why_field pc-1 .confidence)" high || return 1
    expect_eq "pc-2: no last gasp" "$(why_field pc-2 .reason)" lost_connectivity || return 1
    expect_eq "pc-2: power loss is an alternative" \
        "$(why_field pc-2 '[.alternatives[].reason] | index("turned_off") != null')" true || return 1
    log "both come back (pc-2 from a new boot)"
    nsx sw1 ip link set swp1 up; nsx sw1 ip link set swp2 up
    start_agent 1; BOOT_ID=$(cat /proc/sys/kernel/random/uuid) start_agent 2
    wait_for $BACK_WAIT "pc-1 back" is_reporting pc-1 || return 1
    wait_for $BACK_WAIT "pc-2 back" is_reporting pc-2 || return 1
    wait_for 10 "history pc-1" history_has pc-1 turned_off || return 1
    wait_for 10 "history pc-2" history_has pc-2 turned_off || return 1
    local s1 s2
    s1=$(whb history pc-1 --json | jq -r '.gaps[0].summary')
    s2=$(whb history pc-2 --json | jq -r '.gaps[0].summary')
    log "ok   pc-1: $s1"
    log "ok   pc-2: $s2"
    expect_eq "told apart: pc-1 shut down" "$(grep -c '^shut down' <<<"$s1")" 1 || return 1
    expect_eq "told apart: pc-2 unclean" "$(grep -c 'without a clean shutdown' <<<"$s2")" 1 || return 1
}

scenario_removed() {
    e2e_setup 1
    start_agent 1
    wait_for 20 "pc-1 on sw-access-1" has_switch pc-1 sw-access-1 || return 1
    log "pc-1 is unplugged and carried to another switch and subnet"
    nsx c1 ip link del eth0
    wait_for $SILENT_WAIT "pc-1 silent" is_silent pc-1 || return 1
    client_add 1 2
    wait_for $BACK_WAIT "pc-1 back" is_reporting pc-1 || return 1
    wait_for 20 "pc-1 on sw-access-2" has_switch pc-1 sw-access-2 || return 1
    wait_for 10 "history" history_has pc-1 removed || { whb history pc-1; return 1; }
    log "ok   history: $(whb history pc-1 --json | jq -r '.gaps[0].summary')"
}

scenario_wireless_replay() {
    # The only scenario not driven by the kernel: no radio exists on a test machine, so the
    # replay backend plays nl80211 messages laid out as the kernel sends them (tests/data).
    e2e_setup 1
    local data=$E2E_SRC/tests/data
    cat > "$W/wifi.scenario" <<SCN
identity machine_id=m-e2e-1 fqdn=pc-1.corp.example os=replay
0 wifi wlan0 ssid=Corp bssid=a0:b1:c2:d3:e4:f5 signal=-61 associated=1
0 adapter wlan0 type=wireless addr=10.99.0.11/24 gw=10.99.0.1
4000 nl80211 $(cat "$data/nl80211-disconnect-by-ap.hex")
4100 wifi wlan0 associated=0
4500 nl80211 $(cat "$data/nl80211-connect-refused.hex")
5500 nl80211 $(cat "$data/nl80211-connect-refused.hex")
9000 end
SCN
    start_agent 1 --platform replay --replay-file "$W/wifi.scenario"
    wait_for 20 "pc-1 reporting" is_reporting pc-1 || return 1
    wait_for $SILENT_WAIT "pc-1 silent" is_silent pc-1 || return 1
    expect_eq "why pc-1 while silent" "$(why_field pc-1 .reason)" wireless_association || return 1
    expect_eq "802.11 status code in the evidence" \
        "$(why_field pc-1 '[.evidence[].text] | map(test("status 17: the access point cannot take more stations")) | any')" true || return 1
    cat > "$W/wifi-back.scenario" <<SCN
identity machine_id=m-e2e-1 fqdn=pc-1.corp.example os=replay
0 wifi wlan0 ssid=Corp bssid=a0:b1:c2:d3:e4:f5 signal=-58 associated=1
0 adapter wlan0 type=wireless addr=10.99.0.11/24 gw=10.99.0.1
0 nl80211 $(cat "$data/nl80211-connect-ok.hex")
SCN
    start_agent 1 --platform replay --replay-file "$W/wifi-back.scenario"
    wait_for $BACK_WAIT "pc-1 back" is_reporting pc-1 || return 1
    wait_for 10 "history" history_has pc-1 wireless_association || { whb history pc-1; return 1; }
}

scenario_wsus_503() {
    e2e_setup 3
    for i in 1 2 3; do start_agent $i; done
    for i in 1 2 3; do wait_for 20 "pc-$i reporting" is_reporting pc-$i || return 1; done
    log "the WsusPool stops: the stand-in answers 503"
    touch "$W/wsus-down"
    for i in 1 2 3; do
        wait_for 30 "pc-$i sees 503" bash -c "[ \"\$(ip netns exec ${NS_PREFIX}srv $E2E_BIN/whb --socket $W/ctl-8443.sock why pc-$i --json | jq -r .reason)\" = wsus_unavailable ]" || return 1
    done
    expect_eq "pc-2 is online" "$(why_field pc-2 .status)" reporting || return 1
    expect_eq "high confidence" "$(why_field pc-2 .confidence)" high || return 1
    local o
    o=$(whb outages --json)
    expect_eq "one WSUS-side outage" "$(jq '[.outages[] | select(.kind=="wsus")] | length' <<<"$o")" 1 || return 1
    expect_eq "for all three" "$(jq '.outages[] | select(.kind=="wsus") | .machines_count' <<<"$o")" 3 || return 1
    expect_eq "with the documented fix" \
        "$(jq -r '.outages[] | select(.kind=="wsus") | .next_step | test("Private Memory Limit")' <<<"$o")" true || return 1
    rm -f "$W/wsus-down"
    wait_for 30 "WSUS back" bash -c "[ \"\$(ip netns exec ${NS_PREFIX}srv $E2E_BIN/whb --socket $W/ctl-8443.sock why pc-1 --json | jq -r .reason)\" = reporting ]" || return 1
}

scenario_collector_restart() {
    e2e_setup 2
    start_agent 1; start_agent 2
    wait_for 20 "pc-1 reporting" is_reporting pc-1 || return 1
    wait_for 20 "pc-2 reporting" is_reporting pc-2 || return 1
    log "the collector dies (kill -9) while pc-1's link flaps three times"
    stop_collector KILL
    for k in 1 2 3; do nsx sw1 ip link set swp1 down; sleep 0.5; nsx sw1 ip link set swp1 up; sleep 1; done
    sleep 4
    log "the collector comes back"
    start_collector || return 1
    wait_for 30 "pc-1 delivered its spool" e2e_count_ge 3 "select count(*) from events where machine_id='m-e2e-1' and kind=13" || return 1
    sleep 5
    expect_eq "each carrier loss stored once" \
        "$(dbq "select count(*) from events where machine_id='m-e2e-1' and kind=13")" 3 || return 1
    expect_eq "no (machine, boot, seq) twice" \
        "$(dbq "select count(*) - count(distinct machine_id||boot_id||seq) from events")" 0 || return 1
    expect_eq "delivery failures were recorded" \
        "$(dbq "select count(*) > 0 from events where machine_id='m-e2e-1' and kind=22")" 1 || return 1
    expect_eq "both reporting" "$(why_field pc-2 .status)" reporting || return 1
    # Issue 10.2: the collector's own outage is not blamed on the machines.
    wait_for 10 "pc-2's silence is the collector's" history_has pc-2 collector_unavailable ||
        { whb history pc-2; return 1; }
    expect_eq "not the agent's" "$(whb history pc-2 --json | jq '[.gaps[] | select(.reason=="agent_stopped")] | length')" 0 || return 1
}

# Issue 10.1 and 10.3: a clean stop, a restart, then kill -9 with the machine up.
scenario_agent_stop_then_kill() {
    e2e_setup 1
    start_agent 1
    wait_for 20 "pc-1 reporting" is_reporting pc-1 || return 1
    log "the agent is stopped (TERM), then started again"
    stop_agent 1 TERM
    wait_for $SILENT_WAIT "pc-1 silent" is_silent pc-1 || return 1
    expect_eq "why pc-1: agent stopped" "$(why_field pc-1 .reason)" agent_stopped || return 1
    start_agent 1
    wait_for $BACK_WAIT "pc-1 back" is_reporting pc-1 || return 1
    sleep 3
    log "the agent is killed (-9); the machine stays up"
    stop_agent 1 KILL
    wait_for $SILENT_WAIT "pc-1 silent" is_silent pc-1 || return 1
    expect_eq "an old last gasp is not this silence's" "$(why_field pc-1 .reason)" lost_connectivity || return 1
    expect_eq "a crashed agent is among the alternatives" \
        "$(why_field pc-1 '[.alternatives[].reason] | index("agent_crashed") != null')" true || return 1
    start_agent 1
    wait_for $BACK_WAIT "pc-1 back" is_reporting pc-1 || return 1
    wait_for 10 "history" history_has pc-1 agent_crashed || { whb history pc-1; return 1; }
    local h
    h=$(whb history pc-1 --json)
    expect_eq "newest silence: the agent died (high)" "$(jq -r '.gaps[0].reason + " " + .gaps[0].confidence' <<<"$h")" "agent_crashed high" || return 1
    expect_eq "older silence: the agent was stopped" "$(jq -r '.gaps[1].reason' <<<"$h")" agent_stopped || return 1
    expect_eq "the newest cites no last gasp" "$(jq '[.gaps[0].evidence[].text | select(test("last gasp"))] | length' <<<"$h")" 0 || return 1
}

# The agent on a real veth: carrier lost and gained reach the spool within 1 s of the kernel
# event, a flap shows in the counters, and lldpd's chassis and port id are reported.
scenario_agent_link_events() {
    e2e_setup 1
    start_agent 1
    wait_for 20 "pc-1 on sw-access-1 port swp1" has_switch pc-1 sw-access-1 || return 1
    expect_eq "LLDP port id" "$(why_field pc-1 .attachment.port)" swp1 || return 1
    expect_eq "the start event says what the machine can observe" \
        "$(whb history pc-1 --json | jq -r '[.events[] | select(.kind=="agent_start")][0].detail')" \
        "whb-agent 0.1.0 on linux: link events yes, wireless no, lldp yes, power no" || return 1
    expect_eq "LLDP chassis id is lldpd's" \
        "$(why_field pc-1 '.attachment.switch_chassis | test("^([0-9a-f]{2}:){5}[0-9a-f]{2}$")')" true || return 1
    local down up lat
    for k in 1 2 3; do
        down=$(date +%s%3N)
        nsx sw1 ip link set swp1 down
        sleep 1.5
        up=$(date +%s%3N)
        nsx sw1 ip link set swp1 up
        # Spooled while the link was down, delivered once it is back; stamped when seen.
        wait_for 15 "flap $k delivered" e2e_count_ge 1 "select count(*) from events where kind=14 and at_ms >= $up" || return 1
        lat=$(( $(dbq "select min(at_ms) from events where kind=13 and at_ms >= $down") - down ))
        log "flap $k: carrier lost seen ${lat} ms after the link went down"
        [ "$lat" -ge 0 ] && [ "$lat" -le 1000 ] || { log "FAIL: ${lat} ms (> 1 s)"; return 1; }
        lat=$(( $(dbq "select min(at_ms) from events where kind=14 and at_ms >= $up") - up ))
        log "flap $k: carrier gained seen ${lat} ms after the link came up"
        [ "$lat" -ge 0 ] && [ "$lat" -le 1000 ] || { log "FAIL: ${lat} ms (> 1 s)"; return 1; }
    done
    local changes
    changes=$(nsx c1 "$E2E_BIN/whb-agent" --once --json --state-dir "$W/look" 2>/dev/null |
        jq '.adapters[] | select(.name=="eth0") | .counters.carrier_changes')
    log "carrier_changes on eth0: $changes"
    [ "$changes" -ge 6 ] || { log "FAIL three flaps should count at least 6 carrier changes"; return 1; }
}

# Issue 15: two collectors on one PostgreSQL database; one is killed (-9) mid-traffic and the
# agents carry on with the other: every acknowledged report stays stored, none twice, and the
# other collector shows the dead one. The agents get both collectors (`--collector-url A
# --collector-url B`, client/collectors.c); an agent built without failover would get A only,
# and the test would switch the clients' traffic to B itself (nft DNAT in each client
# namespace), so the collectors' side is shown either way.
collector_state_is() { # id state
    [ "$(whb status --json | jq -r --arg id "$1" '.collectors[] | select(.id==$id) | .state')" = "$2" ]
}

scenario_two_collectors_failover() {
    [ "$STORE_BACKEND" = postgresql ] || { log "needs WHB_STORE_BACKEND=postgresql"; return 1; }
    e2e_setup 3
    start_collector 8444 col-b || return 1
    local urls=(--collector-url https://10.99.0.1:8443/v1/report) several=0
    if "$E2E_BIN/whb-agent" --help 2>&1 | grep -q 'collector[-_]urls'; then
        several=1
        urls+=(--collector-url https://10.99.0.1:8444/v1/report)
    fi
    for i in 1 2 3; do start_agent $i "${urls[@]}"; done
    for i in 1 2 3; do wait_for 20 "pc-$i reporting" is_reporting pc-$i || return 1; done
    WHB_PORT=8444 expect_eq "collector B answers for the fleet A enrolled" \
        "$(WHB_PORT=8444 why_field pc-2 .status)" reporting || return 1
    local before
    before=$(dbq "select sum(last_seq) from machines")
    log "collector A dies (kill -9) while pc-1's link flaps three times"
    stop_collector KILL
    if [ $several = 0 ]; then
        log "agent without several URLs: switching the clients to B (nft DNAT)"
        for i in 1 2 3; do
            nsx c$i nft -f - <<NFT || return 1
table ip whbsw {
    chain out { type nat hook output priority -100; ip daddr 10.99.0.1 tcp dport 8443 dnat to 10.99.0.1:8444; }
}
NFT
        done
    fi
    WHB_PORT=8444
    for k in 1 2 3; do nsx sw1 ip link set swp1 down; sleep 0.5; nsx sw1 ip link set swp1 up; sleep 1; done
    wait_for 40 "pc-1's flaps stored through B" \
        e2e_count_ge 3 "select count(*) from events where machine_id='m-e2e-1' and kind=13" || return 1
    for i in 1 2 3; do wait_for 30 "pc-$i reporting through B" is_reporting pc-$i || return 1; done
    sleep 4
    expect_eq "each carrier loss stored once" \
        "$(dbq "select count(*) from events where machine_id='m-e2e-1' and kind=13")" 3 || return 1
    expect_eq "no (machine, boot, seq) twice" \
        "$(dbq "select count(*) - count(distinct machine_id||boot_id||seq) from events")" 0 || return 1
    expect_eq "what A acknowledged is still there, and more came through B" \
        "$(dbq "select sum(last_seq) > $before from machines")" 1 || return 1
    expect_eq "B took reports after A died" \
        "$(dbq "select count(*) > 0 from events where received_ms > (select max(alive_ms) from collector_runs where collector='col-a')")" 1 || return 1
    expect_eq "both collectors' runs are in the store" \
        "$(dbq "select count(distinct collector) from collector_runs")" 2 || return 1
    # A down while B ran is no outage of the fleet's collectors; a machine still silent while
    # its agent moved from A to B (three unanswered sends) was silent because of A, and says
    # so on return (its failed deliveries): no silence is blamed on the machines.
    local h
    h=$(whb history pc-2 --json)
    jq -r '.gaps[] | "    | " + .reason + ": " + .summary' <<<"$h"
    expect_eq "no silence blamed on the machines" \
        "$(jq '[.gaps[] | select(.reason != "collector_unavailable")] | length' <<<"$h")" 0 || return 1
    # B shows A down (no alive mark for 15 s, no clean stop) and lists it as an outage.
    wait_for 30 "B shows collector A not running" collector_state_is col-a not_running || return 1
    expect_eq "B itself runs" "$(whb status --json | jq -r '.collectors[] | select(.id=="col-b") | .state')" running || return 1
    expect_eq "A's outage on B's outages" \
        "$(whb outages --json | jq '[.outages[] | select(.kind=="collector" and .where=="collector col-a" and .how=="killed or crashed")] | length')" 1 || return 1
    whb status | grep "^collector col-a" | sed 's/^/    | /'
    log "ok   agents failed over ($([ $several = 1 ] && echo "several URLs in the agent" || echo "client-side switch"))"
}

# --- issue 21: answers that stay right ------------------------------------------------------------

# answer HOST: "reason confidence" of `whb why HOST`.
answer() { why_field "$1" '.reason + " " + .confidence'; }
not_collector() { # what host answer
    [ "${3%% *}" != collector_unavailable ] && { log "ok   $1: $3 (not the collector)"; return 0; }
    log "FAIL $1: $3 ($2 was up and serving others)"
    return 1
}
history_reason() { whb history "$1" --json | jq -r '.gaps[0].reason + " " + .gaps[0].confidence'; }
history_count() { whb history "$1" --json | jq '.gaps | length'; }
has_gap() { [ "$(history_count "$1")" -ge 1 ]; }

# pc-1..3 on sw-access-1 (10.99.0.0/24), pc-4 and pc-5 on sw-access-2 (10.98.0.0/24), reporting;
# each reaches the collector through its own subnet's side of it (so that sw-access-1's uplink,
# the collector's 10.99.0.1 link here, does not take sw-access-2's way with it).
two_switches() {
    e2e_setup 3
    client_add 4 2; client_add 5 2
    for i in 1 2 3; do start_agent $i; done
    for i in 4 5; do COLLECTOR_URL=https://10.98.0.1:8443/v1/report start_agent $i; done
    for i in 1 2 3; do wait_for 20 "pc-$i on sw-access-1" has_switch pc-$i sw-access-1 || return 1; done
    for i in 4 5; do wait_for 20 "pc-$i on sw-access-2" has_switch pc-$i sw-access-2 || return 1; done
}

# 21.1: a collector restarted while a machine is already silent (answer unchanged before and
# after), and one restarted a second after another machine's port went down.
scenario_collector_restart_while_silent() {
    e2e_setup 3
    for i in 1 2 3; do start_agent $i; done
    for i in 1 2 3; do wait_for 20 "pc-$i on sw-access-1" has_switch pc-$i sw-access-1 || return 1; done
    log "pc-1's port is shut; the collector calls it silent"
    nsx sw1 ip link set swp1 down
    wait_for $SILENT_WAIT "pc-1 silent" is_silent pc-1 || return 1
    local before after
    before=$(answer pc-1)
    log "     why pc-1 before the restart: $before"
    log "pc-2's port is shut, and a second later the collector is killed and started again"
    nsx sw1 ip link set swp2 down
    sleep 1
    stop_collector KILL
    start_collector || return 1
    wait_for $SILENT_WAIT "pc-2 silent" is_silent pc-2 || return 1
    log "     why pc-2 right after the restart: $(answer pc-2)"
    wait_for 20 "pc-3 reporting again" is_reporting pc-3 || return 1
    after=$(answer pc-1)
    expect_eq "why pc-1 survives the restart unchanged" "$after" "$before" || return 1
    # An agent that was only waiting for the collector is back within a heartbeat; a machine
    # still silent half a minute after the restart is silent for its own reason.
    sleep 25
    not_collector "why pc-2, settled" pc-2 "$(answer pc-2)" || return 1
    expect_eq "why pc-1 still unchanged" "$(answer pc-1)" "$before" || return 1
    log "ports enabled again"
    nsx sw1 ip link set swp1 up; nsx sw1 ip link set swp2 up
    for i in 1 2; do wait_for $BACK_WAIT "pc-$i back" is_reporting pc-$i || return 1; done
    for i in 1 2; do
        wait_for 10 "history pc-$i" has_gap pc-$i || return 1
        not_collector "history pc-$i" pc-$i "$(history_reason pc-$i)" || return 1
    done
}

# 21.2: an uplink failure on one switch while a port is shut on another: two incidents, neither
# the collector's (it serves pc-5 all along), each with its own place.
scenario_uplink_and_port_elsewhere() {
    two_switches || return 1
    log "sw-access-1's uplink fails (its ports stay up) while port swp4 of sw-access-2 is shut"
    nsx sw1 ip link set up0 down
    nsx sw2 ip link set swp4 down
    for i in 1 2 3 4; do wait_for $SILENT_WAIT "pc-$i silent" is_silent pc-$i || return 1; done
    expect_eq "pc-5 reporting" "$(why_field pc-5 .status)" reporting || return 1
    local a
    for i in 1 2 3 4; do not_collector "why pc-$i" pc-5 "$(answer pc-$i)" || return 1; done
    a=$(answer pc-2)
    expect_eq "pc-2: every machine of sw-access-1 silent, the switch or its uplink" "${a%% *}" lost_connectivity || return 1
    expect_eq "pc-2: the place named is the switch" "$(why_field pc-2 '.next_step | test("sw-access-1")')" true || return 1
    expect_eq "pc-4: alone on its switch, not merged into sw-access-1's story" \
        "$(why_field pc-4 '.next_step | test("sw-access-1")')" false || return 1
    expect_eq "pc-4: its port is among the causes" \
        "$(why_field pc-4 '[.reason, .alternatives[].reason] | index("port_disabled") != null')" true || return 1
    # Long enough for the agents' sends to time out (10 s) and be told on return.
    sleep 15
    log "uplink and port back"
    nsx sw1 ip link set up0 up
    nsx sw2 ip link set swp4 up
    for i in 1 2 3 4; do wait_for $BACK_WAIT "pc-$i back" is_reporting pc-$i || return 1; done
    wait_for 10 "history pc-1" history_has pc-1 lost_connectivity || { whb history pc-1; return 1; }
    log "ok   history pc-1: $(whb history pc-1 --json | jq -r '.gaps[0].summary')"
    local h4
    wait_for 10 "history pc-4" has_gap pc-4 || return 1
    h4=$(history_reason pc-4)
    case "${h4%% *}" in
    port_disabled | cable_unplugged) log "ok   history pc-4: $h4" ;;
    *) log "FAIL history pc-4: $h4, want its own port (or cable)"; return 1 ;;
    esac
}

# 21.2: a switch loses power (every port and its uplink) while another machine elsewhere loses
# its cable: neither is the collector's, and the cable is not the switch's.
scenario_switch_power_and_cable_elsewhere() {
    two_switches || return 1
    log "sw-access-1 loses power; pc-4's cable is pulled on sw-access-2"
    for p in 1 2 3; do nsx sw1 ip link set swp$p down; done
    nsx sw1 ip link set up0 down
    ip netns add ${NS_PREFIX}limbo
    ip -n ${NS_PREFIX}sw2 link set swp4 netns ${NS_PREFIX}limbo
    for i in 1 2 3 4; do wait_for $SILENT_WAIT "pc-$i silent" is_silent pc-$i || return 1; done
    for i in 1 2 3 4; do not_collector "why pc-$i" pc-5 "$(answer pc-$i)" || { whb why pc-$i; whb status; return 1; }; done
    expect_eq "pc-4: not sw-access-1's story" "$(why_field pc-4 '.next_step | test("sw-access-1")')" false || return 1
    log "power and cable back"
    for p in 1 2 3; do nsx sw1 ip link set swp$p up; done
    nsx sw1 ip link set up0 up
    ip -n ${NS_PREFIX}limbo link set swp4 netns ${NS_PREFIX}sw2
    nsx sw2 ip link set swp4 master br0 up
    for i in 1 2 3 4; do wait_for $BACK_WAIT "pc-$i back" is_reporting pc-$i || return 1; done
    local h
    for i in 1 4; do
        wait_for 10 "history pc-$i" has_gap pc-$i || return 1
        not_collector "history pc-$i" pc-5 "$(history_reason pc-$i)" || return 1
    done
    h=$(history_reason pc-4)
    expect_eq "history pc-4: its own cable (medium, its port the alternative)" "$h" "cable_unplugged medium" || return 1
    h=$(history_reason pc-1)
    case "${h%% *}" in
    port_disabled | lost_connectivity) log "ok   history pc-1: $h ($(whb history pc-1 --json | jq -r '.gaps[0].summary'))" ;;
    *) log "FAIL history pc-1: $h, want the switch"; whb history pc-1; whb history pc-2; return 1 ;;
    esac
}

# 21.3: a closed silence's evidence window is closed: neighbours' ports shut after it ended
# do not change its answer.
scenario_neighbour_later_port_shut() {
    e2e_setup 3
    for i in 1 2 3; do start_agent $i; done
    for i in 1 2 3; do wait_for 20 "pc-$i on sw-access-1" has_switch pc-$i sw-access-1 || return 1; done
    log "pc-1's cable is pulled for a few seconds"
    ip netns add ${NS_PREFIX}limbo
    ip -n ${NS_PREFIX}sw1 link set swp1 netns ${NS_PREFIX}limbo
    wait_for $SILENT_WAIT "pc-1 silent" is_silent pc-1 || return 1
    sleep 2
    ip -n ${NS_PREFIX}limbo link set swp1 netns ${NS_PREFIX}sw1
    nsx sw1 ip link set swp1 master br0 up
    wait_for $BACK_WAIT "pc-1 back" is_reporting pc-1 || return 1
    wait_for 10 "history pc-1" history_has pc-1 cable_unplugged || { whb history pc-1; return 1; }
    local before
    before=$(history_reason pc-1)
    log "     history pc-1: $before"
    log "seconds later the network team shuts the ports of pc-2 and pc-3 together"
    nsx sw1 ip link set swp2 down; nsx sw1 ip link set swp3 down
    for i in 2 3; do wait_for $SILENT_WAIT "pc-$i silent" is_silent pc-$i || return 1; done
    sleep 4
    expect_eq "history pc-1 unchanged while they are silent" "$(history_reason pc-1)" "$before" || return 1
    nsx sw1 ip link set swp2 up; nsx sw1 ip link set swp3 up
    for i in 2 3; do wait_for $BACK_WAIT "pc-$i back" is_reporting pc-$i || return 1; done
    wait_for 10 "history pc-2" history_has pc-2 port_disabled || { whb history pc-2; return 1; }
    expect_eq "history pc-1 unchanged once they are back" "$(history_reason pc-1)" "$before" || return 1
    expect_eq "pc-1 still one silence" "$(history_count pc-1)" 1 || return 1
}

# --- runner -------------------------------------------------------------------------------------

all=(agent_link_events cable_unplugged ports_disabled adapter_disabled faulty_adapter hibernate sleep
     shutdown_vs_power_loss removed wireless_replay wsus_503 collector_restart agent_stop_then_kill
     collector_restart_while_silent uplink_and_port_elsewhere switch_power_and_cable_elsewhere
     neighbour_later_port_shut switch_port_shut switch_cable_pulled switch_agent_killed)
[ "$STORE_BACKEND" = postgresql ] && all+=(two_collectors_failover)
selected=("$@")
[ ${#selected[@]} -eq 0 ] && selected=("${all[@]}")
passed=0
failed=0
for s in "${selected[@]}"; do
    echo "--- e2e: $s"
    start=$SECONDS
    E2E_FAILED=0
    # Each scenario runs in a subshell so that its traps and variables do not leak.
    ( trap e2e_teardown EXIT; "scenario_$s" ) && rc=0 || rc=1
    if [ $rc -eq 0 ]; then
        passed=$((passed + 1)); echo "--- e2e: $s ok ($((SECONDS - start)) s)"
    else
        failed=$((failed + 1)); echo "--- e2e: $s FAILED ($((SECONDS - start)) s)"
    fi
done
echo "e2e: $passed passed, $failed failed"
[ $failed -eq 0 ]

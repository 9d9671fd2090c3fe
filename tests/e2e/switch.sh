# The switches' own word end to end (issue 24), sourced by run.sh after lib.sh:
#   whb-sw1 speaks as a managed switch: net-snmp's snmpd (our instance and configuration,
#   SNMPv3 authPriv, link traps from `monitor -r 1`) on 10.99.0.2, its link changes in Cisco
#   IOS words (link_words.sh, logger in the switch's UTS namespace) through rsyslog over TLS
#   (RFC 5425) to the collector, which has a [switch sw-access-1] section.
#   client_add_cabled N puts a cable namespace (cable.sh) between pc-N and swpN, so that a
#   pulled cable is a link lost at both ends with both ports enabled.

SW_ENGINE=0x80001f8880e2e0c0de01

# Before the collector starts (e2e_setup with E2E_SWITCHES=1): the switch's agent, its syslog,
# and the collector's switches file.
switch_prepare() {
    nsx sw1 ip addr add 10.99.0.2/24 dev br0
    mkdir -p "$W/snmp" "$W/rsyslog"
    cat >"$W/snmpd.conf" <<EOF
agentaddress udp:10.99.0.2:161
exactEngineID $SW_ENGINE
createUser whb-e2e SHA "e2e-auth-pass" AES "e2e-priv-pass"
rouser whb-e2e priv
createUser internal SHA "internal-pass" AES "internal-pass"
rouser internal auth
iquerySecName internal
trapsess -v 3 -u whb-e2e -l authPriv -a SHA -A e2e-auth-pass -x AES -X e2e-priv-pass 10.99.0.1:1162
notificationEvent e2eLinkDown .1.3.6.1.6.3.1.1.5.3 -o .1.3.6.1.2.1.2.2.1.1 -o .1.3.6.1.2.1.2.2.1.7 -o .1.3.6.1.2.1.2.2.1.8
notificationEvent e2eLinkUp .1.3.6.1.6.3.1.1.5.4 -o .1.3.6.1.2.1.2.2.1.1 -o .1.3.6.1.2.1.2.2.1.7 -o .1.3.6.1.2.1.2.2.1.8
monitor -r 1 -S -e e2eLinkDown "linkDown" .1.3.6.1.2.1.2.2.1.8 == 2
monitor -r 1 -S -e e2eLinkUp "linkUp" .1.3.6.1.2.1.2.2.1.8 != 2
EOF
    MIBS= SNMP_PERSISTENT_DIR="$W/snmp" ip netns exec "${NS_PREFIX}sw1" snmpd -f -Lf "$W/snmpd.log" \
        -C -c "$W/snmpd.conf" -I -smux &
    PIDS+=($!)
    cat >"$W/rsyslog.conf" <<EOF
global(workDirectory="$W/rsyslog" DefaultNetstreamDriverCAFile="$W/certs/ca.crt")
module(load="imudp")
input(type="imudp" address="127.0.0.1" port="10514" ruleset="fwd")
ruleset(name="fwd") {
  action(type="omfwd" target="10.99.0.1" port="6514" protocol="tcp" StreamDriver="ossl"
         StreamDriverMode="1" StreamDriverAuthMode="x509/certvalid" TCP_Framing="octet-counted"
         action.resumeRetryCount="-1" action.resumeInterval="1")
}
EOF
    ip netns exec "${NS_PREFIX}sw1" unshare --uts sh -c \
        "hostname sw-access-1; exec rsyslogd -n -f $W/rsyslog.conf -i $W/rsyslog.pid" \
        >"$W/rsyslog.log" 2>&1 &
    PIDS+=($!)
    ip netns exec "${NS_PREFIX}sw1" unshare --uts sh -c \
        "hostname sw-access-1; exec bash $E2E_SRC/tests/e2e/link_words.sh 'swp*'" \
        >"$W/link_words.log" 2>&1 &
    LINK_WORDS_PID=$!
    PIDS+=($!)
    cat >"$W/switches.conf" <<EOF
[switches]
syslog_tls = 10.99.0.1:6514
snmp_traps = 10.99.0.1:1162
cache_ms = 1000
[switch sw-access-1]
address = 10.99.0.2
user = whb-e2e
auth_password = e2e-auth-pass
priv_password = e2e-priv-pass
engine_id = $SW_ENGINE
EOF
    chmod 600 "$W/switches.conf"
    COLLECTOR_CONF=(-c "$W/switches.conf")
    wait_for 10 "snmpd on the switch" nsx srv snmpget -v3 -l authPriv -u whb-e2e -a SHA \
        -A e2e-auth-pass -x AES -X e2e-priv-pass -On 10.99.0.2 .1.3.6.1.2.1.1.3.0
}

client_add_cabled() { # N: pc-N -- cable namespace cabN -- swpN on sw1
    local i=$1
    ip netns add "${NS_PREFIX}c$i"
    ip netns add "${NS_PREFIX}cab$i"
    nsx c$i ip link set lo up
    ip -n "${NS_PREFIX}c$i" link add eth0 type veth peer name c0 netns "${NS_PREFIX}cab$i"
    ip -n "${NS_PREFIX}cab$i" link add c1 type veth peer name swp$i netns "${NS_PREFIX}sw1"
    for pair in "c0 c1" "c1 c0"; do
        set -- $pair
        nsx cab$i tc qdisc add dev "$1" ingress
        nsx cab$i tc filter add dev "$1" parent ffff: protocol all u32 match u32 0 0 \
            action mirred egress redirect dev "$2"
    done
    ip netns exec "${NS_PREFIX}cab$i" bash "$E2E_SRC/tests/e2e/cable.sh" >"$W/cable$i.log" 2>&1 &
    PIDS+=($!)
    nsx cab$i ip link set c0 up
    nsx cab$i ip link set c1 up
    nsx sw1 ip link set swp$i master br0 up
    nsx c$i ip link set eth0 up
    nsx c$i ip addr add 10.99.0.$((10 + i))/24 dev eth0
    nsx c$i ip route add default via 10.99.0.1
}

pull_cable() { nsx cab$1 ip link set c1 down; nsx cab$1 ip link set c0 down; }
plug_cable() { nsx cab$1 ip link set c1 up; nsx cab$1 ip link set c0 up; }

# switch_port_is PORT ADMIN OPER: the switch's word on the port, as the collector stored it.
switch_port_is() {
    local j
    j=$(whb port sw-access-1 "$1" --json) || return 1
    [ "$(jq -r '.switch_says[0].admin' <<<"$j")" = "$2" ] &&
        [ "$(jq -r '.switch_says[0].oper' <<<"$j")" = "$3" ]
}

why_reason_is() { [ "$(why_field "$1" .reason)" = "$2" ]; }

# The evidence lines of `whb why HOST` from the switch, as text.
switch_evidence() { whb why "$1" --json | jq -r '[.evidence[] | select(.source=="switch") | .text] | join(" / ")'; }

# shut: admin down on the switch; pulled: the cable's links down, both ports enabled.
switch_scenario() { # shut|pulled
    local how=$1
    E2E_SWITCHES=1 e2e_setup 1 || return 1
    client_add_cabled 2
    start_agent 1
    start_agent 2
    wait_for 25 "pc-2 on sw-access-1 port swp2" has_switch pc-2 sw-access-1 || return 1
    expect_eq "pc-2's LLDP port" "$(why_field pc-2 .attachment.port)" swp2 || return 1
    wait_for 15 "the switch's ports read at start (a walk)" switch_port_is swp2 up up || return 1
    local t0
    t0=$(date +%s%3N)
    if [ "$how" = shut ]; then
        log "the network team shuts swp2 on the switch"
        nsx sw1 ip link set swp2 down
    else
        log "pc-2's cable is pulled (both ports stay enabled)"
        pull_cable 2
    fi
    wait_for $SILENT_WAIT "pc-2 silent" is_silent pc-2 || return 1
    local want=port_disabled
    [ "$how" = pulled ] && want=cable_unplugged
    wait_for 20 "why pc-2: $want" why_reason_is pc-2 "$want" || { whb why pc-2; return 1; }
    whb why pc-2 | sed 's/^/    | /'
    local ev
    ev=$(switch_evidence pc-2)
    [ -n "$ev" ] || { log "FAIL no evidence from the switch"; return 1; }
    log "ok   switch evidence: $ev"
    if [ "$how" = shut ]; then
        expect_eq "confidence" "$(why_field pc-2 .confidence)" high || return 1
        expect_eq "the answer names the port" "$(why_field pc-2 '.summary | test("swp2")')" true || return 1
        expect_eq "the switch's table" "$(switch_port_is swp2 down down && echo shut)" shut || return 1
        # A trap names the port by its ifIndex ("#N" until a read of the port names it).
        wait_for 10 "the shut by trap and by syslog" e2e_count_ge 2 \
            "select count(distinct source) from switch_events where kind='admin_down' and (port_key='swp2' or port_key = '#' || (select ifindex from switch_ports where port_key='swp2'))" || return 1
    else
        expect_eq "a pulled cable is not a disabled port" \
            "$(why_field pc-2 '[.alternatives[].reason] | index("port_disabled") == null')" true || return 1
        expect_eq "the switch's table" "$(switch_port_is swp2 up down && echo no-link)" no-link || return 1
        expect_eq "never a shut (after the one at setup, when swp2 was made)" \
            "$(dbq "select count(*) from switch_events where kind='admin_down' and at_ms >= $t0")" 0 || return 1
    fi
    local first
    first=$(dbq "select min(at_ms) from switch_events where kind in ('admin_down','link_down') and at_ms >= $t0")
    log "the switch's word reached the collector $((first - t0)) ms after the $how (first of syslog, trap)"
    expect_eq "pc-1 (same switch) still reporting" "$(why_field pc-1 .status)" reporting || return 1
    if [ "$how" = shut ]; then nsx sw1 ip link set swp2 up; else plug_cable 2; fi
    wait_for $BACK_WAIT "pc-2 back" is_reporting pc-2 || return 1
    wait_for 10 "history of pc-2" history_has pc-2 "$want" || { whb history pc-2; return 1; }
    log "ok   history: $(whb history pc-2 --json | jq -r '.gaps[0].summary')"
}

scenario_switch_port_shut() { switch_scenario shut; }
scenario_switch_cable_pulled() { switch_scenario pulled; }

# An agent killed while the machine and its link stay up: the switch reads the port up with
# the machine's link, so the answer is not the network.
scenario_switch_agent_killed() {
    E2E_SWITCHES=1 e2e_setup 0 || return 1
    client_add_cabled 1
    start_agent 1
    wait_for 25 "pc-1 on sw-access-1" has_switch pc-1 sw-access-1 || return 1
    wait_for 15 "the switch's ports read" switch_port_is swp1 up up || return 1
    log "the agent is killed (-9); the machine and its link stay up"
    kill -9 "$(agent_pid 1)"
    wait_for $SILENT_WAIT "pc-1 silent" is_silent pc-1 || return 1
    wait_for 20 "why pc-1: the agent" why_reason_is pc-1 agent_crashed || { whb why pc-1; return 1; }
    whb why pc-1 | sed 's/^/    | /'
    local r
    r=$(whb why pc-1 --json)
    expect_eq "not blamed on the cable or the port" \
        "$(jq '[.alternatives[].reason] | map(select(. == "cable_unplugged" or . == "port_disabled")) | length' <<<"$r")" 0 || return 1
    expect_eq "the switch says the link is up" \
        "$(jq '[.evidence[] | select(.source=="switch" and (.text | test("up with the machine.s link")))] | length' <<<"$r")" 1 || return 1
    expect_eq "and the summary says so" "$(jq -r '.summary | test("not the cable, the port or the switch")' <<<"$r")" true || return 1
}

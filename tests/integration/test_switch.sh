#!/bin/bash
# The switches' own word with real switches (issue 24), the switch service alone
# (switch_listen): a Linux bridge in a network namespace is the switch, running net-snmp's
# snmpd (our own instance and configuration: SNMPv3 authPriv, its link traps from `monitor
# -r 1`), logger in the switch's own UTS namespace and rsyslog forwarding over TCP and TLS.
# A cable namespace sits between the PC and switch port swp1.
#   - a port shut on the switch (ip link set swp1 down): admin down, from the trap and a poll
#   - a pulled cable (the cable namespace's links go down): admin up, oper down
#   - a port named but not numbered is found by walking ifName; "down since" from ifLastChange
#   - informs are answered; wrong credentials and unknown senders are refused
#   - syslog over UDP (RFC 3164), TCP (RFC 5424, octet counting), TLS (RFC 5425, rsyslog)
#   - a flood beyond the switch's rate is cut, not queued
# Needs root (namespaces); exit 77 (skipped) without. Usage: test_switch.sh BUILD_BIN_DIR
set -u
bin=$(cd "${1:?usage: test_switch.sh BUILD_BIN_DIR}" && pwd)
src=$(cd "$(dirname "$0")/../.." && pwd)
[ "$(id -u)" = 0 ] || { echo "skipped: needs root"; exit 77; }
for tool in snmpd snmptrap snmpinform rsyslogd logger jq python3; do
    command -v $tool >/dev/null || { echo "skipped: $tool missing (tests/deps.sh installs it)"; exit 77; }
done
P=${WHB_NS_PREFIX:-whb-}swt$$-
W=$(mktemp -d /tmp/whb-switch-XXXXXX)
chmod 755 "$W"
fail=0
PIDS=()
ok() { echo "ok   $*"; }
bad() { echo "FAIL $*"; fail=1; }
cleanup() {
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
    [ -f "$W/snmpd.pid" ] && kill "$(cat "$W/snmpd.pid")" 2>/dev/null
    [ -f "$W/rsyslog.pid" ] && kill "$(cat "$W/rsyslog.pid" 2>/dev/null)" 2>/dev/null
    wait 2>/dev/null
    for ns in sw srv pc1 cab1; do ip netns del "$P$ns" 2>/dev/null; done
    if [ "$fail" != 0 ]; then
        for f in "$W"/*.log; do echo "== $f"; tail -20 "$f"; done
    fi
    [ "${KEEP:-0}" = 1 ] && echo "kept $W" || rm -rf "$W"
}
trap cleanup EXIT
nsx() { local ns=$1; shift; ip netns exec "$P$ns" "$@"; }

# wait_for SECONDS DESCRIPTION COMMAND...
wait_for() {
    local limit=$1 what=$2
    shift 2
    local end=$((SECONDS + limit))
    while [ $SECONDS -lt $end ]; do
        "$@" >/dev/null 2>&1 && return 0
        sleep 0.2
    done
    bad "timed out after ${limit}s waiting for: $what"
    tail -4 "$W/out.log" | sed 's/^/     | /'
    return 1
}

# --- the network: switch sw (bridge br0, management 10.77.0.1), collector srv (10.77.0.2),
# pc1 -- cab1 -- swp1 ----------------------------------------------------------------------
ip netns add "${P}sw" || { echo "skipped: cannot make a network namespace"; exit 77; }
for ns in srv pc1 cab1; do ip netns add "$P$ns"; done
for ns in sw srv pc1 cab1; do nsx $ns ip link set lo up; done
nsx sw ip link add br0 type bridge
nsx sw ip link set br0 up
ip -n "${P}sw" link add mgmt0 type veth peer name srv0 netns "${P}srv"
nsx sw ip addr add 10.77.0.1/24 dev mgmt0
nsx sw ip addr add 10.77.0.9/24 dev mgmt0 # a second sender nobody configured
nsx sw ip link set mgmt0 up
nsx srv ip addr add 10.77.0.2/24 dev srv0
nsx srv ip link set srv0 up
ip -n "${P}pc1" link add eth0 type veth peer name c0 netns "${P}cab1"
ip -n "${P}cab1" link add c1 type veth peer name swp1 netns "${P}sw"
nsx cab1 ip link add cbr type bridge
nsx cab1 ip link set c0 master cbr up
nsx cab1 ip link set c1 master cbr up
nsx cab1 ip link set cbr up
nsx pc1 ip link set eth0 up
nsx sw ip link set swp1 master br0 up
SWP1=$(nsx sw cat /sys/class/net/swp1/ifindex)

# --- the switch's SNMP agent ----------------------------------------------------------------
ENGINE=0x80001f8880c0ffee0001
mkdir -p "$W/snmp"
cat >"$W/snmpd.conf" <<EOF
agentaddress udp:10.77.0.1:161
exactEngineID $ENGINE
createUser whbuser SHA "auth-pass-1" AES "priv-pass-1"
rouser whbuser priv
createUser internal SHA "internal-pass" AES "internal-pass"
rouser internal auth
iquerySecName internal
trapsess -v 3 -u whbuser -l authPriv -a SHA -A auth-pass-1 -x AES -X priv-pass-1 10.77.0.2:1162
notificationEvent whbLinkDown .1.3.6.1.6.3.1.1.5.3 -o .1.3.6.1.2.1.2.2.1.1 -o .1.3.6.1.2.1.2.2.1.7 -o .1.3.6.1.2.1.2.2.1.8
notificationEvent whbLinkUp .1.3.6.1.6.3.1.1.5.4 -o .1.3.6.1.2.1.2.2.1.1 -o .1.3.6.1.2.1.2.2.1.7 -o .1.3.6.1.2.1.2.2.1.8
monitor -r 1 -S -e whbLinkDown "linkDown" .1.3.6.1.2.1.2.2.1.8 == 2
monitor -r 1 -S -e whbLinkUp "linkUp" .1.3.6.1.2.1.2.2.1.8 != 2
EOF
# MIBS= : no MIB is parsed (Debian ships none of the IETF's); numeric OIDs throughout.
MIBS= SNMP_PERSISTENT_DIR="$W/snmp" ip netns exec "${P}sw" snmpd -f -Lf "$W/snmpd.log" -C \
    -c "$W/snmpd.conf" -p "$W/snmpd.pid" -I -smux &
PIDS+=($!)

# --- the collector's side -------------------------------------------------------------------
sh "$src/tests/integration/make-certs.sh" "$W/certs" >/dev/null
cat >"$W/listen.conf" <<EOF
[switches]
syslog_udp = 10.77.0.2:5514
syslog_tcp = 10.77.0.2:5514
syslog_tls = 10.77.0.2:6514
snmp_traps = 10.77.0.2:1162
rate = 1000
burst = 2000
cache_ms = 0
[switch sw-access-1]
address = 10.77.0.1
user = whbuser
auth_password = auth-pass-1
priv_password = priv-pass-1
engine_id = $ENGINE
EOF
chmod 600 "$W/listen.conf"
mkfifo "$W/in"
ip netns exec "${P}srv" "$bin/switch_listen" "$W/listen.conf" "$W/certs/server.crt" \
    "$W/certs/server.key" <"$W/in" >>"$W/out.log" 2>"$W/listen.log" &
PIDS+=($!)
sleep 1000 >"$W/in" &
PIDS+=($!)
cmd() { echo "$*" >"$W/in"; }
events() { jq -c "select(.type==\"event\")" "$W/out.log"; }
# has JQ-FILTER: an event matching it arrived
has() { [ -n "$(events | jq -c "select($1)" 2>/dev/null)" ]; }
# port_is PORT FIELD VALUE: the service's port table says so.
port_is() {
    local from
    from=$(wc -l <"$W/out.log")
    cmd "ports sw-access-1"
    local i
    for i in $(seq 1 25); do tail -n +$((from + 1)) "$W/out.log" | grep -q '"ports-end"' && break; sleep 0.1; done
    [ "$(tail -n +$((from + 1)) "$W/out.log" | jq -r "select(.type==\"port\" and .port==\"$1\") | .$2" | head -1)" = "$3" ]
}
wait_for 10 "switch_listen ready" grep -q '"ready"' "$W/out.log" || exit 1
wait_for 10 "snmpd answers" nsx srv snmpget -v3 -l authPriv -u whbuser -a SHA -A auth-pass-1 \
    -x AES -X priv-pass-1 -On 10.77.0.1 .1.3.6.1.2.1.1.3.0 || exit 1

# --- 1. a port named, not numbered: found by walking the switch's ifName ---------------------
cmd "poll sw-access-1 swp1"
wait_for 10 "poll finds swp1 by name" has ".kind==\"poll\" and .port==\"swp1\" and .ifindex==$SWP1 and .admin==\"up\" and .oper==\"up\" and .since > 0" &&
    ok "poll by name: swp1 is ifIndex $SWP1, admin up, oper up, with a 'since'"

# --- 2. the port shut on the switch ----------------------------------------------------------
: >"$W/out.log"
t0=$(date +%s%3N)
nsx sw ip link set swp1 down
# snmpd's monitor reads every second over an interface table it caches for 3 s.
wait_for 10 "linkDown trap for the shut port" has ".source==\"trap\" and .kind==\"admin_down\" and .ifindex==$SWP1 and .admin==\"down\"" &&
    ok "shut port: linkDown with ifAdminStatus down ($(( $(events | jq -s "map(select(.source==\"trap\" and .ifindex==$SWP1))[0].at") - t0 )) ms after the shut)"
wait_for 5 "the table says admin down" port_is swp1 admin down && port_is swp1 oper down &&
    ok "port table: swp1 admin down, oper down"

# --- 3. back up, then the cable pulled: both ends admin up, no carrier ------------------------
nsx sw ip link set swp1 up
wait_for 10 "linkUp trap" has ".source==\"trap\" and .kind==\"link_up\" and .ifindex==$SWP1"
: >"$W/out.log"
nsx cab1 ip link set c1 down
nsx cab1 ip link set c0 down
wait_for 10 "linkDown trap for the pulled cable" has ".source==\"trap\" and .kind==\"link_down\" and .ifindex==$SWP1 and .admin==\"up\" and .oper==\"down\"" &&
    ok "pulled cable: linkDown with ifAdminStatus up (not a shut port)"
wait_for 5 "the table says admin up, oper down" port_is swp1 admin up && port_is swp1 oper down &&
    ok "port table: swp1 admin up, oper down"
if has ".kind==\"admin_down\" and .ifindex==$SWP1"; then bad "a pulled cable was reported as a shut port"; fi
cmd "pollix sw-access-1 $SWP1"
wait_for 5 "poll after the cable: down since" has ".kind==\"poll\" and .ifindex==$SWP1 and .oper==\"down\" and .since >= $((t0 - 1000))" &&
    ok "poll: oper down since $(events | jq -s "map(select(.kind==\"poll\" and .ifindex==$SWP1))[-1].since") (ifLastChange)"
nsx cab1 ip link set c0 up
nsx cab1 ip link set c1 up

# --- 4. informs are answered; wrong credentials and strangers are refused --------------------
: >"$W/out.log"
if nsx sw snmpinform -v 3 -u whbuser -l authPriv -a SHA -A auth-pass-1 -x AES -X priv-pass-1 \
    -t 2 -r 1 10.77.0.2:1162 '' .1.3.6.1.6.3.1.1.5.3 .1.3.6.1.2.1.2.2.1.1.77 i 77 \
    .1.3.6.1.2.1.2.2.1.7.77 i 2 .1.3.6.1.2.1.2.2.1.8.77 i 2 >/dev/null 2>&1; then
    ok "SNMPv3 inform answered"
else
    bad "SNMPv3 inform not answered"
fi
wait_for 5 "the inform's event" has ".source==\"trap\" and .ifindex==77 and .kind==\"admin_down\""
nsx sw snmptrap -v 3 -u whbuser -l authPriv -a SHA -A wrong-pass-1 -x AES -X priv-pass-1 \
    -e $ENGINE 10.77.0.2:1162 '' .1.3.6.1.6.3.1.1.5.3 .1.3.6.1.2.1.2.2.1.1.78 i 78 2>/dev/null
nsx sw snmptrap -v 2c -c public 10.77.0.2:1162 '' .1.3.6.1.6.3.1.1.5.3 .1.3.6.1.2.1.2.2.1.1.79 i 79 2>/dev/null
sleep 1
if has ".ifindex==78 or .ifindex==79"; then bad "a notification with wrong credentials was taken"; else ok "wrong passphrase and v2c community refused"; fi
cmd stats
wait_for 3 "stats" grep -q '"stats"' "$W/out.log"
denied=$(jq -s 'map(select(.type=="stats"))[-1].traps_denied' "$W/out.log")
[ "${denied:-0}" -ge 1 ] && ok "refusals counted ($denied)" || bad "refusals not counted"

# --- 5. syslog: UDP RFC 3164 and TCP RFC 5424 with octet counting, from the switch's own host
# name (logger in its own UTS namespace) ------------------------------------------------------
: >"$W/out.log"
sw_logger() { ip netns exec "${P}sw" unshare --uts sh -c 'hostname sw-access-1; exec logger "$@"' logger "$@"; }
sw_logger --rfc3164 -n 10.77.0.2 -P 5514 -d -p local7.notice \
    "%LINK-5-CHANGED: Interface GigabitEthernet1/0/3, changed state to administratively down"
sw_logger --rfc5424 --octet-count -T -n 10.77.0.2 -P 5514 -p local7.error \
    "%PM-4-ERR_DISABLE: psecure-violation error detected on Gi1/0/4, putting Gi1/0/4 in err-disable state"
wait_for 5 "syslog over UDP" has ".source==\"syslog\" and .kind==\"admin_down\" and .port==\"GigabitEthernet1/0/3\"" &&
    ok "syslog UDP RFC 3164: shut port Gi1/0/3"
wait_for 5 "syslog over TCP" has ".source==\"syslog\" and .kind==\"err_disabled\" and .port==\"Gi1/0/4\" and .cause==\"psecure-violation\"" &&
    ok "syslog TCP RFC 5424 octet-counted: Gi1/0/4 err-disabled (psecure-violation)"

# --- 6. rsyslog on the switch forwarding over TCP and over TLS (RFC 5425) ----------------------
mkdir -p "$W/rsyslog"
cat >"$W/rsyslog.conf" <<EOF
global(workDirectory="$W/rsyslog" DefaultNetstreamDriverCAFile="$W/certs/ca.crt")
module(load="imudp")
input(type="imudp" address="127.0.0.1" port="10514" ruleset="fwd")
ruleset(name="fwd") {
  action(type="omfwd" target="10.77.0.2" port="6514" protocol="tcp" StreamDriver="ossl"
         StreamDriverMode="1" StreamDriverAuthMode="x509/certvalid" TCP_Framing="octet-counted")
  action(type="omfwd" target="10.77.0.2" port="5514" protocol="tcp")
}
EOF
ip netns exec "${P}sw" unshare --uts sh -c "hostname sw-access-1; exec rsyslogd -n -f $W/rsyslog.conf -i $W/rsyslog.pid" \
    >"$W/rsyslog.log" 2>&1 &
PIDS+=($!)
wait_for 10 "rsyslog listening" nsx sw sh -c "ss -uln | grep -q 127.0.0.1:10514"
nsx sw logger --rfc3164 -n 127.0.0.1 -P 10514 -d -p local7.notice \
    "%DOT1X-5-FAIL: Authentication failed for client (0023.b53e.3e12) on Interface Gi1/0/5 AuditSessionID 0C65633E00032EF22F9CBDFE"
wait_for 10 "802.1X failure through rsyslog" has ".kind==\"dot1x_fail\" and .port==\"Gi1/0/5\" and .mac==\"00:23:b5:3e:3e:12\"" &&
    [ "$(events | jq -s 'map(select(.kind=="dot1x_fail"))|length')" -ge 2 ] &&
    ok "rsyslog over TLS and plain TCP: the 802.1X failure on Gi1/0/5 arrived both ways"

# --- 7. a stranger's syslog, and a flood beyond the switch's rate ------------------------------
cmd stats
wait_for 3 "stats" grep -q '"stats"' "$W/out.log"
before=$(jq -s 'map(select(.type=="stats"))[-1]' "$W/out.log")
: >"$W/out.log"
nsx sw python3 - <<'EOF'
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("10.77.0.9", 0))
s.sendto(b"<189>%LINK-5-CHANGED: Interface Gi9/9/9, changed state to administratively down", ("10.77.0.2", 5514))
t = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
t.bind(("10.77.0.1", 0))
msg = "<189>1: %%LINK-3-UPDOWN: Interface Gi1/0/%d, changed state to down"
for i in range(6000):
    t.sendto((msg % (i % 48 + 1)).encode(), ("10.77.0.2", 5514))
EOF
sleep 1
cmd stats
wait_for 3 "stats" grep -q '"stats"' "$W/out.log"
after=$(jq -s 'map(select(.type=="stats"))[-1]' "$W/out.log")
unknown=$(( $(jq .syslog_unknown <<<"$after") - $(jq .syslog_unknown <<<"$before") ))
rated=$(( $(jq .syslog_rate <<<"$after") - $(jq .syslog_rate <<<"$before") ))
taken=$(( $(jq .syslog_link <<<"$after") - $(jq .syslog_link <<<"$before") ))
[ "$unknown" -ge 1 ] && ! has '.port=="Gi9/9/9"' && ok "syslog from an address nobody configured dropped" ||
    bad "a stranger's syslog: unknown=$unknown"
# 6000 link messages sent at once against a burst of 2000 (and 1000/s): all read, the burst
# kept and no more than the rate allows beyond it; the rest cut by the rate (or lost in the
# socket's buffer).
kept=$((taken - rated))
[ "$rated" -ge 1 ] && [ "$kept" -ge 1500 ] && [ "$kept" -le 4000 ] &&
    ok "flood of 6000: $kept kept, $rated over the switch's rate dropped" ||
    bad "flood: recognised $taken, over rate $rated"

cmd quit
[ "$fail" = 0 ] && echo "test_switch: all passed"
exit $fail

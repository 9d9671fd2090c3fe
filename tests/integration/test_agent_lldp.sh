#!/bin/bash
# After a move the old switch is never reported (issue 10 #13): the Linux agent in a network
# namespace hears LLDP from "sw-old" on a veth, the link goes down and comes back up (the cable
# goes to another switch), and until "sw-new" speaks no report names sw-old again. The real
# collector stores the events. Needs root (namespaces, AF_PACKET); exit 77 (skipped) without.
# Usage: test_agent_lldp.sh BUILD_BIN_DIR
set -u
bin=$(cd "${1:?usage: test_agent_lldp.sh BUILD_BIN_DIR}" && pwd)
[ "$(id -u)" = 0 ] || { echo "skipped: needs root"; exit 77; }
ns=whbai-lldp-$$
work=$(mktemp -d /tmp/whb-lldp-XXXXXX)
fail=0
ok() { echo "ok   $*"; }
bad() { echo "FAIL $*"; fail=1; }
cleanup() {
    [ -n "${spid:-}" ] && kill "$spid" 2>/dev/null
    [ -n "${apid:-}" ] && kill "$apid" 2>/dev/null
    [ -n "${cpid:-}" ] && kill "$cpid" 2>/dev/null
    wait 2>/dev/null
    ip netns del "$ns" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT
ip netns add "$ns" || { echo "skipped: cannot make a network namespace"; exit 77; }
nsx() { ip netns exec "$ns" "$@"; }
nsx ip link set lo up
nsx ip link add eth0 type veth peer name peer0
nsx ip link set eth0 up
nsx ip link set peer0 up
nsx ip addr add 10.66.0.2/24 dev eth0

echo lldp-token >"$work/token"
# Not through nsx (a function: "&" would fork a subshell and $! would not be the process).
ip netns exec "$ns" "$bin/whb-collector" --listen 127.0.0.1:8080 --plain-http --db "$work/c.db" \
    --enrollment-token-file "$work/token" --interval 1 2>"$work/collector.log" &
cpid=$!
sleep 0.5
ip netns exec "$ns" "$bin/whb-agent" --state-dir "$work/agent" --collector-url http://127.0.0.1:8080/v1/report \
    --allow-plain-http 1 --enrollment-token lldp-token --interval 1 --fqdn pc-lldp.corp.example \
    --machine-id m-lldp 2>"$work/agent.log" &
apid=$!

# The switch: an LLDPDU every 300 ms on peer0 naming the switch in $work/switch ("" = silent).
echo sw-old >"$work/switch"
ip netns exec "$ns" python3 - "$work/switch" <<'PY' &
import socket, struct, sys, time
def tlv(t, v):
    return struct.pack("!H", (t << 9) | len(v)) + v
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind(("peer0", 0))
while True:
    name = open(sys.argv[1]).read().strip().encode()
    if name:
        mac = b"\x02\x00\x00\x00\x00\x01" if name == b"sw-old" else b"\x02\x00\x00\x00\x00\x02"
        pdu = (tlv(1, b"\x04" + mac) + tlv(2, b"\x05swp1") + tlv(3, b"\x00\x78") +
               tlv(5, name) + tlv(0, b""))
        try:
            s.send(b"\x01\x80\xc2\x00\x00\x0e" + mac + b"\x88\xcc" + pdu)
        except OSError:
            pass  # the link is down
    time.sleep(0.3)
PY
spid=$!

db() { sqlite3 "$work/c.db" "$1" 2>/dev/null; }
lldp_named() { # LLDP_CHANGED events naming $1 (after event time $2)
    db "select count(*) from events where machine_id='m-lldp' and kind=20 and detail like '%$1%' and at_ms >= ${2:-0}"
}
for _ in $(seq 100); do [ "$(lldp_named sw-old)" -ge 1 ] && break; sleep 0.1; done
[ "$(lldp_named sw-old)" -ge 1 ] && ok "the agent reports sw-old" || { bad "sw-old never reported"; tail "$work/agent.log"; exit 1; }

# The move: sw-old falls silent, the cable is out, then in on the other switch, which says
# nothing for 3 s.
echo "" >"$work/switch"
sleep 0.5
nsx ip link set peer0 down
sleep 1
nsx ip link set peer0 up
sleep 3
up=$(db "select max(at_ms) from events where machine_id='m-lldp' and kind=14")
[ -n "$up" ] && ok "carrier lost and regained seen" || bad "no carrier_gained event"
[ "$(lldp_named sw-old "${up:-0}")" = 0 ] && ok "after the link came back, sw-old is not reported" ||
    bad "sw-old reported again after the move: $(db "select detail from events where machine_id='m-lldp' and kind=20")"
echo sw-new >"$work/switch"
for _ in $(seq 50); do [ "$(lldp_named sw-new)" -ge 1 ] && break; sleep 0.1; done
[ "$(lldp_named sw-new)" -ge 1 ] && ok "sw-new is reported once it speaks" || bad "sw-new never reported"
[ $fail = 0 ] && echo "all LLDP move checks passed"
exit $fail

#!/bin/bash
# After a move the old switch is never reported (issue 10 #13): the Linux agent in a network
# namespace hears LLDP from "sw-old" on a veth, the link goes down and comes back up (the cable
# goes to another switch), and until "sw-new" speaks no report names sw-old again. The real
# collector stores the events. Needs root (namespaces, AF_PACKET); exit 77 (skipped) without.
# Usage: test_agent_lldp.sh BUILD_BIN_DIR
set -u
bin=$(cd "${1:?usage: test_agent_lldp.sh BUILD_BIN_DIR}" && pwd)
[ "$(id -u)" = 0 ] || { echo "skipped: needs root"; exit 77; }
. "$(dirname "$0")/../support/shell.sh"
whb_test_init lldp
whb_test_veth_ns "whbai-lldp-$$"

echo lldp-token >"$work/token"
# Not through nsx (a function: "&" would fork a subshell and $! would not be the process).
ip netns exec "$ns" "$bin/whb-collector" --listen 127.0.0.1:8080 --plain-http --db "$work/c.db" \
    --enrollment-token-file "$work/token" --interval 1 2>"$work/collector.log" &
pids+=($!)
wait_started "${pids[-1]}" "the collector to answer" quietly nsx curl -sf http://127.0.0.1:8080/healthz ||
    whb_abort "the collector did not start" "$work/collector.log"
ip netns exec "$ns" "$bin/whb-agent" --state-dir "$work/agent" --collector-url http://127.0.0.1:8080/v1/report \
    --allow-plain-http 1 --enrollment-token lldp-token --interval 1 --fqdn pc-lldp.corp.example \
    --machine-id m-lldp 2>"$work/agent.log" &
pids+=($!)

# The switch: an LLDPDU every 300 ms on peer0 naming the switch in $work/switch ("" = silent);
# $work/switch.said is the name of its last round ("-": silent).
echo sw-old >"$work/switch"
ip netns exec "$ns" python3 - "$work/switch" "$work/switch.said" <<'PY' &
import socket, struct, sys, time
def tlv(t, v):
    return struct.pack("!H", (t << 9) | len(v)) + v
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind(("peer0", 0))
while True:
    name = open(sys.argv[1]).read().strip().encode()
    open(sys.argv[2], "w").write((name or b"-").decode())
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
pids+=($!)

db() { sqlite3 "$work/c.db" "$1" 2>/dev/null; }
lldp_named() { # LLDP_CHANGED events naming $1 (after event time $2)
    db "select count(*) from events where machine_id='m-lldp' and kind=20 and detail like '%$1%' and at_ms >= ${2:-0}"
}
wait_until 10 "sw-old to be reported" eval '[ "$(lldp_named sw-old)" -ge 1 ]'
[ "$(lldp_named sw-old)" -ge 1 ] && ok "the agent reports sw-old" || { bad "sw-old never reported"; tail "$work/agent.log"; exit 1; }

# The move: sw-old falls silent, the cable is out (until the agent has told the collector),
# then in on the other switch, which says nothing for 3 s.
carrier() { db "select count(*) from events where machine_id='m-lldp' and kind=$1"; }
lost=$(carrier 13) gained=$(carrier 14)
echo "" >"$work/switch"
wait_until 5 "the switch to fall silent" eval '[ "$(cat "$work/switch.said")" = - ]'
nsx ip link set peer0 down
wait_until 10 "the carrier loss to be stored" eval '[ "$(carrier 13)" -gt "$lost" ]'
nsx ip link set peer0 up
wait_until 10 "the carrier's return to be stored" eval '[ "$(carrier 14)" -gt "$gained" ]'
sleep 3 # the new switch's silence: a report naming sw-old would come in it (not a wait for a state)
up=$(db "select max(at_ms) from events where machine_id='m-lldp' and kind=14")
[ -n "$up" ] && ok "carrier lost and regained seen" || bad "no carrier_gained event"
[ "$(lldp_named sw-old "${up:-0}")" = 0 ] && ok "after the link came back, sw-old is not reported" ||
    bad "sw-old reported again after the move: $(db "select detail from events where machine_id='m-lldp' and kind=20")"
echo sw-new >"$work/switch"
wait_until 5 "sw-new to be reported" eval '[ "$(lldp_named sw-new)" -ge 1 ]'
[ "$(lldp_named sw-new)" -ge 1 ] && ok "sw-new is reported once it speaks" || bad "sw-new never reported"
whb_test_finish

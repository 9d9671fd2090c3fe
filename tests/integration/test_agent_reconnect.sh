#!/bin/bash
# A machine whose network comes back delivers at once: neither when its retry backoff says nor
# after a WSUS probe that hangs. The collector is unreachable for 9.5 s (heartbeat 60 s: the tries
# back off, up to the interval), the machine's link goes down, the collector comes back, WSUS
# hangs, the link comes back (a cable put back): what the machine spooled reaches the real
# collector within 1 s. The replay backend plays the link; plain HTTP on loopback. The machine id
# seeds the backoff's jitter: for m-reconnect-4 the tries are at about 0, 1, 2, 4.9, 7.1 and
# 21.4 s, so an agent that waits for its backoff (or for the probe's 10 s) delivers nothing
# before the end at 15 s. (With a short heartbeat the backoff never waits longer than it, and
# a heartbeat is tried whenever the machine is online: this needs the long one.)
# Usage: test_agent_reconnect.sh BUILD_BIN_DIR
set -u
bin=$(cd "${1:?usage: test_agent_reconnect.sh BUILD_BIN_DIR}" && pwd)
. "$(dirname "$0")/../support/shell.sh"
whb_test_init reconnect

echo reconnect-token >"$work/token"
port=$(free_port)
ad="adapter eth0 type=ethernet mac=52:54:00:00:02:01 addr=10.1.0.7/24 gw=10.1.0.1"
cat >"$work/scn" <<SCN
identity machine_id=m-reconnect-4 fqdn=pc-reconnect.corp.example boot_id=b-1
0 $ad carrier=1
9000 $ad carrier=0
11000 $ad carrier=1
15000 end
SCN
# WSUS: nothing listens at first (a probe is refused at once); from 8 s on it accepts and never
# answers (a hung WsusPool), so the probe that follows the network's return waits its 10 s.
# (The sleeps here are the scenario's timeline, not waits for a state.)
wport=$(free_port)
(sleep 8 && exec python3 -c 'import socket, sys, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(16)
held = []
while True:
    c, _ = s.accept(); held.append(c)
    open(sys.argv[2], "a").write("%d\n" % int(time.time() * 1000))' "$wport" "$work/wsus-probes") &
pids+=($!)
# Nothing listens on the port for 9.5 s: every try is refused at once and the backoff grows;
# the collector is back while the link is down.
timeout 30 "$bin/whb-agent" --platform replay --replay-file "$work/scn" --state-dir "$work/a" \
    --collector-url "http://127.0.0.1:$port/v1/report" --allow-plain-http 1 \
    --enrollment-token reconnect-token --interval 60 --control-socket "$work/a.ctl" \
    --wsus-url "http://127.0.0.1:$wport/" \
    --log-level debug 2>"$work/agent.log" &
apid=$!
pids+=($apid)
sleep 9.5
"$bin/whb-collector" --listen "127.0.0.1:$port" --plain-http --db "$work/c.db" \
    --enrollment-token-file "$work/token" --interval 60 2>>"$work/collector.log" &
pids+=($!)
wait "$apid"
arc=$?
q() { sqlite3 "$work/c.db" "$1" 2>/dev/null; }
# When the agent saw the carrier back (its own clock) and when the collector first heard of it.
back=$(q "select agent_at_ms from events where machine_id='m-reconnect-4' and kind=14")
first=$(q "select min(received_ms) from events where machine_id='m-reconnect-4'")
tries=$(grep -c "delivery failed" "$work/agent.log")
echo "delivery failures logged while the collector was away: $tries (first of each cause)"
[ "$arc" -eq 0 ] || whb_abort "the agent exited with status $arc" "$work/agent.log"
[ -n "$back" ] && [ -n "$first" ] ||
    whb_abort "nothing reached the collector after the network came back" "$work/agent.log"
[ "$first" -ge "$back" ] ||
    whb_abort "a report was stored before the carrier came back: the timing of this test is off"
echo "carrier back -> first report stored: $((first - back)) ms"
[ $((first - back)) -le 1000 ] ||
    whb_abort "the agent waited (its backoff, or the WSUS probe) instead of sending at once"
ok "delivered within 1 s of the network coming back"
# The probe waits for the network to settle: one made at once fails on a real network (ARP, DNS)
# and shows "WSUS unreachable" for a machine that reports, until the next probe.
probe=$(awk -v b="$back" '$1 >= b { print $1; exit }' "$work/wsus-probes" 2>/dev/null)
[ -n "$probe" ] || whb_abort "no WSUS probe after the network came back"
echo "carrier back -> WSUS probed: $((probe - back)) ms"
[ $((probe - back)) -ge 2500 ] || whb_abort "the WSUS probe did not wait for the network to settle"
ok "WSUS probed once the network settled"
whb_test_finish

#!/bin/bash
# Link flaps while a send is in flight (issue 22: a slow collector held the agent's only thread
# for 10 s per send, and flaps during it merged: 2 of 8 recorded, evidence the faulty-adapter
# rule counts). The Linux agent in a network namespace reports through a relay that holds the
# collector's answers for 6 s; while one is held, eth0's carrier goes and comes back four
# times (its veth peer set down and up). Every one of the eight changes reaches the real
# collector, stamped when it happened, not when the send returned. Root (namespaces); exit 77
# (skipped) without. WHB_NS_PREFIX names the namespace.
# Usage: test_agent_flaps.sh BUILD_BIN_DIR
set -u
bin=$(cd "${1:?usage: test_agent_flaps.sh BUILD_BIN_DIR}" && pwd)
[ "$(id -u)" = 0 ] || { echo "skipped: needs root"; exit 77; }
. "$(dirname "$0")/../support/shell.sh"
whb_test_init flaps
whb_test_veth_ns "${WHB_NS_PREFIX:-whbai-}flaps-$$"

echo flaps-token >"$work/token"
ip netns exec "$ns" "$bin/whb-collector" --listen 127.0.0.1:8081 --plain-http --db "$work/c.db" \
    --enrollment-token-file "$work/token" --interval 1 2>"$work/collector.log" &
pids+=($!)
# The relay: while $work/slow exists it holds each answer 6 s (and says "held" in its log).
ip netns exec "$ns" python3 - "$work/slow" >"$work/relay.log" 2>&1 <<'PY' &
import os, socket, sys, threading, time
slow = sys.argv[1]
def up_to_down(up, cl):
    try:
        while (d := up.recv(65536)):
            if os.path.exists(slow):
                print("held", flush=True)
                time.sleep(6)
            cl.sendall(d)
    except OSError:
        pass
    for s in (up, cl):
        try: s.shutdown(socket.SHUT_RDWR)
        except OSError: pass
def down_to_up(cl, up):
    try:
        while (d := cl.recv(65536)):
            up.sendall(d)
    except OSError:
        pass
srv = socket.socket(); srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("127.0.0.1", 8080)); srv.listen(16)
while True:
    cl, _ = srv.accept()
    up = socket.create_connection(("127.0.0.1", 8081))
    threading.Thread(target=down_to_up, args=(cl, up), daemon=True).start()
    threading.Thread(target=up_to_down, args=(up, cl), daemon=True).start()
PY
pids+=($!)
wait_started "${pids[0]}" "the collector to answer" quietly nsx curl -sf http://127.0.0.1:8081/healthz ||
    whb_abort "the collector did not start" "$work/collector.log"
ip netns exec "$ns" "$bin/whb-agent" --state-dir "$work/agent" --collector-url http://127.0.0.1:8080/v1/report \
    --allow-plain-http 1 --enrollment-token flaps-token --interval 1 --fqdn pc-flaps.corp.example \
    --machine-id m-flaps --log-level debug 2>"$work/agent.log" &
pids+=($!)
db() { sqlite3 "$work/c.db" "$1" 2>/dev/null; }
wait_until 20 "the agent to report" eval '[ "$(db "select count(*) from machines where machine_id='"'"'m-flaps'"'"'")" = 1 ]' ||
    whb_abort "the agent did not report" "$work/agent.log"

t0=$(($(date +%s%3N) - 2000)) # the collector's events are on its clock, on this host
touch "$work/slow"
wait_until 10 "a send to be held" grep -q held "$work/relay.log" || whb_abort "no send was held" "$work/relay.log"
for i in 1 2 3 4; do
    nsx ip link set peer0 down
    sleep 0.3
    nsx ip link set peer0 up
    sleep 0.3
done
rm -f "$work/slow"
carrier() { db "select count(*) from events where machine_id='m-flaps' and adapter='eth0' and kind=$1 and at_ms >= $t0"; }
wait_until 30 "eight carrier changes at the collector" eval '[ $(( $(carrier 13) + $(carrier 14) )) -ge 8 ]'
expect "four carrier losses recorded during the held send" "$(carrier 13)" 4
expect "four carrier returns" "$(carrier 14)" 4
# Stamped when each was seen (within a second), not all at the send's return.
span=$(db "select max(at_ms) - min(at_ms) from events where machine_id='m-flaps' and adapter='eth0' and kind in (13, 14) and at_ms >= $t0")
check "stamped as they happened (over ${span:-0} ms, not at once)" '[ "${span:-0}" -ge 1000 ]'
held=$(grep -c held "$work/relay.log")
check "while a send was held ($held held)" '[ "$held" -ge 1 ]'
whb_test_finish

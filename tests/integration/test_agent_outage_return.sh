#!/bin/bash
# Issue 21.5: an agent's wait after failures is bounded by its heartbeat interval, and a collector
# that answers again ends it. The machine stays online (replay backend: link, address and route
# up) while nothing listens on the collector's port for 45 s, long enough for an unbounded
# exponential backoff to reach minutes (the soak saw 312 s of silence after the collector came
# back); then the real collector starts. The first report must be stored within one heartbeat
# interval (5 s) and a second of the collector's start. Plain HTTP on loopback.
# Usage: test_agent_outage_return.sh BUILD_BIN_DIR
set -u
bin=$(cd "${1:?usage: test_agent_outage_return.sh BUILD_BIN_DIR}" && pwd)
work=$(mktemp -d /tmp/whb-outage-return-XXXXXX)
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
    wait 2>/dev/null
    [ -n "${KEEP:-}" ] && echo "kept $work" || rm -rf "$work"
}
trap cleanup EXIT

interval=5
echo backoff-token >"$work/token"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cat >"$work/scn" <<SCN
identity machine_id=m-backoff-1 fqdn=pc-backoff.corp.example boot_id=b-1
0 adapter eth0 type=ethernet mac=52:54:00:00:03:01 addr=10.1.0.8/24 gw=10.1.0.1 carrier=1
70000 end
SCN
timeout 90 "$bin/whb-agent" --platform replay --replay-file "$work/scn" --state-dir "$work/a" \
    --collector-url "http://127.0.0.1:$port/v1/report" --allow-plain-http 1 \
    --enrollment-token backoff-token --interval $interval --control-socket "$work/a.ctl" \
    --log-level debug 2>"$work/agent.log" &
apid=$!
pids+=($apid)
sleep 45
started=$(date +%s%3N)
"$bin/whb-collector" --listen "127.0.0.1:$port" --plain-http --db "$work/c.db" \
    --enrollment-token-file "$work/token" --interval $interval 2>>"$work/collector.log" &
pids+=($!)
first=
for _ in $(seq 1 60); do
    first=$(sqlite3 "$work/c.db" "select min(received_ms) from events where machine_id='m-backoff-1'" 2>/dev/null)
    [ -n "$first" ] && break
    sleep 0.25
done
if [ -z "$first" ]; then
    echo "FAIL nothing reached the collector within 15 s of its start"
    tail -5 "$work/agent.log"
    exit 1
fi
echo "collector started -> first report stored: $((first - started)) ms"
if [ $((first - started)) -gt $((interval * 1000 + 1000)) ]; then
    echo "FAIL the agent stayed in its backoff longer than a heartbeat interval"
    exit 1
fi
echo "ok   back within a heartbeat of the collector's return"
# The heartbeats that did not go were kept and delivered: the collector learns it was on.
sleep 1
kept=$(sqlite3 "$work/c.db" "select count(*) from events where machine_id='m-backoff-1' and kind=23")
echo "undelivered heartbeats stored once it was back: $kept"
if [ "${kept:-0}" -lt 5 ]; then
    echo "FAIL fewer than 5 of the ~9 heartbeats of the outage were kept"
    exit 1
fi
echo "ok   the heartbeats of the outage were kept"

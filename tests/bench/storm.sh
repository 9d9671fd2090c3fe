#!/bin/bash
# Reconnect storm: MACHINES simulated machines enroll, go silent (an outage longer than their
# grace), then all come back at once, each with spooled events, over CONNECTIONS keep-alive
# connections: far more clients than the collector holds reports for (max_pending), so most get
# 503 + Retry-After and come back. Prints the time to drain, the rate beside a steady run, and
# the collector's peak RSS (VmHWM), which max_pending bounds, not the number of clients.
# Env: MACHINES (200000; 1000000 takes about 10 minutes on 2 shared cores), CONNECTIONS (1000),
# EVENTS (8 per machine), MAX_PENDING (1024), LOOPS (collector default).
set -euo pipefail
cd "$(dirname "$0")/../.."
top=$PWD
machines=${MACHINES:-200000}
conns=${CONNECTIONS:-1000}
events=${EVENTS:-8}
max_pending=${MAX_PENDING:-1024}
build=${BUILD_DIR:-build-bench}
[ -n "${SKIP_DEPS:-}" ] || tests/deps.sh all
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" -j 2 --target whb-collector whb-loadgen >/dev/null
bin=$top/$build/bin
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

work=$(mktemp -d /tmp/whb-storm-XXXXXX)
cpid=
cleanup() { [ -z "$cpid" ] || kill "$cpid" 2>/dev/null || true; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
echo storm-token > "$work/token"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
extra=()
[ -z "${LOOPS:-}" ] || extra=(--loops "$LOOPS")
# interval 1 s, grace 3: a machine is silent 3 s after its last report, so the storm ends gaps.
"$bin/whb-collector" --plain-http --listen 127.0.0.1:$port --db "$work/storm.db" \
    --enrollment-token-file "$work/token" --log-level error --interval 1 --grace 3 \
    --max-pending "$max_pending" --max-connections 8192 --max-connections-per-source 8192 \
    "${extra[@]}" &
cpid=$!
sleep 1
hwm() { awk '/VmHWM/ {print $2}' "/proc/$cpid/status"; }
rss() { awk '/VmRSS/ {print $2}' "/proc/$cpid/status"; }
url=http://127.0.0.1:$port/v1/report
echo "machines=$machines connections=$conns events=$events max_pending=$max_pending cores=$(nproc) load=$(cut -d' ' -f1-3 /proc/loadavg)"
enroll=$("$bin/whb-loadgen" --url "$url" --machines "$machines" --connections 128 --storm \
    --events 0 --token storm-token)
echo "enrolled (128 connections, no events):   $enroll  VmHWM $(hwm) kB"
sleep 4 # every machine is now past its due time: silent
start_hwm=$(hwm)
out=$("$bin/whb-loadgen" --url "$url" --machines "$machines" --connections "$conns" --storm \
    --events "$events" --seq-base 1000 --token storm-token)
echo "storm ($conns connections, $events events each): $out"
secs=$(echo "$out" | sed -n 's/.*seconds=\([0-9.]*\).*/\1/p')
rate=$(echo "$out" | sed -n 's/.*rate=\([0-9]*\).*/\1/p')
echo "drained $machines machines in $secs s ($rate machines/s); collector VmHWM $(hwm) kB (before the storm $start_hwm kB), VmRSS now $(rss) kB"
gaps=$(sqlite3 "$work/storm.db" 'select count(*) from gaps')
evs=$(sqlite3 "$work/storm.db" 'select count(*) from events')
echo "stored: $gaps gaps, $evs events (expected $machines and $((machines * events)))"
[ "$gaps" -eq "$machines" ] && [ "$evs" -eq $((machines * events)) ]

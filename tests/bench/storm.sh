#!/bin/bash
# Reconnect storm: MACHINES simulated machines enroll, go silent (an outage longer than their
# grace), then all come back at once, each with spooled events, over CONNECTIONS keep-alive
# connections: more clients than the collector holds reports for (max_pending), so some get
# 503 + Retry-After and come back. Prints the time to drain, the rate beside the enrollment
# run, and the collector's peak memory: VmHWM (which includes the database pages SQLite reads
# through its memory map, so it grows with the database) and the peak of its anonymous memory
# (RssAnon, sampled every 0.2 s: heap, buffers, queued reports), which max_pending bounds, not
# the number of machines. Every machine's return must leave one gap and its events.
# Env: MACHINES (200000), CONNECTIONS (1000), EVENTS (8 per machine), MAX_PENDING (256),
# LOOPS (collector default), STEADY (1; 0 skips the steady comparison run).
set -euo pipefail
cd "$(dirname "$0")/../.."
top=$PWD
machines=${MACHINES:-200000}
conns=${CONNECTIONS:-1000}
events=${EVENTS:-8}
max_pending=${MAX_PENDING:-256}
build=${BUILD_DIR:-build-bench}
[ -n "${SKIP_DEPS:-}" ] || tests/deps.sh all
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" -j 2 --target whb-collector whb-loadgen >/dev/null
bin=$top/$build/bin
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

work=$(mktemp -d /tmp/whb-storm-XXXXXX)
cpid=
spid=
cleanup() {
    for p in $spid $cpid; do kill "$p" 2>/dev/null || true; done
    wait 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT
echo storm-token > "$work/token"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
extra=()
[ -z "${LOOPS:-}" ] || extra=(--loops "$LOOPS")
# interval 1 s, grace 3: a machine is silent 3 s after its last report, so the storm ends gaps.
"$bin/whb-collector" --plain-http --listen 127.0.0.1:$port --db "$work/storm.db" \
    --enrollment-token-file "$work/token" --enroll-per-minute 0 --log-level error --interval 1 --grace 3 \
    --max-pending "$max_pending" --max-connections 8192 --max-connections-per-source 8192 \
    "${extra[@]}" &
cpid=$!
sleep 1
hwm() { awk '/VmHWM/ {print $2}' "/proc/$cpid/status"; }
rss() { awk '/VmRSS/ {print $2}' "/proc/$cpid/status"; }
# The peak of RssAnon while the loadgen runs, into $work/anon.
sample_anon() {
    local peak=0 a
    while a=$(awk '/RssAnon/ {print $2}' "/proc/$cpid/status" 2>/dev/null) && [ -n "$a" ]; do
        [ "$a" -gt "$peak" ] && peak=$a && echo "$peak" > "$work/anon"
        sleep 0.2
    done
}
url=http://127.0.0.1:$port/v1/report
echo "machines=$machines connections=$conns events=$events max_pending=$max_pending cores=$(nproc) load=$(cut -d' ' -f1-3 /proc/loadavg)"
sample_anon &
spid=$!
enroll=$("$bin/whb-loadgen" --url "$url" --machines "$machines" --connections 128 --storm \
    --events 0 --interval 1 --token storm-token)
echo "enrolled (128 connections, no events):   $enroll"
echo "  collector VmHWM $(hwm) kB, peak RssAnon $(cat "$work/anon") kB"
sleep 4 # every machine is now past its due time (3 x 1 s): silent
echo 0 > "$work/anon"
start_hwm=$(hwm)
out=$("$bin/whb-loadgen" --url "$url" --machines "$machines" --connections "$conns" --storm \
    --events "$events" --interval 1 --seq-base 1000 --token storm-token)
echo "storm ($conns connections, $events events each): $out"
secs=$(echo "$out" | sed -n 's/.*seconds=\([0-9.]*\).*/\1/p')
rate=$(echo "$out" | sed -n 's/.*rate=\([0-9]*\).*/\1/p')
storm_anon=$(cat "$work/anon")
storm_hwm=$(hwm)
echo "drained $machines machines in $secs s: $rate machines/s"
# The same returns again at a steady pace: 128 connections, below max_pending, no 503.
expect_gaps=$machines
if [ "${STEADY:-1}" != 0 ]; then
    sleep 4
    steady=$("$bin/whb-loadgen" --url "$url" --machines "$machines" --connections 128 --storm \
        --events "$events" --interval 1 --seq-base 2000 --token storm-token)
    echo "steady (128 connections, $events events each): $steady"
    srate=$(echo "$steady" | sed -n 's/.*rate=\([0-9]*\).*/\1/p')
    echo "the storm drained at $(awk -v a="$rate" -v b="$srate" 'BEGIN{printf "%.2f", a/b}') of the steady rate ($srate/s)"
    expect_gaps=$((2 * machines))
fi
echo "collector during the storm: peak RssAnon $storm_anon kB, VmHWM $storm_hwm kB (before it $start_hwm kB; VmHWM includes database pages read through SQLite's memory map)"
q1='select count(*) from gaps'
q2='select count(*) from events'
gaps=$(sqlite3 "$work/storm.db" "$q1")
evs=$(sqlite3 "$work/storm.db" "$q2")
echo "stored: $gaps gaps, $evs events (expected $expect_gaps and $((expect_gaps * events)))"
[ "$gaps" -eq "$expect_gaps" ] && [ "$evs" -eq $((expect_gaps * events)) ]

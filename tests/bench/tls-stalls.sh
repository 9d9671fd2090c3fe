#!/bin/bash
# Hunts the TLS stall seen once in a while in ingest.sh: short whb-loadgen runs, each with new
# TLS connections, against one collector (one loop); counts the requests that got no answer
# (the collector closed their connection at its deadline) and the runs with an answer that took
# 9 s or more. Not a timing bench: a correctness loop, bounded by RUNS.
# Env: RUNS (20), CONNECTIONS (128), SECONDS_RUN (2), MACHINES (5000), PIN (e.g. "taskset -c 0"
# for collector and generator on one core), LOG_LEVEL (info: the collector's deadline lines),
# BUILD_DIR (build-bench). Exits 1 when a run had an unanswered or a slow request.
set -euo pipefail
cd "$(dirname "$0")/../.."
runs=${RUNS:-20}
conns=${CONNECTIONS:-128}
seconds=${SECONDS_RUN:-2}
machines=${MACHINES:-5000}
build=${BUILD_DIR:-build-bench}
read -r -a pin <<<"${PIN:-}"
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" -j 2 --target whb-collector whb-loadgen >/dev/null
bin=$PWD/$build/bin
work=$(mktemp -d /tmp/whb-tls-stalls-XXXXXX)
cpid=
cleanup() { [ -z "$cpid" ] || kill "$cpid" 2>/dev/null || true; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
sh tests/integration/make-certs.sh "$work/certs" >/dev/null 2>&1
echo bench-token >"$work/token"
chmod 600 "$work/token"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"${pin[@]}" "$bin/whb-collector" --cert "$work/certs/server.crt" --key "$work/certs/server.key" \
    --loops 1 --listen "127.0.0.1:$port" --db "$work/c.db" --enrollment-token-file "$work/token" \
    --enroll-per-minute 0 --log-level "${LOG_LEVEL:-info}" 2>"$work/log" &
cpid=$!
url=https://127.0.0.1:$port/v1/report
for _ in $(seq 50); do
    curl -sk -o /dev/null "https://127.0.0.1:$port/healthz" && break
    sleep 0.2
done
"$bin/whb-loadgen" --url "$url" --machines "$machines" --connections "$conns" \
    --ca "$work/certs/ca.crt" --storm --events 0 --token bench-token >/dev/null
hit=0 lost=0
for i in $(seq "$runs"); do
    out=$("${pin[@]}" "$bin/whb-loadgen" --url "$url" --machines "$machines" --connections "$conns" \
        --seconds "$seconds" --ca "$work/certs/ca.crt" --seq-base $((i * 1000))) || true
    echo "run $i: $out"
    failed=$(echo "$out" | sed -n 's/.*failed=\([0-9]*\).*/\1/p')
    slow=$(echo "$out" | awk -F'max_ms=' '{print ($2 + 0 >= 9000)}')
    if [ "${failed:-0}" -gt 0 ] || [ "$slow" = 1 ]; then
        hit=$((hit + 1))
        lost=$((lost + ${failed:-0}))
    fi
done
echo "runs=$runs with_stalls=$hit unanswered_requests=$lost"
grep -h 'closed a connection' "$work/log" | sort | uniq -c || true
[ "$hit" -eq 0 ]

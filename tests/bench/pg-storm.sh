#!/bin/bash
# Two collectors on one PostgreSQL database under a reconnect storm (issue 26.2): MACHINES
# simulated machines enroll through collector a, go silent (past their grace), then all come
# back at once through BOTH collectors, each machine sending the same report (seq, EVENTS
# events) to each, as agents that failed over with reports in flight do. Every machine's
# return must leave one gap and its events once: none lost, none doubled; no batch may fail
# (a deadlock fails a batch whole: its reports get 503 and come back) and the server's log
# must not say "deadlock detected". Prints each collector's rate and p99, then the checks.
# With ENROLL_BOTH=1 the machines also enroll through both collectors at once (new machines
# in both collectors' batches: the case that deadlocked).
# Env: MACHINES (20000), CONNECTIONS (200 per collector), EVENTS (4), MAX_PENDING (256),
# BIN (another build's bin directory, for before/after).
set -euo pipefail
cd "$(dirname "$0")/../.."
top=$PWD
machines=${MACHINES:-20000}
conns=${CONNECTIONS:-200}
events=${EVENTS:-4}
max_pending=${MAX_PENDING:-256}
[ -n "${SKIP_DEPS:-}" ] || tests/deps.sh all
cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build-bench -j 2 --target whb-collector whb-loadgen >/dev/null
bin=${BIN:-$top/build-bench/bin}
loadgen=$top/build-bench/bin/whb-loadgen
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
. tests/bench/pg-work.sh
pg_work_start whb-pgstorm
echo storm-token > "$work/token"
chmod 600 "$work/token"
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
ports=()
for c in a b; do
    p=$(port)
    ports+=("$p")
    # interval 1 s, grace 3: a machine is silent 3 s after its last report.
    "$bin/whb-collector" --plain-http --listen 127.0.0.1:$p --store-backend postgresql \
        --store-conninfo "$conninfo" --enrollment-token-file "$work/token" --enroll-per-minute 0 \
        --log-level error --interval 1 --grace 3 --max-pending "$max_pending" \
        --max-connections 8192 --max-connections-per-source 8192 2>"$work/collector-$c.log" &
    pids+=($!)
done
sleep 2
url() { echo "http://127.0.0.1:$1/v1/report"; }
echo "collector: $bin/whb-collector; machines=$machines events=$events connections=$conns per collector; cores=$(nproc) load=$(cut -d' ' -f1-3 /proc/loadavg)"
"$loadgen" --url "$(url "${ports[0]}")" --machines "$machines" --connections 128 --storm \
    --events 0 --interval 1 --token storm-token >"$work/enroll-a.out" &
ea=$!
if [ "${ENROLL_BOTH:-0}" = 1 ]; then
    # The same new machines through b at the same time (two collectors enrolling them).
    "$loadgen" --url "$(url "${ports[1]}")" --machines "$machines" --connections 128 --storm \
        --events 0 --interval 1 --token storm-token >"$work/enroll-b.out"
    echo "enrolled through b: $(cat "$work/enroll-b.out")"
fi
wait "$ea"
echo "enrolled through a: $(cat "$work/enroll-a.out")"
sleep 4 # every machine past its due time: silent
for i in 0 1; do
    "$loadgen" --url "$(url "${ports[$i]}")" --machines "$machines" --connections "$conns" --storm \
        --events "$events" --interval 1 --seq-base 1000 --token storm-token >"$work/storm-$i.out" &
    lg[$i]=$!
done
wait "${lg[0]}" "${lg[1]}"
echo "storm through a: $(cat "$work/storm-0.out")"
echo "storm through b: $(cat "$work/storm-1.out")"
q() { psql -XAtq -U whb -d whb -c "$1"; }
gaps=$(q "select count(*) from gaps")
evs=$(q "select count(*) from events")
# Each machine's count of its stored events (the quota's) must be its rows' count, not more.
doubled=$(q "select count(*) from machines m where events_stored <> (select count(*) from events e where e.machine_id = m.machine_id)")
deadlocks=$(grep -c "deadlock detected" "$work/pg/server.log" || true)
failed=$(cat "$work"/storm-*.out "$work"/enroll-*.out | sed -n 's/.*failed=\([0-9]*\).*/\1/p' | awk '{t += $1} END {print t + 0}')
echo "stored: $gaps gaps, $evs events (expected $machines and $((machines * events))); machines whose stored-events count is not their events: $doubled; deadlocks in the server's log: $deadlocks; failed requests: $failed"
[ "$gaps" -eq "$machines" ] && [ "$evs" -eq $((machines * events)) ] && [ "$doubled" -eq 0 ] &&
    [ "$deadlocks" -eq 0 ] && [ "$failed" -eq 0 ]

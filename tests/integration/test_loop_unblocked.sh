#!/bin/bash
# An event loop never waits for the database's write lock or a sync of its own: while another
# program holds SQLite's write lock (as a long group commit or a backup does), a one-loop
# collector still answers /healthz at once. The run's alive mark (a write every second) used to
# be made on loop 0 and held all of its requests up to the store's busy timeout (5 s).
# Usage: test_loop_unblocked.sh BUILD_DIR
set -u
bin=$(cd "${1:?usage: test_loop_unblocked.sh BUILD_DIR}" && pwd)/bin
src=$(cd "$(dirname "$0")" && pwd)
. "$src/../support/shell.sh"
whb_test_init loopunblocked

echo enroll > "$work/enroll"
port=$(free_port)
"$bin/whb-collector" --plain-http --listen "127.0.0.1:$port" --db "$work/c.db" --loops 1 \
    --enrollment-token-file "$work/enroll" --metrics-public on 2>"$work/log" &
pids+=($!)
wait_started "${pids[-1]}" "the collector to answer" curl -sf -o /dev/null "http://127.0.0.1:$port/healthz" ||
    whb_abort "the collector did not start" "$work/log"

# Another program holds the write lock for 8 s (BEGIN IMMEDIATE, nothing written).
python3 - "$work/c.db" > "$work/locked" <<'PY' &
import sqlite3, sys, time
c = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=10)
c.execute("BEGIN IMMEDIATE")
print("locked", flush=True)
time.sleep(8)
c.execute("ROLLBACK")
PY
locker=$!
pids+=($locker)
wait_until 10 "the lock to be taken" grep -q locked "$work/locked" || whb_abort "could not take the lock"
# /healthz every 0.2 s for 6 s (six alive marks wait for the lock meanwhile): the slowest answer.
for _ in $(seq 30); do
    curl -s -o /dev/null --max-time 10 -w '%{http_code} %{time_total}\n' "http://127.0.0.1:$port/healthz"
    sleep 0.2
done > "$work/times"
wait "$locker"
answered=$(grep -c '^200 ' "$work/times")
slowest=$(sort -k2 -g "$work/times" | tail -1 | cut -d' ' -f2)
expect "every /healthz answered while the database was locked" "$answered" 30
if awk -v t="$slowest" 'BEGIN { exit !(t < 1.0) }'; then
    ok "none waited for the lock (slowest ${slowest} s)"
else
    bad "a /healthz waited ${slowest} s while another program held the write lock"
fi
# The alive marks go on once the lock is gone: the run's alive_ms moves.
a1=$(sqlite3 "$work/c.db" "SELECT max(alive_ms) FROM collector_runs")
sleep 2.5
a2=$(sqlite3 "$work/c.db" "SELECT max(alive_ms) FROM collector_runs")
[ "$a2" -gt "$a1" ] && ok "the alive mark moves again after the lock ($a1 -> $a2)" ||
    bad "the alive mark did not move after the lock ($a1 -> $a2)"
whb_stop_clean "${pids[0]}" "$work/log"
s=$(sqlite3 "$work/c.db" "SELECT stopped_ms >= alive_ms FROM collector_runs ORDER BY started_ms DESC LIMIT 1")
expect "the clean stop is marked after the last alive mark" "$s" 1
whb_test_finish

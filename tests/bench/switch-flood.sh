#!/bin/bash
# Switch flood benchmark (issue 24): a switch sends syslog as fast as FLOOD_RATE (default
# 10,000 messages/s, one in ten a link message, the rest chatter) while whb-loadgen sends the
# agents' heartbeats, against one whb-collector (SQLite, plain HTTP on loopback) that lists the
# switch in a [switch] section. Prints, side by side:
#   - reports/s and the collector's CPU per report, heartbeats alone, then with the flood;
#   - the flood: messages received, recognised (link messages, and the configuration lines
#     that say who), cut by the switch's rate, and the syslog thread's CPU per message received;
#   - the same flood with the switch's rate lifted (every message parsed and every link message
#     stored): the cost of reading and storing all of it.
# CPU is utime+stime from /proc (the syslog thread by its name, whb-syslog). The machine is
# shared: throughput is noisy, CPU per message much less. Env: SECONDS_RUN (8), FLOOD_RATE
# (10000), MACHINES (20000), CONNECTIONS (64), BUILD_DIR (build-bench).
set -euo pipefail
cd "$(dirname "$0")/../.."
top=$PWD
seconds=${SECONDS_RUN:-8}
flood=${FLOOD_RATE:-10000}
machines=${MACHINES:-20000}
conns=${CONNECTIONS:-64}
build=${BUILD_DIR:-build-bench}
[ -n "${SKIP_DEPS:-}" ] || tests/deps.sh all
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" -j 2 --target whb-collector whb-loadgen whb-syslog-flood >/dev/null
bin=$top/$build/bin
hz=$(getconf CLK_TCK)
work=$(mktemp -d /tmp/whb-flood-XXXXXX)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
echo bench-token >"$work/token"
echo bench-admin-token-of-32-characters >"$work/admin"
chmod 600 "$work/admin"
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# start NAME RATE: a collector whose switch may send RATE messages a second; sets hp, sp, cpid.
start() {
    hp=$(port)
    sp=$(port)
    cat >"$work/$1.conf" <<EOF
[switches]
syslog_udp = 127.0.0.1:$sp
rate = $2
burst = $2
[switch flooder]
address = 127.0.0.1
version = 2c
community = unused-here
poll = no
EOF
    chmod 600 "$work/$1.conf"
    "$bin/whb-collector" -c "$work/$1.conf" --plain-http --listen 127.0.0.1:$hp \
        --db "$work/$1.db" --enrollment-token-file "$work/token" --enroll-per-minute 0 --admin-token-file "$work/admin" --log-level error &
    cpid=$!
    pids+=($cpid)
    sleep 1
    "$bin/whb-loadgen" --url "http://127.0.0.1:$hp/v1/report" --machines "$machines" \
        --connections "$conns" --storm --events 0 --token bench-token >/dev/null
}

ticks() { awk '{print $14+$15}' "/proc/$1/stat"; }
thread_ticks() { # PID NAME
    local t=0 f
    for f in /proc/"$1"/task/*/stat; do
        t=$((t + $(awk -v n="($2)" '$2 == n {print $14+$15; exit} {print 0}' "$f" 2>/dev/null || echo 0)))
    done
    echo $t
}
metric() { curl -s -H "Authorization: Bearer $(cat "$work/admin")" "http://127.0.0.1:$hp/metrics" | awk -v w="what=\"$1\"" 'index($0, w) {print $2}'; }
seq_base=100

# run FLOOD(0|1): prints "reports/s us/report received taken rated syslog_us/msg"
run() {
    local c0 s0 r0 t0 q0 out flood_out ok el c1 s1 r1 t1 q1
    c0=$(ticks "$cpid")
    s0=$(thread_ticks "$cpid" whb-syslog)
    r0=$(metric syslog)
    t0=$(metric syslog_link)
    q0=$(metric syslog_rate)
    seq_base=$((seq_base + 100))
    if [ "$1" = 1 ]; then
        "$bin/whb-syslog-flood" 127.0.0.1 "$sp" "$flood" "$seconds" >"$work/flood.out" &
        local fp=$!
    fi
    out=$("$bin/whb-loadgen" --url "http://127.0.0.1:$hp/v1/report" --machines "$machines" \
        --connections "$conns" --seconds "$seconds" --seq-base "$seq_base")
    [ "$1" = 1 ] && wait "$fp"
    sleep 0.5
    c1=$(ticks "$cpid")
    s1=$(thread_ticks "$cpid" whb-syslog)
    r1=$(metric syslog)
    t1=$(metric syslog_link)
    q1=$(metric syslog_rate)
    ok=$(sed -n 's/.*ok=\([0-9]*\).*/\1/p' <<<"$out")
    el=$(sed -n 's/.*seconds=\([0-9.]*\).*/\1/p' <<<"$out")
    awk -v ok="$ok" -v el="$el" -v c=$((c1 - c0 - (s1 - s0))) -v s=$((s1 - s0)) -v hz="$hz" \
        -v r=$((r1 - r0)) -v t=$((t1 - t0)) -v q=$((q1 - q0)) 'BEGIN {
        printf "%.0f %.1f %d %d %d %.2f\n", ok / el, c * 1e6 / hz / (ok ? ok : 1), r, t, q,
            s * 1e6 / hz / (r ? r : 1) }'
}

echo "seconds=$seconds flood=$flood/s machines=$machines connections=$conns cores=$(nproc) load=$(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-34s %10s %12s %10s %9s %9s %14s\n' case "reports/s" "CPU us/rep" received recognised "over rate" "syslog us/msg"
start limited 200
read -r a b _ _ _ _ < <(run 0)
printf '%-34s %10s %12s %10s %9s %9s %14s\n' "heartbeats alone" "$a" "$b" - - - -
read -r a b r t q s < <(run 1)
printf '%-34s %10s %12s %10s %9s %9s %14s\n' "with the flood (rate 200/s)" "$a" "$b" "$r" "$t" "$q" "$s"
echo "    flood: $(cat "$work/flood.out")"
kill "$cpid"
wait "$cpid" 2>/dev/null || true
start unlimited 1000000
read -r a b r t q s < <(run 1)
printf '%-34s %10s %12s %10s %9s %9s %14s\n' "with the flood (rate lifted)" "$a" "$b" "$r" "$t" "$q" "$s"
echo "    flood: $(cat "$work/flood.out"); link events stored: $(metric stored), store dropped: $(metric store_dropped)"
echo "(CPU us/rep: the collector's CPU per report, its syslog thread left out; syslog us/msg: that thread per message received)"

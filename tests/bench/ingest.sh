#!/bin/bash
# Ingest benchmark: whb-loadgen drives whb-collector (durable SQLite, group commit) and, in the
# same run with the same generator, nginx answering "return 204;". The generator shares the CPU
# with the server, so reports/s measures it too; the figure that does not is the server's CPU
# time per answered request (utime+stime of its process from /proc over the run / answers).
# Prints both for plain HTTP and TLS, the ratio nginx/collector, and the collector with 1 and 2
# event loops (--loops). Env: MACHINES (100000), CONNECTIONS (128), SECONDS_RUN (8),
# NGINX_WORKERS (1), LOOPS ("1 2"; "default": no --loops flag), RUNS (1: best of N by
# reports/s; throughput is noisy on a shared machine, CPU per request much less),
# COLLECTOR (another whb-collector binary, e.g. an older build, to compare).
set -euo pipefail
cd "$(dirname "$0")/../.."
top=$PWD
machines=${MACHINES:-100000}
conns=${CONNECTIONS:-128}
seconds=${SECONDS_RUN:-8}
workers=${NGINX_WORKERS:-1}
loops_list=${LOOPS:-1 2}
runs=${RUNS:-1}
build=${BUILD_DIR:-build-bench}
[ -n "${SKIP_DEPS:-}" ] || tests/deps.sh all
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" -j 2 --target whb-collector whb-loadgen >/dev/null
bin=$top/$build/bin
hz=$(getconf CLK_TCK)

work=$(mktemp -d /tmp/whb-bench-XXXXXX)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
sh tests/integration/make-certs.sh "$work/certs" >/dev/null 2>&1
echo bench-token > "$work/token"
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

np=$(port); nt=$(port)
mkdir -p "$work/nginx"
cat > "$work/nginx/nginx.conf" <<NGX
worker_processes $workers;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log;
events { worker_connections 4096; }
http {
    access_log off;
    client_body_temp_path $work/nginx;
    keepalive_requests 1000000;
    server { listen 127.0.0.1:$np; location / { return 204; } }
    server {
        listen 127.0.0.1:$nt ssl;
        ssl_protocols TLSv1.3;
        ssl_certificate $work/certs/server.crt;
        ssl_certificate_key $work/certs/server.key;
        location / { return 204; }
    }
}
NGX
nginx -c "$work/nginx/nginx.conf" -g 'daemon off;' &
pids+=($!)
sleep 0.5
nginx_pids() { pgrep -P "${pids[0]}" | tr '\n' ' '; echo "${pids[0]}"; }

# Every simulated machine enrolls from 127.0.0.1: no per-source enrollment limit (issue 22's
# default refused all but the first few, and the runs then measured 403s, not heartbeats).
nolimit=()
# (read whole first: grep -q closing the pipe early made --help die of SIGPIPE under pipefail)
help=$("${COLLECTOR:-$bin/whb-collector}" --help 2>&1 || true)
[[ $help != *--enroll-per-minute* ]] || nolimit=(--enroll-per-minute 0)
declare -A cport cpid
for l in $loops_list; do
    for mode in plain tls; do
        p=$(port)
        if [ $mode = plain ]; then extra=(--plain-http); else
            extra=(--cert "$work/certs/server.crt" --key "$work/certs/server.key"); fi
        [ "$l" = default ] || extra+=(--loops "$l")
        "${COLLECTOR:-$bin/whb-collector}" "${extra[@]}" --listen 127.0.0.1:$p --db "$work/$mode-$l.db" \
            --enrollment-token-file "$work/token" "${nolimit[@]}" --log-level warn &
        pids+=($!)
        cport[$mode-$l]=$p
        cpid[$mode-$l]=$!
    done
done
sleep 1

. tests/bench/ticks.sh
# Heartbeats of enrolled machines, as agents send them (no enrollment token); each run counts
# its seqs above the earlier ones' (runs are seconds apart, a machine reports a few times a
# run), so no report is a resend.
t0=$(date +%s)
load() { # url seconds
    "$bin/whb-loadgen" --url "$1" --machines "$machines" --connections "$conns" \
        --seconds "$2" --ca "$work/certs/ca.crt" --seq-base $((($(date +%s) - t0 + 1) * 100))
}
# measure URL PIDS...: prints "rate us_per_request writer_us_per_request"
measure() {
    local url=$1 best_rate=0 best_us=0 best_wus=0; shift
    for _ in $(seq "$runs"); do
        local c0 c1 w0 w1 out ok el
        c0=$(cpu_ticks "$@")
        w0=$(writer_ticks "$1")
        # whb-loadgen exits 1 when a request failed: said below, not a silent end of the bench.
        out=$(load "$url" "$seconds") || true
        c1=$(cpu_ticks "$@")
        w1=$(writer_ticks "$1")
        echo "    $url: $out" >&2
        ok=$(echo "$out" | sed -n 's/.*ok=\([0-9]*\).*/\1/p')
        el=$(echo "$out" | sed -n 's/.*seconds=\([0-9.]*\).*/\1/p')
        other=$(echo "$out" | sed -n 's/.*other=\([0-9]*\).*/\1/p')
        # Figures per report only mean something when the reports were stored.
        [ "${other:-0}" -eq 0 ] || echo "    WARNING: $other answers were not 200/204" >&2
        failed=$(echo "$out" | sed -n 's/.*failed=\([0-9]*\).*/\1/p')
        [ "${failed:-0}" -eq 0 ] || echo "    WARNING: $failed requests got no answer" >&2
        read -r rate us wus < <(awk -v ok="$ok" -v el="$el" -v d=$((c1 - c0)) -v w=$((w1 - w0)) \
            -v hz="$hz" 'BEGIN{printf "%.0f %.1f %.1f\n", ok/el, d*1e6/hz/(ok?ok:1), w*1e6/hz/(ok?ok:1)}')
        if [ "$rate" -gt "$best_rate" ]; then best_rate=$rate; best_us=$us; best_wus=$wus; fi
    done
    echo "$best_rate $best_us $best_wus"
}

echo "machines=$machines connections=$conns seconds=$seconds runs=$runs nginx_workers=$workers cores=$(nproc) load=$(cut -d' ' -f1-3 /proc/loadavg)"
# Enroll every simulated machine first (each once, with the token) so that the measured runs
# are steady-state heartbeats.
for k in "${!cport[@]}"; do
    s=http; [ "${k%-*}" = tls ] && s=https
    echo "enrolled $k: $("$bin/whb-loadgen" --url "$s://127.0.0.1:${cport[$k]}/v1/report" \
        --machines "$machines" --connections "$conns" --ca "$work/certs/ca.crt" --storm \
        --events 0 --token bench-token)"
done
printf '%-6s %-12s %12s %12s %14s %22s\n' mode server "requests/s" "CPU us/req" "nginx/whb CPU" \
    "of it loops / writer"
for mode in plain tls; do
    s=http; [ $mode = tls ] && s=https
    n=$s://127.0.0.1:$([ $mode = plain ] && echo $np || echo $nt)/v1/report
    read -r nr nu _ < <(measure "$n" $(nginx_pids))
    printf '%-6s %-12s %12s %12s %14s\n' $mode nginx "$nr" "$nu" ""
    for l in $loops_list; do
        read -r wr wu ww < <(measure "$s://127.0.0.1:${cport[$mode-$l]}/v1/report" "${cpid[$mode-$l]}")
        printf '%-6s %-12s %12s %12s %14s %22s\n' $mode "whb loops=$l" "$wr" "$wu" \
            "$(awk -v a="$nu" -v b="$wu" 'BEGIN{printf "%.2f", a/b}')" \
            "$(awk -v t="$wu" -v w="$ww" 'BEGIN{printf "%.1f / %.1f", t - w, w}')"
    done
done
q='select count(*) from machines'
for k in "${!cport[@]}"; do
    echo "machines stored ($k): $(sqlite3 "$work/$k.db" "$q")"
done

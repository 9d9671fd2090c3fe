#!/bin/bash
# Ingest benchmark: whb-loadgen drives whb-collector (durable SQLite, group commit) and, in the
# same run with the same generator, nginx answering "return 204;" -- the physical limit of this
# box for keep-alive HTTP. Plain HTTP and TLS. Prints reports/s of each and the ratio.
# Env: MACHINES (100000), CONNECTIONS ("64 256": each level is measured), SECONDS_RUN (10),
# NGINX_WORKERS (1: one core for the server, one for the generator, as for the collector).
set -euo pipefail
cd "$(dirname "$0")/../.."
top=$PWD
machines=${MACHINES:-100000}
conn_levels=${CONNECTIONS:-64 256}
conns=${conn_levels%% *}
seconds=${SECONDS_RUN:-10}
workers=${NGINX_WORKERS:-1}
tests/deps.sh all
cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build-bench -j "$(nproc)" --target whb-collector whb-loadgen >/dev/null
bin=$top/build-bench/bin

work=$(mktemp -d /tmp/whb-bench-XXXXXX)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
sh tests/integration/make-certs.sh "$work/certs"
echo bench-token > "$work/token"
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
np=$(port); nt=$(port); cp=$(port); ct=$(port)

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
        ssl_certificate $work/certs/server.crt;
        ssl_certificate_key $work/certs/server.key;
        location / { return 204; }
    }
}
NGX
nginx -c "$work/nginx/nginx.conf" -g 'daemon off;' &
pids+=($!)
"$bin/whb-collector" --plain-http --listen 127.0.0.1:$cp --db "$work/plain.db" \
    --enrollment-token-file "$work/token" --log-level warn &
pids+=($!)
"$bin/whb-collector" --listen 127.0.0.1:$ct --db "$work/tls.db" --cert "$work/certs/server.crt" \
    --key "$work/certs/server.key" --enrollment-token-file "$work/token" --log-level warn &
pids+=($!)
sleep 1

load() { # url seconds
    "$bin/whb-loadgen" --url "$1" --machines "$machines" --connections "$conns" \
        --seconds "$2" --ca "$work/certs/ca.crt" --token bench-token
}
rate() { sed -n 's/.*rate=\([0-9]*\).*/\1/p'; }

echo "machines=$machines connections=[$conn_levels] seconds=$seconds nginx_workers=$workers cores=$(nproc)"
# Enroll every simulated machine first so that the measured runs are steady-state heartbeats.
for url in http://127.0.0.1:$cp/v1/report https://127.0.0.1:$ct/v1/report; do
    echo "warm-up $url: $(load "$url" $(( machines / 5000 + 5 )))"
done
printf '%-6s %6s %14s %14s %8s\n' mode conns "whb reports/s" "nginx 204/s" ratio
for conns in $conn_levels; do
for mode in plain tls; do
    if [ $mode = plain ]; then w=http://127.0.0.1:$cp/v1/report; n=http://127.0.0.1:$np/v1/report
    else w=https://127.0.0.1:$ct/v1/report; n=https://127.0.0.1:$nt/v1/report; fi
    wout=$(load "$w" "$seconds"); nout=$(load "$n" "$seconds")
    echo "  whb:   $wout" >&2
    echo "  nginx: $nout" >&2
    wr=$(echo "$wout" | rate); nr=$(echo "$nout" | rate)
    printf '%-6s %6s %14s %14s %8s\n' $mode "$conns" "$wr" "$nr" "$(awk -v a="$wr" -v b="$nr" 'BEGIN{printf "%.2f", a/b}')"
done
done
echo "machines stored: $(sqlite3 "$work/plain.db" 'select count(*) from machines') (plain), $(sqlite3 "$work/tls.db" 'select count(*) from machines') (tls)"

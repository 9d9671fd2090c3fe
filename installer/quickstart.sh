#!/bin/bash
# Try wsus-heartbeat on this machine: installs what is missing (Debian 12), builds, starts a
# collector on the embedded SQLite default (TLS, a throwaway CA) and a local agent, then asks
# `whb status` and `whb why $(hostname)`. Both keep running; `installer/quickstart.sh stop` ends
# them. Everything lives in $WHB_DEMO (default /tmp/whb-demo).
set -euo pipefail
cd "$(dirname "$0")/.."
demo=${WHB_DEMO:-/tmp/whb-demo}
bin=$PWD/build/bin

stop() {
    for p in agent collector; do
        [ -f "$demo/$p.pid" ] && kill "$(cat "$demo/$p.pid")" 2>/dev/null && echo "stopped $p"
        rm -f "$demo/$p.pid"
    done
    return 0
}
if [ "${1:-}" = stop ]; then stop; exit 0; fi

tests/deps.sh build
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j "$(nproc)" --target whb-collector whb-agent whb >/dev/null
stop >/dev/null
mkdir -p "$demo"
sh tests/integration/make-certs.sh "$demo/certs" >/dev/null
head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$demo/enroll.token"
chmod 600 "$demo/enroll.token"

"$bin/whb-collector" --listen 127.0.0.1:8443 --cert "$demo/certs/server.crt" \
    --key "$demo/certs/server.key" --db "$demo/collector.db" \
    --enrollment-token-file "$demo/enroll.token" --interval 10 >>"$demo/collector.log" 2>&1 &
echo $! > "$demo/collector.pid"
export WHB_URL=https://127.0.0.1:8443 WHB_CA=$demo/certs/ca.crt
for _ in $(seq 50); do "$bin/whb" status >/dev/null 2>&1 && break; sleep 0.2; done

"$bin/whb-agent" --collector-url https://127.0.0.1:8443/v1/report --ca-file "$demo/certs/ca.crt" \
    --state-dir "$demo/agent" --enrollment-token "$(cat "$demo/enroll.token")" \
    --fqdn "$(hostname)" --interval 10 ${WSUS_URL:+--wsus-url "$WSUS_URL"} \
    >>"$demo/agent.log" 2>&1 &
echo $! > "$demo/agent.pid"
for _ in $(seq 50); do
    [ "$("$bin/whb" why "$(hostname)" --json 2>/dev/null | sed -n 's/.*"status": "\([a-z_]*\)".*/\1/p')" = reporting ] && break
    sleep 0.2
done

echo "\$ whb status"
"$bin/whb" status
echo
echo "\$ whb why $(hostname)"
"$bin/whb" why "$(hostname)"
cat <<MSG

The collector (https://127.0.0.1:8443, database $demo/collector.db) and the agent keep running.
Try:  export WHB_URL=$WHB_URL WHB_CA=$WHB_CA
      $bin/whb history $(hostname)
      $bin/whb-agent --once --print
Stop: installer/quickstart.sh stop
MSG

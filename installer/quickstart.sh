#!/bin/bash
# Try wsus-heartbeat on this machine: installs what is missing (Debian 12, as root or with sudo;
# tests/deps.sh quickstart), builds (without the tests), starts a collector on the embedded
# SQLite default (TLS, a throwaway CA), a local agent and a demo fleet of replay agents
# (installer/demo/fleet.sh), then asks `whb status` and `whb why $(hostname)`
# and prints the web console's URL. All keep running; `installer/quickstart.sh stop` ends them.
# Everything lives in $WHB_DEMO (default /tmp/whb-demo); WHB_LISTEN (default 127.0.0.1:8443)
# opens the console to other hosts. Loopback is no identity, here as in production: `whb` uses
# the collector's control socket ($WHB_DEMO/control.sock, this user's only) and the console's
# login takes the admin token in $WHB_DEMO/admin.token.
set -euo pipefail
cd "$(dirname "$0")/.."
demo=${WHB_DEMO:-/tmp/whb-demo}
bin=$PWD/build/bin

stop() {
    installer/demo/fleet.sh stop "$demo" 2>/dev/null || true
    for p in agent collector; do
        [ -f "$demo/$p.pid" ] && kill "$(cat "$demo/$p.pid")" 2>/dev/null && echo "stopped $p"
        rm -f "$demo/$p.pid"
    done
    return 0
}
if [ "${1:-}" = stop ]; then stop; exit 0; fi

# The build's and the demo's packages (sudo when not root), and deb-src entries for the agent's
# minimal libcurl (built from Debian's source; without them the agent links Debian's libcurl).
tests/deps.sh quickstart
installer/linux/apt-deb-src.sh curl ||
    echo "quickstart: no curl source package: whb-agent will link Debian's libcurl" >&2
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DWHB_TESTS=OFF >/dev/null
cmake --build build -j "$(nproc)" --target whb-collector whb-agent whb >/dev/null
stop >/dev/null
mkdir -p "$demo"
sh tests/integration/make-certs.sh "$demo/certs" >/dev/null
head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$demo/enroll.token"
chmod 600 "$demo/enroll.token"
[ -s "$demo/admin.token" ] || head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$demo/admin.token"
chmod 600 "$demo/admin.token"
listen=${WHB_LISTEN:-127.0.0.1:8443}
local_url=https://127.0.0.1:${listen##*:}
case ${listen%:*} in 0.0.0.0 | "[::]" | "::") console=https://$(hostname -f):${listen##*:}/ ;; *) console=https://$listen/ ;; esac

"$bin/whb-collector" --listen "$listen" --cert "$demo/certs/server.crt" \
    --key "$demo/certs/server.key" --db "$demo/collector.db" \
    --enrollment-token-file "$demo/enroll.token" --admin-token-file "$demo/admin.token" \
    --control-socket "$demo/control.sock" --interval 10 >>"$demo/collector.log" 2>&1 &
echo $! > "$demo/collector.pid"
export WHB_URL=$local_url WHB_CA=$demo/certs/ca.crt WHB_SOCKET=$demo/control.sock
for _ in $(seq 50); do "$bin/whb" status >/dev/null 2>&1 && break; sleep 0.2; done

# A system that never booted systemd (a container, a minbase root) has no /etc/machine-id: the
# local agent then gets an id of its own, kept with the demo.
machine_id=()
if [ ! -s /etc/machine-id ]; then
    [ -s "$demo/machine-id" ] || od -An -tx1 -N16 /dev/urandom | tr -d ' \n' > "$demo/machine-id"
    machine_id=(--machine-id "$(cat "$demo/machine-id")")
fi
"$bin/whb-agent" --collector-url "$local_url/v1/report" --ca-file "$demo/certs/ca.crt" \
    --state-dir "$demo/agent" --enrollment-token "$(cat "$demo/enroll.token")" \
    --fqdn "$(hostname)" "${machine_id[@]}" --interval 10 ${WSUS_URL:+--wsus-url "$WSUS_URL"} \
    >>"$demo/agent.log" 2>&1 &
echo $! > "$demo/agent.pid"
installer/demo/fleet.sh start "$demo" "$bin" "$local_url" "$(cat "$demo/enroll.token")" \
    "$demo/certs/ca.crt"
# What the WSUS server's scheduled task would send: the console's WSUS page shows it at once.
"$bin/whb" wsus-import "$demo/fleet/wsus-computers.csv" >/dev/null ||
    echo "quickstart: the demo's WSUS list did not import" >&2
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

The collector ($local_url, database $demo/collector.db), the agent and the demo
fleet keep running. The fleet's machines go silent 15 s after start and are explained 30 s
after (3 missed heartbeats); 2 minutes after start some come back and their history settles.

Web console:  $console  (certificate from the demo CA: $WHB_CA)
  Log in with the admin token in $demo/admin.token (from this host too: loopback is no
  identity).
Try:  export WHB_SOCKET=$WHB_SOCKET   # whb through the collector's control socket: no token
      $bin/whb silent            # every silent demo machine with its reason
      $bin/whb why pc-303        # three ports of sw-floor-3 shut at once: medium while silent
      $bin/whb outages           # silences that share a cause: the switch, WSUS's 503
      $bin/whb history pc-303    # after 2 minutes: back, its own word settles it (high)
      $bin/whb history lt-sleep  # after 2 minutes: woke up, and how long it slept
      $bin/whb wsus-import $demo/fleet/wsus-computers.csv
Stop: installer/quickstart.sh stop
MSG

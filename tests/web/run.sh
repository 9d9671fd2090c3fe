#!/bin/bash
# The web console in a real browser: Debian's chromium driven by playwright-core (npm, pinned in
# package-lock.json; it never downloads a browser) against the real collector (TLS) filled by
# the demo fleet (installer/demo/fleet.sh). Screenshots go to BUILD_DIR/web-screenshots.
# Usage: tests/web/run.sh BUILD_DIR        exit 77 when chromium or node is missing
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
build=$(cd "${1:?usage: run.sh BUILD_DIR}" && pwd)
bin=$build/bin
skip() {
    echo "############################################################"
    echo "### SKIPPED: the web console tests: $*"
    echo "############################################################"
    exit 77
}
[ -x /usr/bin/chromium ] || skip "/usr/bin/chromium is missing (apt-get install chromium)"
command -v node >/dev/null || skip "node is missing (apt-get install nodejs npm)"
if [ ! -d "$here/node_modules/playwright-core" ]; then
    (cd "$here" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --ignore-scripts --no-audit --no-fund) ||
        skip "npm ci failed: playwright-core could not be installed"
fi

work=$(mktemp -d /tmp/whb-web-XXXXXX)
pids=()
cleanup() {
    "$top/installer/demo/fleet.sh" stop "$work" 2>/dev/null
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
    wait 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("",0)); print(s.getsockname()[1])')
sh "$top/tests/integration/make-certs.sh" "$work/certs" >/dev/null
echo web-enroll > "$work/enroll.token"
head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$work/admin.token"
"$bin/whb-collector" --listen "0.0.0.0:$port" --cert "$work/certs/server.crt" \
    --key "$work/certs/server.key" --db "$work/c.db" --enrollment-token-file "$work/enroll.token" \
    --admin-token-file "$work/admin.token" --control-socket "$work/ctl.sock" --interval 1 --grace 3 \
    2>"$work/collector.log" &
pids+=($!)
# whb on the collector's host: its control socket. The browser logs in (loopback is no identity).
export WHB_URL=https://127.0.0.1:$port WHB_CA=$work/certs/ca.crt WHB_SOCKET=$work/ctl.sock
for _ in $(seq 50); do "$bin/whb" status >/dev/null 2>&1 && break; sleep 0.1; done
# The checks below read the fleet while its machines are silent: none comes back during the run
# (WHB_DEMO_RETURN=0; tests/integration/test_demo.sh checks the returns).
WHB_DEMO_RETURN=0 "$top/installer/demo/fleet.sh" start "$work" "$bin" "$WHB_URL" web-enroll "$WHB_CA" || exit 1
# A laptop whose Wi-Fi name is 250 characters (no agent sends that; a forged report can): the
# console's tables must stay on screen. It keeps reporting, so the fleet's counts hold.
long_ssid=$(printf 'Guest-WLAN-%.0s' $(seq 23) | head -c 250)
(for i in $(seq 1200); do
    "$bin/whb-forge" --url "$WHB_URL/v1/report" --ca "$WHB_CA" --token web-enroll --id demo-lt-longssid \
        --fqdn lt-longssid.corp.example --seq "$i" --interval 1 --ssid "$long_ssid" \
        --bssid a0:b1:c2:00:00:77 >/dev/null 2>&1
    sleep 1
done) &
pids+=($!)
# The checks read a settled demo: wait for that state, not for a time (bounded; a fleet that
# does not settle is a failure, said as such). 10 silent machines, the three shut ports of
# sw-floor-3 answered as such, the WSUS outage seen by 4.
settled() {
    [ "$("$bin/whb" status --json 2>/dev/null | jq .not_reporting)" = 10 ] &&
        [ "$("$bin/whb" silent --json | jq '[.machines[] | select(.reason=="port_disabled" and (.machine|test("^pc-30[234]\\.")))] | length')" = 3 ] &&
        [ "$("$bin/whb" outages --json | jq '[.outages[] | select(.kind=="wsus")] | length')" = 1 ]
}
for _ in $(seq 600); do settled && break; sleep 0.2; done
if ! settled; then
    echo "FAIL: the demo fleet did not settle in 120 s:"
    "$bin/whb" status; "$bin/whb" silent
    exit 1
fi
# A non-loopback address of this host: callers from it must log in.
remote=$(ip -4 -o addr show scope global 2>/dev/null | awk '{sub(/\/.*/, "", $4); print $4; exit}')
mkdir -p "$build/web-screenshots"
cd "$here" && WHB_BIN=$bin WEB_LOCAL=$WHB_URL WEB_REMOTE=${remote:+https://$remote:$port} \
    WEB_ADMIN_TOKEN=$(cat "$work/admin.token") WEB_CSV=$work/fleet/wsus-computers.csv WEB_WORK=$work WEB_LONG_SSID=$long_ssid \
    WEB_SHOTS=$build/web-screenshots node console.test.mjs
rc=$?
[ $rc -eq 0 ] || tail -20 "$work/collector.log"
exit $rc

#!/bin/bash
# whb-agent.exe under wine against the real world:
#  1. it reports through libcurl/Schannel (TLS, a test CA) to the real whb-collector on
#     loopback, and `whb why` sees it reporting with its MachineGuid and Windows version;
#  2. its IP Helper view of a veth in a network namespace follows the kernel when the peer end
#     goes down and up (wine maps IP Helper onto the host's interfaces).
# Usage: test-wine.sh WIN_BUILD_DIR LINUX_BUILD_DIR. Needs root for the namespace part.
set -u
win=$(cd "${1:?usage}" && pwd)
lin=$(cd "${2:?usage}" && pwd)
cd "$(dirname "$0")/../.."
exe=$win/agent/bin/whb-agent.exe
work=$(mktemp -d /tmp/whb-wine-XXXXXX)
fail=0
ok() { echo "    ok   $*"; }
bad() { echo "    FAIL $*"; fail=1; }
# The wine prefix lives in the build directory and outlives this script: the agent's state
# goes in a directory of this run only (C:\whb-wine-<run>), removed at the end, so that a second
# run does not start with the first run's key and enrollment against a new collector database.
run_id=$(basename "$work")
state_win="C:\\whb-wine-$run_id"
state_host=$win/wineprefix/drive_c/whb-wine-$run_id
ns=${WHB_NS_PREFIX:-whb-}wine  # the namespace of part 3
cleanup() {
    [ -n "${cpid:-}" ] && kill "$cpid" 2>/dev/null
    ip netns del "$ns" 2>/dev/null
    WINEPREFIX=$work/prefix-ns wineserver -k 2>/dev/null
    rm -rf "$work" "$state_host"
}
trap cleanup EXIT
export WINEDEBUG=-all WINEPREFIX=$win/wineprefix

sh tests/integration/make-certs.sh "$work/certs" >/dev/null
echo wine-token > "$work/token"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
collector() {
    "$lin/bin/whb-collector" --listen 127.0.0.1:$port --cert "$work/certs/server.crt" \
        --key "$work/certs/server.key" --db "$work/c.db" --enrollment-token-file "$work/token" \
        --control-socket "$work/ctl.sock" --interval 1 2>>"$work/collector.log" &
    cpid=$!
    sleep 0.5
}
agent() {
    # Schannel in curl 7.88 matches DNS names only: the certificate's localhost, not 127.0.0.1.
    timeout 15 wine "$exe" --collector-url "https://localhost:$port/v1/report" \
        --ca-file "Z:$work/certs/ca.crt" --state-dir "$state_win" --fqdn pc-win.corp.example \
        --enrollment-token wine-token --interval 1 >>"$work/agent.log" 2>&1
}
collector
agent
seq=$(sqlite3 "$work/c.db" "select last_seq from machines where fqdn='pc-win.corp.example'" 2>/dev/null)
os=$(sqlite3 "$work/c.db" "select os from machines where fqdn='pc-win.corp.example'" 2>/dev/null)
[ "${seq:-0}" -ge 3 ] && ok "whb-agent.exe reported over Schannel TLS ($seq reports and events)" ||
    { bad "no reports from whb-agent.exe"; tail -5 "$work/agent.log"; }
[[ "$os" == *Windows* ]] && ok "it reports its Windows version: $os" || bad "os '$os'"
# whb on the collector's host: its control socket (loopback is no identity).
status=$("$lin/bin/whb" --socket "$work/ctl.sock" why pc-win.corp.example --json | jq -r .status)
[ "$status" = reporting ] && ok "whb why pc-win: reporting" || bad "whb why pc-win: $status"
kill "$cpid"; wait "$cpid" 2>/dev/null; cpid=
# The collector's database is rebuilt: the same agent state enrolls again by itself (403
# not_enrolled, then the token), as a fleet must after a restore from an older backup.
rm -f "$work/c.db" "$work/c.db-wal" "$work/c.db-shm"
collector
agent
seq=$(sqlite3 "$work/c.db" "select last_seq from machines where fqdn='pc-win.corp.example'" 2>/dev/null)
[ "${seq:-0}" -ge 1 ] && grep -q "enrolling again" "$work/agent.log" &&
    ok "after the collector's database was rebuilt whb-agent.exe enrolled again by itself" ||
    { bad "no re-enrollment after the database was rebuilt"; tail -5 "$work/agent.log"; }
kill "$cpid"; wait "$cpid" 2>/dev/null; cpid=

if [ "$(id -u)" -ne 0 ] || ! ip netns add "$ns" 2>/dev/null; then
    echo "    !!!  namespace part NOT RUN (needs root)"
    [ $fail -eq 0 ]; exit
fi
ip -n "$ns" link set lo up
ip -n "$ns" link add eth0 type veth peer name peer0
ip -n "$ns" link set eth0 up
ip -n "$ns" link set peer0 up
ip -n "$ns" addr add 10.77.0.2/24 dev eth0
# A prefix of its own, so that wine's network driver starts inside the namespace.
export WINEPREFIX=$work/prefix-ns
carrier() {
    ip netns exec "$ns" timeout 60 wine "$exe" --once --json --state-dir 'C:\whb-ns' 2>/dev/null |
        jq -r '.adapters[] | select(.name=="eth0") | .carrier'
}
[ "$(carrier)" = true ] && ok "IP Helper: eth0 carrier up" || bad "IP Helper: eth0 carrier not up"
ip -n "$ns" link set peer0 down
[ "$(carrier)" = false ] && ok "IP Helper: carrier down after the peer went down" || bad "carrier did not follow the peer down"
ip -n "$ns" link set peer0 up
sleep 0.5
[ "$(carrier)" = true ] && ok "IP Helper: carrier up again" || bad "carrier did not come back"
[ $fail -eq 0 ]

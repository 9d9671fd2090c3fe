#!/bin/bash
# The collector's log at its default level stays quiet about what is normal: agents and browsers
# that keep a connection open between requests (keep-alive) and are closed at the timeout leave
# no line; a client that sends part of a request and stalls still does (the real collector,
# real TLS, replay agents).
# Usage: test_quiet_log.sh BUILD_DIR
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
bin=$(cd "${1:?usage: test_quiet_log.sh BUILD_DIR}" && pwd)/bin
. "$top/tests/support/shell.sh"
whb_test_init quiet
port=$(free_port)
sh "$top/tests/integration/make-certs.sh" "$work/certs" >/dev/null 2>&1
echo quiet-enroll > "$work/enroll.token"
# Reports every 2 s, connections closed after 1 s: each report's connection goes idle and is
# closed at the timeout.
"$bin/whb-collector" --listen 127.0.0.1:$port --cert "$work/certs/server.crt" \
    --key "$work/certs/server.key" --db "$work/c.db" --enrollment-token-file "$work/enroll.token" \
    --control-socket "$work/ctl.sock" --interval 2 --timeout 1 2>"$work/collector.log" &
pids+=($!)
export WHB_URL=https://127.0.0.1:$port WHB_CA=$work/certs/ca.crt WHB_SOCKET=$work/ctl.sock
wait_started "${pids[-1]}" "the collector to answer" quietly "$bin/whb" status ||
    whb_abort "the collector did not start" "$work/collector.log"
for n in 1 2 3; do
    printf 'identity machine_id=m-q%s fqdn=q%s.corp.example\n0 adapter eth0 type=ethernet addr=10.9.8.%s/24 gw=10.9.8.1\n' \
        $n $n $n > "$work/q$n.scn"
    "$bin/whb-agent" --platform replay --replay-file "$work/q$n.scn" --state-dir "$work/q$n" \
        --collector-url "$WHB_URL/v1/report" --ca-file "$WHB_CA" --enrollment-token quiet-enroll \
        2>"$work/q$n.log" &
    pids+=($!)
done
# A browser's way: one request, then the connection kept open past the timeout.
python3 - "$port" "$WHB_CA" <<'PY' &
import socket, ssl, sys, time
ctx = ssl.create_default_context(cafile=sys.argv[2])
for _ in range(3):
    s = ctx.wrap_socket(socket.create_connection(("127.0.0.1", int(sys.argv[1]))), server_hostname="127.0.0.1")
    s.sendall(b"GET /v1/counts HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
    s.recv(65536)
    time.sleep(2)
    s.close()
PY
pids+=($!)
closed() { curl -s --cacert "$WHB_CA" "$WHB_URL/metrics" | awk '/^whb_connections_deadline_total/ {print $2}'; }
wait_until 30 "idle connections closed at the timeout" eval '[ "$(closed)" -ge 8 ]' &&
    ok "idle connections were closed at the timeout ($(closed))" ||
    bad "expected idle connections closed at the timeout, metrics say '$(closed)'"
lines=$(grep -c "closed a connection" "$work/collector.log")
expect "no log line for them at the default level" "$lines" 0

# A browser's preconnect: a connection opened ahead of its request (TLS done, nothing sent) and
# used after the timeout is still there to answer (Chromium keeps an unused one 10 s and does not
# retry a request that got no answer on it); one never used is closed at twice the timeout.
preconnect=$(python3 - "$port" "$WHB_CA" <<'PY'
import socket, ssl, sys, time
ctx = ssl.create_default_context(cafile=sys.argv[2])
def conn():
    return ctx.wrap_socket(socket.create_connection(("127.0.0.1", int(sys.argv[1]))), server_hostname="127.0.0.1")
s, idle = conn(), conn()
t0 = time.time()
time.sleep(1.3)
s.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
try:
    head = s.recv(65536)
except OSError:
    head = b""
print("answered" if head.startswith(b"HTTP/1.1 ") else "no answer")
idle.settimeout(10)
try:
    idle.recv(1)
except OSError:
    pass
print("closed after %.1f s" % (time.time() - t0))
PY
)
expect "a preconnected connection used after the timeout" "$(sed -n 1p <<<"$preconnect")" answered
closed_after=$(sed -n 's/^closed after \([0-9.]*\) s$/\1/p' <<<"$preconnect")
awk -v t="$closed_after" 'BEGIN { exit !(t >= 1.8 && t < 6) }' &&
    ok "a connection never used is closed at twice the timeout ($closed_after s)" ||
    bad "a connection never used: want closed at about 2 s, got '$preconnect'"

# A client that sends part of a request and stalls is still said.
python3 - "$port" "$WHB_CA" <<'PY' &
import socket, ssl, sys, time
ctx = ssl.create_default_context(cafile=sys.argv[2])
s = ctx.wrap_socket(socket.create_connection(("127.0.0.1", int(sys.argv[1]))), server_hostname="127.0.0.1")
s.sendall(b"GET /v1/counts HTTP/1.1\r\nHost: 127.0.0.1\r\n")
time.sleep(10)
PY
pids+=($!)
wait_until 10 "the stalled request in the log" \
    grep -q "closed a connection that sent no complete request in 1 s" "$work/collector.log" &&
    ok "a stalled request is still logged" || bad "a stalled request left no line"
whb_test_finish

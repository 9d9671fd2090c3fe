#!/bin/bash
# Trust only what is proven (issue 22), through the real collector (TLS) as an attacker on the
# collector's host or the network would try it: a plain TCP forwarder on another loopback
# address (the collector sees 127.0.0.1) gives nothing without a token, X-Forwarded-For grants
# nothing; an unprivileged user (uid 65534) can neither open the control socket nor read the
# API; a foreign Host is refused; an enrollment flood from one address stops at its rate while
# another address enrolls; a real agent reinstalled (new key) is refused, `whb why` names the
# refusals, `whb release` lets it back; a new machine id under a bound name is refused and
# recorded; `whb forget` deletes; the connection cap counts an IPv6 /64, not each address.
# Root (setpriv, network namespaces; WHB_NS_PREFIX names them); skipped (77) otherwise.
# Usage: test_trust.sh BUILD_DIR
set -u
bin=$(cd "${1:?usage: test_trust.sh BUILD_DIR}" && pwd)/bin
src=$(cd "$(dirname "$0")" && pwd)
. "$src/../support/shell.sh"
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root (setpriv, network namespaces)"; exit 77; }
whb_test_init trust
chmod 755 "$work" # uid 65534 must reach the socket's directory: only the socket's mode guards it

sh "$src/make-certs.sh" "$work/certs" >/dev/null
echo trust-enroll-token > "$work/enroll"
echo trust-admin-token-0123456789 > "$work/admin"
admin=$(cat "$work/admin")
port=$(free_port 0.0.0.0)
"$bin/whb-collector" --listen "0.0.0.0:$port" --cert "$work/certs/server.crt" --key "$work/certs/server.key" \
    --db "$work/c.db" --enrollment-token-file "$work/enroll" --admin-token-file "$work/admin" \
    --control-socket "$work/ctl.sock" --enroll-per-minute 20 --interval 1 --grace 3 \
    2>"$work/log" &
pids+=($!)
cpid=$!
base=https://127.0.0.1:$port
c() { curl -sk --max-time 10 "$@"; }
wait_started "${pids[-1]}" "the collector to answer" c -o /dev/null "$base/healthz" ||
    whb_abort "the collector did not start" "$work/log"
export WHB_SOCKET=$work/ctl.sock
whb() { "$bin/whb" "$@"; }
forge() { "$bin/whb-forge" --url "$base/v1/report" --ca "$work/certs/ca.crt" "$@"; }

echo "a forwarder on the collector's host"
# A plain TCP forwarder from 127.0.0.2: what it passes on arrives from 127.0.0.1.
fport=$(free_port 127.0.0.2)
python3 - "$fport" "$port" >"$work/relay.log" 2>&1 <<'PY' &
import socket, sys, threading
listen, target = int(sys.argv[1]), int(sys.argv[2])
def pipe(a, b):
    try:
        while (d := a.recv(65536)):
            b.sendall(d)
    except OSError:
        pass
    finally:
        for s in (a, b):
            try: s.shutdown(socket.SHUT_RDWR)
            except OSError: pass
srv = socket.socket(); srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("127.0.0.2", listen)); srv.listen(16)
while True:
    cl, _ = srv.accept()
    up = socket.create_connection(("127.0.0.1", target))
    for x, y in ((cl, up), (up, cl)):
        threading.Thread(target=pipe, args=(x, y), daemon=True).start()
PY
pids+=($!)
fwd=https://127.0.0.2:$fport
wait_until 10 "the forwarder" c -o /dev/null "$fwd/healthz" || whb_abort "the forwarder did not start" "$work/relay.log"
expect "through the forwarder, no token: 401" "$(c -o /dev/null -w '%{http_code}' "$fwd/v1/status")" 401
expect "... and X-Forwarded-For: 127.0.0.1 changes nothing" \
    "$(c -o /dev/null -w '%{http_code}' -H 'X-Forwarded-For: 127.0.0.1' "$fwd/v1/silent")" 401
expect "... no console session either" "$(c "$fwd/console/session" | jq -c '[.authenticated, .via]')" '[false,"none"]'
expect "... the admin token passes through it as from anywhere" \
    "$(c -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $admin" "$fwd/v1/status")" 200
grep -q "audit: read API refused to 127.0.0.1: no token" "$work/log" && ok "the refusal is audited" || bad "no audit line"

echo "an unprivileged user on the collector's host (uid 65534)"
nobody() { setpriv --reuid 65534 --regid 65534 --clear-groups "$@"; }
expect "the control socket is the collector user's only" "$(stat -c '%a %U' "$work/ctl.sock")" "600 root"
out=$(nobody "$bin/whb" --socket "$work/ctl.sock" status 2>&1); rc=$?
expect "uid 65534 cannot use the control socket (exit 2)" "$rc" 2
grep -q "may this user open it" <<<"$out" && ok "... and whb says why" || bad "whb's words: $out"
expect "uid 65534 reads nothing over TCP" "$(nobody curl -sk -o /dev/null -w '%{http_code}' "$base/v1/status")" 401
expect "uid 65534 replaces no WSUS list" \
    "$(nobody curl -sk -o /dev/null -w '%{http_code}' -d '[]' "$base/v1/wsus/import")" 401
expect "root through the control socket, no token" "$(whb status --json | jq -r '.known')" 0
expect "a foreign Host, even with the admin token: 403" \
    "$(c -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $admin" -H 'Host: rebind.attacker.example' "$base/v1/status")" 403

echo "a reinstalled machine"
cat > "$work/pc.scn" <<SCN
identity machine_id=m-reimage fqdn=pc-reimage.corp.example
0 adapter eth0 type=ethernet mac=52:54:00:00:00:77 addr=10.9.8.77/24 gw=10.9.8.1
SCN
agent() {
    "$bin/whb-agent" --platform replay --replay-file "$work/pc.scn" --state-dir "$work/agent" \
        --collector-url "$base/v1/report" --ca-file "$work/certs/ca.crt" \
        --enrollment-token trust-enroll-token --interval 1 >>"$work/agent.log" 2>&1 &
    apid=$!
    pids+=($apid)
}
status_of() { whb why "$1" --json 2>/dev/null | jq -r .status; }
agent
wait_until 20 "pc-reimage to report" eval '[ "$(status_of pc-reimage)" = reporting ]' ||
    whb_abort "the agent did not enroll" "$work/agent.log"
kill "$apid"; wait "$apid" 2>/dev/null
rm -rf "$work/agent" # reinstalled: a new key, the same machine id
agent
refused() { [ "$(whb why pc-reimage --json | jq -r '.refusals[0].cause')" = key_mismatch ]; }
wait_until 20 "the new key to be refused" refused || bad "no key_mismatch refusal recorded"
grep -q "whb release pc-reimage.corp.example" "$work/agent.log" && ok "the agent says what the admin runs" ||
    bad "agent log: $(grep -m1 'another key' "$work/agent.log")"
wait_until 20 "pc-reimage to go silent" eval '[ "$(status_of pc-reimage)" = not_reporting ]' || bad "still reporting"
whb why pc-reimage | grep -q "key_mismatch" && ok "whb why names the refusals" || bad "whb why: $(whb why pc-reimage)"
expect "... as the answer, not lost connectivity" \
    "$(whb why pc-reimage --json | jq -r '.reason + " " + .confidence')" "identity_refused high"
whb why pc-reimage | grep -q "whb release pc-reimage.corp.example" && ok "... with the command to run" ||
    bad "next step: $(whb why pc-reimage --json | jq -r .next_step)"
expect "whb release" "$(whb release pc-reimage | head -1)" "pc-reimage.corp.example (m-reimage) released"
wait_until 30 "pc-reimage to report again" eval '[ "$(status_of pc-reimage)" = reporting ]' ||
    bad "the reinstalled machine did not come back"
expect "... back under review" "$(whb enrollments --json | jq -r '[.enrollments[].machine] | index("pc-reimage.corp.example") != null')" true
expect "a new machine id under the bound name: 409" \
    "$(forge --token trust-enroll-token --id m-reimage-new --fqdn pc-reimage.corp.example | cut -d' ' -f1)" 409
expect "... recorded against the name's machine" \
    "$(whb why pc-reimage --json | jq -r '[.refusals[] | select(.cause == "name_taken") | .claimant] | .[0]')" \
    "m-reimage-new (pc-reimage.corp.example)"

echo "an enrollment flood"
forge --bind 127.0.0.4 --token trust-enroll-token --count 60 --id flood-%d --fqdn flood-%d.corp.example >"$work/flood"
expect "from one address: 20 enrolled, then 429" \
    "$(awk '{print $1}' "$work/flood" | sort | uniq -c | awk '{printf "%s:%s ", $2, $1}')" "200:20 429:40 "
grep -q "enrollment rate: too many new machines from this address; retry in" "$work/flood" &&
    ok "the 429 says when to come back" || bad "429 text: $(grep -m1 429 "$work/flood")"
expect "another address enrolls meanwhile" \
    "$(forge --bind 127.0.0.3 --token trust-enroll-token --id other-1 --fqdn other-1.corp.example | cut -d' ' -f1)" 200
expect "a machine enrolled goes on without the token, rate or not" \
    "$(forge --id flood-1 --fqdn flood-1.corp.example --seq 2 | cut -d' ' -f1)" 200
expect "whb enrollments lists the 21 new machines (and the reinstalled one)" "$(whb enrollments --json | jq .count)" 22
expect "... with the address each came from" \
    "$(whb enrollments --json | jq -r '[.enrollments[].enrolled_from] | unique | join(",")')" "127.0.0.1,127.0.0.3,127.0.0.4"
whb accept other-1 >/dev/null
whb accept pc-reimage >/dev/null
expect "accepted: off the list to review" "$(whb enrollments --json | jq .count)" 20
for i in $(seq 20); do whb forget "flood-$i" >/dev/null || bad "forget flood-$i"; done
expect "forgotten: gone" "$(whb enrollments --all --json | jq -r '[.enrollments[].machine] | sort | join(",")')" \
    other-1.corp.example,pc-reimage.corp.example
expect "... whb why knows it no more" "$(whb why flood-3 2>&1 | cut -c1-30)" "whb: unknown host flood-3: no "
grep -q "audit: machine flood-1 (flood-1.corp.example) forgotten: asked by the control socket, uid 0, pid" "$work/log" &&
    ok "forgetting is audited with who asked" || bad "no audit line for forget"

echo "an IPv6 /64 against the per-source connection cap"
ns=${WHB_NS_PREFIX:-whb-}trust$$
ip netns add "$ns" || whb_abort "cannot make network namespace $ns"
whb_on_exit ip netns del "$ns"
ip -n "$ns" link set lo up
for i in 1 2 3 4; do ip -n "$ns" -6 addr add "2001:db8:1:2::$i/64" dev lo nodad; done
ip netns exec "$ns" "$bin/whb-collector" --listen "[::]:8443" --plain-http --db "$work/ns.db" \
    --enrollment-token-file "$work/enroll" --max-connections 100 --max-connections-per-source 5 \
    --timeout 30 2>"$work/ns.log" &
pids+=($!)
wait_started "${pids[-1]}" "the collector in $ns" ip netns exec "$ns" curl -s -o /dev/null "http://[2001:db8:1:2::1]:8443/healthz" ||
    whb_abort "the collector in the namespace did not start" "$work/ns.log"
held=$(ip netns exec "$ns" python3 - <<'PY'
import select, socket, time
held = []
for i in (1, 2, 3, 4):
    for _ in range(5):
        s = socket.socket(socket.AF_INET6)
        s.bind((f"2001:db8:1:2::{i}", 0))
        s.connect(("2001:db8:1:2::1", 8443))
        held.append(s)
time.sleep(1)
# Refused connections are closed at once: readable, and at their end.
open_ = [s for s in held if not select.select([s], [], [], 0)[0] or s.recv(1, socket.MSG_PEEK)]
print(len(open_))
PY
)
expect "4 addresses of one /64, 5 connections each, against a cap of 5 per source: 5 held" "$held" 5
grep -q "refused a connection from 2001:db8:1:2::/64" "$work/ns.log" && ok "the refusal names the /64" ||
    bad "ns log: $(tail -3 "$work/ns.log")"

whb_stop_clean "$cpid" "$work/log"
whb_test_finish

#!/bin/bash
# The read API's long lists and fleet-wide answers through the real collector (TLS) on a real
# SQLite (or PostgreSQL) store filled through the ingest code (whb-explain-bench): /v1/silent streamed in chunks
# from a keyset cursor (every silent machine once, in order, across chunks whose edges fall in
# runs of equal due times), a client leaving mid-list, limits, the CLI on a streamed list, and a
# reason filter over more silent machines than are explained per request (the worker's reasons:
# counts equal to the engine's own answers, not "partial").
# Usage: test_read_api.sh BUILD_DIR
set -u
bin=$(cd "${1:?usage: test_read_api.sh BUILD_DIR}" && pwd)/bin
src=$(cd "$(dirname "$0")" && pwd)
. "$src/../support/shell.sh"
whb_test_init readapi

# 3,000 machines, 40% silent: 1,200 silent in 600 runs of equal due times (chunks hold 1,000).
# On PostgreSQL when WHB_TEST_PG_CONNINFO names a database (tests/support/with-pg.sh).
pg=${WHB_TEST_PG_CONNINFO:-}
if [ -n "$pg" ]; then
    store=(--store-backend postgresql --store-conninfo "$pg")
    fill="postgresql:$pg"
    dbq() { psql -X -q -At -d "$pg" -c "$1"; }
else
    store=(--db "$work/c.db")
    fill=$work/c.db
    dbq() { sqlite3 "$work/c.db" "$1"; }
fi
"$bin/whb-explain-bench" "$fill" 3000 40 0 now >/dev/null || { echo "fill failed"; exit 1; }
sh "$src/make-certs.sh" "$work/certs" >/dev/null
echo enroll > "$work/enroll"
echo read-api-admin-token > "$work/admin"
port=$(free_port)
"$bin/whb-collector" --listen "127.0.0.1:$port" --cert "$work/certs/server.crt" \
    --key "$work/certs/server.key" "${store[@]}" --enrollment-token-file "$work/enroll" \
    --admin-token-file "$work/admin" --enroll-per-minute 0 2>"$work/log" &
pid=$!
pids+=($pid)
base=https://127.0.0.1:$port
c() { curl -sk --max-time 30 -H "Authorization: Bearer $(cat "$work/admin")" "$@"; }
wait_started "${pids[-1]}" "the collector to answer" c -o /dev/null "$base/healthz" ||
    whb_abort "the collector did not start" "$work/log"

now_ms=$(($(date +%s) * 1000))
want=$(dbq "SELECT machine_id FROM machines WHERE due_at < $now_ms ORDER BY due_at DESC, machine_id DESC" | sha256sum)
c -D "$work/h" "$base/v1/silent" > "$work/all.json"
grep -qi '^transfer-encoding: chunked' "$work/h" && ok "the list is streamed (chunked)" || bad "not chunked"
expect "count is every silent machine" "$(jq .count "$work/all.json")" 1200
expect "each once, in due order, across chunks" "$(jq -r '.machines[].machine_id' "$work/all.json" | sha256sum)" "$want"
expect "rows keep their shape" "$(jq -c '.machines[0] | keys' "$work/all.json")" \
    '["attachment","last_report","machine","machine_id","silent_since","status"]'
expect "limit across a chunk's edge" "$(c "$base/v1/silent?limit=1001" | jq -r '.machines[].machine_id' | sha256sum)" \
    "$(jq -r '.machines[:1001][].machine_id' "$work/all.json" | sha256sum)"
expect "a bad limit is refused" "$(c -o /dev/null -w '%{http_code}' "$base/v1/silent?limit=x")" 400

# A client that reads a little and leaves: the collector drops the stream and goes on.
python3 - "$port" "$(cat "$work/admin")" <<'EOF'
import socket, ssl, sys
ctx = ssl.create_default_context(); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE
s = ctx.wrap_socket(socket.create_connection(("127.0.0.1", int(sys.argv[1]))))
s.sendall(b"GET /v1/silent?explain=1 HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer "
          + sys.argv[2].encode() + b"\r\n\r\n")
s.recv(2048)
s.close()
EOF
wait_until 10 "the collector to drop the stream" grep -q "a client left a list after" "$work/log"
expect "alive after a client left mid-list" "$(c -o /dev/null -w '%{http_code}' "$base/healthz")" 200
grep -q "a client left a list after" "$work/log" && ok "the stream was dropped" || bad "the stream was not dropped"
expect "and lists again" "$(c "$base/v1/silent?limit=5" | jq .count)" 5

# The CLI reads a streamed list like any other answer.
expect "whb silent --limit" "$(WHB_URL=$base WHB_CA=$work/certs/ca.crt WHB_TOKEN_FILE=$work/admin "$bin/whb" silent --limit 1100 | tail -1)" "(1100 machines)"

# A reason filter over 1,200 silent machines (more than the 1,000 a request may explain): once
# the worker made every machine's reason, counts are whole and equal the engine's answers.
reasons_made() {
    [ "$(c "$base/v1/silent?offset=0&limit=1&reason=port_disabled" | jq -r '.reasons_at != null')" = true ]
}
wait_until 30 "the worker to explain every silent machine" reasons_made
c "$base/v1/silent?explain=1" | jq -S '[.machines[].reason] | group_by(.) | map({(.[0]): length}) | add' > "$work/engine.json"
jq -r 'keys[]' "$work/engine.json" > "$work/reasons"
[ -s "$work/reasons" ] && ok "the engine explained the silent machines" || bad "no reasons"
while read -r r; do
    page=$(c "$base/v1/silent?offset=0&limit=50&reason=$r")
    expect "reason=$r: total as the engine counts" "$(jq .total <<<"$page")" "$(jq ".\"$r\"" "$work/engine.json")"
    expect "reason=$r: whole, not partial" "$(jq .partial <<<"$page")" false
    expect "reason=$r: its rows have that reason" "$(jq -r '[.machines[].reason] | unique | join(",")' <<<"$page")" "$r"
done < "$work/reasons"
# Sorted by name or switch, or searched by name, from the worker's names and switch keys: as
# sorting or searching the whole list.
expect "sorted by name, a page" "$(c "$base/v1/silent?offset=600&limit=50&sort=machine" | jq -c '[.machines[].machine]')" \
    "$(jq -c '[.machines[].machine] | sort | .[600:650]' "$work/all.json")"
expect "sorted by switch, a page" "$(c "$base/v1/silent?offset=1100&limit=50&sort=switch" | jq -c '[.machines[].machine]')" \
    "$(jq -c '[.machines[] | {k: "\(.attachment.switch) \(.attachment.port) \(.machine)", m: .machine}] | sort_by(.k) | .[1100:1150] | map(.m)' "$work/all.json")"
expect "searched by name, a page" "$(c "$base/v1/silent?offset=10&limit=50&q=PC-1" | jq -c '[.total, [.machines[].machine]]')" \
    "$(jq -c '[.machines[].machine | select(test("pc-1"))] | [length, .[10:60]]' "$work/all.json")"
last=$(c "$base/v1/silent?offset=1150&limit=50&sort=reason" | jq -c '[.total, (.machines | length)]')
expect "sorted by reason, the last page" "$last" "[1200,50]"

# A switch's and a wireless network's lists in their order (port or BSSID, then id), in chunks
# from a cursor, for groups larger than a chunk: 2,500 machines on one switch (48 ports, runs
# of equal ports across each chunk's edge), 2,500 on one SSID (40 to an access point).
gen() { "$bin/whb-loadgen" --url "$base/v1/report" --ca "$work/certs/ca.crt" --machines 2500 \
    --connections 8 --storm --events 0 --token enroll "$@" >/dev/null; }
gen --first 100000 && gen --first 200000 --wireless corp || bad "the machines did not enroll"
ids() { c "$base/v1/network/$1&explain=0" | jq -r '.machines[].machine_id' | sha256sum; }
sw=00:11:22:33:44:55
want=$(dbq "SELECT machine_id FROM machines WHERE sw_chassis = '$sw' OR sw_name = '$sw' ORDER BY coalesce(sw_port, ''), machine_id" | sha256sum)
expect "a switch's list: count" "$(c "$base/v1/network/switch?switch=$sw&explain=0" | jq .count)" 2500
expect "a switch's list: each once, by port then id, across chunks" "$(ids "switch?switch=$sw")" "$want"
expect "by the switch's name (every sample's name)" "$(ids "switch?switch=sw-1")" \
    "$(dbq "SELECT machine_id FROM machines WHERE sw_chassis = 'sw-1' OR sw_name = 'sw-1' ORDER BY coalesce(sw_port, ''), machine_id" | sha256sum)"
expect "one port of it" "$(ids "switch?switch=sw-1&port=Gi1/0/7")" \
    "$(dbq "SELECT machine_id FROM machines WHERE sw_name = 'sw-1' AND sw_port = 'Gi1/0/7' ORDER BY machine_id" | sha256sum)"
want=$(dbq "SELECT machine_id FROM machines WHERE ssid = 'corp' ORDER BY coalesce(bssid, ''), machine_id" | sha256sum)
expect "an SSID's list: count" "$(c "$base/v1/network/wifi?ssid=corp&explain=0" | jq .count)" 2500
expect "an SSID's list: each once, by BSSID then id, across chunks" "$(ids "wifi?ssid=corp")" "$want"
expect "every wireless machine, the same here" "$(ids "wifi?ssid=")" "$want"
expect "one access point" "$(ids "wifi?bssid=02:aa:00:00:13:88")" \
    "$(dbq "SELECT machine_id FROM machines WHERE bssid = '02:aa:00:00:13:88' ORDER BY machine_id" | sha256sum)"
expect "an access point has 40" "$(c "$base/v1/network/wifi?ssid=corp&bssid=02:aa:00:00:13:88&explain=0" | jq .count)" 40

kill "$pid"
wait "$pid"
expect "a clean stop" "$?" 0
pids=()
grep -E "ERROR|error:|Sanitizer|runtime error" "$work/log" && bad "errors in the collector's log" || ok "no errors logged (nor sanitizer reports)"
whb_test_finish

#!/bin/bash
# The WSUS server's scheduled task (installer/windows/wsus/) against the real collector: the
# exact bodies Send-WsusComputers.ps1 sends (taken from the script's own documentation block),
# posted over TLS with its headers from a non-loopback address with the upload token (the role
# made for the task: it uploads and reads nothing), as the admin token would:
# parts of one session, the list replaced at the final part, matched to a real agent. PowerShell
# cannot run here: the bytes are what the script documents, and the script is checked to send
# those headers to that path. The task definition is checked as XML.
# Usage: test_wsus_task.sh BUILD_DIR
set -u
bin=$(cd "${1:?usage: test_wsus_task.sh BUILD_DIR}" && pwd)/bin
src=$(cd "$(dirname "$0")/../.." && pwd)/installer/windows/wsus
. "$(dirname "$0")/../support/shell.sh"
whb_test_init task
port=$(free_port)
# The WSUS server is another host: reach the collector by a non-loopback address if there is one.
addr=$(ip -4 -o addr show scope global 2>/dev/null | awk '{print $4}' | cut -d/ -f1 | head -1)
names=(--name localhost --ip 127.0.0.1)
[ -n "$addr" ] && names+=(--ip "$addr")
"$bin/whb-collector" init --dir "$work/etc" "${names[@]}" --listen 0.0.0.0:$port --db "$work/c.db" >/dev/null ||
    { echo "    FAIL init"; exit 1; }
"$bin/whb-collector" -c "$work/etc/collector.conf" --interval 1 --control-socket "$work/ctl.sock" \
    2>"$work/collector.log" &
pids+=($!)
ca=$work/etc/collector-ca.crt
token=$(cat "$work/etc/upload.token")
admin=$(cat "$work/etc/admin.token")
host=${addr:-127.0.0.1}
wait_started "${pids[-1]}" "the collector to answer" curl -s -o /dev/null --cacert "$ca" "https://localhost:$port/healthz" ||
    whb_abort "the collector did not start" "$work/collector.log"
cat > "$work/pc.scn" <<SCN
identity machine_id=m-task-42 fqdn=pc-042.corp.example
0 adapter eth0 type=ethernet mac=52:54:00:00:00:42 addr=10.9.8.42/24 gw=10.9.8.1
SCN
"$bin/whb-agent" --platform replay --replay-file "$work/pc.scn" --state-dir "$work/agent" \
    --collector-url "https://localhost:$port/v1/report" --ca-file "$ca" \
    --enrollment-token "$(cat "$work/etc/enroll.token")" --interval 1 2>"$work/agent.log" &
pids+=($!)
pc042_reports() {
    [ "$("$bin/whb" --socket "$work/ctl.sock" why pc-042 --json 2>/dev/null | jq -r .status)" = reporting ]
}
wait_until 10 "pc-042 to report" pc042_reports

# The bodies, byte for byte: one line each between the markers, sent without a newline.
sed -n '/^# BEGIN PAYLOAD$/,/^# END PAYLOAD$/p' "$src/Send-WsusComputers.ps1" | sed '1d;$d' > "$work/parts"
expect "the script documents two parts" "$(wc -l < "$work/parts")" 2
post() { # body-file [token]
    local auth=()
    [ -n "${2:-}" ] && auth=(-H "Authorization: Bearer $2")
    curl -s -o "$work/resp" -w '%{http_code}' --cacert "$ca" \
        "${auth[@]}" -H 'Content-Type: application/json; charset=utf-8' --data-binary "@$1" \
        "https://localhost:$port/v1/wsus/import" --connect-to "localhost:$port:$host:$port"
}
i=0
while IFS= read -r line; do
    i=$((i + 1))
    printf '%s' "$line" > "$work/part$i"
done < "$work/parts"
python3 -c 'import json,sys; [json.loads(open(f,"rb").read().decode("utf-8")) for f in sys.argv[1:]]' "$work/part1" "$work/part2" &&
    ok "the documented bodies are JSON in UTF-8" || bad "documented bodies"
if [ -n "$addr" ]; then
    expect "from the WSUS server without the token: 401" "$(post "$work/part1")" 401
    expect "with a wrong token: 401" "$(post "$work/part1" not-the-token)" 401
    grep -q "audit: read API refused to $addr" "$work/collector.log" && ok "refusals are audited with the address" ||
        bad "no audit line"
    expect "the read token may not upload: 403" "$(post "$work/part1" "$(cat "$work/etc/read.token")")" 403
else
    echo "    !!!  no non-loopback address: the token is not required from loopback (not tested)"
fi
expect "part 1 with the token: stored" "$(post "$work/part1" "$token") $(jq -c '[.part, .received]' "$work/resp")" "200 [1,1]"
expect "the list is not replaced before the final part" "$(sqlite3 "$work/c.db" 'select count(*) from wsus_computers')" 0
expect "part 2 (final): the list" "$(post "$work/part2" "$token") $(jq -c '[.imported, .not_reported, .not_reported_days]' "$work/resp")" "200 [2,2,30]"
expect "the upload token reads no answers" "$(jq -c 'has("answers")' "$work/resp")" false
expect "... nor the API" "$(curl -s -o /dev/null -w '%{http_code}' --cacert "$ca" -H "Authorization: Bearer $token" "https://localhost:$port/v1/wsus/computers")" 403
curl -s -o "$work/resp" --cacert "$ca" -H "Authorization: Bearer $admin" "https://localhost:$port/v1/wsus/computers"
expect "PC-042.corp.example is the agent pc-042.corp.example, reporting" \
    "$(jq -r '.answers[] | select(.wsus_name=="PC-042.corp.example") | .matched_by + " " + .status' "$work/resp")" "fqdn reporting"
expect "pc-043 has no agent" "$(jq -r '.answers[] | select(.wsus_name=="pc-043.corp.example") | .reason' "$work/resp")" no_agent
expect "stored: both computers, the times and Ids as sent" \
    "$(sqlite3 "$work/c.db" "select group_concat(fqdn || '=' || last_status_ms || '/' || last_sync_ms || '/' || target_id, ' ') from (select * from wsus_computers order by fqdn)")" \
    "PC-042.corp.example=0/1795636692000/0b6a3c5e-4f1d-4e8a-9c2b-7d5e6f708192 pc-043.corp.example=1792958292000/1792958292000/9c1d0e2f-3a4b-4c5d-8e6f-708192a3b4c5"
expect "a replayed final part (the session is over): 409" "$(post "$work/part2" "$token")" 409

# The script sends what is documented; the task runs it.
ps=$src/Send-WsusComputers.ps1
grep -q "Authorization = \"Bearer \$token\"" "$ps" && grep -q "'application/json; charset=utf-8'" "$ps" &&
    grep -q "'/v1/wsus/import'" "$ps" && grep -q "UTF8Encoding \$false" "$ps" &&
    grep -q "ConvertTo-Json -InputObject \$body -Compress" "$ps" &&
    ok "the script posts the documented headers and UTF-8 without BOM to /v1/wsus/import" || bad "script"
for k in session part final computers fqdn ip last_status last_sync line id; do
    grep -q "^ *$k *= " "$ps" || bad "the script does not set $k"
done
xml=$src/whb-wsus-export.xml
xmllint --noout "$xml" && ok "the task definition is well-formed XML" || bad "task XML"
tv() { xmllint --xpath "string(//*[local-name()='$1'])" "$xml"; }
expect "the task repeats every 15 minutes" "$(tv Interval)" PT15M
expect "the task runs as SYSTEM" "$(tv UserId)" S-1-5-18
grep -q 'Send-WsusComputers.ps1" -CollectorUrl https://' <<<"$(tv Arguments)" && ok "the task runs the script with the collector's URL" ||
    bad "task arguments: $(tv Arguments)"
# Stopped cleanly, the collector leaves no sanitizer or leak report (ASan builds).
whb_stop_clean "${pids[0]}" "$work/collector.log"
whb_test_finish

#!/bin/bash
# One real agent, two real collectors (TLS on loopback, each with its own SQLite store): the
# agent reports to A, A dies (-9) while events flow, right after committing a report whose ack
# never reaches the agent (a relay in front of A drops it: test_agent_failover.py); the agent
# moves to B (enrolling there with its token) and logs it once; A comes back and the agent
# returns to it. At the end every event the agent created is stored on A or B, and the events
# stored on both are exactly those A committed without its ack getting out: with separate
# stores that is the price of not losing them (one shared store, e.g. PostgreSQL, keeps
# (machine, boot, seq) once). Also: collector_urls in the file, and a bad URL refused.
# Usage: test_agent_failover.sh BUILD_BIN_DIR. About 40 s.
set -u
bin=$(cd "${1:?usage: test_agent_failover.sh BUILD_BIN_DIR}" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d /tmp/whb-failover-XXXXXX)
fail=0
pids=()
ok() { echo "ok   $*"; }
bad() { echo "FAIL $*"; fail=1; }
check() { if eval "$2"; then ok "$1"; else bad "$1"; fi; }
cleanup() {
    for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null; done
    wait 2>/dev/null
    [ -n "${KEEP:-}" ] && echo "kept $work" || rm -rf "$work"
}
trap cleanup EXIT
# Polls $2 (a shell condition) for at most $1 seconds.
wait_for() {
    local end=$((SECONDS + $1))
    while [ $SECONDS -lt $end ]; do eval "$2" && return 0; sleep 0.2; done
    return 1
}
now_ms() { date +%s%3N; }

sh "$here/make-certs.sh" "$work/certs" >/dev/null
echo failover-token >"$work/token"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
pa=$(free_port)
pb=$(free_port)
python3 "$here/test_agent_failover.py" "$work/relay.port" "$pa" "$work/cut" "$work/cut.log" &
pids+=($!)
wait_for 5 '[ -s "$work/relay.port" ]' || { echo "the relay did not start"; exit 1; }
url_a="https://127.0.0.1:$(cat "$work/relay.port")/v1/report"
url_b="https://127.0.0.1:$pb/v1/report"

collector() { # NAME PORT: starts collector NAME (store NAME.db); sets pid_NAME
    "$bin/whb-collector" --listen "127.0.0.1:$2" --cert "$work/certs/server.crt" \
        --key "$work/certs/server.key" --db "$work/$1.db" --enrollment-token-file "$work/token" \
        --interval 1 2>>"$work/$1.log" &
    local pid=$!
    pids+=($pid)
    eval "pid_$1=$pid"
    wait_for 10 "curl -sf --cacert '$work/certs/ca.crt' https://127.0.0.1:$2/healthz >/dev/null" ||
        { echo "collector $1 did not start"; cat "$work/$1.log"; exit 1; }
}
q() { sqlite3 "$work/$1.db" "$2"; }
events() { q "$1" "select count(*) from events where machine_id='m-fo'"; }

# 1. A bad list is refused at the start, with the offending text.
out=$("$bin/whb-agent" --collector-url "$url_a" --collector-url not-a-url --state-dir "$work/x" 2>&1)
check "a bad second --collector-url is refused with its text" \
    '[[ "$out" == *"collector URL '"'"'not-a-url'"'"' is not an https://"* ]]'
# The file's list (comma and space separated) starts with a collector that is not there.
dead="https://127.0.0.1:$(free_port)/v1/report"
printf '[agent]\ncollector_url = %s\ncollector_urls = %s, https://c.invalid:8443/v1/report\n' \
    "$dead" "$url_b" >"$work/agent.conf"

# 2. Traffic: the replay machine's cable flaps every 300 ms for 32 s (an event each time, sent
# at once), then the agent stops (a last gasp).
{
    echo "identity machine_id=m-fo fqdn=m-fo.corp.example boot_id=b-fo"
    echo "0 adapter eth0 type=ethernet mac=52:54:00:00:0f:01 carrier=1 addr=10.1.0.9/24 gw=10.1.0.1"
    c=0
    for t in $(seq 300 300 32000); do
        c=$((1 - c))
        echo "$t adapter eth0 type=ethernet mac=52:54:00:00:0f:01 carrier=$c addr=10.1.0.9/24 gw=10.1.0.1"
    done
    echo "32500 power stop"
    echo "33000 end"
} >"$work/fo.scn"

collector a "$pa"
collector b "$pb"
# An agent configured by the file only: the first collector never answers, so it moves to B.
cat >"$work/file.scn" <<SCN
identity machine_id=m-file fqdn=m-file.corp.example boot_id=b-file
0 adapter eth0 type=ethernet carrier=1 addr=10.1.0.10/24 gw=10.1.0.1
25000 end
SCN
timeout 40 "$bin/whb-agent" -c "$work/agent.conf" --platform replay --replay-file "$work/file.scn" \
    --state-dir "$work/file" --ca-file "$work/certs/ca.crt" --enrollment-token failover-token \
    --interval 1 --control-socket "$work/file.ctl" 2>"$work/file.log" &
pids+=($!)
start=$(now_ms)
# The file names other collectors: the command line's two replace them, A first.
timeout 55 "$bin/whb-agent" -c "$work/agent.conf" --platform replay --replay-file "$work/fo.scn" \
    --state-dir "$work/agent" --collector-url "$url_a" --collector-url "$url_b" \
    --ca-file "$work/certs/ca.crt" --enrollment-token failover-token --interval 1 \
    --collector-failback 5 --event-log "$work/events.log" --control-socket "$work/agent.ctl" \
    --log-level debug 2>"$work/agent.log" &
apid=$!
pids+=($apid)

wait_for 10 '[ "$(events a)" -ge 8 ]'
check "A gets the reports first ($(events a) events)" '[ "$(events a)" -ge 8 ]'
check "B gets nothing while A answers" '[ "$(events b 2>/dev/null || echo 0)" = 0 ]'
# From now on A's answers are dropped on the way back; A dies right after the first one. The
# time is taken once the relay can see the file: a report A receives from then on is answered
# after it, so its ack is dropped (taken before, a loaded machine could ack one in between).
touch "$work/cut"
cut=$(now_ms)
wait_for 5 '[ -s "$work/cut.log" ]'
{ kill -9 "$pid_a"; wait "$pid_a"; } 2>/dev/null
killed=$(now_ms)
check "A committed a report whose ack the agent never got, and was killed ($(tr "\n" " " <"$work/cut.log"))" \
    '[ -s "$work/cut.log" ]'
pre_a=$(q a "select count(*) from events where machine_id='m-fo'")
# Events A stored after the cut were certainly never acked to the agent.
q a "select boot_id||' '||seq from events where machine_id='m-fo' and received_ms >= $cut" \
    | sort >"$work/a-unacked"
echo "     A killed -9 after $(((killed - start) / 1000)) s with $pre_a events stored, $(wc -l <"$work/a-unacked") of them after the cut"
rm -f "$work/cut"

wait_for 20 '[ "$(events b)" -ge 3 ]'
moved=$(now_ms)
check "after A was killed, B gets the reports ($(events b) events, $(((moved - killed) / 1000)) s later)" \
    '[ "$(events b)" -ge 3 ]'
check "the move is logged once, naming both" \
    '[ "$(grep -c "collector $url_a did not answer 3 times in a row .*now reporting to $url_b" "$work/agent.log")" = 1 ]'
check "B, which never saw this machine, enrolled it with the token" \
    'grep -q "audit: collector $url_b does not know machine m-fo" "$work/agent.log" &&
     [ "$(q b "select count(*) from machines where machine_id='"'"'m-fo'"'"' and key_hash is not null")" = 1 ]'

sleep 2
collector a "$pa"
back=$(now_ms)
wait_for 15 '[ "$(q a "select count(*) from events where machine_id='"'"'m-fo'"'"' and received_ms > '"$back"'")" -ge 3 ]'
returned=$(now_ms)
after_a=$(q a "select count(*) from events where machine_id='m-fo' and received_ms > $back")
check "A restarted: the agent returns to it ($after_a events, $(((returned - back) / 1000)) s later; failback 5 s)" \
    '[ "$after_a" -ge 3 ]'
check "the return is logged once" \
    '[ "$(grep -c "collector $url_a answers again: reporting to it instead of $url_b" "$work/agent.log")" = 1 ]'
check "tries of A while it was down are not logged as warnings" \
    '! grep -q "warning: delivery to $url_a failed" <(sed -n "/now reporting to/,\$p" "$work/agent.log" | sed "/answers again/q")'
b_after=$(q b "select count(*) from events where machine_id='m-fo' and received_ms > $returned + 1000")
check "B gets nothing once the agent is back on A ($b_after events)" '[ "$b_after" = 0 ]'

wait "$apid"
rc=$?
check "the agent stops cleanly at the end of the scenario (exit $rc)" '[ $rc = 0 ]'
check "the last gasp (agent_stop) reached A" \
    '[ "$(q a "select count(*) from events where machine_id='"'"'m-fo'"'"' and kind=2")" = 1 ]'
check "the agent configured by collector_urls in its file reports to B, the first that answers" \
    '[ "$(q b "select count(*) from events where machine_id='"'"'m-file'"'"' and kind=1")" = 1 ] &&
     grep -q "collector $dead did not answer 3 times in a row .*now reporting to $url_b" "$work/file.log"'
check "... and never to A, which its file does not name" \
    '[ "$(q a "select count(*) from machines where machine_id='"'"'m-file'"'"'")" = 0 ]'

# 3. Nothing lost, and duplicates only where A died between commit and ack.
grep -v '^dropped' "$work/events.log" | awk '{print $1" "$2}' | sort -u >"$work/created"
q a "select boot_id||' '||seq from events where machine_id='m-fo'" | sort >"$work/on-a"
q b "select boot_id||' '||seq from events where machine_id='m-fo'" | sort >"$work/on-b"
sort -u "$work/on-a" "$work/on-b" >"$work/stored"
lost=$(comm -23 "$work/created" "$work/stored" | wc -l)
check "every one of the $(wc -l <"$work/created") events the agent created is stored on A or B ($lost lost)" \
    '[ "$lost" = 0 ] && [ "$(wc -l <"$work/created")" -ge 60 ]'
check "the spool kept nothing ($(grep -c ^dropped "$work/events.log") dropped)" \
    '! grep -q ^dropped "$work/events.log"'
comm -12 "$work/on-a" "$work/on-b" >"$work/both"
dups=$(wc -l <"$work/both")
echo "     stored on A: $(wc -l <"$work/on-a"), on B: $(wc -l <"$work/on-b"), on both: $dups"
check "the events of the report whose ack was lost were sent again, to B ($dups on both stores)" \
    '[ "$dups" -ge 1 ] && [ -z "$(comm -23 "$work/a-unacked" "$work/on-b")" ]'
# Acked events are never sent again: whatever is on both was received by A within a second of
# the cut (the report in flight then), none earlier.
early=$(q a "select boot_id||' '||seq from events where machine_id='m-fo' and received_ms < $cut - 1000" |
    sort | comm -12 - "$work/both" | wc -l)
check "no event A had acked is stored again ($early)" '[ "$early" = 0 ]'


[ $fail = 0 ] && echo "all agent failover checks passed"
exit $fail

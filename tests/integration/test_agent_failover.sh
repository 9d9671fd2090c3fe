#!/bin/bash
# One real agent, two real collectors (TLS on loopback, each with its own SQLite store): the
# agent reports to A, A dies (-9) while events flow, right after committing a report whose ack
# never reaches the agent (a relay in front of A drops it: test_agent_failover.py); the agent
# moves to B (enrolling there with its token) and logs it once; A comes back and the agent
# returns to it. At the end every event the agent created is stored on A or B, and the events
# stored on both are exactly those A committed without its ack getting out: with separate
# stores that is the price of not losing them (one shared store, e.g. PostgreSQL, keeps
# (machine, boot, seq) once). Also: collector_urls in the file, a bad URL refused, and with
# three collectors the return to a more preferred one that answers while the first is still
# down. Usage: test_agent_failover.sh BUILD_BIN_DIR. About 70 s.
set -u
bin=$(cd "${1:?usage: test_agent_failover.sh BUILD_BIN_DIR}" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../support/shell.sh"
whb_kill_signal=KILL # what is left at the end is killed, as A is in the test
whb_test_init failover
now_ms() { date +%s%3N; }

sh "$here/make-certs.sh" "$work/certs" >/dev/null
echo failover-token >"$work/token"
pa=$(free_port)
pb=$(free_port)
python3 "$here/test_agent_failover.py" "$work/relay.port" "$pa" "$work/cut" "$work/cut.log" &
pids+=($!)
wait_until 5 "the relay's port" test -s "$work/relay.port" || whb_abort "the relay did not start"
url_a="https://127.0.0.1:$(cat "$work/relay.port")/v1/report"
url_b="https://127.0.0.1:$pb/v1/report"

collector() { # NAME PORT: starts collector NAME (store NAME.db); sets pid_NAME
    "$bin/whb-collector" --listen "127.0.0.1:$2" --cert "$work/certs/server.crt" \
        --key "$work/certs/server.key" --db "$work/$1.db" --enrollment-token-file "$work/token" \
        --interval 1 2>>"$work/$1.log" &
    local pid=$!
    pids+=($pid)
    eval "pid_$1=$pid"
    wait_until 10 "collector $1 to answer" \
        quietly curl -sf --cacert "$work/certs/ca.crt" "https://127.0.0.1:$2/healthz" ||
        whb_abort "collector $1 did not start" "$work/$1.log"
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

wait_until 10 "A to store 8 events" eval '[ "$(events a)" -ge 8 ]'
check "A gets the reports first ($(events a) events)" '[ "$(events a)" -ge 8 ]'
check "B gets nothing while A answers" '[ "$(events b 2>/dev/null || echo 0)" = 0 ]'
# From now on A's answers are dropped on the way back; A dies right after the first one. The
# time is taken once the relay can see the file: a report A receives from then on is answered
# after it, so its ack is dropped (taken before, a loaded machine could ack one in between).
touch "$work/cut"
cut=$(now_ms)
wait_until 5 "A to commit a report past the cut" test -s "$work/cut.log"
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

wait_until 20 "B to store 3 events" eval '[ "$(events b)" -ge 3 ]'
moved=$(now_ms)
check "after A was killed, B gets the reports ($(events b) events, $(((moved - killed) / 1000)) s later)" \
    '[ "$(events b)" -ge 3 ]'
check "the move is logged once, naming both" \
    '[ "$(grep -c "collector $url_a did not answer 3 times in a row .*now reporting to $url_b" "$work/agent.log")" = 1 ]'
check "B, which never saw this machine, enrolled it with the token" \
    'grep -q "audit: collector $url_b does not know machine m-fo" "$work/agent.log" &&
     [ "$(q b "select count(*) from machines where machine_id='"'"'m-fo'"'"' and key_hash is not null")" = 1 ]'

sleep 2 # A stays down a while longer: the agent keeps reporting to B (not a wait for a state)
collector a "$pa"
back=$(now_ms)
wait_until 15 "the agent to return to A" \
    eval '[ "$(q a "select count(*) from events where machine_id='"'"'m-fo'"'"' and received_ms > '"$back"'")" -ge 3 ]'
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

# 4. Three collectors, X preferred, then Y, then Z: X dies, then Y: the agent is on Z. Y comes
# back first: at failback time the agent tries X (down), then Y, and returns to Y without
# waiting for X; X comes back: the agent returns to X. Nothing is lost on the way.
px=$(free_port)
py=$(free_port)
pz=$(free_port)
url_x="https://127.0.0.1:$px/v1/report"
url_y="https://127.0.0.1:$py/v1/report"
url_z="https://127.0.0.1:$pz/v1/report"
{
    echo "identity machine_id=m-three fqdn=m-three.corp.example boot_id=b-three"
    echo "0 adapter eth0 type=ethernet mac=52:54:00:00:0f:03 carrier=1 addr=10.1.0.11/24 gw=10.1.0.1"
    c=0
    for t in $(seq 400 400 60000); do
        c=$((1 - c))
        echo "$t adapter eth0 type=ethernet mac=52:54:00:00:0f:03 carrier=$c addr=10.1.0.11/24 gw=10.1.0.1"
    done
    echo "60500 end"
} >"$work/three.scn"
collector x "$px"
collector y "$py"
collector z "$pz"
three() { q "$1" "select count(*) from events where machine_id='m-three' and received_ms > ${2:-0}"; }
timeout 75 "$bin/whb-agent" --platform replay --replay-file "$work/three.scn" \
    --state-dir "$work/three" --collector-url "$url_x" --collector-url "$url_y" \
    --collector-url "$url_z" --ca-file "$work/certs/ca.crt" --enrollment-token failover-token \
    --interval 1 --collector-failback 5 --event-log "$work/three-events.log" \
    --control-socket "$work/three.ctl" --log-level debug 2>"$work/three.log" &
tpid=$!
pids+=($tpid)
wait_until 10 "X to store 3 events" eval '[ "$(three x)" -ge 3 ]'
check "X, the first of three, gets the reports ($(three x) events)" '[ "$(three x)" -ge 3 ]'
{ kill -9 "$pid_x"; wait "$pid_x"; } 2>/dev/null
wait_until 20 "Y to store 3 events" eval '[ "$(three y)" -ge 3 ]'
check "X killed: Y gets the reports ($(three y) events)" '[ "$(three y)" -ge 3 ]'
{ kill -9 "$pid_y"; wait "$pid_y"; } 2>/dev/null
wait_until 20 "Z to store 3 events" eval '[ "$(three z)" -ge 3 ]'
check "Y killed too: Z gets the reports ($(three z) events)" '[ "$(three z)" -ge 3 ]'
collector y "$py"
yback=$(now_ms)
wait_until 15 "Y to store 3 events" eval '[ "$(three y "$yback")" -ge 3 ]'
check "Y back, X still down: the agent returns to Y ($(three y "$yback") events, $((($(now_ms) - yback) / 1000)) s later)" \
    '[ "$(three y "$yback")" -ge 3 ]'
check "... and says so once" \
    '[ "$(grep -c "collector $url_y answers again: reporting to it instead of $url_z" "$work/three.log")" = 1 ]'
# Each store keeps the collector the machine's last report there went to, and its rank.
check "Z's store: the machine reported to Z, its third choice" \
    '[ "$(q z "select collector_url||'"'"' '"'"'||collector_rank from machines where machine_id='"'"'m-three'"'"'")" = "$url_z 2" ]'
check "Y's store: back on Y, its second choice" \
    '[ "$(q y "select collector_url||'"'"' '"'"'||collector_rank from machines where machine_id='"'"'m-three'"'"'")" = "$url_y 1" ]'
ymoved=$(now_ms)
sleep 1.5
check "Z gets nothing once the agent is back on Y" '[ "$(three z $((ymoved + 1000)))" = 0 ]'
collector x "$px"
xback=$(now_ms)
wait_until 15 "X to store 3 events" eval '[ "$(three x "$xback")" -ge 3 ]'
check "X back: the agent returns to X ($(three x "$xback") events)" '[ "$(three x "$xback")" -ge 3 ]'
check "... and says so once, leaving Y" \
    '[ "$(grep -c "collector $url_x answers again: reporting to it instead of $url_y" "$work/three.log")" = 1 ]'
check "X's store: home on X, its first choice" \
    '[ "$(q x "select collector_url||'"'"' '"'"'||collector_rank from machines where machine_id='"'"'m-three'"'"'")" = "$url_x 0" ]'
kill "$tpid"
wait "$tpid" 2>/dev/null
grep -v '^dropped' "$work/three-events.log" | awk '{print $1" "$2}' | sort -u >"$work/three-created"
for n in x y z; do q "$n" "select boot_id||' '||seq from events where machine_id='m-three'"; done |
    sort -u >"$work/three-stored"
lost=$(comm -23 "$work/three-created" "$work/three-stored" | wc -l)
check "every one of the $(wc -l <"$work/three-created") events is stored on X, Y or Z ($lost lost)" \
    '[ "$lost" = 0 ] && [ "$(wc -l <"$work/three-created")" -ge 20 ]'

whb_test_finish

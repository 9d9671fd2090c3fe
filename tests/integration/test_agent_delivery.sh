#!/bin/bash
# The real whb-agent against the real whb-collector (plain HTTP on loopback, a real SQLite
# file) and against a broken stand-in (fake_collector.py): only a real ack empties the spool,
# the collector's error text cannot poison it, a collector that lost its database gets the
# machine back by itself, a key mismatch is explained, --once writes nothing, a corrupt key
# stops the agent, a hook that gave up cannot kill it, a power notification does not wait
# behind a stuck send, WSUS is not probed offline, an unclean stop says which kind, the
# first report carries the interval the collector asked for, a shutdown announced by the
# unit's ExecStop (all a build without logind has) is one last gasp, a last gasp stays the
# last word, and a run file lost within a boot does not get the restarted agent's events
# dropped as resends.
# Usage: test_agent_delivery.sh BUILD_BIN_DIR
set -u
bin=$(cd "${1:?usage: test_agent_delivery.sh BUILD_BIN_DIR}" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../support/shell.sh"
whb_test_init delivery

echo delivery-token > "$work/token"
cport=$(free_port)
curl_url="http://127.0.0.1:$cport/v1/report"

collector() { # starts a collector on $cport with database $1
    "$bin/whb-collector" --listen "127.0.0.1:$cport" --plain-http --db "$1" \
        --enrollment-token-file "$work/token" --interval 1 2>>"$work/collector.log" &
    cpid=$!
    pids+=($cpid)
    wait_started "${pids[-1]}" "the collector to answer" quietly curl -sf "http://127.0.0.1:$cport/healthz" ||
        whb_abort "collector did not start" "$work/collector.log"
}
fake() { # starts fake_collector.py in mode $1; sets fport and flog
    flog=$work/fake-$1.log
    : >"$flog"
    rm -f "$work/fport"
    python3 "$here/fake_collector.py" "$work/fport" "$flog" "$1" &
    fpid=$!
    pids+=($fpid)
    wait_until 5 "the stand-in collector's port" test -s "$work/fport"
    fport=$(cat "$work/fport")
}
scenario() { # writes scenario $1 for machine $2 (boot $3) ending at $4 ms; $5=flap: a carrier flap
    {
        echo "identity machine_id=$2 fqdn=$2.corp.example boot_id=$3"
        echo "0 adapter eth0 type=ethernet mac=52:54:00:00:01:01 carrier=1 addr=10.1.0.5/24 gw=10.1.0.1"
        if [ "${5:-}" = flap ]; then
            echo "600 adapter eth0 type=ethernet mac=52:54:00:00:01:01 carrier=0 addr=10.1.0.5/24 gw=10.1.0.1"
            echo "900 adapter eth0 type=ethernet mac=52:54:00:00:01:01 carrier=1 addr=10.1.0.5/24 gw=10.1.0.1"
        fi
        echo "$4 end"
    } >"$work/$1.scn"
}
agent() { # runs a replay agent: $1 scenario, $2 state dir, $3 collector URL, more flags
    local scn=$1 state=$2 url=$3
    shift 3
    timeout 30 "$bin/whb-agent" --platform replay --replay-file "$work/$scn.scn" \
        --state-dir "$work/$state" --collector-url "$url" --allow-plain-http 1 \
        --enrollment-token delivery-token --interval 1 --control-socket "$work/$state.ctl" \
        "$@" 2>>"$work/$state.log"
}
db() { sqlite3 "$work/c.db" "$1"; }
kind() { # events of kind $2 stored for machine $1
    db "select count(*) from events where machine_id='$1' and kind=$2"
}

collector "$work/c.db"

# 1. A 200 that is not an ack keeps the spool and does not enroll.
fake empty200
scenario m1 m-ack b-1 2500 flap
agent m1 m1 "http://127.0.0.1:$fport/v1/report"
check "an empty 200 does not enroll the agent" '[ ! -e "$work/m1/enrolled" ]'
check "the token goes with every report until a real ack" \
    '[ "$(grep -c . "$flog")" -ge 2 ] && ! grep -q "\"token\": false" "$flog"'
check "'not an ack' is logged, and once" '[ "$(grep -c "not an ack" "$work/m1.log")" = 1 ]'
kill "$fpid"
scenario m1b m-ack b-1 1500
agent m1b m1 "$curl_url"
check "the events spooled behind empty 200s reach the real collector" \
    '[ "$(kind m-ack 13)" = 1 ] && [ "$(kind m-ack 14)" = 1 ]'
check "a real ack enrolls" '[ -e "$work/m1/enrolled" ]'

# 2. The collector's error text cannot poison the spool.
fake hostile500
scenario m2 m-text b-1 2500 flap
agent m2 m2 "http://127.0.0.1:$fport/v1/report"
kill "$fpid"
scenario m2b m-text b-1 1500
agent m2b m2 "$curl_url"
check "every carrier event after a hostile error body is delivered" \
    '[ "$(kind m-text 13)" = 1 ] && [ "$(kind m-text 14)" = 1 ]'
detail=$(db "select detail from events where machine_id='m-text' and kind=22 and http_status=500 limit 1")
check "the delivery failure keeps the text, cleaned: '$detail'" \
    '[[ "$detail" == "HTTP 500: internal error ?? ? ? reversed" ]]'

# 2b. A damaged record costs only itself, and the next start says so.
fake empty200
scenario m2c m-spool b-1 2500 flap
agent m2c m2c "http://127.0.0.1:$fport/v1/report" --log-level debug
kill "$fpid"
recorded=$(grep -c "debug: event " "$work/m2c.log")
python3 - "$work/m2c/spool" <<'PY'
import sys
p = sys.argv[1]
b = bytearray(open(p, "rb").read())
b[len(b) // 2] ^= 0x40  # one flipped byte in the middle of the spool
open(p, "wb").write(bytes(b))
PY
scenario m2d m-spool b-2 1500
agent m2d m2c "$curl_url"
got=$(db "select count(*) from events where machine_id='m-spool' and boot_id='b-1'")
check "one flipped byte: $got of $recorded spooled events delivered (all but the damaged one)" \
    '[ "$recorded" -ge 5 ] && [ "$got" = $((recorded - 1)) ]'
check "... and the next agent_start counts it" \
    '[ "$(db "select count(*) from events where machine_id='"'"'m-spool'"'"' and kind=1 and detail like '"'"'%spool: 1 damaged record(s) dropped%'"'"'")" = 1 ]'

# 3. The collector's database is rebuilt: the agent enrolls again by itself.
kill "$cpid"; wait "$cpid" 2>/dev/null
rm -f "$work/c.db" "$work/c.db-wal" "$work/c.db-shm"
collector "$work/c.db"
scenario m1c m-ack b-1 2500
agent m1c m1 "$curl_url"
check "after the database was rebuilt the machine is back" \
    '[ "$(db "select count(*) from machines where machine_id='"'"'m-ack'"'"'")" = 1 ]'
check "the re-enrollment is logged by the agent" 'grep -q "audit: the collector does not know machine m-ack" "$work/m1.log"'
check "... and the refusal by the collector" 'grep -q "audit: denied report from .*: a key bound to no machine, without the enrollment token" "$work/collector.log"'

# 4. Another key bound to this machine: explained, spool kept.
scenario m4 m-ack b-4 1500
agent m4 m4 "$curl_url"
check "a key mismatch tells the admin what to do" \
    'grep -q "another key bound to machine m-ack.*restore that file" "$work/m4.log"'
check "... and does not enroll" '[ ! -e "$work/m4/enrolled" ]'
check "... and stores nothing" '[ "$(db "select count(*) from events where boot_id='"'"'b-4'"'"'")" = 0 ]'
cp "$work/m1/key" "$work/m4/key" # the admin restores the key file
agent m4 m4 "$curl_url"
check "with the key restored, the spool kept through the refusal is delivered" \
    '[ "$(db "select count(*) from events where machine_id='"'"'m-ack'"'"' and boot_id='"'"'b-4'"'"' and kind=1")" = 2 ]'

# 5. --once --print writes nothing.
"$bin/whb-agent" --once --print --platform replay --replay-file "$work/m1.scn" \
    --state-dir "$work/look" >"$work/look.out" 2>&1
check "--once --print prints the snapshot" 'grep -q eth0 "$work/look.out"'
check "--once --print creates no state" '[ ! -e "$work/look" ]'
"$bin/whb-agent" --once --print --platform replay --replay-file "$work/m1.scn" \
    --state-dir "$work/m1" >/dev/null 2>&1
check "--once --print leaves a running agent's state alone" \
    '[ ! -e "$work/m1/spool.tmp" ] && grep -q "^stopped" "$work/m1/run"'

# 6. A corrupt key file stops the agent with a clear message.
for content in "not-hex-not-hex-not-hex-not-hex-not-hex-not-hex-not-hex-not-hex!" abcd; do
    mkdir -p "$work/m6"
    printf %s "$content" >"$work/m6/key"
    agent m1 m6 "$curl_url"
    rc=$?
    check "corrupt key '${content:0:8}...': refused (exit $rc) naming the file" \
        '[ $rc = 1 ] && grep -q "machine key file $work/m6/key is corrupt" "$work/m6.log"'
    check "... and the file is left for the admin" '[ "$(cat "$work/m6/key")" = "$content" ]'
    rm -rf "$work/m6" "$work/m6.log"
done

# 7. Unclean stops say which kind (UNCLEAN_STOP.reason_code).
cat >"$work/m7.scn" <<SCN
identity machine_id=m-crash fqdn=m-crash.corp.example boot_id=b-1
0 adapter eth0 type=ethernet carrier=1 addr=10.1.0.7/24 gw=10.1.0.1
20000 end
SCN
"$bin/whb-agent" --platform replay --replay-file "$work/m7.scn" --state-dir "$work/m7" \
    --collector-url "$curl_url" --allow-plain-http 1 --enrollment-token delivery-token \
    --interval 1 2>>"$work/m7.log" &
apid=$!
wait_until 5 "the agent's start to be stored" eval '[ "$(kind m-crash 1)" = 1 ]'
kill -9 "$apid"; wait "$apid" 2>/dev/null
sed -i 's/^20000 end/1500 end/' "$work/m7.scn"
agent m7 m7 "$curl_url"
check "killed agent, machine up: unclean_stop reason_code 1" \
    '[ "$(db "select group_concat(reason_code) from events where machine_id='"'"'m-crash'"'"' and kind=3")" = 1 ]'
sed -i 's/boot_id=b-1/boot_id=b-2/' "$work/m7.scn"
sed -i 's/^stopped/running/' "$work/m7/run"
agent m7 m7 "$curl_url"
check "a boot that ended without a clean stop: reason_code 2" \
    '[ "$(db "select reason_code from events where machine_id='"'"'m-crash'"'"' and kind=3 and boot_id='"'"'b-2'"'"'")" = 2 ]'

# 8. WSUS is not probed without a working network, and once it is back and settled (3 s).
fake ok
cat >"$work/m8.scn" <<SCN
identity machine_id=m-wsus fqdn=m-wsus.corp.example boot_id=b-1
0 adapter eth0 type=ethernet carrier=0 addr=10.1.0.8/24 gw=10.1.0.1
2000 end
SCN
agent m8 m8 "$curl_url" --wsus-url "http://127.0.0.1:$fport/ClientWebService/client.asmx"
check "offline: no WSUS probe" '[ "$(grep -c GET "$flog")" = 0 ]'
cat >"$work/m8b.scn" <<SCN
identity machine_id=m-wsus fqdn=m-wsus.corp.example boot_id=b-1
0 adapter eth0 type=ethernet carrier=1 addr=10.1.0.8/24
1000 adapter eth0 type=ethernet carrier=1 addr=10.1.0.8/24 gw=10.1.0.1
4500 end
SCN
agent m8b m8 "$curl_url" --wsus-url "http://127.0.0.1:$fport/ClientWebService/client.asmx"
check "no default route: no probe; route back: a probe" '[ "$(grep -c GET "$flog")" = 1 ]'
check "... and the collector has no offline WSUS verdict" \
    '[ "$(kind m-wsus 21)" -le 1 ] && ! db "select detail from events where machine_id='"'"'m-wsus'"'"' and kind=21" | grep -qv ": ok"'
kill "$fpid"

# 9. A hook that gave up cannot kill the agent (SIGPIPE), on the Linux backend.
"$bin/whb-agent" --state-dir "$work/m9" --collector-url "$curl_url" --allow-plain-http 1 \
    --enrollment-token delivery-token --interval 1 --fqdn m-pipe.corp.example \
    --machine-id m-pipe --control-socket "$work/m9.ctl" 2>>"$work/m9.log" &
apid=$!
pids+=($apid)
wait_until 5 "the agent's control socket" test -S "$work/m9.ctl"
python3 - "$work/m9.ctl" <<'PY'
import socket, sys
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
s.sendall(b"pre suspend\n")
s.close()
PY
# The agent handles its notifications in turn: once it answers the resume that follows, its
# answer to the hook that hung up has been written (a SIGPIPE then would have ended it).
wait_until 10 "the agent to answer the resume" \
    quietly "$bin/whb-agent" --notify post --control-socket "$work/m9.ctl"
check "the agent survives a hook that hung up" 'kill -0 $apid 2>/dev/null'
"$bin/whb-agent" --notify stop --control-socket "$work/m9.ctl"
wait "$apid"
rc=$?
check "... and stops cleanly afterwards (exit $rc)" '[ $rc = 0 ]'

# 10. A power notification does not wait behind a stuck send.
fake stall
"$bin/whb-agent" --state-dir "$work/m10" --collector-url "http://127.0.0.1:$fport/v1/report" \
    --allow-plain-http 1 --enrollment-token delivery-token --interval 1 \
    --fqdn m-stall.corp.example --machine-id m-stall --control-socket "$work/m10.ctl" \
    2>>"$work/m10.log" &
apid=$!
pids+=($apid)
wait_until 5 "a send to the stalled stand-in" test -s "$flog"
start=$(date +%s%N)
"$bin/whb-agent" --notify "pre suspend" --control-socket "$work/m10.ctl"
rc=$?
ms=$((($(date +%s%N) - start) / 1000000))
check "--notify answered while a send was stuck (exit $rc, $ms ms)" '[ $rc = 0 ] && [ $ms -lt 2900 ]'
check "the agent is still running" 'kill -0 $apid 2>/dev/null'
kill "$apid"; wait "$apid" 2>/dev/null
scenario m10 m-stall b-1 1500
agent m10 m10 "$curl_url"
check "the last gasp was spooled and reaches the collector later" '[ "$(kind m-stall 4)" = 1 ]'

# 11. The collector sets a machine's deadline from the interval its report carries: an agent
# with no interval of its own (default 60 s) must not make a collector that asks for 1 s wait
# 3 minutes before calling it silent. A fresh agent tells the asked interval at once after the
# first ack; a restarted one starts with the interval asked last time. (The scenario ends
# before the next heartbeat is due.)
scenario m11 m-interval b-1 500
default_agent() {
    timeout 30 "$bin/whb-agent" --platform replay --replay-file "$work/m11.scn" \
        --state-dir "$work/m11" --collector-url "$curl_url" --allow-plain-http 1 \
        --enrollment-token delivery-token --control-socket "$work/m11.ctl" 2>>"$work/m11.log"
}
interval_view() { db "select interval_s||' '||(due_at-last_seen) from machines where machine_id='m-interval'"; }
default_agent
got=$(interval_view)
check "a new agent (default 60 s): the collector's deadline follows its own 1 s interval ('$got')" \
    '[ "$got" = "1 3000" ]'
: >"$work/m11.log"
default_agent
check "restarted: it reports every 1 s from its first report, with no correction needed" \
    'grep -q "every 1 s as" "$work/m11.log" && ! grep -q "asked by the collector" "$work/m11.log" &&
     [ "$(interval_view)" = "1 3000" ]'

# 12. Shutdown without logind: the unit's ExecStop tells the agent when the
# manager is stopping, and only then. Told twice (logind and ExecStop, or two hooks), the last
# gasp goes once; the stop that follows a shutdown adds no "agent stopping".
unit=$here/../../installer/systemd/whb-agent.service
execstop=$(sed -n 's/^ExecStop=//p' "$unit" | sed 's/\$\$/$/g')
check "the unit has an ExecStop for shutdowns" '[ -n "$execstop" ]'
mkdir -p "$work/fakebin"
run_execstop() { # $1: what systemctl is-system-running says
    printf '#!/bin/sh\necho %s\n' "$1" >"$work/fakebin/systemctl"
    chmod +x "$work/fakebin/systemctl"
    PATH="$work/fakebin:$PATH" eval "${execstop//\/usr\/sbin\/whb-agent -c \/etc\/whb\/agent.conf/\"$bin/whb-agent\" --control-socket \"$work/m12.ctl\"}"
}
"$bin/whb-agent" --state-dir "$work/m12" --collector-url "$curl_url" --allow-plain-http 1 \
    --enrollment-token delivery-token --interval 1 --fqdn m-down.corp.example \
    --machine-id m-down --control-socket "$work/m12.ctl" 2>>"$work/m12.log" &
apid=$!
pids+=($apid)
wait_until 5 "the agent's start in the store" eval '[ -S "$work/m12.ctl" ] && [ "$(kind m-down 1)" = 1 ]'
run_execstop running
sleep 0.5
check "ExecStop while the system runs: no shutdown gasp" '[ "$(kind m-down 7)" = 0 ]'
run_execstop stopping
check "ExecStop while the system stops: the shutdown gasp is stored" '[ "$(kind m-down 7)" = 1 ]'
"$bin/whb-agent" --notify shutdown --control-socket "$work/m12.ctl"
rc=$?
check "told again: answered (exit $rc)" '[ $rc = 0 ]'
kill "$apid"; wait "$apid" 2>/dev/null
rc=$?
check "the stop that follows ends the agent cleanly (exit $rc)" '[ $rc = 0 ]'
check "... one shutdown gasp, no agent stop" '[ "$(kind m-down 7)" = 1 ] && [ "$(kind m-down 2)" = 0 ]'

# 13. A last gasp stays the last word: the heartbeat that fell due in the moments after it (the
# OS has not frozen the agent yet) must not tell the collector the machine is still up.
{
    echo "identity machine_id=m-gasp fqdn=m-gasp.corp.example boot_id=b-1"
    echo "0 adapter eth0 type=ethernet mac=52:54:00:00:01:02 carrier=1 addr=10.1.0.6/24 gw=10.1.0.1"
    echo "2500 power suspend"
    echo "3400 end"
} >"$work/m13.scn"
agent m13 m13 "$curl_url"
check "no heartbeat after the last gasp: the collector keeps it as the last word" \
    '[ "$(db "select last_gasp from machines where machine_id=\"m-gasp\"")" = 1 ]'

# 14. The run file lost within a boot (a reinstall, a cleanup of the state directory): the
# restarted agent numbers from 1 again, below what the collector stored of the boot, which
# takes its reports for resends. Told so by the collector's ack, it numbers above it: its start
# and the events after it are stored, not dropped as already stored.
scenario m14a m-lost b-7 2500
agent m14a m14 "$curl_url"
rm -f "$work/m14/run"
scenario m14b m-lost b-7 2500 flap
agent m14b m14 "$curl_url"
check "run file lost: the restart's start is stored too" '[ "$(kind m-lost 1)" = 2 ]'
check "... and the link's loss and return after it" \
    '[ "$(kind m-lost 13)" = 1 ] && [ "$(kind m-lost 14)" = 1 ]'
check "... the agent said why it numbers anew" 'grep -q "numbering from" "$work/m14.log"'

whb_test_finish

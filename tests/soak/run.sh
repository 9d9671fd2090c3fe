#!/bin/bash
# The fault soak: real whb-agents in network namespaces against the real whb-collector (TLS,
# per-machine keys) while a seeded fault schedule runs; every event an agent creates is logged
# at the source (the agent's event_log setting) and must be in the collector's database exactly
# once at the end. Needs root (network namespaces); exit 77 when they are unavailable.
#
#   whbsk-srv   bridge br0 10.77.0.1/16; whb-collector on 127.0.0.1:8444 with its database on
#               a small tmpfs (so the disk can be filled); proxy.py on 10.77.0.1:8443 in front
#               of it (a plain relay, or a hostile server for a while)
#   whbsk-cN    agent N: eth0 10.77.1.N/16 (peer vN on br0), a veth dum0 flapped for events,
#               libfaketime with a timestamp file the schedule changes (clock jumps)
#
# Usage: run.sh BUILD_DIR. Env: SOAK_SECONDS (fault time, default 150; 900 for the benchmark
# run), SOAK_AGENTS (4), SOAK_SEED (printed; set it to replay a schedule), SOAK_DRAIN (bounded
# wait for the agents to deliver after the faults, default 90), SOAK_KEEP=1 keeps $W,
# SOAK_FAULTS (a subset of the fault types below, space-separated; default all),
# SOAK_FAULT_MAX (longest fault in seconds; 6 below SOAK_SECONDS=180, else 15), SOAK_NS_PREFIX
# (the namespaces' prefix; default WHB_NS_PREFIX followed by "sk-", else whbsk-).
set -u
build=${1:?usage: run.sh BUILD_DIR}
BIN=$(cd "$build" && pwd)/bin
HERE=$(cd "$(dirname "$0")" && pwd)
SRC=$(cd "$HERE/../.." && pwd)
SECONDS_FAULTS=${SOAK_SECONDS:-150}
AGENTS=${SOAK_AGENTS:-4}
SEED=${SOAK_SEED:-$(($(date +%s) % 100000))}
DRAIN=${SOAK_DRAIN:-90}
P=${SOAK_NS_PREFIX:-${WHB_NS_PREFIX:-whb}sk-} # another prefix (or WHB_NS_PREFIX) lets two runs share a machine
FAKETIME_LIB=/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1

say() { printf '[%4ds] %s\n' $((SECONDS - T0)) "$*"; }
nsx() { local ns=$1; shift; ip netns exec "$P$ns" "$@"; }

if [ "$(id -u)" -ne 0 ] || ! ip netns add ${P}probe 2>/dev/null; then
    echo "soak: UNAVAILABLE: network namespaces need root (and CAP_SYS_ADMIN); NOT RUN" >&2
    exit 77
fi
ip netns del ${P}probe
for ns in $(ip netns list | awk '{print $1}' | grep "^$P"); do ip netns del "$ns"; done
for tool in python3 sqlite3 openssl nft; do
    command -v $tool >/dev/null || { echo "soak: $tool missing (tests/deps.sh test)" >&2; exit 1; }
done

W=$(mktemp -d /tmp/whbsk-XXXXXX)
PIDS=()
COLLECTOR_PID=
teardown() {
    local status=$?
    trap - EXIT
    touch "$W/stop" 2>/dev/null
    disown -a 2>/dev/null
    for f in "$W"/c*.pid; do [ -f "$f" ] && kill -9 "$(cat "$f")" 2>/dev/null; done
    [ -n "$COLLECTOR_PID" ] && kill -9 "$COLLECTOR_PID" 2>/dev/null
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
    sleep 0.3
    for p in "${PIDS[@]}"; do kill -9 "$p" 2>/dev/null; done
    wait 2>/dev/null
    mountpoint -q "$W/dbfs" && umount -l "$W/dbfs"
    for ns in $(ip netns list | awk '{print $1}' | grep "^$P"); do ip netns del "$ns"; done
    if [ "${SOAK_KEEP:-0}" = 1 ]; then
        echo "soak: logs kept in $W"
    else
        if [ "$status" != 0 ]; then
            for f in "$W"/*.log; do [ -f "$f" ] && { echo "    == $f"; tail -8 "$f" | sed 's/^/    /'; }; done
        fi
        rm -rf "$W"
    fi
    exit "$status"
}
trap teardown EXIT
trap 'exit 130' INT TERM
T0=$SECONDS

# --- the network, the collector and its proxy -------------------------------------------------
sh "$SRC/tests/integration/make-certs.sh" "$W/certs" >/dev/null
# The collector's certificate for this network, from the same test CA.
(cd "$W/certs" &&
    openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout soak.key \
        -subj /CN=localhost -out soak.csr 2>/dev/null &&
    printf 'subjectAltName=IP:127.0.0.1,IP:10.77.0.1\nextendedKeyUsage=serverAuth\n' >soak.ext &&
    openssl x509 -req -in soak.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 2 \
        -extfile soak.ext -out soak.crt 2>/dev/null) || { echo "soak: certificates"; exit 1; }
echo soak-enroll >"$W/token"
echo pass >"$W/proxy-mode"
mkdir -p "$W/dbfs"
mount -t tmpfs -o size=16m whbsk-db "$W/dbfs" || { echo "soak: cannot mount a tmpfs"; exit 1; }

ip netns add ${P}srv
nsx srv ip link set lo up
nsx srv ip link add br0 type bridge
nsx srv ip addr add 10.77.0.1/16 dev br0
nsx srv ip link set br0 up
for i in $(seq 1 "$AGENTS"); do
    ip netns add ${P}c$i
    nsx c$i ip link set lo up
    ip -n ${P}c$i link add eth0 type veth peer name v$i netns ${P}srv
    nsx srv ip link set v$i master br0 up
    nsx c$i ip addr add 10.77.1.$i/16 dev eth0
    nsx c$i ip link set eth0 up
    nsx c$i ip route add default via 10.77.0.1
    nsx c$i ip link add dum0 type veth peer name dum1 # no dummy driver needed
done

whb() { nsx srv "$BIN/whb" --socket "$W/ctl.sock" "$@"; } # on the collector's host, as root
wait_for() { # seconds command...
    local end=$((SECONDS + $1)); shift
    while [ $SECONDS -lt $end ]; do "$@" >/dev/null 2>&1 && return 0; sleep 0.25; done
    return 1
}
start_collector() {
    ip netns exec ${P}srv "$BIN/whb-collector" --listen 127.0.0.1:8444 --cert "$W/certs/soak.crt" \
        --key "$W/certs/soak.key" --db "$W/dbfs/collector.db" --enrollment-token-file "$W/token" \
        --control-socket "$W/ctl.sock" --interval 1 --grace 3 --log-level info \
        >>"$W/collector.log" 2>&1 &
    COLLECTOR_PID=$!
    wait_for 10 whb status || say "collector did not answer within 10 s"
}
start_collector
ip netns exec ${P}srv python3 "$HERE/proxy.py" 10.77.0.1:8443 127.0.0.1:8444 "$W/certs/soak.crt" \
    "$W/certs/soak.key" "$W/proxy-mode" >>"$W/proxy.log" 2>&1 &
PIDS+=($!)

# --- agents ------------------------------------------------------------------------------------
faketime_ok=0
[ -f "$FAKETIME_LIB" ] && faketime_ok=1
start_agent() { # N
    local i=$1 pre=()
    mkdir -p "$W/c$i"
    [ -f "$W/clock-c$i" ] || echo "+0" >"$W/clock-c$i"
    # Wall clock only: NTP-style jumps; the boot clocks (sleep detection) stay true.
    [ $faketime_ok = 1 ] && pre=(env LD_PRELOAD="$FAKETIME_LIB" FAKETIME_TIMESTAMP_FILE="$W/clock-c$i"
        FAKETIME_NO_CACHE=1 FAKETIME_DONT_FAKE_MONOTONIC=1)
    # sh records its pid and execs (ip netns exec and env exec too): the pid is the agent's.
    sh -c 'echo $$ >"$0"; exec "$@"' "$W/c$i.pid" ip netns exec ${P}c$i "${pre[@]}" \
        "$BIN/whb-agent" --collector-url https://10.77.0.1:8443/v1/report \
        --ca-file "$W/certs/ca.crt" --state-dir "$W/c$i" --fqdn "pc-$i.soak.example" \
        --machine-id "m-soak-$i" --enrollment-token soak-enroll --interval 1 \
        --event-log "$W/events-c$i.log" --log-level info 2>&1 |
        stamp >>"$W/c$i.log" &
    PIDS+=($!)
    wait_for 5 test -s "$W/c$i.pid"
}
agent_pid() { cat "$W/c$1.pid"; }
stamp() { while IFS= read -r l; do printf '%(%H:%M:%S)T %s\n' -1 "$l"; done; }
for i in $(seq 1 "$AGENTS"); do start_agent "$i"; done
enrolled() { [ "$(sqlite3 "file:$W/dbfs/collector.db?mode=ro" 'SELECT count(*) FROM machines' 2>/dev/null)" = "$AGENTS" ]; }
wait_for 30 enrolled || { say "not every agent enrolled within 30 s"; exit 1; }

# Event makers: dum0 goes up and down with an address added and removed (admin_up/down,
# network_changed), about a change a second per agent.
flapper() { # N
    local i=$1
    while [ ! -e "$W/stop-flap" ] && [ ! -e "$W/stop" ]; do
        nsx c$i ip link set dum0 up
        nsx c$i ip addr add 192.168.$i.1/24 dev dum0
        sleep 1.$((RANDOM % 10))
        nsx c$i ip addr del 192.168.$i.1/24 dev dum0
        nsx c$i ip link set dum0 down
        sleep 1.$((RANDOM % 10))
    done 2>/dev/null
}
for i in $(seq 1 "$AGENTS"); do flapper "$i" & PIDS+=($!); done
# A witness for the report: each agent's spool size, every second.
(while [ ! -e "$W/stop" ]; do
    line=$(date +%T)
    for i in $(seq 1 "$AGENTS"); do line+=" c$i=$(stat -c %s "$W/c$i/spool" 2>/dev/null || echo -)"; done
    echo "$line"
    sleep 1
done >"$W/spool-sizes.log") &
PIDS+=($!)

# --- the fault schedule --------------------------------------------------------------------------
mark() { # start|end NUM TEXT
    local line
    line="$(date +%s%3N) $1 $2 $3 |"
    for i in $(seq 1 "$AGENTS"); do line+=" c$i=$(wc -l <"$W/events-c$i.log" 2>/dev/null || echo 0)"; done
    echo "$line" >>"$W/marks"
}
: >"$W/marks"
RANDOM=$SEED
# pick and span set R instead of printing it: a $(...) subshell would not advance the seeded
# RANDOM of this shell (bash reseeds subshells), and the schedule would not replay.
pick() { R=$((1 + RANDOM % AGENTS)); }
# Short soaks (tests/run.sh) keep each fault at most 6 s so that every type runs at least once.
FAULT_MAX=${SOAK_FAULT_MAX:-$([ "$SECONDS_FAULTS" -lt 180 ] && echo 6 || echo 15)}
span() { # lo hi: seconds, bounded by FAULT_MAX
    local lo=$1 hi=$2
    [ "$hi" -gt "$FAULT_MAX" ] && hi=$FAULT_MAX
    [ "$lo" -gt "$hi" ] && lo=$hi
    R=$((lo + RANDOM % (hi - lo + 1)))
}
nft_loss() { # N PERCENT | N off
    if [ "$2" = off ]; then nsx c$1 nft delete table inet whbsk 2>/dev/null; return 0; fi
    local rule=(numgen random mod 100 '<' "$2")
    [ "$2" -ge 100 ] && rule=()
    nsx c$1 nft add table inet whbsk &&
        nsx c$1 nft add chain inet whbsk out '{ type filter hook output priority 0; }' &&
        nsx c$1 nft add rule inet whbsk out ip daddr 10.77.0.1 "${rule[@]}" drop
}
NUM=0
fault() { # type
    local t=$1 k d text
    NUM=$((NUM + 1))
    case $t in
    collector_kill)
        span 2 8; d=$R; text="collector kill -9, restarted after ${d}s"
        say "#$NUM $text"; mark start $NUM "$text"
        kill -9 "$COLLECTOR_PID"; wait "$COLLECTOR_PID" 2>/dev/null
        sleep "$d"; start_collector ;;
    partition)
        pick; k=$R; span 5 15; d=$R; text="partition: v$k (c$k's switch port) down for ${d}s"
        say "#$NUM $text"; mark start $NUM "$text"
        nsx srv ip link set v$k down; sleep "$d"; nsx srv ip link set v$k up ;;
    loss)
        pick; k=$R; span 8 15; d=$R; local pct=$((30 + RANDOM % 71))
        text="packet loss ${pct}% c$k -> collector (nftables) for ${d}s"
        say "#$NUM $text"; mark start $NUM "$text"
        nft_loss "$k" "$pct" || say "   nftables refused the rule"
        sleep "$d"; nft_loss "$k" off ;;
    disk_full)
        span 6 15; d=$R; text="collector's database disk full for ${d}s"
        say "#$NUM $text"; mark start $NUM "$text"
        dd if=/dev/zero of="$W/dbfs/fill" bs=64k 2>/dev/null
        sleep "$d"; rm -f "$W/dbfs/fill" ;;
    agent_kill)
        pick; k=$R; span 3 6; d=$R
        text="agent c$k cut off, kill -9 after ${d}s while it spools, restarted"
        say "#$NUM $text"; mark start $NUM "$text"
        nft_loss "$k" 100; sleep "$d"
        kill -9 "$(agent_pid $k)"; sleep 1; rm -f "$W/c$k.pid"; start_agent "$k"
        span 2 5; sleep "$R"; nft_loss "$k" off ;;
    clock_jump)
        pick; k=$R; span 5 10; d=$R
        if [ $faketime_ok != 1 ]; then say "#$NUM clock jump SKIPPED: libfaketime missing"; return; fi
        text="c$k wall clock +1h for ${d}s, then back (-1h), later -45s for ${d}s"
        say "#$NUM $text"; mark start $NUM "$text"
        echo "+3600" >"$W/clock-c$k"; sleep "$d"
        echo "+0" >"$W/clock-c$k"; sleep 2
        echo "-45" >"$W/clock-c$k"; sleep "$d"
        echo "+0" >"$W/clock-c$k" ;;
    empty200 | garbage200 | e500 | truncated | stall | slow)
        span 6 12; d=$R; text="hostile proxy: $t for ${d}s"
        say "#$NUM $text"; mark start $NUM "$text"
        echo "$t" >"$W/proxy-mode"; sleep "$d"; echo pass >"$W/proxy-mode" ;;
    esac
    mark end $NUM "$text"
}
ALL_TYPES="collector_kill partition loss disk_full agent_kill clock_jump empty200 garbage200 e500
    truncated stall slow"
read -r -a TYPES <<<"$(echo ${SOAK_FAULTS:-$ALL_TYPES})"
for t in "${TYPES[@]}"; do
    case " $(echo $ALL_TYPES) " in *" $t "*) ;; *) echo "soak: unknown fault '$t' (known: $(echo $ALL_TYPES))" >&2; exit 2 ;; esac
done
say "soak: $AGENTS agents, faults for ${SECONDS_FAULTS}s, seed $SEED (SOAK_SEED=$SEED replays it)"
say "fault types: ${TYPES[*]}"
sleep 5
START=$SECONDS
while [ $((SECONDS - START)) -lt "$SECONDS_FAULTS" ]; do
    # Every type once per round, in a seeded order.
    order=("${TYPES[@]}")
    for ((j = ${#order[@]} - 1; j > 0; j--)); do
        r=$((RANDOM % (j + 1))); x=${order[j]}; order[j]=${order[r]}; order[r]=$x
    done
    for t in "${order[@]}"; do
        [ $((SECONDS - START)) -ge "$SECONDS_FAULTS" ] && break
        fault "$t"
        span 2 5; sleep "$R"
    done
done
say "faults over ($NUM); event makers stop; agents drain (at most ${DRAIN}s)"
touch "$W/stop-flap"
sleep 3
mark end 0 "all faults"
drained() {
    for i in $(seq 1 "$AGENTS"); do [ "$(stat -c %s "$W/c$i/spool" 2>/dev/null || echo 0)" = 0 ] || return 1; done
}
d0=$SECONDS
wait_for "$DRAIN" drained && say "spools empty after $((SECONDS - d0))s" ||
    say "spools NOT empty after ${DRAIN}s: $(tail -1 "$W/spool-sizes.log")"
for i in $(seq 1 "$AGENTS"); do
    pid=$(agent_pid "$i")
    kill -TERM "$pid" 2>/dev/null
    wait_for 5 sh -c "! kill -0 $pid" || { say "c$i did not stop on TERM in 5 s: kill -9"; kill -9 "$pid"; }
done
sleep 1
kill -TERM "$COLLECTOR_PID"; wait "$COLLECTOR_PID" 2>/dev/null; COLLECTOR_PID=
rm -f "$W/dbfs/fill"
sqlite3 "$W/dbfs/collector.db" ".backup '$W/collector.db'" || { say "cannot copy the database"; exit 1; }
touch "$W/stop"

# --- the verdict ----------------------------------------------------------------------------------
jumped=$(sqlite3 "file:$W/collector.db?mode=ro" \
    "SELECT count(*) FROM events WHERE abs(at_ms - received_ms) > 1800000" 2>/dev/null)
say "events stamped an hour off (the clock jumps reached the agent): ${jumped:-?}"
say "proxy answers: $(grep -oE ' (empty200|garbage200|e500|truncated|stall): answered' "$W/proxy.log" | sort | uniq -c | tr -s ' ' | tr '\n' ';')"
python3 "$HERE/compare.py" "$W" "$AGENTS" "$W/collector.db" "$SRC/proto/whb.proto" | tee "$W/verdict.txt"
status=${PIPESTATUS[0]}
say "seed $SEED; $( [ $status = 0 ] && echo PASS || echo FAIL)"
exit "$status"

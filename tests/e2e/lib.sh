# Test network for the end-to-end scenarios, built from network namespaces:
#
#   whb-srv   collector (TLS, per-machine keys) on 10.99.0.1:8443 and 10.98.0.1:8443,
#             nginx as the WSUS stand-in on :8530 (HTTP 503 while $W/wsus-down exists)
#   whb-sw1   access switch: bridge br0, ports swp1..swpN, uplink to whb-srv (10.99.0.0/24),
#             lldpd speaking LLDP on every port as "sw-access-1", port id = port name
#   whb-sw2   a second switch, subnet 10.98.0.0/24, "sw-access-2" (for a machine that moves)
#   whb-cN    client N: eth0 10.99.0.(10+N)/24 cabled to swpN, its own whb-agent and state
#
# Sourced by run.sh. Every wait is bounded; e2e_teardown removes everything (also on failure).
#
# WHB_STORE_BACKEND=postgresql: the collector keeps its store in a throwaway PostgreSQL server
# (tests/support/pg.sh, a Unix socket in $W/pg, reached from the srv namespace through the file
# system); dbq runs SQL against whichever store is in use.

E2E_BIN=${E2E_BIN:?set E2E_BIN to the build bin directory}
E2E_SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
NS_PREFIX=${WHB_NS_PREFIX:-whb-} # another prefix lets two runs share a machine
INTERVAL=2   # heartbeat seconds; silent after 3 x 2 s
STORE_BACKEND=${WHB_STORE_BACKEND:-sqlite}
WHB_PORT=8443 # the collector the admin CLI asks

log() { printf '    %s\n' "$*"; }

# wait_for SECONDS DESCRIPTION COMMAND...: polls every 0.25 s.
wait_for() {
    local limit=$1 what=$2
    shift 2
    local end=$((SECONDS + limit))
    while [ $SECONDS -lt $end ]; do
        if "$@" >/dev/null 2>&1; then return 0; fi
        sleep 0.25
    done
    log "timed out after ${limit}s waiting for: $what"
    return 1
}

# Background processes are started with `ip netns exec` directly, never through this function,
# so that $! is the process itself (ip netns exec execs it) and not a subshell.
nsx() { local ns=$1; shift; ip netns exec "$NS_PREFIX$ns" "$@"; }

e2e_setup() { # clients
    local n=$1
    W=$(mktemp -d /tmp/whb-e2e-XXXXXX)
    chmod 755 "$W" # lldpcli reaches its socket here after dropping privileges
    PIDS=()
    ACCEPT_PID=
    sh "$E2E_SRC/tests/integration/make-certs.sh" "$W/certs" >/dev/null
    echo e2e-enroll > "$W/token"
    for ns in srv sw1 sw2; do ip netns add "$NS_PREFIX$ns"; nsx "$ns" ip link set lo up; done
    for sw in 1 2; do
        nsx sw$sw ip link add br0 type bridge
        nsx sw$sw ip link set br0 up
        ip -n ${NS_PREFIX}sw$sw link add up0 type veth peer name eth$((sw - 1)) netns ${NS_PREFIX}srv
        nsx sw$sw ip link set up0 master br0 up
    done
    nsx srv ip addr add 10.99.0.1/24 dev eth0
    nsx srv ip addr add 10.98.0.1/24 dev eth1
    nsx srv ip link set eth0 up
    nsx srv ip link set eth1 up
    for i in $(seq 1 "$n"); do client_add "$i" 1; done
    start_lldpd 1
    start_lldpd 2
    start_wsus
    [ "${E2E_SWITCHES:-0}" = 1 ] && { switch_prepare || return 1; }
    start_store || return 1
    start_collector
}

start_store() {
    [ "$STORE_BACKEND" = postgresql ] || return 0
    local conninfo
    conninfo=$("$E2E_SRC/tests/support/pg.sh" start "$W/pg") || return 1
    # dbq and psql find the server through the environment; the collector through its flag.
    export PGHOST=$W/pg PGDATABASE=whb PGUSER=whb
    STORE_FLAGS=(--store-backend postgresql --store-conninfo "$conninfo")
}

# dbq SQL: one value (or rows) from the collector's store, as text; booleans as 0/1.
dbq() {
    if [ "$STORE_BACKEND" = postgresql ]; then
        psql -XAtq -c "$1" | sed 's/^t$/1/; s/^f$/0/'
    else
        sqlite3 "$W/collector.db" "$1"
    fi
}

client_add() { # N switch
    local i=$1 sw=$2
    ip netns add "${NS_PREFIX}c$i" 2>/dev/null || true
    nsx c$i ip link set lo up
    ip -n ${NS_PREFIX}c$i link add eth0 type veth peer name swp$i netns ${NS_PREFIX}sw$sw
    nsx sw$sw ip link set swp$i master br0 up
    nsx c$i ip link set eth0 up
    if [ "$sw" = 1 ]; then
        nsx c$i ip addr add 10.99.0.$((10 + i))/24 dev eth0
        nsx c$i ip route add default via 10.99.0.1
    else
        nsx c$i ip addr add 10.98.0.$((10 + i))/24 dev eth0
        nsx c$i ip route add default via 10.98.0.1
    fi
}

start_lldpd() { # switch
    local sw=$1
    ip netns exec "${NS_PREFIX}sw$sw" lldpd -d -u "$W/lldpd-sw$sw.sock" -I 'swp*' -S "access switch $sw" \
        >"$W/lldpd-sw$sw.log" 2>&1 &
    PIDS+=($!)
    wait_for 10 "lldpd on sw$sw" test -S "$W/lldpd-sw$sw.sock" || return 1
    nsx sw$sw lldpcli -u "$W/lldpd-sw$sw.sock" configure system hostname sw-access-$sw >/dev/null
    nsx sw$sw lldpcli -u "$W/lldpd-sw$sw.sock" configure lldp portidsubtype ifname >/dev/null
    nsx sw$sw lldpcli -u "$W/lldpd-sw$sw.sock" configure lldp tx-interval 1 >/dev/null
}

start_wsus() {
    mkdir -p "$W/nginx"
    cat > "$W/nginx/nginx.conf" <<NGX
worker_processes 1;
pid $W/nginx/nginx.pid;
error_log $W/nginx/error.log;
events { worker_connections 64; }
http {
    access_log off;
    client_body_temp_path $W/nginx;
    server {
        listen 8530;
        location / {
            if (-f $W/wsus-down) { return 503 "Service Unavailable"; }
            return 200 "WSUS";
        }
    }
}
NGX
    ip netns exec "${NS_PREFIX}srv" nginx -c "$W/nginx/nginx.conf" -g 'daemon off;' &
    PIDS+=($!)
}

start_collector() { # [port collector-id]: a second collector shares the PostgreSQL store
    local port=${1:-8443} id=${2:-col-a} log=$W/collector.log
    [ "$port" = 8443 ] || log=$W/collector-$id.log
    ip netns exec "${NS_PREFIX}srv" "$E2E_BIN/whb-collector" --listen 0.0.0.0:$port --cert "$W/certs/server.crt" \
        --key "$W/certs/server.key" --db "$W/collector.db" --enrollment-token-file "$W/token" \
        ${STORE_FLAGS[@]+"${STORE_FLAGS[@]}"} ${COLLECTOR_CONF[@]+"${COLLECTOR_CONF[@]}"} --collector-id "$id" --control-socket "$W/ctl-$port.sock" \
        --interval $INTERVAL --grace 3 --log-level info >>"$log" 2>&1 &
    if [ "$port" = 8443 ]; then COLLECTOR_PID=$!; else COLLECTOR2_PID=$!; fi
    WHB_PORT=$port wait_for 60 "collector $id" whb status
    # The fleet's admin accepts every machine as it enrolls (whb accept --all, each second):
    # these machines are real, so their silences count for each other (issue 22: only
    # reviewed machines move a neighbour's answer).
    if [ -z "${ACCEPT_PID:-}" ]; then
        (while :; do WHB_PORT=8443 whb accept --all >/dev/null 2>&1; sleep 1; done) &
        ACCEPT_PID=$!
        PIDS+=($!)
    fi
}

stop_collector() { # signal
    kill -"${1:-TERM}" "$COLLECTOR_PID" 2>/dev/null
    wait "$COLLECTOR_PID" 2>/dev/null
}

# A machine that lost power comes back from a new boot: BOOT_ID=... start_agent N runs the agent
# with its own kernel boot id (a bind mount in the agent's mount namespace). COLLECTOR_URL=...
# gives another way to the collector (a machine on sw-access-2 reaches it at 10.98.0.1).
start_agent() { # N [extra flags...]
    local i=$1
    shift
    mkdir -p "$W/c$i"
    local boot=()
    if [ -n "${BOOT_ID:-}" ]; then
        echo "$BOOT_ID" > "$W/c$i.boot_id"
        boot=(unshare -m sh -c "mount --bind $W/c$i.boot_id /proc/sys/kernel/random/boot_id && exec \"\$0\" \"\$@\"")
    fi
    ip netns exec "${NS_PREFIX}c$i" "${boot[@]}" "$E2E_BIN/whb-agent" \
        --collector-url "${COLLECTOR_URL:-https://10.99.0.1:8443/v1/report}" \
        --ca-file "$W/certs/ca.crt" --state-dir "$W/c$i" --fqdn "pc-$i.corp.example" \
        --machine-id "m-e2e-$i" --enrollment-token e2e-enroll --interval $INTERVAL \
        --wsus-url http://10.99.0.1:8530/ --wsus-interval 5 --log-level debug "$@" \
        >>"$W/c$i.log" 2>&1 &
    echo $! > "$W/c$i.pid"
}

agent_pid() { cat "$W/c$1.pid"; }

stop_agent() { # N signal
    local pid
    pid=$(agent_pid "$1")
    kill -"${2:-TERM}" "$pid" 2>/dev/null
    kill -CONT "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
}

# The admin CLI, on the collector's host: its control socket (as root), no token.
whb() { nsx srv "$E2E_BIN/whb" --socket "$W/ctl-$WHB_PORT.sock" "$@"; }

# field HOST JQ-PATH: from `whb why HOST --json`.
why_field() { whb why "$1" --json | jq -r "$2"; }

is_reporting() { [ "$(why_field "$1" .status)" = reporting ]; }
is_silent() { [ "$(why_field "$1" .status)" = not_reporting ]; }
has_switch() { [ "$(why_field "$1" .attachment.switch)" = "$2" ]; }

# history_has HOST REASON: a past silence of HOST explained as REASON.
history_has() { whb history "$1" --json | jq -e --arg r "$2" '.gaps[] | select(.reason == $r)' >/dev/null; }

expect_eq() { # what got want
    if [ "$2" != "$3" ]; then log "FAIL $1: got '$2', want '$3'"; return 1; fi
    log "ok   $1: $2"
}

e2e_teardown() {
    E2E_STATUS=$?
    [ -n "${W:-}" ] || return 0 # the scenario stopped before it built anything
    disown -a 2>/dev/null # no "Killed" job notices: these processes are ours to end
    for f in "$W"/c*.pid; do [ -f "$f" ] && kill -9 "$(cat "$f")" 2>/dev/null; done
    kill -9 "$COLLECTOR_PID" ${COLLECTOR2_PID:-} 2>/dev/null
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
    kill "$(cat "$W/nginx/nginx.pid" 2>/dev/null)" 2>/dev/null
    sleep 0.2
    for p in "${PIDS[@]}"; do kill -9 "$p" 2>/dev/null; done
    wait 2>/dev/null
    for ns in $(ip netns list | awk '{print $1}' | grep "^$NS_PREFIX"); do ip netns del "$ns"; done
    [ -d "$W/pg" ] && "$E2E_SRC/tests/support/pg.sh" stop "$W/pg"
    if [ "${E2E_KEEP:-0}" = 1 ]; then
        log "logs kept in $W"
    else
        # On failure the logs are the only witness: show their ends before they go.
        if [ "${E2E_STATUS:-0}" != 0 ]; then
            for f in "$W"/*.log; do [ -f "$f" ] && { echo "    == $f"; tail -15 "$f" | sed 's/^/    /'; }; done
        fi
        rm -rf "$W"
    fi
}

# e2e_count_ge N SQL: the store's answer to SQL is at least N (for wait_for).
e2e_count_ge() { local n; n=$(dbq "$2") && [ "${n:-0}" -ge "$1" ]; }

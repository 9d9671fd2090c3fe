# The shell integration tests' shared set-up, sourced (bash): a scratch directory and the
# processes a test starts, both gone at exit; free ports; ok/bad/expect/check; waiting for a
# state, never for a fixed time; the end of a test.
#
#   . "$(dirname "$0")/../support/shell.sh"
#   whb_test_init cli              # $work, $fail, $pids; the exit trap
#   port=$(free_port)
#   "$bin/whb-collector" ... & pids+=($!)
#   wait_started "${pids[-1]}" "the collector to answer" curl -sf -o /dev/null "http://127.0.0.1:$port/healthz" ||
#       whb_abort "the collector did not start" "$work/collector.log"
#   expect "status counts" "$(whb status --json | jq -c .known)" 2
#   whb_test_finish
#
# KEEP=1 keeps the scratch directory for a look afterwards.

# whb_test_init NAME: makes $work (/tmp/whb-NAME-XXXXXX), sets fail=0 and pids=(), and at exit
# stops every process in pids (with whb_kill_signal, TERM unless set before), runs the commands
# given to whb_on_exit and removes $work.
whb_test_init() {
    whb_test_name=$1
    work=$(mktemp -d "/tmp/whb-$1-XXXXXX") || { echo "cannot make a scratch directory"; exit 1; }
    fail=0
    pids=()
    whb_exit_cmds=()
    whb_kill_signal=${whb_kill_signal:-TERM}
    trap whb_test_cleanup EXIT
}

# whb_on_exit CMD...: runs CMD at exit, once the processes have stopped (e.g. removes a network
# namespace).
whb_on_exit() {
    whb_exit_cmds+=("$(printf '%q ' "$@")")
}

whb_test_cleanup() {
    local rc=$? c p
    for p in "${pids[@]}"; do kill -s "$whb_kill_signal" "$p" 2>/dev/null; done
    wait 2>/dev/null
    for c in "${whb_exit_cmds[@]}"; do eval "$c" 2>/dev/null; done
    if [ -n "${KEEP:-}" ]; then echo "kept $work"; else rm -rf "$work"; fi
    return $rc
}

ok() { echo "    ok   $*"; }
bad() { echo "    FAIL $*"; fail=1; }

# expect DESCRIPTION GOT WANT
expect() {
    if [ "$2" = "$3" ]; then ok "$1"; else bad "$1: got '$2', want '$3'"; fi
}

# check DESCRIPTION CONDITION: CONDITION is a shell condition, evaluated now.
check() {
    if eval "$2"; then ok "$1"; else bad "$1"; fi
}

# check_cmd DESCRIPTION CMD...: CMD succeeds (its output is not shown).
check_cmd() {
    local what=$1
    shift
    if "$@" >/dev/null 2>&1; then ok "$what"; else bad "$what"; fi
}

# quietly CMD...: CMD with its output discarded (for wait_until).
quietly() { "$@" >/dev/null 2>&1; }

# An agent's network namespace NAME of its own (eth0 10.66.0.2/24 on a veth whose peer is up),
# deleted at exit; nsx runs a command in it. Exits 77 when namespaces cannot be made.
whb_test_veth_ns() { # NAME
    ns=$1
    ip netns add "$ns" || { echo "skipped: cannot make a network namespace"; exit 77; }
    whb_on_exit ip netns del "$ns"
    nsx() { ip netns exec "$ns" "$@"; }
    nsx ip link set lo up
    nsx ip link add eth0 type veth peer name peer0
    nsx ip link set eth0 up
    nsx ip link set peer0 up
    nsx ip addr add 10.66.0.2/24 dev eth0
}

# free_port [ADDRESS]: a TCP port free on ADDRESS (127.0.0.1; an IPv6 one such as ::).
free_port() {
    python3 - "${1:-127.0.0.1}" <<'PY'
import socket, sys
s = socket.socket(socket.AF_INET6 if ":" in sys.argv[1] else socket.AF_INET)
s.bind((sys.argv[1], 0))
print(s.getsockname()[1])
PY
}

# wait_until SECONDS DESCRIPTION CMD...: runs CMD every 0.1 s until it succeeds (0), for at most
# SECONDS; 1 and a line naming what was awaited when it never did. For a shell condition, CMD
# is `eval 'CONDITION'`.
wait_until() {
    local limit=$1 what=$2
    shift 2
    local end=$((${EPOCHREALTIME//[!0-9]/} + limit * 1000000))
    while :; do
        "$@" && return 0
        [ "${EPOCHREALTIME//[!0-9]/}" -lt "$end" ] || break
        sleep 0.1
    done
    echo "    ...  waited $limit s for $what, in vain" >&2
    return 1
}

# wait_started PID DESCRIPTION CMD...: wait_until for a process that has just been started (a
# collector): a start is slow on a loaded machine (sanitizers, fsyncs of tests beside it), so
# the bound is WHB_START_WAIT (60) seconds, but a process that has exited is not waited for.
wait_started() {
    local pid=$1 what=$2
    shift 2
    local end=$((${EPOCHREALTIME//[!0-9]/} + ${WHB_START_WAIT:-60} * 1000000))
    while :; do
        "$@" && return 0
        if ! kill -0 "$pid" 2>/dev/null; then
            echo "    ...  $what: it exited before it answered" >&2
            return 1
        fi
        [ "${EPOCHREALTIME//[!0-9]/}" -lt "$end" ] || break
        sleep 0.1
    done
    echo "    ...  waited ${WHB_START_WAIT:-60} s for $what, in vain" >&2
    return 1
}

# whb_abort MESSAGE [LOG]: the test cannot go on; shows the end of LOG.
whb_abort() {
    echo "    FAIL $1"
    [ -n "${2:-}" ] && tail -20 "$2"
    exit 1
}

# whb_stop_clean PID LOG: stops the collector PID and checks that it left no sanitizer or leak
# report in LOG (ASan builds).
whb_stop_clean() {
    kill "$1" 2>/dev/null
    wait "$1" 2>/dev/null
    local report
    report=$(grep -m1 -E "AddressSanitizer|LeakSanitizer|runtime error" "$2")
    if [ -n "$report" ]; then bad "collector: $report"; else ok "the collector stopped with no sanitizer report"; fi
}

# whb_test_finish: the test's status (0 when every check passed).
whb_test_finish() {
    if [ "$fail" = 0 ]; then echo "all $whb_test_name checks passed"; fi
    exit "$fail"
}

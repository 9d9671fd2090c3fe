#!/bin/bash
# From a port shut on a switch to an answer that names it (issue 24; goal: at most 2 s with
# traps or syslog). On the e2e network (tests/e2e/lib.sh, switch.sh: real namespaces, bridge,
# snmpd, rsyslog over TLS, TLS collector, a real agent behind a cable namespace), N times
# (default 10) per path, polling the read API every POLL_MS (10) over one HTTPS connection:
#   syslog  the switch's syslog line (kernel link event -> logger -> rsyslog -> TLS -> collector)
#   trap    an SNMPv3 inform sent the moment the port is shut, as a switch's own agent sends it
#           (snmpinform from the switch's namespace; the syslog path stopped)
#   snmpd   net-snmp's snmpd on the Linux switch alone (monitor -r 1 over an interface table it
#           caches for 3 s: the test switch's own delay, not the collector's)
# Prints p50/p95/max (ms) of: shut -> /v1/network/switch/ports says the port is shut (the
# network team's answer), and shut -> /v1/machines/pc-1/why answers port_disabled (which also
# waits for the machine to be overdue: grace 3 x heartbeat 2 s here).
# Needs root. Namespaces are named WHB_NS_PREFIX (default wsl-). Usage: switch-latency.sh [N]
set -euo pipefail
cd "$(dirname "$0")/../.."
n=${1:-10}
[ "$n" -ge 1 ] && [ "$n" -le 100 ] || { echo "N must be 1..100" >&2; exit 2; }
export WHB_NS_PREFIX=${WHB_NS_PREFIX:-wsl-}
[ "$WHB_NS_PREFIX" != whb- ] || { echo "use another WHB_NS_PREFIX than the e2e tests' whb-" >&2; exit 2; }
if [ -z "${BUILD:-}" ]; then
    cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
    cmake --build build-bench -j 2 --target whb-agent whb-collector whb >/dev/null
    BUILD=build-bench
fi
export E2E_BIN=$(cd "$BUILD" && pwd)/bin
source tests/e2e/lib.sh
source tests/e2e/switch.sh
if [ "$(id -u)" -ne 0 ] || ! ip netns add "${NS_PREFIX}probe" 2>/dev/null; then
    echo "switch-latency: needs root (network namespaces)" >&2
    exit 77
fi
ip netns del "${NS_PREFIX}probe"
for ns in $(ip netns list | awk '{print $1}' | grep "^$NS_PREFIX" || true); do ip netns del "$ns"; done
trap 'rc=$?; set +e; (exit $rc); e2e_teardown' EXIT
SILENT_WAIT=30
BACK_WAIT=30

E2E_SWITCHES=1 e2e_setup 0
client_add_cabled 1
start_agent 1
wait_for 30 "pc-1 on sw-access-1" has_switch pc-1 sw-access-1
wait_for 20 "swp1 read" switch_port_is swp1 up up

cat >"$W/drive.py" <<'PY'
import http.client, json, os, socket, subprocess, sys, time

path, n, poll = sys.argv[1], int(sys.argv[2]), int(os.environ.get("POLL_MS", "10")) / 1000.0
ns, sock = os.environ["NSP"], os.environ["SOCK"]
conn = None


class UnixConnection(http.client.HTTPConnection):
    """The collector's control socket: the admin on its host, as whb --socket asks."""

    def connect(self):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(5)
        self.sock.connect(sock)


def get(p):
    global conn
    for _ in range(3):
        try:
            if conn is None:
                conn = UnixConnection("localhost")
            conn.request("GET", p)
            r = conn.getresponse()
            body = r.read()
            return json.loads(body) if body else {}
        except (OSError, http.client.HTTPException, ValueError):
            conn = None
    raise SystemExit("the API does not answer " + p)


def now():
    return time.time() * 1000.0


def until(what, limit, fn):
    end = time.time() + limit
    while time.time() < end:
        if fn():
            return now()
        time.sleep(poll)
    raise SystemExit("timed out: " + what)


def shut():
    return get("/v1/network/switch/ports?switch=sw-access-1&port=swp1").get("port") or {}


def run(*args):
    subprocess.run(["ip", "netns", "exec", ns + "sw1", *args], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


ports, whys, sources = [], [], []
for k in range(n):
    until("swp1 up", 60, lambda: shut().get("admin") == "up" and shut().get("oper") == "up")
    until("pc-1 reporting", 60, lambda: get("/v1/machines/pc-1/why").get("status") == "reporting")
    time.sleep(1)
    t0 = now()
    run("ip", "link", "set", "swp1", "down")
    if path == "trap":
        # An inform (the collector's engine is authoritative): snmptrap -e with the switch's
        # engine ID but its own boots and time would stand in for the switch's agent badly.
        ifindex = os.environ["IFX"]
        run("snmpinform", "-v", "3", "-u", "whb-e2e", "-l", "authPriv", "-a", "SHA", "-A",
            "e2e-auth-pass", "-x", "AES", "-X", "e2e-priv-pass", "10.99.0.1:1162", "",
            ".1.3.6.1.6.3.1.1.5.3", ".1.3.6.1.2.1.2.2.1.1." + ifindex, "i", ifindex,
            ".1.3.6.1.2.1.2.2.1.7." + ifindex, "i", "2", ".1.3.6.1.2.1.2.2.1.8." + ifindex, "i", "2")
    t1 = until("the switch's word", 30, lambda: shut().get("admin") == "down")
    sources.append(shut().get("source", "?"))
    t2 = until("why names the port", 60,
               lambda: get("/v1/machines/pc-1/why").get("reason") == "port_disabled")
    ports.append(t1 - t0)
    whys.append(t2 - t0)
    run("ip", "link", "set", "swp1", "up")


def stats(v):
    v = sorted(v)
    return "p50 %6.0f  p95 %6.0f  max %6.0f" % (v[len(v) // 2], v[min(len(v) - 1, int(len(v) * 0.95))], v[-1])


print("%-7s shut -> port shut in the API: %s   shut -> why port_disabled: %s   (%s)" %
      (path, stats(ports), stats(whys), ",".join(sorted(set(sources)))))
PY
ifx=$(nsx sw1 cat /sys/class/net/swp1/ifindex)
drive() { NSP=$NS_PREFIX SOCK="$W/ctl-8443.sock" ENGINE=$SW_ENGINE IFX=$ifx ip netns exec "${NS_PREFIX}srv" python3 "$W/drive.py" "$@"; }
echo "rounds=$n poll=${POLL_MS:-10} ms heartbeat=${INTERVAL}s grace=3 cores=$(nproc) load=$(cut -d' ' -f1-3 /proc/loadavg)"
drive syslog "$n"
kill "$LINK_WORDS_PID"
drive trap "$n"
drive snmpd "$n"

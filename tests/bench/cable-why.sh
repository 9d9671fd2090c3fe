#!/bin/bash
# Cable to answer: how long from a kernel link event on a client to the explanation being
# available through the collector's API, on the e2e network (tests/e2e/lib.sh: real namespaces,
# veths, bridge, lldpd, TLS collector, real agents, heartbeat 2 s, silent after 3 x 2 s).
# Three cases, N times each (default 20), polling the API every POLL_MS (default 10) over one
# keep-alive HTTPS connection, printing p50/p95/max (ms):
#   A  a second adapter of pc-2 loses (and regains) carrier; pc-2 still reports on eth0, so the
#      event is delivered at once: kernel event -> event in /v1/machines/pc-2/history, split into
#      kernel -> agent, agent -> stored (collector), stored -> answered by the API.
#   B  pc-3's only cable flaps (out 0.5 s): the events wait for the link; link back -> in the API.
#   C  pc-1's cable is pulled (its switch-side end leaves the switch, as in the e2e scenario
#      cable_unplugged), kept out until the API says not_reporting, plus HOLD_MS, then put back:
#      pull -> not_reporting in /v1/machines/pc-1/why (bounded by grace x interval from the last report),
#      back -> reporting again, back -> the gap's explanation in /v1/machines/pc-1/history.
#   D  as C, but the cable stays out LONG_S (default 40) s, LONG_N (default 3) times: long
#      enough for the agent's sends to time out and its retries to back off.
# Needs root. Namespaces are named WHB_NS_PREFIX (default wl-) so that it never meets the e2e
# tests' whb-*. Usage: cable-why.sh [N]
# (env: POLL_MS, HOLD_MS, LONG_N, LONG_S, BUILD=an existing build dir with bin/)
set -euo pipefail
cd "$(dirname "$0")/../.."
n=${1:-20}
[ "$n" -ge 1 ] && [ "$n" -le 200 ] || { echo "N must be 1..200" >&2; exit 2; }
export WHB_NS_PREFIX=${WHB_NS_PREFIX:-wl-}
[ "$WHB_NS_PREFIX" != whb- ] || { echo "use another WHB_NS_PREFIX than the e2e tests' whb-" >&2; exit 2; }
if [ -z "${BUILD:-}" ]; then
    cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release >/dev/null
    cmake --build build-bench -j 2 --target whb-agent whb-collector whb >/dev/null
    BUILD=build-bench
fi
export E2E_BIN=$(cd "$BUILD" && pwd)/bin
source tests/e2e/lib.sh
if [ "$(id -u)" -ne 0 ] || ! ip netns add "${NS_PREFIX}probe" 2>/dev/null; then
    echo "cable-why: needs root (network namespaces)" >&2
    exit 77
fi
ip netns del "${NS_PREFIX}probe"
for ns in $(ip netns list | awk '{print $1}' | grep "^$NS_PREFIX" || true); do ip netns del "$ns"; done
# lib.sh's teardown expects errors to be ignored (it ends what may have ended already).
trap 'rc=$?; set +e; (exit $rc); e2e_teardown' EXIT

e2e_setup 3
# pc-2's second adapter: its own (otherwise empty) network, so that pc-2 keeps reporting on eth0.
ip -n "${NS_PREFIX}c2" link add eth1 type veth peer name swp12 netns "${NS_PREFIX}sw1"
ip -n "${NS_PREFIX}sw1" link set swp12 up
ip -n "${NS_PREFIX}c2" link set eth1 up
ip -n "${NS_PREFIX}c2" addr add 10.97.0.12/24 dev eth1
ip netns add "${NS_PREFIX}limbo"
start_agent 1
start_agent 2
start_agent 3
wait_for 30 "pc-1 on its switch port" has_switch pc-1 sw-access-1
wait_for 30 "pc-2 reporting" is_reporting pc-2
wait_for 30 "pc-3 reporting" is_reporting pc-3
sleep 3 # start-up reports and the first WSUS probes are done

cat >"$W/drive.py" <<'PY'
import http.client, json, os, random, socket, sqlite3, subprocess, sys, time

n, poll, hold = int(sys.argv[1]), int(sys.argv[2]) / 1000.0, int(sys.argv[3]) / 1000.0
long_n, long_s = int(sys.argv[4]), float(sys.argv[5])
ns, db_path, ctl = os.environ["NS"], os.environ["DB"], os.environ["CTL"]
conn = None


class ControlConnection(http.client.HTTPConnection):
    """The admin on the collector's host: its control socket (no token; loopback is none)."""

    def __init__(self, path, timeout):
        super().__init__("localhost", timeout=timeout)
        self.unix_path = path

    def connect(self):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(self.timeout)
        self.sock.connect(self.unix_path)
ip_ms = []


def now():
    return time.time() * 1000.0


def get(path):
    global conn
    err = None
    for _ in range(3):
        try:
            if conn is None:
                conn = ControlConnection(ctl, timeout=5)
            conn.request("GET", path)
            r = conn.getresponse()
            body = r.read()
            if r.status == 200:
                return json.loads(body)
            err = "HTTP %d %s" % (r.status, body[:200])
        except (OSError, http.client.HTTPException) as e:
            err = repr(e)
        conn = None
    raise SystemExit("the API does not answer %s: %s" % (path, err))


def ip(*args):
    t = now()
    subprocess.run(["ip", *args], check=True)
    ip_ms.append(now() - t)
    return t


def until(what, limit_s, fn):
    end = time.time() + limit_s
    while time.time() < end:
        v = fn()
        if v:
            return now(), v
        time.sleep(poll)
    raise SystemExit("timed out after %d s: %s" % (limit_s, what))


def count(host, kind, adapter):
    h = get("/v1/machines/%s/history" % host)
    return sum(1 for e in h["events"] if e["kind"] == kind and e["adapter"] == adapter)


def stored(kind, machine, adapter, t0):
    with sqlite3.connect("file:%s?mode=ro" % db_path, uri=True, timeout=5) as c:
        return c.execute("select agent_at_ms, received_ms from events where machine_id=? and "
                         "kind=? and adapter=? and agent_at_ms>=? order by agent_at_ms limit 1",
                         (machine, kind, adapter, int(t0) - 5)).fetchone()


res = {}


def add(name, v):
    res.setdefault(name, []).append(v)


KIND = {"carrier_lost": 13, "carrier_gained": 14}
# A: pc-2's second adapter
for i in range(n):
    for kind, state in (("carrier_lost", "down"), ("carrier_gained", "up")):
        before = count("pc-2", kind, "eth1")
        t0 = ip("-n", ns + "sw1", "link", "set", "swp12", state)
        t1, _ = until("pc-2 eth1 " + kind, 30, lambda: count("pc-2", kind, "eth1") > before)
        add("A  second adapter %s -> API" % kind.replace("_", " "), t1 - t0)
        row = stored(KIND[kind], "m-e2e-2", "eth1", t0)
        if row:
            add("A    kernel -> agent event", row[0] - t0)
            add("A    agent event -> received by the collector", row[1] - row[0])
            add("A    received by the collector -> API answer", t1 - row[1])
        time.sleep(random.uniform(0.2, 1.0))

# B: pc-3's only cable flaps
for i in range(n):
    before = count("pc-3", "carrier_gained", "eth0")
    t0 = ip("-n", ns + "sw1", "link", "set", "swp3", "down")
    time.sleep(0.5)
    t1 = ip("-n", ns + "sw1", "link", "set", "swp3", "up")
    t2, _ = until("pc-3 flap", 60, lambda: count("pc-3", "carrier_gained", "eth0") > before)
    add("B  flap (0.5 s): link back -> both events in API", t2 - t1)
    time.sleep(random.uniform(1.0, 3.0))

# C: pc-1's cable pulled until the API says so, then back; D: out for long_s
reasons, gap_reasons = {}, {}
for i in range(n + long_n):
    d = "C" if i < n else "D"
    until("pc-1 reporting", 60, lambda: get("/v1/machines/pc-1/why")["status"] == "reporting")
    time.sleep(random.uniform(0.0, 2.0))  # anywhere in the heartbeat cycle
    g = get("/v1/machines/pc-1/history")["gaps"]
    newest = g[0]["from"] if g else None  # the list is capped: watch its head, not its length
    t0 = ip("-n", ns + "sw1", "link", "set", "swp1", "netns", ns + "limbo")
    t1, w = until("pc-1 silent", 60, lambda: (lambda j: j if j["status"] == "not_reporting" else None)(get("/v1/machines/pc-1/why")))
    reasons[w["reason"]] = reasons.get(w["reason"], 0) + 1
    if d == "C":
        add("C  pull -> not_reporting in why", t1 - t0)
        time.sleep(hold)
    else:
        time.sleep(max(0.0, long_s - (now() - t0) / 1000.0))
    t2 = ip("-n", ns + "limbo", "link", "set", "swp1", "netns", ns + "sw1")
    ip("-n", ns + "sw1", "link", "set", "swp1", "master", "br0", "up")
    t3, _ = until("pc-1 back", 60, lambda: get("/v1/machines/pc-1/why")["status"] == "reporting")
    add(d + "  back -> reporting in why", t3 - t2)
    t4, h = until("pc-1 gap explained", 60, lambda: (lambda j: j if j["gaps"] and j["gaps"][0]["from"] != newest else None)(get("/v1/machines/pc-1/history")))
    gap_reasons[h["gaps"][0]["reason"]] = gap_reasons.get(h["gaps"][0]["reason"], 0) + 1
    add(d + "  back -> gap explained in history", t4 - t2)

def pct(v, p):
    v = sorted(v)
    return v[max(0, min(len(v) - 1, int(-(-p * len(v) // 100)) - 1))]


print("%-50s %4s %7s %7s %7s" % ("ms", "n", "p50", "p95", "max"))
for k, v in res.items():
    print("%-50s %4d %7.0f %7.0f %7.0f" % (k, len(v), pct(v, 50), pct(v, 95), max(v)))
print("C, D: why while silent: %s; the gap in history: %s" % (reasons, gap_reasons))
print("the `ip` command that makes each event took p50 %.0f ms (included above)" % pct(ip_ms, 50))
PY
log "N=$n (D: ${LONG_N:-3} x ${LONG_S:-40} s), API polled every ${POLL_MS:-10} ms; heartbeat ${INTERVAL} s, silent after 3 x ${INTERVAL} s"
log "load before: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
NS=$NS_PREFIX DB=$W/collector.db CTL=$W/ctl-8443.sock \
    ip netns exec "${NS_PREFIX}srv" python3 "$W/drive.py" "$n" "${POLL_MS:-10}" "${HOLD_MS:-1000}" \
    "${LONG_N:-3}" "${LONG_S:-40}"
log "load after: $(cut -d' ' -f1-3 /proc/loadavg)"

#!/usr/bin/env python3
"""The read API through HTTP, as an admin's tools see it (tests/bench/explain.sh): `why` for
random hosts on one keep-alive connection (p50/p99), and whole lists read as they stream (time
to the last byte, bytes, rows), while the collector's resident memory is sampled."""
import http.client, os, random, re, sys, threading, time

# Loopback is no identity: the read API wants the admin (or read) token from every address.
AUTH = {"Authorization": "Bearer " + os.environ["WHB_BENCH_TOKEN"]} if os.environ.get("WHB_BENCH_TOKEN") else {}

def rss_kb(pid, key):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return 0

def why(port, machines, queries):
    conn = http.client.HTTPConnection("127.0.0.1", port)
    rnd = random.Random(42)
    lat = []
    for _ in range(queries):
        host = f"pc-{rnd.randrange(machines)}.corp.example"
        t0 = time.perf_counter()
        conn.request("GET", f"/v1/machines/{host}/why", headers=AUTH)
        r = conn.getresponse()
        body = r.read()
        lat.append((time.perf_counter() - t0) * 1e3)
        if r.status != 200:
            sys.exit(f"why {host}: {r.status} {body[:200]!r}")
    lat.sort()
    print(f"  HTTP   why: {queries} random hosts: p50 {lat[len(lat) // 2]:.3f} ms  "
          f"p99 {lat[len(lat) * 99 // 100]:.3f} ms  max {lat[-1]:.3f} ms")

def listing(port, pid, path):
    """Private memory (RssAnon: the heap) and all resident memory (VmRSS, with the pages of the
    database file SQLite maps, which the kernel shares and reclaims) at their peaks."""
    keys = ("RssAnon", "VmRSS")
    before = {k: rss_kb(pid, k) for k in keys}
    peak = dict(before)
    done = threading.Event()
    def sample():
        while not done.is_set():
            for k in keys:
                peak[k] = max(peak[k], rss_kb(pid, k))
            time.sleep(0.02)
    t = threading.Thread(target=sample)
    t.start()
    conn = http.client.HTTPConnection("127.0.0.1", port)
    t0 = time.perf_counter()
    conn.request("GET", path, headers=AUTH)
    r = conn.getresponse()
    first = (time.perf_counter() - t0) * 1e3
    size, tail = 0, b""
    while True:
        chunk = r.read(1 << 20)
        if not chunk:
            break
        size += len(chunk)
        tail = (tail + chunk)[-200:]
    total = (time.perf_counter() - t0) * 1e3
    done.set()
    t.join()
    m = re.search(rb'"count":\s*(\d+)', tail)
    count = int(m.group(1)) if m else None
    mb = lambda kb: f"{kb / 1024:.0f} MB"
    print(f"  HTTP   {path}: {count} machines, {size / 1e6:.1f} MB of JSON in {total:.0f} ms "
          f"(first byte {first:.1f} ms, status {r.status})\n"
          f"         collector private memory (RssAnon) {mb(before['RssAnon'])} before, peak "
          f"{mb(peak['RssAnon'])}; resident with the mapped database (VmRSS) "
          f"{mb(before['VmRSS'])} -> {mb(peak['VmRSS'])}")

def thread_cpu(pid):
    """CPU seconds of each of the collector's threads, by name (whb-summaries, whb-writer...)."""
    import os
    hz = os.sysconf("SC_CLK_TCK")
    out = {}
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return out
    for t in tasks:
        try:
            with open(f"/proc/{pid}/task/{t}/stat") as f:
                st = f.read()
        except OSError:
            continue
        name = st[st.index("(") + 1:st.rindex(")")]
        fields = st[st.rindex(")") + 2:].split()
        out[name] = out.get(name, 0) + (int(fields[11]) + int(fields[12])) / hz
    return out

def pct(v, q):
    v = sorted(v)
    return v[min(len(v) - 1, int(len(v) * q))] if v else float("nan")

def intake(loadgen, port, token, seconds):
    """Heartbeats from 2,000 machines of their own (numbered from 2,000,000: the store's
    machines have other keys) over 4 keep-alive connections: the answers' latency."""
    import subprocess
    out = subprocess.run([loadgen, "--url", f"http://127.0.0.1:{port}/v1/report", "--machines",
                          "2000", "--first", "2000000", "--connections", "4", "--seconds",
                          str(seconds), "--token", token], capture_output=True, text=True).stdout
    m = re.search(r"ok=(\d+).*rate=(\d+) p50_ms=([0-9.]+) p99_ms=([0-9.]+) max_ms=([0-9.]+)", out)
    if not m:
        return f"loadgen: {out.strip()}"
    return (f"{m.group(1)} reports stored, {m.group(2)}/s: latency p50 {m.group(3)} ms  p99 "
            f"{m.group(4)} ms  max {m.group(5)} ms")

def startup(port, pid, machines, started, limit, log, offset, loadgen=None, token=None):
    """From the collector's start: /healthz polled every 100 ms on a new connection (as a
    monitoring system does) and `why` for random hosts back to back on a keep-alive one, until
    the summaries worker says its start-up pass is done (its log line, after offset in log) or
    limit s; then the pass's figures (the log's, and its thread's CPU from /proc)."""
    stop = threading.Event()
    health, whys = [], []
    def poll_health():
        while not stop.is_set():
            t = time.time()
            try:
                c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                c.request("GET", "/healthz")
                r = c.getresponse()
                r.read()
                c.close()
                health.append((t - started, (time.time() - t) * 1e3, r.status))
            except OSError:
                pass
            time.sleep(max(0, 0.1 - (time.time() - t)))
    def ask_why():
        rnd = random.Random(7)
        conn = None
        while not stop.is_set():
            host = f"pc-{rnd.randrange(machines)}.corp.example"
            t = time.time()
            try:
                if conn is None:
                    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                conn.request("GET", f"/v1/machines/{host}/why", headers=AUTH)
                r = conn.getresponse()
                r.read()
                whys.append((t - started, (time.time() - t) * 1e3, r.status))
            except OSError:
                conn = None
                time.sleep(0.05)
    threads = [threading.Thread(target=poll_health), threading.Thread(target=ask_why)]
    for t in threads:
        t.start()
    done, worker, during = None, {}, None
    if loadgen:
        time.sleep(max(0, 3 - (time.time() - started)))
        intake(loadgen, port, token, 3)  # enrolls its machines
        time.sleep(max(0, 10 - (time.time() - started)))
        during = intake(loadgen, port, token, 10)
    while time.time() - started < limit and not done:
        time.sleep(0.5)
        worker = thread_cpu(pid) or worker
        with open(log, "rb") as f:
            f.seek(offset)
            m = re.search(rb"summaries: start-up pass done in ([0-9.]+) s, ([0-9.]+) s of CPU"
                          rb" \(reasons of ([0-9]+)", f.read())
        if m:
            done = (float(m.group(1)), float(m.group(2)), int(m.group(3)))
    end = time.time() - started
    after = intake(loadgen, port, token, 10) if loadgen and done else None
    stop.set()
    for t in threads:
        t.join()
    def line(what, rows, lo, hi, goal):
        lat = [l for (t, l, s) in rows if lo <= t < hi]
        bad = sorted(set(s for (t, l, s) in rows if lo <= t < hi and s != 200))
        n_bad = sum(1 for (t, l, s) in rows if lo <= t < hi and s != 200)
        if not lat:
            return f"    {what}: none answered"
        # An answer that is an error (a 401 without the token) is no figure for the goal.
        return (f"    {what}: {len(lat)} answered ({n_bad} not 200{': ' if bad else ''}"
                f"{','.join(map(str, bad))}): p50 {pct(lat, .5):.2f} ms  p99 "
                f"{pct(lat, .99):.2f} ms  max {max(lat):.2f} ms   (goal: {goal})")
    first = min((t for (t, l, s) in health), default=float("nan"))
    print(f"  start-up: first /healthz answer {first:.2f} s after start")
    print(f"  within 10 s of start:")
    print(line("/healthz", health, 0, 10, "<= 10 ms"))
    print(line("why     ", whys, 0, 10, "p99 <= 100 ms"))
    print(f"  from 10 s to the end of the worker's start-up pass ({end:.0f} s after start):")
    print(line("/healthz", health, 10, end, "<= 10 ms"))
    print(line("why     ", whys, 10, end, "p99 <= 100 ms"))
    cpu = worker.get("whb-summaries", 0)
    if done:
        print(f"  summaries worker: start-up pass done in {done[0]:.1f} s, {done[1]:.1f} s of CPU "
              f"({100 * done[1] / max(done[0], 1e-9):.0f} % of a core), reasons of {done[2]} "
              f"silent machines; census thread {worker.get('whb-census', 0):.1f} s of CPU")
    else:
        print(f"  summaries worker: STILL BUSY {end:.0f} s after start ({cpu:.1f} s of CPU so far)")
    if during:
        print(f"  report intake (4 connections, beside the `why` client) from 10 s, while the "
              f"worker runs: {during}")
    if after:
        print(f"  report intake, the same after the worker's pass:    {after}")

if __name__ == "__main__":
    port, pid = int(sys.argv[2]), int(sys.argv[3])
    if sys.argv[1] == "startup":
        startup(port, pid, int(sys.argv[4]), float(sys.argv[5]), float(sys.argv[6]), sys.argv[7],
                int(sys.argv[8]), *sys.argv[9:11])
    elif sys.argv[1] == "why":
        why(port, int(sys.argv[4]), int(sys.argv[5]))
    else:
        listing(port, pid, sys.argv[4])

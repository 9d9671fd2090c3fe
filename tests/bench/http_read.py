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

if __name__ == "__main__":
    port, pid = int(sys.argv[2]), int(sys.argv[3])
    if sys.argv[1] == "why":
        why(port, int(sys.argv[4]), int(sys.argv[5]))
    else:
        listing(port, pid, sys.argv[4])
